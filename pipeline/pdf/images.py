"""A scanned image file's page as a PDF image in the scan's own encoding.

Re-encoding every page as an RGB JPEG made searchable PDFs 4× the originals, and bilevel
CCITT scans 12–68× (a 307 kB 4-page directive became 4.1 MB), and lost the scan's pixels.
Here each kind keeps its coding (as img2pdf and OCRmyPDF do):

* JPEG file: its bytes, untouched (DCTDecode); EXIF orientation is drawn by the matrix.
* Bilevel (1-bit) page: CCITT Group 4, lossless (sample-0007.tif: 30.3 kB G4 TIFF, 29.5 kB
  as a PDF image).
* PNG (not interlaced, no alpha, 8 bits or fewer): its IDAT data with PNG predictors
  (FlateDecode), so the compressed bytes are the file's own.
* JPEG-in-TIFF: JPEG again with the file's own quantisation tables (its quality); the
  40-row strips line up with the 8-pixel blocks, so little changes.
* Anything else: lossless Flate.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import numpy as np
import pikepdf
from PIL import Image, ImageOps, ImageSequence

from pipeline.pdf.geometry import affine

# EXIF orientation → map of the stored pixels (x, y) to the upright ones, for a stored image
# ``w``×``h``: (a, b, c, d, e_w, e_h, f_w, f_h) with e = e_w·w + e_h·h, f likewise.
_EXIF_MAPS = {
    1: (1, 0, 0, 1, 0, 0, 0, 0),
    2: (-1, 0, 0, 1, 1, 0, 0, 0),   # mirrored left-right
    3: (-1, 0, 0, -1, 1, 0, 0, 1),  # turned 180°
    4: (1, 0, 0, -1, 0, 0, 0, 1),   # mirrored top-bottom
    5: (0, 1, 1, 0, 0, 0, 0, 0),    # transposed
    6: (0, 1, -1, 0, 0, 1, 0, 0),   # stored turned: shown turned 90° clockwise
    7: (0, -1, -1, 0, 0, 1, 1, 0),  # transversed
    8: (0, -1, 1, 0, 0, 0, 1, 0),   # shown turned 90° counter-clockwise
}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class PageImage:
    """A page's image stream and where it goes: ``place`` maps the image's unit square
    (PDF image space) to the upright page's pixels (y down), ``size`` the upright pixels."""

    stream_bytes: bytes
    dictionary: dict[str, object]
    place: np.ndarray
    size: tuple[int, int]

    def to_stream(self, pdf: pikepdf.Pdf) -> pikepdf.Stream:
        """The image as an XObject of ``pdf``."""
        stream = pikepdf.Stream(pdf, self.stream_bytes)
        stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        for key, value in self.dictionary.items():
            stream[key] = value
        return stream


def page_image(path: Path, index: int) -> PageImage:
    """Page ``index`` (0-based) of an image file in its own encoding where it can be kept."""
    with Image.open(path) as image:
        # A JPEG's or a plain PNG's bytes are kept as they are: their pixels are not decoded
        # (the header tells all; decoding cost a 300-DPI page 20–70 ms for nothing).
        if image.format == "JPEG" and image.mode in ("L", "RGB"):
            orientation = image.getexif().get(0x0112, 1)
            if orientation in _EXIF_MAPS:
                return _placed(path.read_bytes(), _jpeg_dict(image), image.size, orientation)
        if (image.format == "PNG" and image.mode != "1"  # bilevel: G4, below
                and "Raw profile type exif" not in image.info
                and (kept := _png_idat(path)) is not None):
            return _placed(*kept, image.size, 1)
        frame = next(f for i, f in enumerate(ImageSequence.Iterator(image)) if i == index)
        frame.load()
        upright = ImageOps.exif_transpose(frame.copy())
        if upright.mode == "1":
            return _placed(*_ccitt_g4(upright), upright.size, 1)
        if frame.info.get("compression") in ("jpeg", "tiff_jpeg"):
            return _placed(*_jpeg_like(upright, frame), upright.size, 1)
        return _placed(*_flate(upright), upright.size, 1)


def _placed(data: bytes, dictionary: dict[str, object], stored: tuple[int, int],
            orientation: int) -> PageImage:
    """The image with its placement: unit square → stored pixels → upright pixels."""
    w, h = stored
    a, b, c, d, ew, eh, fw, fh = _EXIF_MAPS[orientation]
    exif = affine(a, b, c, d, ew * w + eh * h, fw * w + fh * h)
    upright = (h, w) if orientation >= 5 else (w, h)
    # Image space has row 0 at the top (v = 1): to stored pixels, y down.
    unit = affine(w, 0, 0, -h, 0, h)
    return PageImage(data, dictionary, exif @ unit, upright)


def _base_dict(image: Image.Image, colour_space: pikepdf.Name, bits: int) -> dict[str, object]:
    return {"/Width": image.width, "/Height": image.height, "/ColorSpace": colour_space,
            "/BitsPerComponent": bits}


def _jpeg_dict(image: Image.Image) -> dict[str, object]:
    space = pikepdf.Name.DeviceGray if image.mode == "L" else pikepdf.Name.DeviceRGB
    return {**_base_dict(image, space, 8), "/Filter": pikepdf.Name.DCTDecode}


def _ccitt_g4(image: Image.Image) -> tuple[bytes, dict[str, object]]:
    """CCITT G4 data of a 1-bit image, through libtiff in one strip (G4 strips cannot be
    joined: each starts from an all-white reference line)."""
    buffer = BytesIO()
    image.save(buffer, "TIFF", compression="group4", tiffinfo={278: image.height})
    with Image.open(buffer) as tiff:
        (offset,), (length,) = tiff.tag_v2[273], tiff.tag_v2[279]
        # libtiff codes the 1-bits as black runs; Pillow writes "1" as min-is-black (1 =
        # white), so the decoder must be told that 1 means black for the page not to invert.
        black_is_1 = tiff.tag_v2.get(262, 0) == 1
    parms = pikepdf.Dictionary(K=-1, Columns=image.width, Rows=image.height,
                               BlackIs1=black_is_1)
    data = buffer.getvalue()[offset:offset + length]
    return data, {**_base_dict(image, pikepdf.Name.DeviceGray, 1),
                  "/Filter": pikepdf.Name.CCITTFaxDecode, "/DecodeParms": parms}


def _png_idat(path: Path) -> tuple[bytes, dict[str, object]] | None:
    """The PNG's own compressed rows (IDAT) with PNG predictors, or None when PDF cannot
    take them as they are (interlaced, alpha, 16 bits)."""
    data = path.read_bytes()
    chunks = _png_chunks(data)
    width, height, bits, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"][0])
    # eXIf may turn the image (its pixels are then drawn turned, by the general path).
    if interlace or bits > 8 or colour not in (0, 2, 3) or b"eXIf" in chunks:
        return None
    components = {0: 1, 2: 3, 3: 1}[colour]
    space: object = pikepdf.Name.DeviceGray if colour == 0 else pikepdf.Name.DeviceRGB
    if colour == 3:
        palette = b"".join(chunks.get(b"PLTE", []))
        space = pikepdf.Array([pikepdf.Name.Indexed, pikepdf.Name.DeviceRGB,
                               len(palette) // 3 - 1, pikepdf.String(palette)])
    parms = pikepdf.Dictionary(Predictor=15, Colors=components, BitsPerComponent=bits,
                               Columns=width)
    return b"".join(chunks[b"IDAT"]), {"/Width": width, "/Height": height,
                                       "/ColorSpace": space, "/BitsPerComponent": bits,
                                       "/Filter": pikepdf.Name.FlateDecode,
                                       "/DecodeParms": parms}


def _png_chunks(data: bytes) -> dict[bytes, list[bytes]]:
    """A PNG's chunks by type, in order (the file was decoded once already: it is sound)."""
    chunks: dict[bytes, list[bytes]] = {}
    position = len(_PNG_SIGNATURE)
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        chunks.setdefault(kind, []).append(data[position + 8:position + 8 + length])
        position += 12 + length
    return chunks


def _jpeg_like(image: Image.Image, frame: Image.Image) -> tuple[bytes, dict[str, object]]:
    """JPEG again at the TIFF's own quantisation (its first strip's tables)."""
    image = image.convert("RGB") if image.mode not in ("L", "RGB") else image
    buffer = BytesIO()
    tables = _tiff_jpeg_tables(frame)
    options = {"qtables": tables} if tables else {"quality": 85}
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue(), _jpeg_dict(image)


def _tiff_jpeg_tables(frame: Image.Image) -> dict[int, list[int]] | None:
    """The quantisation tables of a JPEG-in-TIFF frame (JPEGTables + first strip)."""
    try:
        tables, offset, length = (frame.tag_v2[347], frame.tag_v2[273][0],
                                  frame.tag_v2[279][0])
        frame.fp.seek(offset)
        strip = frame.fp.read(length)
        with Image.open(BytesIO(bytes(tables)[:-2] + strip[2:])) as first:
            return dict(first.quantization)
    except (KeyError, AttributeError, OSError, ValueError, TypeError):
        return None


def _flate(image: Image.Image) -> tuple[bytes, dict[str, object]]:
    """Lossless: grey or RGB samples, zlib level 6."""
    image = image.convert("L" if image.mode in ("L", "LA", "I", "I;16") else "RGB")
    space = pikepdf.Name.DeviceGray if image.mode == "L" else pikepdf.Name.DeviceRGB
    data = zlib.compress(np.asarray(image).tobytes(), 6)
    return data, {**_base_dict(image, space, 8), "/Filter": pikepdf.Name.FlateDecode}
