"""Load the pages of an input file: PDF (one page at a time), multi-frame TIFF, JPEG, PNG.

The format is decided by the file's bytes, not its name: scanning stations mislabel files.
"""

from __future__ import annotations

import hashlib
import re
import struct
import subprocess
import warnings
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import cv2
import numpy as np
import pikepdf
from pdf2image import pdfinfo_from_path
from pdf2image.exceptions import PDFPageCountError, PDFPopplerTimeoutError, PDFSyntaxError
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from pipeline.scanned_pdf import scanned_jpeg_page
from schemas.errors import (
    CorruptFileError,
    EncryptedPdfError,
    ImageTooLargeError,
    ImageTooSmallError,
    UnsupportedFileError,
)

_READ_CHUNK = 1 << 20
# Pillow warns between MAX_IMAGE_PIXELS and twice that; _open_image refuses those images
# itself with an error the operator reads, so the warning would only be noise in the logs.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
# Where poppler's programs are (None: on PATH); tests point it at stand-ins.
POPPLER_PATH: str | None = None
# Tesseract (Leptonica) refuses images wider or taller than this ("Image too large").
MAX_PAGE_SIDE = 32767
# pdfinfo itself only parses the file; a PDF that keeps it busy this long is hostile.
_PDFINFO_TIMEOUT_SECONDS = 60
_PDFINFO_SIZE = re.compile(r"Page\s+\d+\s+size")  # pdfinfo's key for a page's size


class FileFormat(StrEnum):
    PDF = "pdf"
    TIFF = "tiff"
    JPEG = "jpeg"
    PNG = "png"


_MAGIC: list[tuple[bytes, FileFormat]] = [
    (b"%PDF-", FileFormat.PDF),
    (b"II*\x00", FileFormat.TIFF),
    (b"MM\x00*", FileFormat.TIFF),
    (b"\xff\xd8\xff", FileFormat.JPEG),
    (b"\x89PNG\r\n\x1a\n", FileFormat.PNG),
]

# What operators most often drop by mistake, so the error can say what the file is.
_KNOWN_OTHERS: list[tuple[bytes, str]] = [
    (b"PK\x03\x04", "a ZIP archive or Office document (.docx/.xlsx)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.doc/.xls)"),
    (b"GIF8", "a GIF image"),
    (b"BM", "a BMP image"),
    (b"{\\rtf", "an RTF document"),
]

CONTENT_TYPES = {
    FileFormat.PDF: "application/pdf",
    FileFormat.TIFF: "image/tiff",
    FileFormat.JPEG: "image/jpeg",
    FileFormat.PNG: "image/png",
}


@dataclass(frozen=True)
class PageLimits:
    """Bounds that keep a hostile or huge file from exhausting the machine."""

    dpi: int = 300
    max_page_pixels: int = 120_000_000
    max_pages: int = 2000
    rasterize_timeout_seconds: float = 120
    # Tesseract needs letters ~10 px tall: a page under 32 px a side holds no readable line.
    min_page_side: int = 32


@dataclass(frozen=True)
class FileInfo:
    """What a file is, before any page is decoded."""

    format: FileFormat
    page_count: int
    dpi: int = 300

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, read in chunks (files can be hundreds of MB)."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def sniff_format(path: Path) -> FileFormat:
    """Decide the format from the first bytes; raise UnsupportedFileError for anything else."""
    with path.open("rb") as stream:
        head = stream.read(1024)
    if not head:
        raise CorruptFileError(f"{path.name}: the file is empty (0 bytes); scan it again")
    for magic, fmt in _MAGIC:
        # Some PDF writers put junk before the header; readers accept it within 1 KiB.
        if head.startswith(magic) or (fmt is FileFormat.PDF and magic in head):
            return fmt
    for magic, description in _KNOWN_OTHERS:
        if head.startswith(magic):
            raise UnsupportedFileError(
                f"{path.name}: is {description}, not a scan; send a PDF, TIFF, JPEG or PNG"
            )
    raise UnsupportedFileError(
        f"{path.name}: unknown file type; send a PDF, TIFF, JPEG or PNG scan"
    )


def inspect_file(path: Path, limits: PageLimits) -> FileInfo:
    """Check that the file can be read and count its pages, without decoding page images."""
    fmt = sniff_format(path)
    if fmt is FileFormat.PDF:
        count, dpi = _inspect_pdf(path, limits), limits.dpi
    else:
        count, dpi = _inspect_image(path, fmt, limits)
    if count == 0:
        raise CorruptFileError(f"{path.name}: the file has no pages")
    if count > limits.max_pages:
        raise ImageTooLargeError(
            f"{path.name}: {count} pages is more than the limit of {limits.max_pages}; split it"
        )
    return FileInfo(format=fmt, page_count=count, dpi=dpi)


def _inspect_pdf(path: Path, limits: PageLimits) -> int:
    try:
        with pikepdf.open(path) as pdf:
            pages = list(pdf.pages)
            for number, page in enumerate(pages, start=1):
                _check_pdf_page_size(path, number, page, limits)
            return len(pages)
    except pikepdf.PasswordError as exc:
        raise EncryptedPdfError(
            f"{path.name}: PDF is password-protected; scan the paper again or remove the password"
        ) from exc
    except pikepdf.PdfError as exc:
        reason = str(exc).replace(f"{path}: ", "")  # qpdf names the file; the message does
        raise CorruptFileError(
            f"{path.name}: PDF is damaged and cannot be read ({reason}); scan the paper again"
        ) from exc


def _check_pdf_page_size(path: Path, number: int, page: pikepdf.Page, limits: PageLimits) -> None:
    try:
        box = [float(value) for value in page.mediabox]
        width_pt, height_pt = abs(box[2] - box[0]), abs(box[3] - box[1])
    except (TypeError, ValueError, IndexError) as exc:  # a MediaBox that is not 4 numbers
        raise CorruptFileError(
            f"{path.name}: page {number} has no valid size; the PDF is damaged, scan the paper "
            "again"
        ) from exc
    check_pdf_page_points(path, number, width_pt, height_pt, limits)


def check_pdf_page_points(path: Path, number: int, width_pt: float, height_pt: float,
                          limits: PageLimits) -> None:
    """Refuse a PDF page whose raster at ``limits.dpi`` would be too large or too small."""
    width, height = (round(side / 72 * limits.dpi) for side in (width_pt, height_pt))
    size_mm = f"{width_pt / 72 * 25.4:.0f}×{height_pt / 72 * 25.4:.0f} mm"
    if width * height > limits.max_page_pixels or max(width, height) > MAX_PAGE_SIDE:
        raise ImageTooLargeError(
            f"{path.name}: page {number} is {size_mm} ({width}×{height} pixels at "
            f"{limits.dpi} DPI), too large to rasterise; the limit is "
            f"{limits.max_page_pixels:,} pixels, send pages of paper size"
        )
    if min(width, height) < limits.min_page_side:
        raise ImageTooSmallError(
            f"{path.name}: page {number} is {size_mm} ({width}×{height} pixels at "
            f"{limits.dpi} DPI), too small to be a scanned page; scan the paper again"
        )


def check_image_pixels(path: Path, width: int, height: int, limits: PageLimits,
                       page: int | None = None) -> None:
    """Refuse an image (or one page of a TIFF) before its pixels are decoded."""
    what = f"page {page}" if page else "image"
    if width * height > limits.max_page_pixels or max(width, height) > MAX_PAGE_SIDE:
        raise ImageTooLargeError(
            f"{path.name}: {what} is {width}×{height} pixels, more than the limit of "
            f"{limits.max_page_pixels:,}; scan at 300 DPI"
        )
    if min(width, height) < limits.min_page_side:
        raise ImageTooSmallError(
            f"{path.name}: {what} is {width}×{height} pixels, too small to be a scanned page; "
            "scan the paper again at 300 DPI"
        )


def _inspect_image(path: Path, fmt: FileFormat, limits: PageLimits) -> tuple[int, int]:
    """The image's page count and resolution, once its bytes are known whole.

    A PNG is checked by the checksum of every chunk up to its end (Pillow's ``verify``), not
    decoded: a 300-DPI colour page took 0.15–0.45 CPU-s to decode here and again for its
    reading; the checksums take 3–9 ms and find a truncated or damaged file as the decoding
    did. Other formats are decoded: OpenCV reads a truncated JPEG without a word."""
    try:
        with _open_image(path, limits) as image:
            count = getattr(image, "n_frames", 1) if fmt is FileFormat.TIFF else 1
            dpi = _resolution_of(image, limits.dpi)
            if image.format == "PNG":
                image.verify()
            else:
                image.load()
            return count, dpi
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CorruptFileError(f"{path.name}: image is damaged and cannot be read ({exc})") from exc


def _resolution_of(image: Image.Image, default: int) -> int:
    """The scan resolution the image declares; cameras' nominal 72 DPI means 'unknown'."""
    declared = image.info.get("dpi", (0, 0))[0]
    try:
        dpi = round(float(declared))
    except (TypeError, ValueError):
        return default
    return dpi if 100 <= dpi <= 1200 else default


def _open_image(path: Path, limits: PageLimits) -> Image.Image:
    """Open (the header only) and refuse an image over the limit before it is decoded.

    Pillow's own guard (MAX_IMAGE_PIXELS) is process-wide: setting it to the page limit, as
    this did, changed it for every other thread and caller (a test's 1-megapixel limit made
    Pillow refuse a later 8.7-megapixel scan elsewhere). The limit is checked here instead;
    Pillow's guard still refuses what is over twice its default (179 megapixels)."""
    try:
        image = Image.open(path)
    except Image.DecompressionBombError as exc:
        raise ImageTooLargeError(
            f"{path.name}: image has more pixels than the limit of {limits.max_page_pixels:,} "
            "(a decompression bomb or a scan at far too high a resolution); scan at 300 DPI"
        ) from exc
    try:
        check_image_pixels(path, *image.size, limits)
    except (ImageTooLargeError, ImageTooSmallError):
        image.close()
        raise
    return image


def load_page(path: Path, info: FileInfo, index: int, limits: PageLimits) -> np.ndarray:
    """Decode page ``index`` (0-based) as an 8-bit grey or BGR array, upright per EXIF."""
    if info.format is FileFormat.PDF:
        # A page that is one JPEG on the reading's pixel grid is computed from that JPEG as
        # poppler would render it, pixel for pixel, without pdfinfo and pdftoppm
        # (pipeline/scanned_pdf.py); its size was checked against the limits at inspection.
        scanned = scanned_jpeg_page(path, index, limits.dpi)
        return scanned if scanned is not None else _rasterize_pdf_page(path, index, limits)
    return _read_image(path, index, limits)


def _rasterize_pdf_page(path: Path, index: int, limits: PageLimits) -> np.ndarray:
    """Render one page with poppler's pdftoppm, after poppler's pdfinfo says its size is
    within the limits; the page as a BGR array.

    The size is asked of poppler itself, the renderer, just before rendering: pikepdf's
    reading at inspection may differ on a damaged file. The raster comes on a pipe (no
    temporary files) and pdftoppm is killed when it runs over the time limit.

    pdftoppm is called directly, not through pdf2image: pdf2image ran pdfinfo once more per
    page for a page count already known, and decoded the PPM with Pillow into RGB that was
    then flipped to BGR (a copy); OpenCV decodes it to BGR at once. Measured on a 300-DPI
    scan's page: 332 → 242 ms CPU, the same pixels.
    """
    number = index + 1
    width_pt, height_pt = pdf_page_points(path, number, limits)
    check_pdf_page_points(path, number, width_pt, height_pt, limits)
    program = str(Path(POPPLER_PATH) / "pdftoppm") if POPPLER_PATH else "pdftoppm"
    grey = ["-gray"] if draws_grey_images_only(path, index) else []
    try:
        done = subprocess.run([program, "-r", str(limits.dpi), *grey, "-f", str(number),
                               "-l", str(number), str(path)], capture_output=True,
                              timeout=limits.rasterize_timeout_seconds, check=False)
    except subprocess.TimeoutExpired as exc:  # run() has killed and reaped it
        raise ImageTooLargeError(
            f"{path.name}: page {number} took longer than "
            f"{limits.rasterize_timeout_seconds:g} s to render and was stopped; the page is "
            "too complex or damaged, scan the paper again"
        ) from exc
    image = decode_raster(done.stdout) if done.stdout else None
    if image is None:
        raise CorruptFileError(
            f"{path.name}: page {number} cannot be rendered (poppler gave no image); "
            "the PDF is damaged, scan the paper again")
    return image


# The header pdftoppm writes before its pixels: binary PPM (colour) or PGM (``-gray``), 8 bits.
_NETPBM_HEADER = re.compile(rb"(P[56])\s+(\d+)\s+(\d+)\s+255\s")


def decode_raster(data: bytes) -> np.ndarray | None:
    """pdftoppm's page as OpenCV's ``imdecode`` gives it (BGR, or grey for PGM); None when
    it cannot be decoded.

    Its pixels follow a one-line header as they are, red first: taken as they stand and
    turned to BGR in one pass, instead of OpenCV's PPM decoder, which converts row by row
    (a 300-DPI colour page 25 → 2 ms, grey 2.5 → 0.6 ms, the same pixels). Anything else
    (another maximum value, a short file) goes to ``imdecode``."""
    header = _NETPBM_HEADER.match(data)
    channels = 3 if header and header[1] == b"P6" else 1
    width, height = (int(header[2]), int(header[3])) if header else (0, 0)
    if not width * height or len(data) - header.end() != width * height * channels:
        return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    pixels = np.frombuffer(data, np.uint8, offset=header.end())
    if channels == 1:
        return pixels.reshape(height, width).copy()  # a writable array, as imdecode's
    return cv2.cvtColor(pixels.reshape(height, width, 3), cv2.COLOR_RGB2BGR)


# Content operators of a page that only places images: save, restore, matrix, draw.
_IMAGE_PLACING = frozenset({"q", "Q", "cm", "Do"})


def draws_grey_images_only(path: Path, index: int) -> bool:
    """Whether page ``index`` (0-based) draws nothing but DeviceGray images (a grey or
    black-and-white scan), with no annotation, mask or other drawing: then pdftoppm renders
    it grey (``-gray``), the very values its colour rendering repeats in all three channels
    (checked on the throughput benchmark's grey pages), for about half its CPU (0.45 → 0.24
    s a 300-DPI page), and the page's later steps handle one channel instead of three. Any
    doubt (colour, text, vector art, a damaged file) keeps the colour rendering."""
    try:
        with pikepdf.open(path) as pdf:
            page = pdf.pages[index]
            if "/Annots" in page.obj:
                return False
            xobjects = page.resources.get("/XObject", pikepdf.Dictionary())
            drawn = 0
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) not in _IMAGE_PLACING:
                    return False
                if str(operator) == "Do":
                    if not _grey_image(xobjects.get(operands[0])):
                        return False
                    drawn += 1
            return drawn > 0
    except (pikepdf.PdfError, ValueError, TypeError, KeyError, IndexError):
        return False


def _grey_image(xobject: object) -> bool:
    """An image XObject in DeviceGray with no mask of its own (an image mask is drawn in the
    fill colour, which no operator here sets: black, but left to the colour rendering)."""
    return (isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == "/Image"
            and xobject.get("/ColorSpace") == "/DeviceGray"
            and not any(key in xobject for key in ("/SMask", "/Mask", "/ImageMask")))


def pdf_page_points(path: Path, number: int, limits: PageLimits) -> tuple[float, float]:
    """Page ``number``'s width and height in points as poppler (pdfinfo) reads them."""
    try:
        info = pdfinfo_from_path(str(path), first_page=number, last_page=number,
                                 timeout=_PDFINFO_TIMEOUT_SECONDS, poppler_path=POPPLER_PATH)
    except PDFPopplerTimeoutError as exc:
        raise CorruptFileError(
            f"{path.name}: the PDF's structure took too long to read; it is damaged or "
            "hostile, scan the paper again"
        ) from exc
    except (PDFPageCountError, PDFSyntaxError) as exc:
        if "Incorrect password" in str(exc):
            raise EncryptedPdfError(f"{path.name}: PDF is password-protected; scan the paper "
                                    "again or remove the password") from exc
        raise CorruptFileError(
            f"{path.name}: page {number} cannot be read ({_poppler_reason(exc)}); "
            "the PDF is damaged, scan the paper again"
        ) from exc
    size = next((value for key, value in info.items() if _PDFINFO_SIZE.fullmatch(str(key))),
                None)
    found = re.match(r"([\d.]+)\s+x\s+([\d.]+)\s+pts", str(size or ""))
    if found is None:
        raise CorruptFileError(
            f"{path.name}: page {number} cannot be read (poppler gives it no size); "
            "the PDF is damaged, scan the paper again"
        )
    return float(found[1]), float(found[2])


def _poppler_reason(error: Exception) -> str:
    lines = [line for line in str(error).strip().splitlines()
             if line and not line.startswith("Unable to get page count")]
    # Poppler prints a line per syntax problem; the last one is the fatal one.
    return lines[-1][:200] if lines else "poppler could not read it"


def _read_image(path: Path, index: int, limits: PageLimits) -> np.ndarray:
    """An image file's page ``index`` as an array: by OpenCV when Pillow's header says it
    decodes it to the very pixels Pillow would give, by Pillow otherwise."""
    try:
        with _open_image(path, limits) as image:
            if _opencv_reads(image, index, path):
                decoded = cv2.imread(str(path), cv2.IMREAD_ANYCOLOR | cv2.IMREAD_ANYDEPTH)
                if decoded is not None and decoded.shape[:2] == image.size[::-1]:
                    return decoded
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CorruptFileError(
            f"{path.name}: page {index + 1} is damaged and cannot be decoded ({exc})"
        ) from exc
    return to_array(_read_image_frame(path, index, limits))


def _opencv_reads(image: Image.Image, index: int, path: Path) -> bool:
    """Whether OpenCV decodes this image as Pillow would (then ~4× cheaper): the first page
    of an 8-bit grey or RGB JPEG or PNG kept as stored (no EXIF turn). Measured on a 300-DPI
    A4 page: JPEG 104 → 18 ms, PNG 71 → 57 ms, the same pixels (Pillow's path turns, converts
    to RGB and flips to BGR, three copies of the page)."""
    return (index == 0 and image.format in ("JPEG", "PNG") and image.mode in ("L", "RGB")
            and _exif_turn(image, path) == 1 and "transparency" not in image.info)


# PNG chunks that can hold EXIF: its own, and the text chunks of «Raw profile type exif».
_PNG_EXIF_CHUNKS = {b"eXIf", b"tEXt", b"zTXt", b"iTXt"}


def _exif_turn(image: Image.Image, path: Path) -> int:
    """The image's EXIF orientation tag (1: as stored). A PNG without a chunk that may hold
    EXIF has none, known from its chunk headers: Pillow's ``getexif`` decoded the whole
    page to look for EXIF after the pixels (~0.15 CPU-s of a 300-DPI page), then OpenCV
    decoded it again."""
    if image.format == "PNG" and not _png_chunks_named(path, _PNG_EXIF_CHUNKS):
        return 1
    return image.getexif().get(0x0112, 1)


def _png_chunks_named(path: Path, names: set[bytes]) -> bool:
    """Whether the PNG file holds a chunk of one of ``names`` (read: the chunk headers only)."""
    with path.open("rb") as handle:
        handle.seek(8)  # the signature
        while len(header := handle.read(8)) == 8:
            length, name = struct.unpack(">I4s", header)
            if name in names:
                return True
            if name == b"IEND":
                return False
            handle.seek(length + 4, 1)  # the data and its CRC
    return False


def _read_image_frame(path: Path, index: int, limits: PageLimits) -> Image.Image:
    try:
        with _open_image(path, limits) as image:
            frame = next(f for i, f in enumerate(ImageSequence.Iterator(image)) if i == index)
            # Each TIFF page has its own size: the first page being small proves nothing.
            check_image_pixels(path, *frame.size, limits, page=index + 1)
            frame = ImageOps.exif_transpose(frame.copy())
            frame.load()
            return frame
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, StopIteration) as exc:
        raise CorruptFileError(
            f"{path.name}: page {index + 1} is damaged and cannot be decoded ({exc})"
        ) from exc


def to_array(image: Image.Image) -> np.ndarray:
    """Pillow image → uint8 array: 2-D for grey scans, 3-D BGR for colour (OpenCV's order)."""
    if image.mode in {"1", "L", "LA", "I", "I;16", "F"}:
        grey = image.convert("L") if image.mode != "I;16" else image.point(lambda v: v / 256)
        return np.asarray(grey.convert("L"), dtype=np.uint8)
    rgb = np.asarray(image.convert("RGB"), dtype=np.uint8)
    return np.ascontiguousarray(rgb[:, :, ::-1])
