"""Loading pages: formats are decided by bytes, limits are enforced, damage is named."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image

from pipeline.errors import (
    CorruptFileError,
    EncryptedPdfError,
    ImageTooLargeError,
    UnsupportedFileError,
)
from pipeline.load import FileFormat, PageLimits, inspect_file, load_page, sha256_of, sniff_format

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


def test_multi_frame_tiff_pages(tmp_path: Path) -> None:
    path = tmp_path / "pages.tif"
    frames = [grey_page(shade=s) for s in (10, 120, 240)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    info = inspect_file(path, LIMITS)
    assert info.page_count == 3
    assert load_page(path, info, 1, LIMITS)[60, 60] == 120


def test_jpeg_exif_orientation_is_applied(tmp_path: Path) -> None:
    """GIVEN a landscape JPEG tagged 'rotate 90' WHEN loaded THEN it comes out portrait."""
    path = tmp_path / "phone.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    grey_page(400, 300).save(path, "JPEG", exif=exif)
    info = inspect_file(path, LIMITS)
    assert load_page(path, info, 0, LIMITS).shape[:2] == (400, 300)


def test_colour_png_comes_out_bgr(tmp_path: Path) -> None:
    path = tmp_path / "red.png"
    Image.new("RGB", (20, 10), (255, 0, 0)).save(path)
    page = load_page(path, inspect_file(path, LIMITS), 0, LIMITS)
    assert page.shape == (10, 20, 3)
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
