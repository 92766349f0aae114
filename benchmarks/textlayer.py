"""Which reader takes a born-digital page's words and boxes out of its PDF, and how well.

    python -m benchmarks.textlayer [--pages 3] [--repeat 5]

The PDF is written by fpdf2 in DejaVu Sans (samples/borndigital.py) from the Vietnamese
lines of the test page. Each reader gives every page's words with their boxes:

- ``pdftotext``: poppler's ``pdftotext -bbox-layout``, parsed (``pipeline.pdf.textlayer``);
- ``pypdfium2``: PDFium's text page, its text and every character's box;
- ``pdfplumber``: pdfminer's layout, ``extract_words``.

Printed per reader: milliseconds per page (median of the repeats; compare within one run,
the times follow the machine's load), the pages whose text equals the source after NFC
and with whitespace removed, and the pages whose raw text was already NFC (else tone marks
come out as combining characters, which the gazetteer and the dictionaries would miss).
Readers not installed are said so and left out.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

from pipeline.ocr.recognize import text_of
from pipeline.pdf.textlayer import PdfPage, read_text_layer
from samples.borndigital import write_born_digital_pdf
from tests.pipeline.conftest import BODY, HEADER, MOTTO, TITLE

SOURCE = [HEADER, MOTTO, TITLE, *BODY]


def read_pdftotext(path: Path, index: int) -> str:
    return text_of(read_text_layer(PdfPage(path, index), dpi=300))


def read_pypdfium2(path: Path, index: int) -> str:
    import pypdfium2 as pdfium  # noqa: PLC0415 - measured only when installed

    page = pdfium.PdfDocument(path)[index]
    text_page = page.get_textpage()
    for char in range(text_page.count_chars()):  # the boxes a reading needs as well
        text_page.get_charbox(char)
    return text_page.get_text_range()


def read_pdfplumber(path: Path, index: int) -> str:
    import pdfplumber  # noqa: PLC0415 - measured only when installed

    with pdfplumber.open(path) as pdf:
        words = pdf.pages[index].extract_words()
    return " ".join(word["text"] for word in words)


READERS: dict[str, Callable[[Path, int], str]] = {
    "pdftotext": read_pdftotext, "pypdfium2": read_pypdfium2, "pdfplumber": read_pdfplumber}


def squeezed(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


def measure(reader: Callable[[Path, int], str], path: Path, pages: int,
            repeat: int) -> tuple[float, int, int]:
    """(median ms per page, pages with the source's text, pages whose raw text was NFC)."""
    times, equal, composed = [], 0, 0
    for index in range(pages):
        for _ in range(repeat):
            start = time.perf_counter()
            text = reader(path, index)
            times.append((time.perf_counter() - start) * 1000)
        equal += squeezed(text) == squeezed("".join(SOURCE))
        composed += unicodedata.is_normalized("NFC", text)
    return statistics.median(times), equal, composed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = write_born_digital_pdf(Path(folder) / "born.pdf", [SOURCE] * args.pages)
        print(f"{'reader':<12} {'ms/page':>8} {'text equal':>11} {'raw NFC':>8}")
        for name, reader in READERS.items():
            try:
                ms, equal, composed = measure(reader, path, args.pages, args.repeat)
            except ImportError:
                print(f"{name:<12} not installed")
                continue
            print(f"{name:<12} {ms:>8.1f} {equal:>7}/{args.pages} {composed:>5}/{args.pages}")


if __name__ == "__main__":
    main()
