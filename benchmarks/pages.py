"""Page images and test PDFs for the throughput benchmark (their preparation is never timed).

Tesseract alone reads images, not PDFs, and ignores EXIF orientation; to give it the very pages
the other systems see, PDFs are rasterised at the OCR resolution with `pdftoppm`, TIFF frames
split, and JPEGs turned upright as their EXIF tag says. Every page is 8-bit grey (the floor
reads pre-rasterised grey pages: colour would cost Tesseract a conversion the others do too).
"""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

import pikepdf
from PIL import Image, ImageOps, ImageSequence

PDF_MAGIC = b"%PDF"


def is_pdf(path: Path) -> bool:
    """Decided by the bytes, as sohoa does, not by the name."""
    with path.open("rb") as handle:
        return handle.read(4) == PDF_MAGIC


def rasterise_pdf(pdf: Path, out_dir: Path, dpi: int) -> list[Path]:
    """One grey PNG per page at ``dpi`` (`pdftoppm`), in page order."""
    prefix = out_dir / pdf.stem
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(prefix)],
                   check=True)
    # pdftoppm pads page numbers to the width of the page count: sort by the number itself.
    pages = out_dir.glob(f"{pdf.stem}-*.png")
    return sorted(pages, key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def split_image(image_file: Path, out_dir: Path) -> list[Path]:
    """One upright grey PNG per frame, keeping the DPI so Tesseract need not guess it."""
    pages = []
    with Image.open(image_file) as image:
        dpi = image.info.get("dpi", (300, 300))
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            upright = ImageOps.exif_transpose(frame).convert("L")
            target = out_dir / f"{image_file.stem}-{number}.png"
            upright.save(target, "PNG", dpi=dpi, compress_level=1)
            pages.append(target)
    return pages


def prepare_pages(files: list[Path], out_dir: Path, dpi: int) -> dict[Path, list[Path]]:
    """Each input file → the page images Tesseract alone is given for it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return {file: rasterise_pdf(file, out_dir, dpi) if is_pdf(file) else split_image(file, out_dir)
            for file in files}


def image_to_pdf(image_file: Path, out: Path) -> Path:
    """A one-page PDF of an image at its own DPI (only when a corpus holds no PDF at all)."""
    with Image.open(image_file) as image:
        upright = ImageOps.exif_transpose(image)
        dpi = image.info.get("dpi", (300, 300))[0]
        upright.convert("RGB" if upright.mode not in ("L", "1") else "L").save(
            out, "PDF", resolution=float(dpi))
    return out


def build_repeated_pdf(sources: list[Path], page_count: int, out: Path) -> Path:
    """A PDF of ``page_count`` pages, cycling through the pages of ``sources`` in order.

    The page images are shared objects, so even a 200-page file stays small on disk, while
    sohoa still rasterises and reads every page.
    """
    if page_count < 1:
        raise ValueError("a PDF needs at least one page")
    opened = [pikepdf.open(source) for source in sources]
    try:
        cycle = itertools.cycle([page for pdf in opened for page in pdf.pages])
        with pikepdf.new() as result:
            for page in itertools.islice(cycle, page_count):
                result.pages.append(page)
            result.save(out)
    finally:
        for pdf in opened:
            pdf.close()
    return out


def count_pdf_pages(pdf: Path) -> int:
    with pikepdf.open(pdf) as opened:
        return len(opened.pages)
