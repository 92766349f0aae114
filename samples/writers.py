"""Save pages the way scanning stations do: PNG, JPEG (maybe with EXIF Orientation), multi-frame
TIFF and image-only multi-page PDF, all carrying their DPI.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PIL import Image

from samples.truth import ColorMode, FileKind

EXTENSIONS: dict[FileKind, str] = {"png": ".png", "jpeg": ".jpg", "tiff": ".tif", "pdf": ".pdf"}
BILEVEL_THRESHOLD = 160
# Fixed PDF dates: the same seed must give the same bytes.
_PDF_DATE = time.struct_time((2025, 1, 1, 0, 0, 0, 2, 1, 0))

# EXIF Orientation → how many quarter turns counter-clockwise (np.rot90 k) the stored pixels
# have relative to the displayed page; a viewer honouring the tag undoes them.
EXIF_QUARTER_TURNS = {3: 2, 6: 1, 8: 3}


def to_image(pixels: np.ndarray, mode: ColorMode) -> Image.Image:
    """A Pillow image of the page in the file's colour mode (bilevel: thresholded)."""
    if mode == "1":
        grey = pixels if pixels.ndim == 2 else pixels.mean(axis=2).astype(np.uint8)
        return Image.fromarray(np.where(grey < BILEVEL_THRESHOLD, 0, 255).astype(np.uint8),
                               "L").convert("1", dither=Image.Dither.NONE)
    if mode == "L" and pixels.ndim == 3:
        return Image.fromarray(pixels.mean(axis=2).astype(np.uint8), "L")
    return Image.fromarray(pixels, "RGB" if pixels.ndim == 3 else "L")


def save_pages(images: list[Image.Image], path: Path, kind: FileKind, dpi: int, quality: int,
               exif_orientation: int | None = None) -> None:
    """Write ``images`` as one file of ``kind``; PNG and JPEG hold one page only."""
    if kind in ("png", "jpeg") and len(images) != 1:
        raise ValueError(f"{kind} holds one page, not {len(images)}")
    if kind == "png":
        # Noisy grey pages barely compress; a low zlib level keeps generation fast.
        level = {"optimize": True} if images[0].mode == "1" else {"compress_level": 3}
        images[0].save(path, "PNG", dpi=(dpi, dpi), **level)
    elif kind == "jpeg":
        save_jpeg(images[0], path, dpi, quality, exif_orientation)
    elif kind == "tiff":
        save_tiff(images, path, dpi, quality)
    else:
        save_pdf(images, path, dpi, quality)


def save_jpeg(image: Image.Image, path: Path, dpi: int, quality: int,
              exif_orientation: int | None) -> None:
    """JPEG; with an Orientation tag the pixels are stored turned, as phones and some MFPs do."""
    exif = Image.Exif()
    if exif_orientation:
        turns = EXIF_QUARTER_TURNS[exif_orientation]
        image = Image.fromarray(np.rot90(np.asarray(image.convert("L" if image.mode == "1"
                                                                  else image.mode)), k=turns))
        exif[0x0112] = exif_orientation
    image = image.convert("L") if image.mode == "1" else image
    image.save(path, "JPEG", quality=quality, dpi=(dpi, dpi), exif=exif.tobytes(),
               optimize=True)


def save_tiff(images: list[Image.Image], path: Path, dpi: int, quality: int) -> None:
    """Multi-frame TIFF: CCITT Group 4 for bilevel pages, JPEG-in-TIFF for grey and colour."""
    bilevel = images[0].mode == "1"
    options = {"compression": "group4"} if bilevel else {"compression": "jpeg",
                                                         "quality": quality}
    frames = [img if (img.mode == "1") == bilevel else img.convert(images[0].mode)
              for img in images]
    frames[0].save(path, "TIFF", save_all=True, append_images=frames[1:], dpi=(dpi, dpi),
                   **options)


def save_pdf(images: list[Image.Image], path: Path, dpi: int, quality: int) -> None:
    """Image-only PDF, one JPEG (DCT) image per page, like a scanner's «scan to PDF»."""
    pages = [img.convert("L") if img.mode == "1" else img for img in images]
    pages[0].save(path, "PDF", save_all=True, append_images=pages[1:], resolution=dpi,
                  quality=quality, title="Scan", creator="sohoa samples generator",
                  producer="sohoa samples generator", creationDate=_PDF_DATE, modDate=_PDF_DATE)
