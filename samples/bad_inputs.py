"""A corpus of bad inputs: files a scanning station may drop that are not clean scans.

Everything is made here, with Pillow, pikepdf and raw bytes, except one real damaged PDF from
qpdf's test suite (Apache-2.0; provenance at ``QPDF_BAD_XREF``), kept as text in this module.
Nothing is downloaded. Each case says what sohoa must make of it (contract §2): the
status, and a pattern the record's ``error`` (failed) or one of its ``review_reasons``
(needs_review) must match. Files that can be processed are (a JPEG named ``.pdf``, a PDF that
already has a text layer, a PDF whose cross-reference table poppler and qpdf repair);
everything else ends as a `failed` record whose reason names the problem.

    from samples.bad_inputs import write_bad_inputs
    cases = write_bad_inputs(Path("out/bad"), dpi=150)

or ``python -m samples.bad_inputs out/bad`` (prints the cases).
"""

from __future__ import annotations

import re
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pikepdf
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # fonts-dejavu-core
# Printed on the processable pages: ordinary Vietnamese text that is neither form's title,
# so the record is an `unknown` document with readable text.
LINES = ["Thông báo họp tổ dân phố số 5", "Thời gian: 19 giờ 30, ngày 12 tháng 3 năm 2024"]
ASCII_LINES = ["Thong bao hop to dan pho so 5", "Thoi gian: 19 gio 30, ngay 12 thang 3"]
HUGE_SIDE_PIXELS = 35_000
BOMB_SIDE_PIXELS = 100_000

# qpdf's test file qpdf/qtest/qpdf/bad-xref.pdf (https://github.com/qpdf/qpdf, commit
# a1fe40a4f03029a8ce999f6d8e162893e01c902d; qpdf is Apache-2.0, copyright Jay Berkenbilt):
# a cross-reference table with junk after entries and blank lines between them. Plain ASCII,
# so it is kept here byte for byte rather than as a binary file.
QPDF_BAD_XREF = (
    '%PDF-1.3\n'
    '1 0 obj\n'
    '<<\n'
    '  /Type /Catalog\n'
    '  /Pages 2 0 R\n'
    '>>\n'
    'endobj\n'
    '\n'
    '2 0 obj\n'
    '<<\n'
    '  /Type /Pages\n'
    '  /Kids [\n'
    '    3 0 R\n'
    '  ]\n'
    '  /Count 1\n'
    '>>\n'
    'endobj\n'
    '\n'
    '3 0 obj\n'
    '<<\n'
    '  /Type /Page\n'
    '  /Parent 2 0 R\n'
    '  /MediaBox [0 0 612 792]\n'
    '  /Contents 4 0 R\n'
    '  /Resources <<\n'
    '    /ProcSet 5 0 R\n'
    '    /Font <<\n'
    '      /F1 6 0 R\n'
    '    >>\n'
    '  >>\n'
    '>>\n'
    'endobj\n'
    '\n'
    '4 0 obj\n'
    '<<\n'
    '  /Length 44\n'
    '>>\n'
    'stream\n'
    'BT\n'
    '  /F1 24 Tf\n'
    '  72 720 Td\n'
    '  (Potato) Tj\n'
    'ET\n'
    'endstream\n'
    'endobj\n'
    '\n'
    '5 0 obj\n'
    '[\n'
    '  /PDF\n'
    '  /Text\n'
    ']\n'
    'endobj\n'
    '\n'
    '6 0 obj\n'
    '<<\n'
    '  /Type /Font\n'
    '  /Subtype /Type1\n'
    '  /Name /F1\n'
    '  /BaseFont /Helvetica\n'
    '  /Encoding /WinAnsiEncoding\n'
    '>>\n'
    'endobj\n'
    '\n'
    'xref\n'
    '0 7\n'
    "0000000000 65535 f don't panick \n"
    '0000000009 00000 n life is too short \n'
    '0000000063 00000 n \n'
    '\n'
    '\n'
    '\n'
    '\n'
    '\n'
    '0000000135 00000 n \n'
    '0000000307 00000 n \n'
    '0000000403 00000 n \n'
    '\n'
    '\n'
    '\n'
    '\n'
    '\n'
    '\n'
    '\n'
    '\n'
    '\n'
    '\n'
    '\n'
    '\n'
    '\n'
    '\n'
    '\n'
    '\n'
    '\n'
    '\n'
    '\n'
    '\n'
    '0000000438 00000 n \n'
    'trailer <<\n'
    '  /Size 7\n'
    '  /Root 1 0 R\n'
    '>>\n'
    'startxref\n'
    '556\n'
    '%%EOF\n'
).encode("ascii")


@dataclass(frozen=True)
class BadInput:
    """One file of the corpus and the outcome sohoa must give it."""

    name: str
    what: str
    status: str
    message: str = ""  # regex: the failed record's error, or one of its review reasons
    doc_type: str | None = None

    @property
    def stem(self) -> str:
        """The name of its JSON under ``--json-out`` (contract §4)."""
        return Path(self.name).stem

    def matches(self, text: str) -> bool:
        """Whether ``text`` says what this case expects."""
        return re.search(self.message, text) is not None


def text_page(dpi: int, lines: list[str] = LINES) -> Image.Image:
    """A small white page (about 14 × 5 cm) with two lines of text 10 pt tall at ``dpi``."""
    width, height = round(5.5 * dpi), round(2 * dpi)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, round(14 / 72 * dpi))
    for row, line in enumerate(lines):
        draw.text((round(0.3 * dpi), round((0.4 + 0.6 * row) * dpi)), line, font=font, fill=0)
    return image


def image_pdf(image: Image.Image, dpi: int) -> bytes:
    """An image-only PDF of one page, as a scanner writes it."""
    buffer = BytesIO()
    image.convert("RGB").save(buffer, "PDF", resolution=dpi)
    return buffer.getvalue()


def write_empty(path: Path, dpi: int) -> None:
    path.write_bytes(b"")


def write_truncated_pdf(path: Path, dpi: int) -> None:
    """A scanned PDF cut off at a third: its pages and cross-reference table are gone."""
    whole = image_pdf(text_page(dpi), dpi)
    path.write_bytes(whole[: len(whole) // 3])


def write_broken_xref_pdf(path: Path, dpi: int) -> None:
    """A good PDF whose cross-reference offsets all point 37 bytes too far.

    Readers rebuild the table by scanning the objects (poppler and qpdf both do, with a
    warning), so the file is processable; that is the right outcome: nothing is lost.
    """
    data = image_pdf(text_page(dpi), dpi)
    start = data.rindex(b"\nxref")  # the table, not the word in "startxref"

    def shift(entry: re.Match[bytes]) -> bytes:
        return b"%010d %s n" % (int(entry[1]) + 37, entry[2])

    path.write_bytes(data[:start] + re.sub(rb"(\d{10}) (\d{5}) n", shift, data[start:]))


def write_qpdf_bad_xref(path: Path, dpi: int) -> None:
    path.write_bytes(QPDF_BAD_XREF)


def write_encrypted_pdf(path: Path, dpi: int) -> None:
    """A scanned PDF that needs a password to open (AES-256)."""
    with pikepdf.open(BytesIO(image_pdf(text_page(dpi), dpi))) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="mat-khau", owner="chu-so-huu"))


def write_huge_page_pdf(path: Path, dpi: int) -> None:
    """One page whose MediaBox is 35000 × 35000 pixels at ``dpi`` (6 m square at 150 DPI).

    The file is a few hundred bytes; rendering it would take gigabytes.
    """
    side = HUGE_SIDE_PIXELS / dpi * 72
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    # pikepdf's add_blank_page refuses more than 14400 units, as Acrobat does; a hostile
    # file does not care, and poppler would render it.
    pdf.pages[0].obj.MediaBox = pikepdf.Array([0, 0, side, side])
    pdf.save(path)


def write_decompression_bomb(path: Path, dpi: int) -> None:
    """A valid PNG of 100000 × 100000 white-and-black pixels (10 gigapixels) in about 1.2 MB.

    The zlib stream is one fully flushed block of 100 rows repeated: a full flush makes each
    piece independent, so repeating it is still valid deflate, and nothing is compressed
    more than once. Decoded, it would need 1.25 GB (bilevel) to 30 GB (RGB) of memory.
    """
    row = b"\x00" + b"\x00" * (BOMB_SIDE_PIXELS // 8)  # filter byte + 1 bit per pixel
    rows_per_piece = 100
    chunk = row * rows_per_piece
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: no header of its own
    piece = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    pieces = BOMB_SIDE_PIXELS // rows_per_piece
    checksum = 1
    for _ in range(pieces):
        checksum = zlib.adler32(chunk, checksum)
    stream = (b"\x78\xda" + piece * pieces + b"\x03\x00"  # zlib header, blocks, final block
              + struct.pack(">I", checksum))
    header = struct.pack(">IIBBBBB", BOMB_SIDE_PIXELS, BOMB_SIDE_PIXELS, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
                     + _png_chunk(b"IDAT", stream) + _png_chunk(b"IEND", b""))


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def write_one_pixel(path: Path, dpi: int) -> None:
    Image.new("L", (1, 1), 255).save(path, "PNG")


def write_blank_page(path: Path, dpi: int) -> None:
    """A white A4 page: a scan of the back of a form."""
    Image.new("L", (round(210 / 25.4 * dpi), round(297 / 25.4 * dpi)), 255).save(
        path, "PNG", dpi=(dpi, dpi))


def write_jpeg(path: Path, dpi: int) -> None:
    text_page(dpi).save(path, "JPEG", quality=90, dpi=(dpi, dpi))


def write_pdf(path: Path, dpi: int) -> None:
    path.write_bytes(image_pdf(text_page(dpi), dpi))


def write_text_layer_pdf(path: Path, dpi: int) -> None:
    """A born-digital PDF (text in Helvetica, no image): it already has a text layer.

    sohoa rasterises and reads it like any scan; the standard fonts have no Vietnamese
    diacritics, hence the plain-ASCII wording.
    """
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(396, 144))
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font,
                                                Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    shown = " ".join(f"1 0 0 1 22 {100 - 43 * row} Tm ({line}) Tj"
                     for row, line in enumerate(ASCII_LINES))
    page.obj.Contents = pdf.make_stream(f"BT /F1 14 Tf {shown} ET".encode())
    pdf.save(path)


def write_office_document(path: Path, dpi: int) -> None:
    with zipfile.ZipFile(path, "w") as docx:
        docx.writestr("[Content_Types].xml", "<Types/>")
        docx.writestr("word/document.xml", "<w:document/>")


def write_zip(path: Path, dpi: int) -> None:
    """A ZIP of scans: stations sometimes send a whole folder this way."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("trang-1.jpg", b"\xff\xd8\xff not really")


def write_text_file(path: Path, dpi: int) -> None:
    path.write_text("đây không phải là bản quét\n", encoding="utf-8")


Writer = Callable[[Path, int], None]

_UNKNOWN_READABLE = "unknown"
CASES: list[tuple[BadInput, Writer]] = [
    (BadInput("rỗng.pdf", "0-byte file", "failed", r"rỗng\.pdf: the file is empty"),
     write_empty),
    (BadInput("hồ sơ bị cắt.pdf", "PDF truncated at a third", "failed",
              r"hồ sơ bị cắt\.pdf: .*damaged"), write_truncated_pdf),
    (BadInput("bảng xref hỏng.pdf", "PDF with every cross-reference offset wrong (repaired "
              "by the reader)", "digitized", doc_type=_UNKNOWN_READABLE), write_broken_xref_pdf),
    (BadInput("qpdf bad-xref.pdf", "real damaged PDF from qpdf's test suite: junk in the "
              "cross-reference table (repaired by the reader)", "digitized",
              doc_type=_UNKNOWN_READABLE), write_qpdf_bad_xref),
    (BadInput("có mật khẩu.pdf", "password-protected PDF (AES-256, user password)", "failed",
              r"có mật khẩu\.pdf: PDF is password-protected"), write_encrypted_pdf),
    (BadInput("trang khổng lồ.pdf", "PDF page of 35000×35000 pixels at the configured DPI",
              "failed", r"trang khổng lồ\.pdf: page 1 .*too large to rasterise"),
     write_huge_page_pdf),
    (BadInput("bom giải nén.png", "PNG decompression bomb: 100000×100000 pixels in 1.2 MB",
              "failed", r"bom giải nén\.png: image has more pixels than the limit"),
     write_decompression_bomb),
    (BadInput("một điểm ảnh.png", "1×1 pixel image", "failed",
              r"một điểm ảnh\.png: image is 1×1 pixels, too small to be a scanned page"),
     write_one_pixel),
    (BadInput("trang trắng.png", "blank white A4 page", "needs_review",
              "no readable text", doc_type=_UNKNOWN_READABLE), write_blank_page),
    (BadInput("ảnh chụp thật ra là jpeg.pdf", "JPEG named .pdf", "digitized",
              doc_type=_UNKNOWN_READABLE), write_jpeg),
    (BadInput("bản quét thật ra là pdf.jpg", "PDF named .jpg", "digitized",
              doc_type=_UNKNOWN_READABLE), write_pdf),
    (BadInput("có sẵn lớp chữ.pdf", "born-digital PDF that already has a text layer",
              "digitized", doc_type=_UNKNOWN_READABLE), write_text_layer_pdf),
    (BadInput("tờ trình.docx", "Word document", "failed",
              r"tờ trình\.docx: is a ZIP archive or Office document .*not a scan"),
     write_office_document),
    (BadInput("cả thư mục.zip", "ZIP archive", "failed",
              r"cả thư mục\.zip: is a ZIP archive .*not a scan"), write_zip),
    # Backslashes are ordinary characters in a Linux file name; on Windows, or in a key
    # built from the name, they would climb out of the folder.
    (BadInput(r"tải về ..\..\..\etc\thoát ra ngoài.txt", "'../' tricks in the name (text file)",
              "failed", r"thoát ra ngoài\.txt: unknown file type"), write_text_file),
]


def write_bad_inputs(folder: Path, dpi: int = 150) -> list[BadInput]:
    """Write every case into ``folder`` (created); page sizes follow ``dpi``."""
    folder.mkdir(parents=True, exist_ok=True)
    for case, writer in CASES:
        writer(folder / case.name, dpi)
    return [case for case, _ in CASES]


def main(argv: list[str]) -> None:
    """``python -m samples.bad_inputs FOLDER [DPI]``: write the corpus, list its cases."""
    folder = Path(argv[0])
    for case in write_bad_inputs(folder, int(argv[1]) if len(argv) > 1 else 150):
        print(f"{case.name}\t{case.status}\t{case.what}")


if __name__ == "__main__":
    main(sys.argv[1:])
