"""Whether a change to the page sequence kept every page's reading: each page's full PageOcr
(text, words, rotation, skew, codes, seals) on the throughput benchmark's pages, written to a
file by one checkout and compared with another's.

    python -m benchmarks.same_pages write OUT.json [--pages 20] [--seed 7] [--corpus DIR]
    python -m benchmarks.same_pages compare BEFORE.json AFTER.json

``write`` reads the pages as the digitize task does (pipeline/page.py's ``process_page`` with
the default settings), two at a time, and also records the text layer the searchable PDF
page carries (pdftotext of it). ``compare`` names every page whose reading differs, and the
first field that does; it exits 1 when any does.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.throughput import make_corpus


def read_pages(corpus: list[Path], work: Path) -> dict[str, dict]:
    """``file#page`` → the page's PageOcr as JSON data, and its PDF page's text."""
    from config.settings import Settings  # the settings pull in OpenCV and the pipeline
    from pipeline.load import inspect_file, load_page
    from pipeline.page import process_page
    from pipeline.pdf import PageSource

    settings = Settings(data_dir=work)
    settings.resolved_work_dir.mkdir(parents=True, exist_ok=True)
    limits = settings.page_limits()

    def one(path: Path, index: int) -> tuple[str, dict]:
        info = inspect_file(path, limits)
        result = process_page(lambda: load_page(path, info, index, limits), index + 1,
                              settings.page_options(info.dpi),
                              PageSource(path, info.format, index, info.dpi))
        return f"{path.name}#{index + 1}", {"page": result.page.model_dump(mode="json"),
                                            "pdf_text": pdf_text(result.pdf)}

    jobs = [(path, index) for path in corpus
            for index in range(inspect_file(path, limits).page_count)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(lambda job: one(*job), jobs))


def pdf_text(pdf: bytes) -> str:
    """The text a reader copies from the page (pdftotext, layout kept)."""
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8", "replace")


def differences(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    """One line per page that is not the same in both, naming the first key that differs."""
    lines = [f"{key}: only in the first" for key in sorted(before.keys() - after.keys())]
    lines += [f"{key}: only in the second" for key in sorted(after.keys() - before.keys())]
    for key in sorted(before.keys() & after.keys()):
        first, second = before[key], after[key]
        if first == second:
            continue
        changed = [name for name in first["page"] if first["page"][name]
                   != second["page"].get(name)]
        if first["pdf_text"] != second["pdf_text"]:
            changed.append("pdf_text")
        lines.append(f"{key}: differs in {', '.join(changed) or 'keys'}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    write = commands.add_parser("write")
    write.add_argument("out", type=Path)
    write.add_argument("--pages", type=int, default=20)
    write.add_argument("--seed", type=int, default=7)
    write.add_argument("--corpus", type=Path, help="read these files instead of generating")
    compare = commands.add_parser("compare")
    compare.add_argument("before", type=Path)
    compare.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "compare":
        before, after = (json.loads(p.read_text(encoding="utf-8"))
                         for p in (args.before, args.after))
        lines = differences(before, after)
        print("\n".join(lines) if lines else f"all {len(before)} pages the same")
        return 1 if lines else 0
    with tempfile.TemporaryDirectory(prefix="sohoa-same-pages-") as scratch:
        corpus = (sorted(args.corpus.iterdir()) if args.corpus
                  else make_corpus(Path(scratch), args.pages, args.seed)[0])
        pages = read_pages(corpus, Path(scratch) / "data")
    args.out.write_text(json.dumps(pages, ensure_ascii=False, indent=1, sort_keys=True),
                        encoding="utf-8")
    print(f"{len(pages)} pages written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
