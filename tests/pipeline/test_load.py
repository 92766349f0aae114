"""Loading pages: formats are decided by bytes, limits are enforced, damage is named."""

from __future__ import annotations

import io
import os
import shutil
import struct
import time
import zlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import cv2
import numpy as np
import pikepdf
import pytest
from PIL import Image, ImageOps

from pipeline import load
from pipeline.load import (
    FileFormat,
    FileInfo,
    PageLimits,
    inspect_file,
    load_page,
    sha256_of,
    sniff_format,
)
from pipeline.scanned_pdf import _drawn_over, _poppler_number, scanned_jpeg_page
from samples.bad_inputs import (
    write_broken_xref_pdf,
    write_decompression_bomb,
    write_huge_page_pdf,
)
from schemas.errors import (
    CorruptFileError,
    EncryptedPdfError,
    ImageTooLargeError,
    ImageTooSmallError,
    UnsupportedFileError,
)

LIMITS = PageLimits(dpi=100)


def grey_page(width: int = 400, height: int = 300, shade: int = 200) -> Image.Image:
    image = Image.new("L", (width, height), 255)
    image.paste(shade, (50, 50, 150, 100))
    return image


def write_pdf(path: Path, pages: int, **save_kwargs: object) -> Path:
    images = [grey_page().convert("RGB") for _ in range(pages)]
    images[0].save(path, "PDF", resolution=100, save_all=True, append_images=images[1:])
    if save_kwargs:
        with pikepdf.open(path, allow_overwriting_input=True) as pdf:
            pdf.save(path, **save_kwargs)
    return path


def test_format_is_decided_by_bytes_not_name(tmp_path: Path) -> None:
    """GIVEN a JPEG named .pdf and a PDF named .jpg WHEN sniffed THEN their real formats."""
    jpeg_named_pdf = tmp_path / "scan.pdf"
    grey_page().save(jpeg_named_pdf, "JPEG")
    pdf_named_jpg = write_pdf(tmp_path / "scan.jpg", 1)
    assert sniff_format(jpeg_named_pdf) is FileFormat.JPEG
    assert sniff_format(pdf_named_jpg) is FileFormat.PDF


@pytest.mark.parametrize(
    ("content", "error", "words"),
    [
        (b"", CorruptFileError, "empty"),
        (b"PK\x03\x04rest-of-a-docx", UnsupportedFileError, "Office document"),
        (b"just some text", UnsupportedFileError, "unknown file type"),
    ],
)
def test_unreadable_inputs_raise_errors_naming_the_file(
    tmp_path: Path, content: bytes, error: type[Exception], words: str
) -> None:
    path = tmp_path / "tờ khai.docx"
    path.write_bytes(content)
    with pytest.raises(error) as raised:
        inspect_file(path, LIMITS)
    assert "tờ khai.docx" in str(raised.value)
    assert words in str(raised.value)


def test_pdf_pages_are_counted_and_rasterised_one_at_a_time(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "three.pdf", 3)
    info = inspect_file(path, LIMITS)
    assert (info.format, info.page_count) == (FileFormat.PDF, 3)
    page = load_page(path, info, 2, LIMITS)
    assert page.shape[:2] == (300, 400)
    assert page.dtype == np.uint8


def test_a_grey_scan_s_pdf_page_is_rendered_grey_with_the_colour_rendering_s_values(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN PDF pages of a grey scan, of a colour scan, and of a grey scan with text or an
    annotation on it WHEN rasterised THEN the grey scan's page is one channel holding the
    values of its colour rendering, and the others are rendered in colour as before."""
    rendered_by_poppler(monkeypatch)
    grey = tmp_path / "grey.pdf"
    page = grey_page(300, 400)
    page.save(grey, "PDF", resolution=100)
    colour = tmp_path / "colour.pdf"
    page.convert("RGB").save(colour, "PDF", resolution=100)
    with_text = tmp_path / "text.pdf"
    with pikepdf.open(grey) as pdf:
        pdf.pages[0].contents_add(pdf.make_stream(b"BT /F1 12 Tf 10 10 Td (x) Tj ET"))
        pdf.save(with_text)
    annotated = tmp_path / "annotated.pdf"
    with pikepdf.open(grey) as pdf:
        pdf.pages[0].obj["/Annots"] = pdf.make_indirect(pikepdf.Array([pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Square,
            Rect=[10, 10, 100, 100], C=[1, 0, 0])]))
        pdf.save(annotated)
    assert [load.draws_grey_images_only(p, 0) for p in (grey, colour, with_text, annotated)
            ] == [True, False, False, False]

    info = inspect_file(grey, LIMITS)
    rendered = load_page(grey, info, 0, LIMITS)
    monkeypatch.setattr(load, "draws_grey_images_only", lambda *_: False)
    in_colour = load_page(grey, info, 0, LIMITS)
    assert rendered.ndim == 2 and in_colour.ndim == 3
    assert all(np.array_equal(rendered, in_colour[..., c]) for c in range(3))
    assert rendered.min() < 255  # the page's grey patch is there


def test_truncated_pdf_is_corrupt(tmp_path: Path) -> None:
    whole = write_pdf(tmp_path / "whole.pdf", 2).read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(whole[: len(whole) // 3])
    with pytest.raises(CorruptFileError, match="cut.pdf"):
        info = inspect_file(path, LIMITS)
        load_page(path, info, info.page_count - 1, LIMITS)


def test_password_protected_pdf_is_named_as_such(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "locked.pdf", 1,
                     encryption=pikepdf.Encryption(owner="o", user="secret"))
    with pytest.raises(EncryptedPdfError, match="password-protected"):
        inspect_file(path, LIMITS)


def test_oversized_pdf_page_is_refused_before_rendering(tmp_path: Path) -> None:
    path = tmp_path / "poster.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(14400, 14400))  # 5 m square: 25e9 pixels at 300 DPI
    pdf.save(path)
    with pytest.raises(ImageTooLargeError, match="too large"):
        inspect_file(path, PageLimits(dpi=300))


def test_image_over_the_pixel_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    Image.new("L", (3000, 3000), 255).save(path)
    with pytest.raises(ImageTooLargeError, match="big.png: image .*limit of 1,000,000"):
        inspect_file(path, PageLimits(max_page_pixels=1_000_000))
    with pytest.raises(ImageTooLargeError, match="3000×3000"):
        inspect_file(path, PageLimits(max_page_pixels=8_000_000))


@pytest.mark.parametrize(("kind", "damage"), [("PNG", "cut short"), ("PNG", "one byte changed"),
                                            ("JPEG", "cut short")])
def test_a_damaged_image_is_corrupt_before_its_pages_are_read(
        tmp_path: Path, kind: str, damage: str) -> None:
    """GIVEN a scan cut short or with a byte of its pixel data changed WHEN inspected THEN
    it is a corrupt file naming itself (a PNG by its chunks' checksums, undecoded)."""
    noise = np.random.default_rng(3).integers(0, 256, (300, 400), dtype=np.uint8)
    good = io.BytesIO()
    Image.fromarray(noise).save(good, kind)
    data = bytearray(good.getvalue())
    if damage == "cut short":
        data = data[: len(data) * 2 // 3]
    else:  # a PNG's pixel data, which its chunk's checksum covers (a JPEG has none)
        data[data.index(b"IDAT") + 200] ^= 0xFF
    path = tmp_path / f"scan.{kind.lower()}"
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptFileError, match=f"scan.{kind.lower()}: image is damaged"):
        inspect_file(path, LIMITS)
    Image.fromarray(noise).save(path, kind)
    assert inspect_file(path, LIMITS) == FileInfo(format=FileFormat[kind], page_count=1,
                                                  dpi=LIMITS.dpi)


def test_multi_frame_tiff_pages(tmp_path: Path) -> None:
    path = tmp_path / "pages.tif"
    frames = [grey_page(shade=s) for s in (10, 120, 240)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    info = inspect_file(path, LIMITS)
    assert info.page_count == 3
    assert load_page(path, info, 1, LIMITS)[60, 60] == 120


def noisy_page(mode: str) -> Image.Image:
    """A page of random pixels: any difference between two decoders shows."""
    shape = (300, 400) if mode == "L" else (300, 400, 3)
    pixels = np.random.default_rng(5).integers(0, 256, shape, dtype=np.uint8)
    return Image.fromarray(pixels, mode)


@pytest.mark.parametrize(("mode", "kind"), [("L", "JPEG"), ("RGB", "JPEG"), ("L", "PNG"),
                                            ("RGB", "PNG"), ("RGBA", "PNG"), ("P", "PNG")])
def test_an_image_decodes_to_pillow_s_pixels_whichever_decoder_reads_it(
        tmp_path: Path, mode: str, kind: str) -> None:
    """GIVEN JPEGs and PNGs of every common mode WHEN loaded THEN the pixels are exactly
    those of Pillow's decoding (grey as grey, colour as BGR): OpenCV reads the plain ones,
    which is cheaper, and must not change what is read."""
    path = tmp_path / f"scan.{kind.lower()}"
    source = noisy_page("RGB").convert(mode) if mode in ("RGBA", "P") else noisy_page(mode)
    source.save(path, kind, quality=75) if kind == "JPEG" else source.save(path, kind)
    info = inspect_file(path, LIMITS)
    with Image.open(path) as image:
        expected = load.to_array(image)
    assert np.array_equal(load_page(path, info, 0, LIMITS), expected)


def test_jpeg_exif_orientation_is_applied(tmp_path: Path) -> None:
    """GIVEN a landscape JPEG tagged 'rotate 90' WHEN loaded THEN it comes out portrait."""
    path = tmp_path / "phone.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    grey_page(400, 300).save(path, "JPEG", exif=exif)
    info = inspect_file(path, LIMITS)
    assert load_page(path, info, 0, LIMITS).shape[:2] == (400, 300)


def test_png_exif_orientation_is_applied(tmp_path: Path) -> None:
    """GIVEN landscape PNGs tagged 'rotate 90' in an eXIf chunk and in a text chunk after the
    pixels, and one untagged WHEN loaded THEN the tagged come out portrait (the chunk headers
    say where EXIF may be), the untagged as stored."""
    exif = Image.Exif()
    exif[0x0112] = 6
    tagged = tmp_path / "tagged.png"
    grey_page(400, 300).save(tagged, "PNG", exif=exif)
    after = tmp_path / "after.png"
    data = grey_page(400, 300)
    data.save(after, "PNG")
    raw = after.read_bytes()
    text = b"Raw profile type exif\x00\nexif\n" + b"%8d\n" % len(b"Exif\x00\x00" + exif.tobytes())
    text += (b"Exif\x00\x00" + exif.tobytes()).hex().encode() + b"\n"
    chunk = struct.pack(">I4s", len(text), b"tEXt") + text
    chunk += struct.pack(">I", zlib.crc32(b"tEXt" + text))
    after.write_bytes(raw[:-12] + chunk + raw[-12:])  # before IEND
    plain = tmp_path / "plain.png"
    data.save(plain, "PNG")
    for path, shape in ((tagged, (400, 300)), (after, (400, 300)), (plain, (300, 400))):
        with Image.open(path) as image:
            expected = load.to_array(ImageOps.exif_transpose(image))
        assert expected.shape[:2] == shape
        assert np.array_equal(load_page(path, inspect_file(path, LIMITS), 0, LIMITS), expected)


def test_colour_png_comes_out_bgr(tmp_path: Path) -> None:
    path = tmp_path / "red.png"
    Image.new("RGB", (64, 40), (255, 0, 0)).save(path)
    page = load_page(path, inspect_file(path, LIMITS), 0, LIMITS)
    assert page.shape == (40, 64, 3)
    assert tuple(page[0, 0]) == (0, 0, 255)


def test_sha256_matches_hashlib(tmp_path: Path) -> None:
    import hashlib

    path = tmp_path / "data.bin"
    data = io.BytesIO(bytes(range(256)) * 10_000).getvalue()
    path.write_bytes(data)
    assert sha256_of(path) == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("declared", "expected"), [((200, 200), 200), ((72, 72), 300), (None, 300)]
)
def test_image_resolution_is_read_when_plausible(
    tmp_path: Path, declared: tuple[int, int] | None, expected: int
) -> None:
    path = tmp_path / "scan.png"
    grey_page().save(path, dpi=declared) if declared else grey_page().save(path)
    assert inspect_file(path, PageLimits(dpi=300)).dpi == expected


# --- Hostile files: limits enforced before decoding, programs stopped on time ---


def stand_in(folder: Path, name: str, body: str) -> Path:
    """An executable shell script standing in for a poppler program."""
    script = folder / name
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return script


def poppler_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pdftoppm: str) -> None:
    """Point pdf2image at a folder holding the real pdfinfo and a stand-in pdftoppm (which
    answers pdf2image's version query, then behaves as ``pdftoppm`` says)."""
    folder = tmp_path / "poppler"
    folder.mkdir()
    (folder / "pdfinfo").symlink_to(shutil.which("pdfinfo"))
    version = 'if [ "$1" = "-v" ]; then echo "pdftoppm version 22.02.0" >&2; exit 0; fi'
    stand_in(folder, "pdftoppm", f"{version}\n{pdftoppm}")
    monkeypatch.setattr(load, "POPPLER_PATH", str(folder))
    rendered_by_poppler(monkeypatch)


def rendered_by_poppler(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every PDF page goes to pdftoppm, even one whose JPEG would be decoded directly (the
    pages these tests build are such JPEGs): the tests are of poppler's rendering."""
    monkeypatch.setattr(load, "scanned_jpeg_page", lambda *_: None)


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_one_pixel_image_is_too_small_to_be_a_scan(tmp_path: Path) -> None:
    path = tmp_path / "một điểm.png"
    Image.new("L", (1, 1), 255).save(path)
    with pytest.raises(ImageTooSmallError, match=r"một điểm.png: image is 1×1 pixels, too small"):
        inspect_file(path, LIMITS)


def test_tiny_pdf_page_is_too_small_to_be_a_scan(tmp_path: Path) -> None:
    path = tmp_path / "tem.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(10, 10))  # 14 px square at 100 DPI
    pdf.save(path)
    with pytest.raises(ImageTooSmallError, match="tem.pdf: page 1 .*too small"):
        inspect_file(path, LIMITS)


def test_decompression_bomb_is_refused_from_its_header(tmp_path: Path) -> None:
    """GIVEN a valid PNG of 10 gigapixels in 1.2 MB WHEN inspected THEN it is refused at
    once, from its header, without decoding a pixel."""
    path = tmp_path / "bom.png"
    write_decompression_bomb(path, 150)
    started = time.monotonic()
    with pytest.raises(ImageTooLargeError, match="bom.png: image has more pixels than the limit"):
        inspect_file(path, LIMITS)
    assert time.monotonic() - started < 2


def test_each_tiff_page_is_checked_before_it_is_decoded(tmp_path: Path) -> None:
    """GIVEN a TIFF whose first page is small and second huge WHEN the second is loaded THEN
    it is refused: the first page's size proves nothing about the others."""
    path = tmp_path / "pages.tif"
    grey_page().save(path, save_all=True, append_images=[Image.new("L", (3000, 3000), 255)])
    limits = PageLimits(dpi=100, max_page_pixels=1_000_000)
    info = inspect_file(path, limits)
    with pytest.raises(ImageTooLargeError, match="pages.tif: page 2 is 3000×3000 pixels"):
        load_page(path, info, 1, limits)


def test_pdf_page_size_is_asked_of_poppler_before_rendering(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a PDF page of 35000×35000 pixels at 150 DPI, past inspection WHEN it is loaded
    THEN pdfinfo's page size refuses it and pdftoppm is never started."""
    path = tmp_path / "khổng lồ.pdf"
    write_huge_page_pdf(path, 150)
    poppler_with(tmp_path, monkeypatch, "exit 99")  # a pdftoppm that must never be run
    info = FileInfo(format=FileFormat.PDF, page_count=1, dpi=150)
    with pytest.raises(ImageTooLargeError, match=r"35000×35000 pixels at 150 DPI.*too large"):
        load_page(path, info, 0, PageLimits(dpi=150))


def test_a_pdf_whose_cross_reference_table_is_broken_is_repaired(tmp_path: Path) -> None:
    """Poppler and qpdf rebuild a wrong xref table by scanning the objects: the page is read."""
    path = tmp_path / "xref.pdf"
    write_broken_xref_pdf(path, 100)
    info = inspect_file(path, LIMITS)
    assert load_page(path, info, 0, LIMITS).shape[:2] == (200, 550)


def test_rasterising_over_the_time_limit_is_stopped(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "slow.pdf", 1)
    limits = PageLimits(dpi=1200, rasterize_timeout_seconds=0.01)
    info = inspect_file(path, limits)
    with pytest.raises(ImageTooLargeError, match=r"slow.pdf: page 1 took longer than 0.01 s"):
        load_page(path, info, 0, limits)


def test_a_hanging_pdftoppm_is_killed_at_the_limit(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a pdftoppm that never ends WHEN a page is rasterised with a 1 s limit THEN the
    error comes within seconds and the program is no longer running."""
    pid_file = tmp_path / "pid"
    poppler_with(tmp_path, monkeypatch, f"echo $$ > '{pid_file}'\nexec sleep 60")
    path = write_pdf(tmp_path / "page.pdf", 1)
    limits = PageLimits(dpi=100, rasterize_timeout_seconds=1)
    started = time.monotonic()
    with pytest.raises(ImageTooLargeError, match="took longer than 1 s to render and was stopped"):
        load_page(path, inspect_file(path, limits), 0, limits)
    assert time.monotonic() - started < 10
    assert not is_running(int(pid_file.read_text()))


def test_a_failing_pdftoppm_is_a_corrupt_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    poppler_with(tmp_path, monkeypatch, "echo 'Syntax Error: Bad object stream' >&2\nexit 1")
    path = write_pdf(tmp_path / "page.pdf", 1)
    with pytest.raises(CorruptFileError, match="page 1 cannot be rendered .poppler gave no image"):
        load_page(path, inspect_file(path, LIMITS), 0, LIMITS)




def test_pdftoppm_s_raster_is_decoded_to_opencv_s_very_pixels(tmp_path: Path) -> None:
    """GIVEN a colour scan's PDF page rendered by pdftoppm in colour (PPM) and grey (PGM)
    WHEN decoded by ``decode_raster`` THEN the very array OpenCV's imdecode gives (BGR, or
    one channel), writable; and a raster that is no 8-bit PPM or PGM of its stated size
    (16 bits, cut short) is left to imdecode."""
    import subprocess


    rng = np.random.default_rng(5)
    pixels = rng.integers(0, 256, (120, 90, 3), dtype=np.uint8)
    path = tmp_path / "colour.pdf"
    Image.fromarray(pixels).save(path, "PDF", resolution=72)
    for grey in ([], ["-gray"]):
        raster = subprocess.run(["pdftoppm", "-r", "72", *grey, str(path)], capture_output=True,
                                check=True).stdout
        expected = cv2.imdecode(np.frombuffer(raster, np.uint8), cv2.IMREAD_UNCHANGED)
        decoded = load.decode_raster(raster)
        assert decoded.shape == expected.shape == ((120, 90) if grey else (120, 90, 3))
        assert decoded.flags.writeable and np.array_equal(decoded, expected)
        assert len(np.unique(decoded)) > 100  # the random pixels, not a blank page
    wide = b"P5\n2 1\n65535\n" + np.array([1, 65535], ">u2").tobytes()
    assert load.decode_raster(wide).dtype == np.uint16  # imdecode's reading
    assert load.decode_raster(raster[:-10]) is None  # cut short: imdecode cannot read it


def one_jpeg_page(path: Path, mode: str = "L", resolution: float = 100) -> Path:
    """A scanned PDF as scanners and Pillow write one: one JPEG drawn over the whole page."""
    image = noisy_page("RGB").convert(mode)
    image.save(path, "PDF", resolution=resolution)
    return path


def jpeg_pdf(path: Path, image: Image.Image, dpi: float, **jpeg: object) -> Path:
    """A one-page PDF as scanners write one: ``image`` coded as a JPEG (Pillow's options
    ``jpeg``) drawn over the whole page, the page ``image``'s size at ``dpi``."""
    data = io.BytesIO()
    image.save(data, "JPEG", **jpeg)
    width, height = (side * 72 / dpi for side in image.size)
    pdf = pikepdf.new()
    stream = pikepdf.Stream(pdf, data.getvalue(), Type=pikepdf.Name.XObject,
                            Subtype=pikepdf.Name.Image, Width=image.width, Height=image.height,
                            BitsPerComponent=8, Filter=pikepdf.Name.DCTDecode,
                            ColorSpace=pikepdf.Name("/DeviceGray" if image.mode == "L"
                                                    else "/DeviceRGB"))
    page = pdf.add_blank_page(page_size=(width, height))
    page.obj["/Resources"] = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=stream))
    page.obj["/Contents"] = pdf.make_stream(
        f"q {width} 0 0 {height} 0 0 cm /Im0 Do Q".encode())
    pdf.save(path)
    return path


def scan_like(mode: str, size: tuple[int, int]) -> Image.Image:
    """A page of paper with dark strokes and noise: flat runs and sharp edges both."""
    rng = np.random.default_rng(7)
    pixels = rng.normal(235, 12, (size[1], size[0], 3)).clip(0, 255).astype(np.uint8)
    for _ in range(40):
        top, left = rng.integers(0, size[1] - 8), rng.integers(0, size[0] - 40)
        pixels[top:top + 6, left:left + rng.integers(8, 40)] = rng.integers(0, 90, 3)
    return Image.fromarray(pixels, "RGB").convert(mode)


@pytest.mark.parametrize(("mode", "size", "dpi", "jpeg"), [
    ("L", (400, 300), 100, {}),
    ("RGB", (400, 300), 100, {}),  # Pillow's default 4:2:0 chroma
    ("RGB", (400, 300), 100, {"subsampling": 0}),  # 4:4:4
    ("RGB", (402, 299), 100, {"subsampling": 1, "progressive": True}),  # 4:2:2, odd side
    ("L", (401, 300), 100, {}),  # 288.72 pt, read 288.71999999999997: copied across
    ("RGB", (409, 301), 100, {}),  # copied across, enlarged down
    ("L", (2480, 3508), 300, {"quality": 60}),  # A4 at 300 DPI: 595.2 × 841.92 pt
    ("RGB", (2550, 3300), 300, {"quality": 85}),  # US Letter at 300 DPI
])
def test_a_scanned_pdf_page_is_poppler_s_pixels_without_poppler(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str, size: tuple[int, int],
        dpi: int, jpeg: dict) -> None:
    """GIVEN PDF pages that are one grey or colour JPEG over the whole page at the reading's
    resolution (noise and a scan-like page; chroma subsampled or not; A4 and Letter at 300
    DPI) WHEN loaded with a pdftoppm that fails THEN each is pixel for pixel what the real
    pdftoppm renders (its half-pixel resampling included), and pdftoppm was never run."""
    image = noisy_page("RGB").convert(mode) if size == (400, 300) else scan_like(mode, size)
    path = jpeg_pdf(tmp_path / "scan.pdf", image, dpi, **jpeg)
    limits = PageLimits(dpi=dpi)
    rendered = load._rasterize_pdf_page(path, 0, limits)  # noqa: SLF001 - poppler's own
    assert not np.array_equal(rendered, np.asarray(image)[..., ::-1].squeeze())  # resampled
    folder = tmp_path / "poppler"
    folder.mkdir()
    stand_in(folder, "pdftoppm", "exit 1")
    monkeypatch.setattr(load, "POPPLER_PATH", str(folder))
    page = load_page(path, inspect_file(path, limits), 0, limits)
    assert page.shape == rendered.shape
    assert np.array_equal(page, rendered)


@pytest.mark.parametrize("size", [(403, 300), (397, 300)])
def test_a_page_poppler_would_round_otherwise_is_left_to_poppler(
        tmp_path: Path, size: tuple[int, int]) -> None:
    """GIVEN one-JPEG pages whose sides poppler rounds to a page one pixel wider than the
    image at 100 DPI (290.16 and 285.84 pt) WHEN decoded directly THEN nothing is given, and
    poppler renders them."""
    path = jpeg_pdf(tmp_path / "scan.pdf", scan_like("L", size), 100)
    assert scanned_jpeg_page(path, 0, 100) is None
    assert load_page(path, inspect_file(path, LIMITS), 0, LIMITS).size > 0


def test_the_pixel_grid_is_poppler_s_rounding_of_the_page_s_sides() -> None:
    """GIVEN page sides in points WHEN an image's side of so many pixels is placed over them
    THEN poppler draws it one pixel larger (resampled) or as large (copied) where its two
    roundings say so, and anything else (a page longer than the image) is left to it."""
    assert _drawn_over(595.2, 300, 2480) == 2481  # A4: page 2480.0, image 2480.0000000000005
    assert _drawn_over(841.92, 300, 3508) == 3509
    assert _drawn_over(612.0, 300, 2550) == 2551  # US Letter
    assert _poppler_number(Decimal("288.72")) == 288.71999999999997  # not the nearest double
    assert _drawn_over(_poppler_number(Decimal("288.72")), 100, 401) == 401  # copied
    assert _drawn_over(290.16, 100, 403) is None  # a 404-pixel page
    assert _drawn_over(595.28, 300, 2480) is None  # A4 as 595.28 pt: 2480.33 px
    assert _drawn_over(595.2, 300, 2481) is None


def rotated(path: Path) -> None:
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.pages[0].obj["/Rotate"] = 90
        pdf.save(path)


def with_text(path: Path) -> None:
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.pages[0].contents_add(pdf.make_stream(b"BT /F1 12 Tf 10 10 Td (x) Tj ET"))
        pdf.save(path)


def cropped(path: Path) -> None:
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.pages[0].obj["/CropBox"] = [10, 10, 200, 200]
        pdf.save(path)


@pytest.mark.parametrize(("mode", "resolution", "change"), [
    ("L", 150, None),  # another resolution than the reading's: poppler scales it
    ("L", 100, rotated),
    ("L", 100, with_text),
    ("L", 100, cropped),
    ("CMYK", 100, None),
])
def test_a_page_that_is_not_one_plain_jpeg_at_the_reading_s_grid_goes_to_poppler(
        tmp_path: Path, mode: str, resolution: float,
        change: Callable[[Path], None] | None) -> None:
    """GIVEN PDF pages that draw more than their JPEG as it is (scaled, turned, with text,
    cropped, or CMYK) WHEN decoded directly THEN nothing is given: poppler renders them."""
    path = one_jpeg_page(tmp_path / "scan.pdf", mode, resolution)
    if change:
        change(path)
    assert scanned_jpeg_page(path, 0, LIMITS.dpi) is None
    assert load_page(path, inspect_file(path, LIMITS), 0, LIMITS).size > 0
