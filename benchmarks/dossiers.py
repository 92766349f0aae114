"""Splitting stacks and assembling dossiers, measured on generated stacks with ground truth.

    python -m benchmarks.dossiers [--stacks 40] [--seed 5] [--dpi 200] [--tiers clean,mild,hard]

A stack is what a station feeds through its scanner at once: 1–4 dossiers one after another,
each a receipt (some printing their code as a QR code or Code 128, some after a cover sheet)
and 1–2 birth registration forms with their attachments. Stacks are made by joining the pages
of generated files (samples.generate), whose page truths say which page is what; each page
is then read with the pipeline's page function and every stack analysed in-process as `sohoa
process` does (pipeline/document.py, office/dossiers.py: split, classify, extract, assign), with
the default settings. Printed per tier:

- document-boundary F1: pages that start a document, as the contract's rules (§5) place them
  on the truth (titled pages start one; cover sheets start a dossier and are none);
- pages assigned to the right dossier, overall and on stacks whose receipts are barcoded;
- pages assigned to a wrong dossier without their document going to review (the costly error).
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

from config.settings import Settings
from office.dossiers import DocumentFacts, assign_dossiers, role_of
from pipeline.doctypes import load_doctypes
from pipeline.document import analyse_file
from pipeline.load import inspect_file, load_page
from pipeline.page import process_page
from samples.generate import CodeChances, generate_corpus
from samples.truth import Truth
from schemas.ocr import PageOcr
from schemas.status import DigitizationStatus

TIERS = ("clean", "mild", "hard")
FORMS = ("dossier_receipt", "birth_registration")


@dataclass
class TruePage:
    """Where a page of a stack comes from and what the truth says of it."""

    file: Path
    index: int  # 0-based page of its file
    template: str
    dossier: str


@dataclass
class Stack:
    tier: str
    pages: list[TruePage]
    barcoded: bool


@dataclass
class Score:
    """Counts for one tier."""

    stacks: int = 0
    pages: int = 0
    starts_true: int = 0
    starts_found: int = 0
    starts_right: int = 0
    right_dossier: int = 0
    barcoded_pages: int = 0
    barcoded_right: int = 0
    wrong_unreviewed: int = 0
    statuses: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def f1(self) -> float:
        precision = self.starts_right / self.starts_found if self.starts_found else 0.0
        recall = self.starts_right / self.starts_true if self.starts_true else 0.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def add(self, other: Score) -> None:
        for name in ("stacks", "pages", "starts_true", "starts_found", "starts_right",
                     "right_dossier", "barcoded_pages", "barcoded_right", "wrong_unreviewed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for status, count in other.statuses.items():
            self.statuses[status] += count


def pool_of(folder: Path, count: int, seed: int, tier: str, dpi: int) -> list[Truth]:
    """Generated receipts (half of them coded, a third after a cover sheet) and forms."""
    receipts = generate_corpus(folder / "receipts", count, seed=seed, tiers=(tier,), dpi=dpi,
                               formats=["pdf", "tiff"], doc_types=["dossier_receipt"],
                               chances=CodeChances(barcodes=0.5, cover_sheets=0.3), workers=2)
    forms = generate_corpus(folder / "forms", count * 2, seed=seed + 1, tiers=(tier,), dpi=dpi,
                            doc_types=["birth_registration"], workers=2)
    for truth in receipts:
        truth.file = str(folder / "receipts" / truth.file)
    for truth in forms:
        truth.file = str(folder / "forms" / truth.file)
    return receipts + forms


def make_stacks(pool: list[Truth], count: int, rng: random.Random, tier: str) -> list[Stack]:
    """Stacks of 1–4 dossiers: a receipt (its file's pages: maybe a cover sheet first) and
    1–2 forms (with their attachments), each file used once."""
    receipts = [t for t in pool if t.doc_type == "dossier_receipt"]
    forms = [t for t in pool if t.doc_type == "birth_registration"]
    stacks = []
    for _ in range(count):
        pages: list[TruePage] = []
        barcoded = False
        for _ in range(rng.randint(1, 4)):
            if not receipts or len(forms) < 2:
                break
            receipt = receipts.pop()
            code = str(receipt.fields["dossier_code"])
            barcoded |= any(p.barcode for p in receipt.pages if p.template != "cover_sheet")
            for truth in [receipt, *(forms.pop() for _ in range(rng.randint(1, 2)))]:
                pages += [TruePage(Path(truth.file), i, p.template, code)
                          for i, p in enumerate(truth.pages)]
        if pages:
            stacks.append(Stack(tier, pages, barcoded))
    return stacks


def read_page(args: tuple[str, int, int]) -> PageOcr:
    """One page of a generated file through the pipeline's page function."""
    path, index, number = Path(args[0]), args[1], args[2]
    settings = Settings()
    settings.resolved_work_dir.mkdir(parents=True, exist_ok=True)
    info = inspect_file(path, settings.page_limits())
    return process_page(lambda: load_page(path, info, index, settings.page_limits()), number,
                        settings.page_options(info.dpi)).page


def true_starts(stack: Stack) -> set[int]:
    """Pages that start a document under the contract's rules (§5), from the truth: a form's
    first (titled) page, and the first page of the stack or after a cover sheet."""
    starts: set[int] = set()
    after_cover = True
    for number, page in enumerate(stack.pages, start=1):
        if page.template == "cover_sheet":
            after_cover = True
            continue
        first_of_form = page.template in FORMS and not any(
            q.file == page.file and q.template == page.template
            for q in stack.pages[:number - 1])
        if after_cover or first_of_form:
            starts.add(number)
        after_cover = False
    return starts


def score_stack(stack: Stack, pages: list[PageOcr]) -> Score:
    """Split and assign a stack as the pipeline does, and count against its truth."""
    settings = Settings()
    doctypes = load_doctypes(settings.doctypes_dir)
    analysed = analyse_file(pages, doctypes, settings.review)
    facts = [DocumentFacts(role_of(d.analysis.doc_type, doctypes), d.span.dossier_code,
                           d.own_code) for d in analysed]
    score = Score(stacks=1, pages=len(stack.pages))
    found = {d.span.first for d in analysed}
    truth = true_starts(stack)
    score.starts_true, score.starts_found = len(truth), len(found)
    score.starts_right = len(found & truth)
    for document, assignment in zip(analysed, assign_dossiers(facts, None), strict=True):
        reviewed = (assignment.doubt is not None or document.analysis.assessment.status
                    is DigitizationStatus.NEEDS_REVIEW)
        score.statuses["needs_review" if reviewed else "digitized"] += 1
        for page in document.pages:
            right = assignment.code == stack.pages[page.number - 1].dossier
            score.right_dossier += right
            if stack.barcoded:
                score.barcoded_pages += 1
                score.barcoded_right += right
            score.wrong_unreviewed += (not right and assignment.code is not None
                                       and not reviewed)
    return score


def print_scores(scores: dict[str, Score], seconds: float) -> None:
    table = Table(title=f"sohoa dossiers ({scores['all'].stacks} stacks, "
                        f"{scores['all'].pages} pages, {seconds:.0f} s)")
    for column in ("tier", "stacks", "pages", "boundary F1", "right dossier",
                   "right dossier (barcoded)", "wrong, not reviewed", "documents"):
        table.add_column(column, justify="left" if column in ("tier", "documents") else "right")
    for tier, s in scores.items():
        if not s.stacks:
            continue
        barcoded = f"{s.barcoded_right / s.barcoded_pages:.3f}" if s.barcoded_pages else "–"
        table.add_row(tier, str(s.stacks), str(s.pages), f"{s.f1:.3f}",
                      f"{s.right_dossier / s.pages:.3f}", barcoded,
                      f"{s.wrong_unreviewed / s.pages:.2%}",
                      ", ".join(f"{k} {v}" for k, v in sorted(s.statuses.items())))
    Console().print(table)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stacks", type=int, default=40)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--tiers", default=",".join(TIERS))
    args = parser.parse_args(argv)
    tiers = args.tiers.split(",")
    rng = random.Random(args.seed)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sohoa-dossiers-") as scratch:
        base = Path(scratch)
        stacks: list[Stack] = []
        per_tier = -(-args.stacks // len(tiers))
        for number, tier in enumerate(tiers):
            pool = pool_of(base / tier, per_tier * 3, args.seed + 10 * number, tier, args.dpi)
            stacks += make_stacks(pool, per_tier, rng, tier)
        os.environ["SOHOA_DATA_DIR"] = str(base / "data")
        jobs = [(str(p.file), p.index, n) for s in stacks
                for n, p in enumerate(s.pages, start=1)]
        with ProcessPoolExecutor(Settings().ocr.worker_count()) as pool:
            read = list(pool.map(read_page, jobs, chunksize=2))
        scores = {tier: Score() for tier in (*tiers, "all")}
        position = 0
        for stack in stacks:
            pages = read[position:position + len(stack.pages)]
            position += len(stack.pages)
            score = score_stack(stack, pages)
            scores[stack.tier].add(score)
            scores["all"].add(score)
    print_scores(scores, time.perf_counter() - started)


if __name__ == "__main__":
    main()
