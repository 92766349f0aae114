"""Accuracy of sohoa end to end on a generated corpus with ground truth.

    python -m benchmarks.accuracy [--count 60] [--seed 11] [--layouts A,B|all] [--dpi 300]
                                  [--types forms|new]

Generates scans (clean, mild, hard), runs the pipeline on them in-process with the settings
a user gets by default (pipeline/page.py for every page, pipeline/document.py for every file:
the very steps `sohoa process` runs, without a Prefect server, database or store), and
prints per tier: document-type accuracy, field accuracy
(expected fields with exactly the right value), field precision (given fields that are
right; see ``benchmarks.scoring``) and character error rate of the recognised text.

By default the scans are set in the held-out layouts (``samples.layouts.HELD_OUT_LAYOUTS``),
which no extraction test uses, so the numbers say how the pipeline does on forms it was not
tuned to; ``--layouts all`` takes every layout.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks.scoring import TierScore, score_file
from config.settings import Settings
from pipeline.doctypes import load_doctypes
from pipeline.document import analyse
from pipeline.load import inspect_file, load_page
from pipeline.page import process_page
from samples.generate import generate_corpus
from samples.layouts import HELD_OUT_LAYOUTS, LAYOUTS
from samples.official import HELD_OUT_FAMILIES, generate_official_corpus
from samples.truth import Truth
from schemas.errors import SohoaError

TIERS = ("clean", "mild", "hard")


def digitize(path: Path) -> dict:
    """One file through the page and document sequences, as the contract's JSON would say
    it (status, type, fields, page texts); a file that cannot be read is `failed`."""
    settings = Settings()
    settings.resolved_work_dir.mkdir(parents=True, exist_ok=True)  # Tesseract's scratch files
    try:
        info = inspect_file(path, settings.page_limits())
        options = settings.page_options(info.dpi)
        pages = [process_page(lambda i=index: load_page(path, info, i, settings.page_limits()),
                              index + 1, options).page
                 for index in range(info.page_count)]
    except SohoaError as error:
        return {"status": "failed", "doc_type": None, "fields": {}, "pages": [],
                "error": error.message}
    analysis = analyse(pages, load_doctypes(settings.doctypes_dir), settings.review)
    fields = {k: v.model_dump(mode="json") for k, v in analysis.extraction.fields.items()}
    return {"status": analysis.assessment.status.value, "doc_type": analysis.doc_type,
            "fields": fields, "pages": [{"text": page.text} for page in pages]}


def run_pipeline(files: list[Path], json_out: Path) -> float:
    """Digitize ``files`` a process per core (as `sohoa process` reads a page per core) and
    write ``<stem>.json`` for each; returns wall seconds."""
    json_out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with ProcessPoolExecutor(Settings().ocr.worker_count()) as pool:
        for path, document in zip(files, pool.map(digitize, files), strict=True):
            (json_out / f"{path.stem}.json").write_text(
                json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return time.perf_counter() - started


def score_corpus(truths: list[Truth], json_out: Path) -> dict[str, TierScore]:
    """Scores per tier plus 'all'; a file without JSON counts as entirely wrong."""
    scores = {tier: TierScore() for tier in (*TIERS, "all")}
    for truth in truths:
        produced = json_out / f"{Path(truth.file).stem}.json"
        document = (json.loads(produced.read_text(encoding="utf-8")) if produced.exists()
                    else {"status": "missing", "doc_type": None, "fields": {}, "pages": []})
        score = score_file(truth.doc_type, truth.fields, truth.text, document)
        scores[truth.tier].add(score)
        scores["all"].add(score)
    return scores


def print_scores(scores: dict[str, TierScore], seconds: float, pages: int,
                 layouts: list[str]) -> None:
    table = Table(title=f"sohoa accuracy ({scores['all'].files} files, {pages} pages, "
                        f"{seconds:.0f} s; layouts {', '.join(layouts)})")
    for column in ("tier", "files", "doc type acc", "field acc", "field precision", "CER",
                   "statuses"):
        table.add_column(column, justify="left" if column in {"tier", "statuses"} else "right")
    for tier, score in scores.items():
        if not score.files:
            continue
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(score.statuses.items()))
        fields = f"{score.field_accuracy:.3f} ({score.fields_correct}/{score.fields_expected})"
        table.add_row(tier, str(score.files), f"{score.type_accuracy:.3f}", fields,
                      f"{score.field_precision:.3f}", f"{score.cer:.4f}", statuses)
    Console().print(table)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--layouts", default=",".join(HELD_OUT_LAYOUTS),
                        help="comma-separated layout names, or 'all' (default: the held-out "
                             f"layouts {', '.join(HELD_OUT_LAYOUTS)})")
    parser.add_argument("--tiers", default=",".join(TIERS))
    parser.add_argument("--keep", type=Path, help="keep the corpus and outputs in this folder")
    parser.add_argument("--types", choices=("forms", "new"), default="forms",
                        help="forms: the dossier forms and attachments; new: administrative "
                             "documents and birth certificates (samples/official.py), in the "
                             f"held-out font {', '.join(HELD_OUT_FAMILIES)}")
    args = parser.parse_args(argv)
    layouts = list(LAYOUTS) if args.layouts == "all" else args.layouts.split(",")
    with tempfile.TemporaryDirectory(prefix="sohoa-accuracy-") as scratch:
        base = args.keep or Path(scratch)
        corpus = base / "corpus"
        if args.types == "new":
            layouts = list(HELD_OUT_FAMILIES)
            truths = generate_official_corpus(corpus, args.count, args.seed,
                                              tuple(args.tiers.split(",")), dpi=args.dpi,
                                              truth_dir=base / "truth")
        else:
            truths = generate_corpus(corpus, count=args.count, seed=args.seed, dpi=args.dpi,
                                     truth_dir=base / "truth", workers=2,
                                     tiers=tuple(args.tiers.split(",")),
                                     layouts=layouts)
        files = sorted(p for p in corpus.rglob("*") if p.is_file() and not p.name.startswith("."))
        # Scratch files under the run's own folder, not the user's data folder.
        os.environ["SOHOA_DATA_DIR"] = str(base / "data")
        seconds = run_pipeline(files, base / "json")
        print_scores(score_corpus(truths, base / "json"), seconds,
                     sum(t.page_count for t in truths), layouts)


if __name__ == "__main__":
    main()
