"""Which decoder reads the dossier code's barcode or QR code on a scanned page, and how well.

    python -m benchmarks.barcodes [--pages 10] [--seed 1]

Pages are dossier receipts from the samples generator at 300 DPI carrying their dossier code as
a Code 128 or QR code (drawn by python-barcode and segno, not by any decoder measured). Each
page is damaged under each condition and given whole to each decoder:

- ``sohoa read_codes``: ``pipeline.barcodes.read_codes`` (zxing-cpp, small pages read again
  at twice the size);
- ``zxing-cpp``: ``zxingcpp.read_barcodes`` once, with the formats a one-stop shop prints;
- ``opencv``: ``cv2.QRCodeDetector`` plus ``cv2.barcode.BarcodeDetector`` (1-D);
- ``opencv-aruco``: ``cv2.QRCodeDetectorAruco`` plus the same 1-D detector.

Per condition, symbology and decoder it prints the read rate (the code was among the results),
the wrong-read rate (some result was another text) and the median milliseconds per page; the
summary also counts wrong texts that would pass as a dossier code (the dangerous ones). The
damage is deterministic for a seed. Times depend on the machine's load: compare them within
one run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp
from rich.console import Console
from rich.table import Table

from pipeline.barcodes import FORMAT_NAMES, is_dossier_code, read_codes
from samples.codes import BARCODE_KINDS, BarcodeKind
from samples.generate import render_form
from samples.layouts import tuning_layouts

console = Console()
Damage = Callable[[np.ndarray, np.random.Generator], np.ndarray]
Decoder = Callable[[np.ndarray], list[str]]


# --- damage ------------------------------------------------------------------------------------


def turn_by(degrees: float) -> Damage:
    """The page turned ``degrees`` counter-clockwise on a page grown to hold it all."""
    def damage(page: np.ndarray, _rng: np.random.Generator) -> np.ndarray:
        height, width = page.shape
        matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
        cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
        new_w, new_h = int(height * sin + width * cos), int(height * cos + width * sin)
        matrix[0, 2] += new_w / 2 - width / 2
        matrix[1, 2] += new_h / 2 - height / 2
        return cv2.warpAffine(page, matrix, (new_w, new_h), flags=cv2.INTER_LINEAR,
                              borderValue=255)
    return damage


def quarter_turns(k: int) -> Damage:
    return lambda page, _rng: np.ascontiguousarray(np.rot90(page, k=k))


def shear(page: np.ndarray, _rng: np.random.Generator) -> np.ndarray:
    """A sheet fed askew and not flat: a 6 % horizontal shear plus 2° of rotation."""
    height, width = page.shape
    matrix = np.float32([[1, 0.06, -0.03 * height], [0, 1, 0]])
    sheared = cv2.warpAffine(page, matrix, (width, height), borderValue=255)
    return turn_by(2.0)(sheared, _rng)


def at_dpi(dpi: int) -> Damage:
    """A scan at ``dpi`` instead of 300: the page resampled as the scanner's optics would."""
    def damage(page: np.ndarray, _rng: np.random.Generator) -> np.ndarray:
        scale = dpi / 300
        return cv2.resize(page, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return damage


def photocopy(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A copy of a copy: blur, toner noise, then the copier's hard black-and-white threshold."""
    blurred = cv2.GaussianBlur(page.astype(np.float32), (0, 0), float(rng.uniform(1.0, 1.6)))
    noisy = blurred + rng.standard_normal(page.shape).astype(np.float32) * rng.uniform(15, 25)
    return np.where(noisy < rng.uniform(140, 170), 0, 255).astype(np.uint8)


def jpeg(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Saved by a scanner at JPEG quality 30–50."""
    quality = int(rng.integers(30, 51))
    _ok, data = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)


def worst(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """All at once: 200 DPI, 3° skew, photocopied, JPEG 30–50."""
    return jpeg(photocopy(turn_by(3.0)(at_dpi(200)(page, rng), rng), rng), rng)


CONDITIONS: dict[str, Damage] = {
    "clean 300 dpi": lambda page, _rng: page,
    "rotated 90": quarter_turns(1),
    "rotated 180": quarter_turns(2),
    "rotated 270": quarter_turns(3),
    "tilted +3°": turn_by(3.0),
    "tilted -3°": turn_by(-3.0),
    "tilted +10°": turn_by(10.0),
    "tilted -10°": turn_by(-10.0),
    "sheared 6 % + 2°": shear,
    "200 dpi": at_dpi(200),
    "150 dpi": at_dpi(150),
    "photocopied": photocopy,
    "JPEG 30-50": jpeg,
    "200 dpi+3°+copy+JPEG": worst,
}


# --- decoders ----------------------------------------------------------------------------------

def read_zxing(page: np.ndarray) -> list[str]:
    """zxing-cpp once, on the page as it is."""
    return [r.text for r in zxingcpp.read_barcodes(page, formats=tuple(FORMAT_NAMES))]


def read_sohoa(page: np.ndarray) -> list[str]:
    """What the pipeline does: zxing-cpp, a small page read again enlarged."""
    return [code.text for code in read_codes(page)]


def opencv_reader(qr_detector: cv2.QRCodeDetector | cv2.QRCodeDetectorAruco) -> Decoder:
    linear = cv2.barcode.BarcodeDetector()

    def read(page: np.ndarray) -> list[str]:
        ok, texts, _points, _straight = qr_detector.detectAndDecodeMulti(page)
        found = [t for t in texts if t] if ok else []
        ok, infos, _types, _points = linear.detectAndDecodeWithType(page)
        return found + ([t for t in infos if t] if ok else [])
    return read


DECODERS: dict[str, Decoder] = {
    "sohoa read_codes": read_sohoa,
    "zxing-cpp": read_zxing,
    "opencv": opencv_reader(cv2.QRCodeDetector()),
    "opencv-aruco": opencv_reader(cv2.QRCodeDetectorAruco()),
}


# --- measuring ---------------------------------------------------------------------------------


@dataclass
class Tally:
    """What one decoder did under one condition on one symbology."""

    pages: int = 0
    read: int = 0
    wrong: int = 0
    wrong_code: int = 0
    ms: list[float] | None = None

    def add(self, texts: list[str], truth: str, ms: float) -> None:
        self.pages += 1
        self.read += truth in texts
        self.wrong += any(t != truth for t in texts)
        self.wrong_code += any(t != truth and is_dossier_code(t) for t in texts)
        self.ms = [*(self.ms or []), ms]


def receipts(kind: BarcodeKind, count: int, seed: int) -> list[tuple[str, np.ndarray]]:
    """``count`` clean 300 DPI receipts carrying their code as ``kind``: (code, pixels)."""
    layouts = tuning_layouts()
    pages = []
    for n in range(count):
        content, pixels, _text = render_form("dossier_receipt", layouts[n % len(layouts)], 300,
                                             seed * 1000 + n, barcode=kind)
        pages.append((str(content.fields["dossier_code"]), pixels))
    return pages


def measure(count: int, seed: int) -> dict[tuple[str, str, str], Tally]:
    """Every (condition, symbology, decoder) tally."""
    tallies: dict[tuple[str, str, str], Tally] = {}
    for kind in BARCODE_KINDS:
        pages = receipts(kind, count, seed)
        for condition, damage in CONDITIONS.items():
            rng = np.random.default_rng([seed, list(CONDITIONS).index(condition)])
            for code, clean in pages:
                page = damage(clean, rng)
                for name, decode in DECODERS.items():
                    start = time.perf_counter()
                    texts = decode(page)
                    ms = (time.perf_counter() - start) * 1000
                    tallies.setdefault((condition, kind, name), Tally()).add(texts, code, ms)
        console.print(f"[dim]{kind}: {len(pages)} pages × {len(CONDITIONS)} conditions done")
    return tallies


def show(tallies: dict[tuple[str, str, str], Tally]) -> None:
    table = Table(title="Dossier-code symbols read: read % / wrong % / median ms per page")
    table.add_column("condition")
    table.add_column("symbol")
    for name in DECODERS:
        table.add_column(name, justify="right")
    for condition in CONDITIONS:
        for kind in BARCODE_KINDS:
            cells = [cell(tallies[(condition, kind, name)]) for name in DECODERS]
            table.add_row(condition, kind, *cells)
    console.print(table)
    for name in DECODERS:
        all_ = [t for (_c, _k, n), t in tallies.items() if n == name]
        pages = sum(t.pages for t in all_)
        console.print(f"{name}: read {100 * sum(t.read for t in all_) / pages:.1f} %, "
                      f"wrong {100 * sum(t.wrong for t in all_) / pages:.1f} % "
                      f"({sum(t.wrong_code for t in all_)} passing as a dossier code), "
                      f"median {statistics.median(m for t in all_ for m in t.ms or []):.0f} ms "
                      f"over {pages} pages")


def cell(tally: Tally) -> str:
    return (f"{100 * tally.read / tally.pages:.0f} / {100 * tally.wrong / tally.pages:.0f} / "
            f"{statistics.median(tally.ms or [0]):.0f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10, help="receipts per symbology")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    show(measure(args.pages, args.seed))


if __name__ == "__main__":
    main()
