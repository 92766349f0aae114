"""How well a page lying askew is straightened, from −45° to 45°, and what it costs the text.

    python -m benchmarks.deskew [--step 1] [--cer-degrees 30]

The page is the Vietnamese test page of tests/pipeline/conftest.py (A4 at 200 DPI, DejaVu
Sans 12 pt), cut to its text and set on a square sheet wide enough for any turn to keep all
of it, then turned by each angle (``skew_page``). Printed:

- per angle, the skew ``estimate_skew`` finds and its error; then the median, the 95th
  percentile and the largest error, and the median milliseconds per estimate;
- the character error rate of the whole page sequence (``prepare_page``: orientation, crop,
  deskew, cleanup; then Tesseract) on the page turned by ``--cer-degrees``, the same at 0°,
  and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from rapidfuzz.distance import Levenshtein

from benchmarks.scoring import comparable_text
from pipeline.image.deskew import estimate_skew
from pipeline.image.preprocess import prepare_page
from pipeline.ocr import OcrOptions, recognize_page
from tests.pipeline.conftest import (
    BODY,
    DPI,
    HEADER,
    MOTTO,
    TITLE,
    render_page,
    skew_page,
    square_sheet,
)

TRUTH = "\n".join([HEADER, MOTTO, TITLE, *BODY])


def angle_errors(sheet: np.ndarray, angles: list[float]) -> list[tuple[float, float, float]]:
    """(angle, estimate, milliseconds) for the sheet turned by each angle."""
    found = []
    for angle in angles:
        turned = skew_page(sheet, angle)
        start = time.perf_counter()
        estimate = estimate_skew(turned)
        found.append((angle, estimate, (time.perf_counter() - start) * 1000))
    return found


def page_cer(sheet: np.ndarray, degrees: float, work_dir: Path) -> float:
    """Character error rate of the sheet turned by ``degrees``, prepared and read."""
    prepared = prepare_page(skew_page(sheet, degrees))
    page = recognize_page(prepared.ocr_image, 1, OcrOptions(dpi=DPI), work_dir).page
    expected = comparable_text(TRUTH)
    return Levenshtein.distance(expected, comparable_text(page.text)) / len(expected)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step", type=float, default=1.0)
    parser.add_argument("--cer-degrees", type=float, default=30.0)
    args = parser.parse_args()
    sheet = square_sheet(render_page())
    found = angle_errors(sheet, list(np.arange(-45, 45 + 1e-9, args.step)))
    for angle, estimate, _ in found:
        print(f"{angle:+6.1f}° → {estimate:+6.2f}°  error {abs(estimate - angle):.2f}°")
    errors = sorted(abs(estimate - angle) for angle, estimate, _ in found)
    print(f"error median {statistics.median(errors):.2f}°, 95th percentile "
          f"{errors[int(0.95 * (len(errors) - 1))]:.2f}°, largest {errors[-1]:.2f}°; "
          f"{statistics.median(ms for *_, ms in found):.0f} ms per estimate")
    with tempfile.TemporaryDirectory() as folder:
        level = page_cer(sheet, 0.0, Path(folder))
        turned = page_cer(sheet, args.cer_degrees, Path(folder))
    print(f"CER at 0°: {level:.4f}; at {args.cer_degrees:g}°: {turned:.4f}; ratio "
          f"{turned / max(level, 1e-9):.2f}")


if __name__ == "__main__":
    main()
