"""Accuracy of sohoa end to end on a generated corpus with ground truth.

    python -m benchmarks.accuracy [--count 60] [--seed 11] [--layouts A,B|all] [--dpi 300]

Generates scans (clean, mild, hard), runs `sohoa process … --json-out` on the embedded
defaults in a scratch folder, and prints per tier: document-type accuracy, field accuracy
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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks.scoring import TierScore, score_file
from samples.generate import generate_corpus
from samples.layouts import HELD_OUT_LAYOUTS, LAYOUTS
from samples.truth import Truth

TIERS = ("clean", "mild", "hard")


def run_sohoa(corpus: Path, json_out: Path, data_dir: Path) -> float:
    """`sohoa process` as a user runs it; returns wall seconds."""
    sohoa = Path(sys.executable).with_name("sohoa")
    env = {**os.environ, "SOHOA_DATA_DIR": str(data_dir)}
    started = time.perf_counter()
    try:
        subprocess.run([str(sohoa), "process", str(corpus), "--json-out", str(json_out)],
                       env=env, check=True)
        return time.perf_counter() - started
    finally:
        # `sohoa process` leaves its local Prefect server running for the next command; the
        # scratch folder it lives in is about to go.
        subprocess.run([str(sohoa), "server", "stop"], env=env, check=False,
                       capture_output=True)


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
    args = parser.parse_args(argv)
    layouts = list(LAYOUTS) if args.layouts == "all" else args.layouts.split(",")
    with tempfile.TemporaryDirectory(prefix="sohoa-accuracy-") as scratch:
        base = args.keep or Path(scratch)
        corpus = base / "corpus"
        truths = generate_corpus(corpus, count=args.count, seed=args.seed, dpi=args.dpi,
                                 truth_dir=base / "truth", workers=2,
                                 tiers=tuple(args.tiers.split(",")),
                                 layouts=layouts)
        seconds = run_sohoa(corpus, base / "json", base / "data")
        print_scores(score_corpus(truths, base / "json"), seconds,
                     sum(t.page_count for t in truths), layouts)


if __name__ == "__main__":
    main()
