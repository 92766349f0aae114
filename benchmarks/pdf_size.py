"""Searchable-PDF size against the originals, per input kind, and what the archival PDF keeps.

For every scan of the bundled samples (samples/scans) and of a generated set (python -m
samples.generate: clean PNG/TIFF are bilevel, colour and grey otherwise), each page goes
through the page sequence (real OCR, pipeline/page.py) and the pages are merged as the flow
does (pipeline/pdf/pages.py). A third set, "pdf-bilevel", wraps the generated bilevel pages in
CCITT G4 PDFs, as a black-and-white scanner's «scan to PDF» writes them (the real 307 kB
directive that grew to 4.1 MB was one). For PDF input every image stream of the original is
compared with the output's, byte for byte; every output is checked against PDF/A-2b.

    .venv/bin/python -m benchmarks.pdf_size [--count 8] [--seed 3] [--out out/pdf_size]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import pikepdf

from pipeline.load import FileFormat, PageLimits, inspect_file, load_page
from pipeline.ocr import OcrOptions
from pipeline.page import PageOptions, process_page
from pipeline.pdf import PageSource, merge_page_pdfs
from pipeline.pdf.images import page_image
from pipeline.pdf.pdfa import pdfa_problems

_SCAN_SUFFIXES = {".pdf", ".tif", ".jpg", ".png"}


def searchable_pdf(path: Path, out_dir: Path) -> Path:
    """The file's searchable PDF as the flow makes it (one document, every page)."""
    limits = PageLimits()
    info = inspect_file(path, limits)
    options = PageOptions(ocr=OcrOptions(dpi=info.dpi))
    pages = []
    for index in range(info.page_count):
        result = process_page(lambda i=index: load_page(path, info, i, limits), index + 1,
                              options, PageSource(path, info.format, index, info.dpi))
        page = out_dir / f"{path.stem}-page-{index + 1}.pdf"
        page.write_bytes(result.pdf)
        pages.append(page)
    merged = out_dir / f"{path.stem}.searchable.pdf"
    merge_page_pdfs(pages, merged)
    for page in pages:
        page.unlink()
    return merged


def image_streams(path: Path) -> list[bytes]:
    """The raw (still encoded) bytes of every image XObject, page by page."""
    with pikepdf.open(path) as pdf:
        return [bytes(image.read_raw_bytes()) for page in pdf.pages
                for _, image in sorted(_images(page.obj.get("/Resources")))]


def _images(resources: pikepdf.Object | None) -> list[tuple[str, pikepdf.Stream]]:
    if resources is None or "/XObject" not in resources:
        return []
    return [(str(name), obj) for name, obj in resources.XObject.items()
            if obj.get("/Subtype") == pikepdf.Name.Image]


def kept_images(original: Path, output: Path) -> bool:
    """Every image stream of the original PDF is in the output, byte for byte (the text
    layer adds none)."""
    return image_streams(original) == image_streams(output)


def kind_of(path: Path) -> str:
    """Input kind for the table: the format, and bilevel or not for images."""
    fmt = inspect_file(path, PageLimits()).format
    if fmt is FileFormat.PDF:
        with pikepdf.open(path) as pdf:
            filters = {str(s.get("/Filter")) for p in pdf.pages
                       for _, s in _images(p.obj.get("/Resources"))}
        return "pdf-bilevel" if "/CCITTFaxDecode" in filters else "pdf"
    return f"{fmt.value}-bilevel" if page_image(path, 0).dictionary["/BitsPerComponent"] == 1 \
        else fmt.value


def bilevel_pdfs(scans: list[Path], out_dir: Path) -> list[Path]:
    """A CCITT G4 PDF for each bilevel TIFF or PNG: the scanner's black-and-white PDF."""
    made = []
    for scan in scans:
        if not kind_of(scan).endswith("-bilevel"):
            continue
        info = inspect_file(scan, PageLimits())
        pdf = pikepdf.new()
        for index in range(info.page_count):
            image = page_image(scan, index)
            width, height = (side * 72 / info.dpi for side in image.size)
            page = pikepdf.Page(pdf.add_blank_page(page_size=(width, height)))
            page.obj.Resources = pikepdf.Dictionary(
                XObject=pikepdf.Dictionary(Im0=image.to_stream(pdf)))
            page.obj.Contents = pdf.make_stream(f"q {width} 0 0 {height} 0 0 cm /Im0 Do Q"
                                                .encode())
        made.append(out_dir / f"{scan.stem}-g4.pdf")
        pdf.save(made[-1])
    return made


def measure(scans: list[Path], out_dir: Path) -> list[dict[str, object]]:
    """One row per scan: kind, bytes in and out, images kept (PDF input), PDF/A findings."""
    rows = []
    for scan in scans:
        output = searchable_pdf(scan, out_dir)
        kind = kind_of(scan)
        rows.append({"file": scan.name, "kind": kind, "original": scan.stat().st_size,
                     "searchable": output.stat().st_size,
                     "kept": kept_images(scan, output) if kind.startswith("pdf") else None,
                     "pdfa": pdfa_problems(output), "text": _has_diacritics(output)})
        print(_row_line(rows[-1]), flush=True)
    return rows


def _has_diacritics(path: Path) -> bool:
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return any(letter in text for letter in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệịọỏốồổỗộớờởỡợụủứừửữự")


def _row_line(row: dict[str, object]) -> str:
    ratio = int(row["searchable"]) / int(row["original"])  # type: ignore[call-overload]
    return (f"{row['file']:<22} {row['kind']:<12} {row['original']:>10} {row['searchable']:>10} "
            f"{ratio:>6.2f}×  images kept: {row['kept']}  PDF/A-2b: "
            f"{'valid' if not row['pdfa'] else row['pdfa']}  diacritics: {row['text']}")


def summary(rows: list[dict[str, object]]) -> str:
    """Bytes per kind: the table the limits are judged on (≤ 1.1× PDF, ≤ 1.5× images)."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        total = totals[str(row["kind"])]
        total[0] += 1
        total[1] += int(row["original"])  # type: ignore[call-overload]
        total[2] += int(row["searchable"])  # type: ignore[call-overload]
    lines = ["| kind | files | original bytes | searchable bytes | ratio |",
             "|---|---:|---:|---:|---:|"]
    for kind, (files, original, searchable) in sorted(totals.items()):
        lines.append(f"| {kind} | {files} | {original:,} | {searchable:,} | "
                     f"{searchable / original:.2f}× |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pdf_size")
    parser.add_argument("--count", type=int, default=8, help="generated files")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("out/pdf_size"))
    args = parser.parse_args(argv)
    generated = args.out / "generated"
    generated.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "samples.generate", str(generated), "--count",
                    str(args.count), "--seed", str(args.seed), "--dpi", "200",
                    "--tiers", "clean,mild"], check=True, stdout=subprocess.DEVNULL)
    scans = sorted(Path("samples/scans").glob("sample-*"))
    made = sorted(p for p in generated.glob("sample-*") if p.suffix in _SCAN_SUFFIXES)
    wrapped = args.out / "bilevel-pdf"
    wrapped.mkdir(exist_ok=True)
    scans += made + bilevel_pdfs(made, wrapped)
    rows = measure(scans, args.out)
    print(summary(rows))
    failed = [r for r in rows if r["pdfa"] or r["kept"] is False or not r["text"]]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
