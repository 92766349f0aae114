"""Accuracy of sohoa end to end on a generated corpus with ground truth.

    python -m benchmarks.accuracy [--count 60] [--seed 11] [--parts tuning,held_out]
                                  [--dpi 300] [--errors] [--reasons] [--types forms|new]
                                  [--layouts NAME,…]

Generates scans (clean, mild, hard), runs the pipeline on them in-process with the settings
a user gets by default (pipeline/page.py for every page, ``analyse_file`` of
pipeline/document.py for every file: the very steps `sohoa process` runs, split included,
without a Prefect server, database or store), and
prints per part and tier: document-type accuracy, field accuracy (expected fields with exactly
the right value), field precision (given fields that are right; see ``benchmarks.scoring``),
review rate (files `needs_review`), straight-through rate (files `digitized` with the right
type and every field right, its records starting where the truth's documents do), files
whose records do not (``bounds``: a page split off, or an attached notice not split) and
character error rate of the recognised text. A file is made into records as `sohoa process`
makes them (an attached notice is a document of its own, contract §5): it is scored by the
record holding its truth's form (or result), and is in review if any of its records is.

Two parts, ``--count`` files each, from the same seed:

* **tuning**: the layouts of ``samples.layouts.tuning_layouts()`` — the layout families and
  fonts that tests and development may look at; ``--errors`` lists this part's wrong and
  missing fields, to learn from, and ``--reasons`` tallies its review reasons per field and
  kind (what was read and its numbers taken out), to find which cause sends most files to
  review.
* **held_out**: the layouts of ``samples.layouts.HELD_OUT_LAYOUTS``, printed only in the fonts
  of ``samples.layouts.HELD_OUT_FONTS`` (no tuning layout uses them). No extraction test uses
  these layouts, and their individual errors are never printed: only their aggregate numbers,
  which say how the pipeline does on forms and type faces it was not tuned to.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks.scoring import TierScore, score_file, score_handwritten, true_starts
from config.settings import Settings
from pipeline.doctypes import load_doctypes
from pipeline.document import DocumentAnalysis, analyse_file
from pipeline.load import inspect_file, load_page
from pipeline.page import process_page
from samples.generate import generate_corpus
from samples.layouts import HELD_OUT_LAYOUTS, tuning_layouts
from samples.official import HELD_OUT_FAMILIES, TUNING_FAMILIES, generate_official_corpus
from samples.truth import PageTruth, Truth
from schemas.errors import SohoaError

TIERS = ("clean", "mild", "hard")
PARTS = ("tuning", "held_out")


def digitize(path: Path) -> dict:
    """One file through the page and document sequences: the records `sohoa process` makes
    of it (``document_json``) and its page texts; a file that cannot be read is `failed`.
    What of it is scored depends on its truth (``scored_document``)."""
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
    documents = analyse_file(pages, load_doctypes(settings.doctypes_dir), settings.review,
                             units=frozenset(settings.dossier_units))
    return {"documents": [document_json(document) for document in documents],
            "pages": [{"text": page.text} for page in pages]}


def document_json(document: DocumentAnalysis) -> dict:
    """One record `sohoa process` makes of the file: its pages, type, fields and status."""
    analysis = document.analysis
    return {"first": document.span.first, "last": document.span.last,
            "status": analysis.assessment.status.value, "doc_type": analysis.doc_type,
            "fields": {k: v.model_dump(mode="json") for k, v in analysis.extraction.fields.items()},
            "review_reasons": analysis.assessment.review_reasons}


def scored_document(produced: dict, truth_pages: list[PageTruth], doc_type: str) -> dict:
    """What is scored of a file against its truth (one form, or one result, with its
    attachments; an attached notice is a titled document of its own under the contract's
    §5): the type and fields of the record holding the truth's ``doc_type`` page (its first
    page when none), the file in review if any of its records is (an operator looks at
    each), ``bounds_right`` whether its records start where the truth's documents do."""
    documents = produced["documents"]
    main = next((page.number for page in truth_pages if page.page_doc_type == doc_type), 1)
    chosen = next((d for d in documents if d["first"] <= main <= d["last"]), documents[0])
    status, reasons = chosen["status"], list(chosen["review_reasons"])
    for number, other in enumerate(documents, start=1):
        if other is chosen or other["status"] != "needs_review":
            continue
        status = "needs_review" if status != "failed" else status
        reasons += [f"document {number} of the file ({other['doc_type']}): {reason}"
                    for reason in other["review_reasons"]]
    return {"status": status, "doc_type": chosen["doc_type"], "fields": chosen["fields"],
            "review_reasons": reasons, "documents": len(documents),
            "bounds_right": {d["first"] for d in documents} == true_starts(truth_pages),
            "pages": produced["pages"]}


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


def read_document(truth: Truth, json_out: Path) -> dict:
    """The JSON produced for a truth's file; a file without JSON counts as entirely wrong."""
    produced = json_out / f"{Path(truth.file).stem}.json"
    if produced.exists():
        document = json.loads(produced.read_text(encoding="utf-8"))
        if not document.get("documents"):  # failed: as produced
            return document
        return scored_document(document, truth.pages, truth.doc_type)
    return {"status": "missing", "doc_type": None, "fields": {}, "pages": []}


def score_corpus(truths: list[Truth], json_out: Path) -> dict[str, TierScore]:
    """Scores per tier plus 'all'."""
    scores = {tier: TierScore() for tier in (*TIERS, "all")}
    for truth in truths:
        document = read_document(truth, json_out)
        # Values written by hand are scored apart (``score_handwritten``): the field accuracy
        # is the printed values'.
        printed = {k: v for k, v in truth.fields.items() if k not in truth.handwritten}
        shown = {**document, "fields": {k: v for k, v in document.get("fields", {}).items()
                                        if k not in truth.handwritten}}
        score = score_file(truth.doc_type, printed, truth.text, shown)
        score_handwritten(truth.fields, truth.handwritten, document, score)
        scores[truth.tier].add(score)
        scores["all"].add(score)
    return scores


def field_errors(truths: list[Truth], json_out: Path) -> list[str]:
    """One line per wrong, missing or extra field (tuning part only: see the module's note)."""
    lines = []
    for truth in truths:
        document = read_document(truth, json_out)
        produced = {k: v["value"] for k, v in document.get("fields", {}).items()}
        for key in sorted(set(truth.fields) | set(produced)):
            if produced.get(key) != truth.fields.get(key):
                hand = " (by hand)" if key in truth.handwritten else ""
                lines.append(f"{truth.file} {truth.tier} {truth.layout} {document['status']} "
                             f"{key}{hand}: want {truth.fields.get(key)!r} "
                             f"got {produced.get(key)!r}")
    return lines


_FIELD_REASON = re.compile(r"^(?:required )?field (\w+) \(«[^»]*»\) (.*)$")


def reason_kind(reason: str) -> tuple[str, str]:
    """A review reason as (field, kind): what was read and the numbers taken out of it, so
    that reasons of one kind add up (``«Tân» read two ways`` and ``«Nghỉ» read two ways``
    are one kind); a reason about the whole file has the field ``-``."""
    match = _FIELD_REASON.match(reason)
    field, detail = (match.group(1), match.group(2)) if match else ("-", reason)
    detail = re.sub(r"«[^»]*»", "«…»", detail)
    detail = re.sub(r"\d+(?:\.\d+)?", "N", detail)
    detail = re.sub(r"^was left out: «…» ", "left out: ", detail)
    return field, detail


def reason_tally(truths: list[Truth], json_out: Path) -> dict[str, Counter[tuple[str, str]]]:
    """Per tier (and 'all'), how many review reasons of each (field, kind) the files gave
    (tuning part only, as ``field_errors``): which cause sends the most files to review."""
    tally: dict[str, Counter[tuple[str, str]]] = {tier: Counter() for tier in (*TIERS, "all")}
    for truth in truths:
        for reason in read_document(truth, json_out).get("review_reasons") or []:
            kind = reason_kind(reason)
            tally[truth.tier][kind] += 1
            tally["all"][kind] += 1
    return tally


def print_reasons(tally: dict[str, Counter[tuple[str, str]]]) -> None:
    """The tally as a table, most frequent first, a column per tier; then the totals per
    kind over all fields."""
    table = Table(title="review reasons (tuning part)")
    for column in ("field", "reason", *TIERS, "all"):
        table.add_column(column, justify="left" if column in {"field", "reason"} else "right")
    for (field, kind), count in tally["all"].most_common():
        table.add_row(field, kind, *(str(tally[t][(field, kind)]) for t in TIERS), str(count))
    by_kind = Counter()
    for (_, kind), count in tally["all"].items():
        by_kind[kind] += count
    for kind, count in by_kind.most_common():
        table.add_row("(any)", kind, *(str(sum(n for (_, k), n in tally[t].items() if k == kind))
                                       for t in TIERS), str(count))
    Console(width=200).print(table)


def print_scores(scores: dict[str, dict[str, TierScore]], seconds: float, pages: int) -> None:
    """One table: a row per part and tier."""
    files = sum(part["all"].files for part in scores.values())
    table = Table(title=f"sohoa accuracy ({files} files, {pages} pages, {seconds:.0f} s)")
    for column in ("part", "tier", "files", "doc type", "field acc", "precision",
                   "hand given/wrong", "review", "straight-through", "bounds", "CER",
                   "statuses"):
        table.add_column(column, justify="left" if column in {"part", "tier", "statuses"}
                         else "right")
    for part, tiers in scores.items():
        for tier, score in tiers.items():
            if not score.files:
                continue
            statuses = ", ".join(f"{k} {v}" for k, v in sorted(score.statuses.items()))
            fields = f"{score.field_accuracy:.3f} ({score.fields_correct}/{score.fields_expected})"
            table.add_row(part, tier, str(score.files), f"{score.type_accuracy:.3f}", fields,
                          f"{score.field_precision:.3f}",
                          f"{score.handwritten_given}/{score.handwritten_wrong} of "
                          f"{score.handwritten}", f"{score.review_rate:.1%}",
                          f"{score.straight_through_rate:.1%}", str(score.bounds_wrong),
                          f"{score.cer:.4f}", statuses)
    Console(width=200).print(table)


def part_layouts(part: str, only: str | None = None) -> list[str]:
    """The layouts of a part (see the module's note); ``only`` narrows the tuning part to
    some of its layouts (never the held-out part: its layouts are measured together)."""
    if part != "tuning":
        return list(HELD_OUT_LAYOUTS)
    if not only:
        return tuning_layouts()
    chosen = only.split(",")
    wrong = [name for name in chosen if name not in tuning_layouts()]
    if wrong:
        raise SystemExit(f"not tuning layouts: {', '.join(wrong)}")
    return chosen


def generate_part(args: argparse.Namespace, part: str, folder: Path) -> list[Truth]:
    """Generate one part's corpus under ``folder``: the forms in the part's layouts, or the
    new types (``--types new``) in the part's fonts (samples/official.py)."""
    tiers = tuple(args.tiers.split(","))
    if args.types == "new":
        families = HELD_OUT_FAMILIES if part == "held_out" else TUNING_FAMILIES
        return generate_official_corpus(folder / "corpus", args.count, args.seed, tiers,
                                        families=families, dpi=args.dpi,
                                        truth_dir=folder / "truth")
    return generate_corpus(folder / "corpus", count=args.count, seed=args.seed, dpi=args.dpi,
                           truth_dir=folder / "truth", workers=2, tiers=tiers,
                           layouts=part_layouts(part, args.layouts))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=60, help="files per part")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--parts", default=",".join(PARTS))
    parser.add_argument("--tiers", default=",".join(TIERS))
    parser.add_argument("--errors", action="store_true",
                        help="list the tuning part's wrong and missing fields")
    parser.add_argument("--reasons", action="store_true",
                        help="tally the tuning part's review reasons per field and kind")
    parser.add_argument("--layouts", help="only these tuning layouts (comma-separated)")
    parser.add_argument("--keep", type=Path, help="keep the corpus and outputs in this folder")
    parser.add_argument("--types", choices=("forms", "new"), default="forms",
                        help="forms: the dossier forms and attachments; new: administrative "
                             "documents and birth certificates (samples/official.py), in the "
                             f"held-out font {', '.join(HELD_OUT_FAMILIES)}")
    args = parser.parse_args(argv)
    parts = args.parts.split(",")
    with tempfile.TemporaryDirectory(prefix="sohoa-accuracy-") as scratch:
        base = args.keep or Path(scratch)
        # Scratch files under the run's own folder, not the user's data folder.
        os.environ["SOHOA_DATA_DIR"] = str(base / "data")
        scores, seconds, pages = {}, 0.0, 0
        for part in parts:
            truths = generate_part(args, part, base / part)
            files = sorted(p for p in (base / part / "corpus").rglob("*")
                           if p.is_file() and not p.name.startswith("."))
            seconds += run_pipeline(files, base / part / "json")
            pages += sum(t.page_count for t in truths)
            scores[part] = score_corpus(truths, base / part / "json")
            if args.errors and part == "tuning":
                Console().print("\n".join(field_errors(truths, base / part / "json")))
            if args.reasons and part == "tuning":
                print_reasons(reason_tally(truths, base / part / "json"))
        print_scores(scores, seconds, pages)


if __name__ == "__main__":
    main()
