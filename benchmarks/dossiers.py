"""Splitting stacks and assembling dossiers, measured on generated stacks with ground truth.

    python -m benchmarks.dossiers [--stacks 42] [--seed 5] [--dpi 200] [--tiers clean,mild,hard]
                                  [--parts tuning,held_out] [--keep DIR [--cached-only]]
                                  [--read-again TEMPLATES] [--without-symbols] [--errors]
                                  [--restack SEEDS]

A stack is what a station feeds through its scanner at once: 1–4 dossiers one after another,
each a receipt (some printing their code as a QR code or Code 128, some after a cover sheet)
and 1–2 birth registration forms with their attachments. Stacks are made by joining the pages
of generated files (samples.generate), whose page truths say which page is what; some dossiers
get their result weeks later (a birth certificate or an administrative document,
samples.official) as a file of its own dropped in the dossier's station sub-folder. Each page
is read with the pipeline's page function and every stack analysed in-process as `sohoa
process` does (pipeline/document.py, office/dossiers.py: split, classify, extract, assign), with
the default settings and the province's unit codes configured (the agency part of every
generated receipt's code: what `Settings.dossier_units` lists in production).

``--restack 1,2,3`` (with ``--keep`` and ``--cached-only``) stacks the files whose pages were
read already again, in an order and into plans drawn from each seed: new stacks (receipts
after other forms, other dossier sizes, other late results) at no OCR cost, to look for what
depends on a page's neighbours (a split, a dossier's assignment).

Two parts, like benchmarks/accuracy.py: **tuning** (forms in the tuning layouts, results in
the tuning fonts) and **held_out** (the held-out layouts and fonts). ``--errors`` lists the
wrong and reviewed documents of the tuning part only; held-out errors are never printed.

Printed per part and tier:

- document-boundary F1: pages that start a document, as the contract's rules (§5) place them
  on the truth (titled pages start one; cover sheets start a dossier and are none);
- pages assigned to the right dossier, overall and on stacks whose receipts are barcoded, and
  how many of them joined it in doubt (in review saying so: assembled, to be confirmed);
- pages assigned to a wrong dossier without their document going to review (the costly error);
- both indicators (contract §6) as the assembled dossiers give them and as the true dossiers
  do, given the same documents' statuses: equal unless assembly erred.
"""

from __future__ import annotations

import argparse
import itertools
import os
import pickle
import random
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from benchmarks.scoring import true_starts
from config.settings import Settings
from office.dossiers import file_dossiers, follower_doubts
from office.report import counted_already, day_serials, receiptless_dossier
from pipeline.doctypes import load_doctypes
from pipeline.document import DocumentAnalysis, analyse_file
from pipeline.load import inspect_file, load_page
from pipeline.page import process_page
from pipeline.values.dossier_codes import unit_of
from samples.generate import CodeChances, generate_corpus
from samples.layouts import HELD_OUT_LAYOUTS, tuning_layouts
from samples.official import HELD_OUT_FAMILIES, TUNING_FAMILIES, generate_official_file
from samples.truth import Truth, load_truths
from schemas.codes import DOSSIER_CODE, is_dossier_code
from schemas.errors import OcrTimeoutError
from schemas.ocr import PageOcr
from schemas.record import DocumentRole
from schemas.status import DigitizationStatus

TIERS = ("clean", "mild", "hard")
PARTS = ("tuning", "held_out")
MAX_DOSSIER_PAGES = 8
LATE_CHANCE = 0.4  # a dossier whose result arrives weeks later, as a file of its own
# What comes back: mostly the birth certificate the birth registration asked for, else a
# commune's administrative document (a decision, a notice: the result of other procedures).
RESULT_TYPES = ("birth_certificate", "birth_certificate", "official_document")


@dataclass
class TruePage:
    """Where a page of a stack comes from and what the truth says of it."""

    file: Path
    index: int  # 0-based page of its file
    template: str
    page_doc_type: str  # the type whose title the page prints ("unknown": none)
    dossier: str
    coded: bool  # its dossier's receipt carries a barcode or QR code, or has a cover sheet


@dataclass
class Stack:
    """Pages fed at once, or a late file dropped in its dossier's folder (``folder``: the
    dossier code the station sub-folder names)."""

    part: str
    tier: str
    pages: list[TruePage]
    folder: str | None = None
    run: int = 0  # the --restack seed it was stacked by (0: the kept stacks)


@dataclass
class Outcome:
    """One document as the pipeline made it: its dossier, role, whether it went to review,
    and the true dossiers of its pages."""

    code: str | None
    role: DocumentRole
    reviewed: bool
    true_dossiers: list[str]
    late: bool
    why: str = ""  # the review reasons, for --errors (tuning part only)
    stack: int = 0  # which stack (file) it comes from, in the run's order
    # The dossier codes its review reasons name (a receipt's code as read but refused, and as
    # read again), as office/report.py finds them.
    read_codes: frozenset[str] = frozenset()
    # What became of its dossier-code field (receipts): given, refused (read, failed its
    # checks) or not found.
    code_state: str = ""
    doc_type: str = ""
    templates: tuple[str, ...] = ()  # its pages' true templates
    barcoded: bool = False  # a dossier code was read from a symbol on its pages
    # The --restack seed of its stack: a file stacked again by another seed is another
    # dossier for the indicators, though its code is the same.
    run: int = 0
    # The days and serials of the dossier codes its review reasons name (office/report.py).
    read_tails: frozenset[str] = frozenset()
    coded: tuple[bool, ...] = ()  # per page: its dossier's receipt has a symbol or a cover
    in_doubt: bool = False  # it joined its dossier in doubt (office/dossiers.py Assignment)


@dataclass
class Score:
    """Counts for one part and tier."""

    stacks: int = 0
    late_files: int = 0
    pages: int = 0
    starts_true: int = 0
    starts_found: int = 0
    starts_right: int = 0
    right_dossier: int = 0
    # Of those, pages whose document joined it in doubt (in review saying why: a receipt's
    # code that could not be checked, office/dossiers.py): assembled, but to be confirmed.
    right_in_doubt: int = 0
    coded_pages: int = 0
    coded_right: int = 0
    wrong_unreviewed: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    true_late: set[str] = field(default_factory=set)  # dossiers given a late file
    boundary_misses: list[str] = field(default_factory=list)  # for --errors (tuning only)
    misses: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # pages by cause

    @property
    def f1(self) -> float:
        precision = self.starts_right / self.starts_found if self.starts_found else 0.0
        recall = self.starts_right / self.starts_true if self.starts_true else 0.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def add(self, other: Score) -> None:
        for name in ("stacks", "late_files", "pages", "starts_true", "starts_found",
                     "starts_right", "right_dossier", "right_in_doubt", "coded_pages",
                     "coded_right",
                     "wrong_unreviewed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.outcomes += other.outcomes
        self.true_late |= other.true_late
        self.boundary_misses += other.boundary_misses
        for cause, count in other.misses.items():
            self.misses[cause] += count


@dataclass
class Pool:
    """Generated files of one part and tier, to be stacked."""

    receipts: list[Truth]
    forms: list[Truth]
    late: list[Truth]


def pool_of(folder: Path, dossiers: int, seed: int, tier: str, dpi: int, part: str,
            cached_only: bool = False) -> Pool:
    """Generated receipts (half of them coded, a third after a cover sheet), forms in the
    part's layouts, and results (in the part's fonts) enough for ``dossiers``. Kept files are
    read back instead of generated again (``--keep``)."""
    layouts = tuning_layouts() if part == "tuning" else list(HELD_OUT_LAYOUTS)

    def made(name: str, count: int, seed: int, **options: Any) -> list[Truth]:
        out = folder / name
        truths = (load_truths(out) if (out / "manifest.json").exists() else
                  generate_corpus(out, count, seed=seed, tiers=(tier,), dpi=dpi, workers=2,
                                  layouts=layouts, **options))
        for truth in truths:
            truth.file = str(out / truth.file)
        return truths

    # A fifth of receipts open with a letter and are left out (opens_with_receipt); a
    # dossier takes 1–3 form files.
    receipts = made("receipts", dossiers * 5 // 4 + 2, seed, formats=["pdf", "tiff"],
                    doc_types=["dossier_receipt"],
                    chances=CodeChances(barcodes=0.5, cover_sheets=0.3))
    forms = made("forms", dossiers * 3, seed + 1, doc_types=["birth_registration"])
    families = TUNING_FAMILIES if part == "tuning" else HELD_OUT_FAMILIES
    return Pool(receipts, forms, results_of(folder / "late", dossiers // 2 + 1, seed + 2, tier,
                                            dpi, families, cached_only))


def results_of(out: Path, count: int, seed: int, tier: str, dpi: int,
               families: tuple[str, ...], cached_only: bool = False) -> list[Truth]:
    """``count`` results (samples.official), each a file of its own as a station scans a
    result on its way back; kept ones are read back. Kept ones are never made again under
    ``--cached-only``: other arguments than the kept set's (another --stacks, --parts or
    --tiers) would write other files over the ones read."""
    if len(kept := load_truths(out) if out.exists() else []) < count:
        if cached_only:
            raise SystemExit(f"{out} holds {len(kept)} results where these arguments want "
                             f"{count}: run --cached-only with the kept set's own arguments")
        kept = []
        for index in range(1, count + 1):
            rng = random.Random(f"{seed}:{index}:result")
            kept.append(generate_official_file(
                index, seed, rng.choice(RESULT_TYPES), tier,  # type: ignore[arg-type]
                rng.choice(["pdf", "tiff"]), out, dpi=dpi, family=rng.choice(families)))
    for truth in kept:
        truth.file = str(out / Path(truth.file).name)
    return kept


def opens_with_receipt(receipt: Truth) -> bool:
    """A receipt file whose first page after any cover sheet is the receipt: stations put the
    receipt on top of its dossier (a page before it would, by §5, belong to the dossier
    before it in the stack)."""
    first = next(p for p in receipt.pages if p.template != "cover_sheet")
    return first.template == "dossier_receipt"


def pages_of(truth: Truth, code: str, coded: bool) -> list[TruePage]:
    return [TruePage(Path(truth.file), i, p.template, p.page_doc_type, code, coded)
            for i, p in enumerate(truth.pages)]


def make_stacks(pool: Pool, plan: list[int], rng: random.Random, part: str,
                tier: str) -> list[Stack]:
    """Stacks of the planned number of dossiers (1–4) of 2–8 pages: a receipt (its file's
    pages: maybe a cover sheet first) and forms (with their attachments), each file used
    once; some dossiers get their result later, as a file of its own in their folder."""
    receipts = [t for t in pool.receipts if opens_with_receipt(t)]
    forms, late = list(pool.forms), list(pool.late)
    stacks: list[Stack] = []
    for dossiers in plan:
        pages: list[TruePage] = []
        results: list[Stack] = []  # arriving weeks later: after the stack
        for _ in range(dossiers):
            if not receipts or not forms:
                break
            receipt = receipts.pop()
            code = str(receipt.fields["dossier_code"])
            coded = any(p.barcode for p in receipt.pages)
            dossier = pages_of(receipt, code, coded)
            wanted = rng.randint(2, MAX_DOSSIER_PAGES)
            while forms and (len(dossier) < 2 or len(dossier) < wanted) and (
                    len(dossier) + forms[-1].page_count <= MAX_DOSSIER_PAGES):
                dossier += pages_of(forms.pop(), code, coded)
            pages += dossier
            if late and rng.random() < LATE_CHANCE:
                results.append(Stack(part, tier, pages_of(late.pop(), code, coded),
                                     folder=code))
        if pages:
            stacks += [Stack(part, tier, pages), *results]
    return stacks


def read_page(args: tuple[str, int, int]) -> PageOcr:
    """One page of a generated file through the pipeline's page function."""
    path, index, number = Path(args[0]), args[1], args[2]
    settings = Settings()
    settings.resolved_work_dir.mkdir(parents=True, exist_ok=True)
    info = inspect_file(path, settings.page_limits())
    return process_page(lambda: load_page(path, info, index, settings.page_limits()), number,
                        settings.page_options(info.dpi)).page


def score_stack(stack: Stack, pages: list[PageOcr], units: frozenset[str],
                number: int = 0) -> Score:
    """Split and assign a stack as the pipeline does: its documents' outcomes, and its
    boundaries counted against its truth (its pages are counted by :func:`count_pages`)."""
    settings = Settings()
    doctypes = load_doctypes(settings.doctypes_dir)
    analysed = analyse_file(pages, doctypes, settings.review, units=units)
    facts, assignments = file_dossiers(analysed, doctypes, stack.folder)
    # Cover sheets are no document (§5): the pages that must join a dossier are the others.
    score = Score(stacks=stack.folder is None, late_files=stack.folder is not None,
                  pages=sum(p.template != "cover_sheet" for p in stack.pages))
    if stack.folder is not None:
        score.true_late.add(stack.folder)
    found = {d.span.first for d in analysed}
    truth = true_starts(stack.pages)
    score.starts_true, score.starts_found = len(truth), len(found)
    score.starts_right = len(found & truth)
    score.boundary_misses = [
        f"stack {number} page {n} ({stack.pages[n - 1].template}): "
        f"{'a start not found' if n in truth else 'split where no document starts'}"
        for n in sorted(found ^ truth)]
    for document, fact, assignment in zip(analysed, facts, assignments, strict=True):
        assessment = document.analysis.assessment
        reviewed = (assignment.doubt is not None
                    or assessment.status is DigitizationStatus.NEEDS_REVIEW)
        trues = [stack.pages[page.number - 1] for page in document.pages]
        why = "; ".join([*([assignment.doubt] if assignment.doubt else []),
                         *assessment.review_reasons])
        score.outcomes.append(Outcome(
            assignment.code, fact.role, reviewed, [t.dossier for t in trues],
            stack.folder is not None, f"{document.analysis.doc_type}: {why}", number,
            frozenset(DOSSIER_CODE.findall("; ".join(assessment.review_reasons))),
            code_state(document), document.analysis.doc_type, tuple(t.template for t in trues),
            any(is_dossier_code(c.text) for p in document.pages for c in p.codes),
            stack.run, frozenset(day_serials(assessment.review_reasons)),
            tuple(t.coded for t in trues), assignment.doubt is not None))
    return score


def count_pages(score: Score) -> Score:
    """Count one stack's pages (its ``outcomes``, once refused receipts were filed: see
    :func:`file_refused`) against their true dossiers."""
    missed: list[tuple[Outcome, str]] = []  # pages on a wrong dossier or none, for misses
    for outcome in score.outcomes:
        for dossier, template, coded in zip(outcome.true_dossiers, outcome.templates,
                                            outcome.coded, strict=True):
            if template == "cover_sheet":
                continue
            right = outcome.code == dossier
            score.right_dossier += right
            score.right_in_doubt += right and outcome.in_doubt
            score.coded_pages += coded
            score.coded_right += coded and right
            score.wrong_unreviewed += (not right and outcome.code is not None
                                       and not outcome.reviewed)
            if not right:
                missed.append((outcome, dossier))
    for outcome, dossier in missed:
        score.misses[miss_cause(outcome, dossier, score.outcomes)] += 1
    return score


def file_refused(scores: list[Score]) -> None:
    """File refused receipts as office/refused_receipts.py does, file by file in the order
    stations drop them: a receipt in no dossier whose readings name exactly one dossier
    without receipt (``receiptless_dossier``) joins it in review, and so do the documents
    after it waiting for its code. ``scores``: one per file (stack or late result), in
    order; their outcomes are changed in place."""
    receipted: dict[tuple[int, str], bool] = {}  # (run, code) -> it has a receipt
    waiting: list[tuple[Score, int]] = []  # (its file, its index): receipts in no dossier
    for score in scores:
        for index, outcome in enumerate(score.outcomes):
            if outcome.code is not None:
                key = (outcome.run, outcome.code)
                receipted[key] = receipted.get(key, False) or outcome.role is DocumentRole.RECEIPT
            elif outcome.role is DocumentRole.RECEIPT:
                waiting.append((score, index))
        for owner, index in list(waiting):
            receipt = owner.outcomes[index]
            code = receiptless_dossier(receipt.read_codes, receipt.read_tails, {
                code for (run, code), has in receipted.items()
                if run == receipt.run and not has})
            if code is None:
                continue
            waiting.remove((owner, index))
            receipted[(receipt.run, code)] = True
            owner.outcomes[index] = replace(receipt, code=code, reviewed=True, in_doubt=True)
            for after in range(index + 1, len(owner.outcomes)):
                follower = owner.outcomes[after]
                if follower.role is DocumentRole.RECEIPT or follower.code is not None:
                    break
                if UNREAD_DOUBT in follower.why:
                    owner.outcomes[after] = replace(follower, code=code, in_doubt=True)


[UNREAD_DOUBT] = follower_doubts(None)


def code_state(document: DocumentAnalysis) -> str:
    """What became of a document's dossier-code field: given, refused or not found ("" for
    a type without one)."""
    extraction = document.analysis.extraction
    if "dossier_code" in extraction.fields:
        return "given"
    if "dossier_code" in extraction.doubts:
        return "refused"
    return "not found" if document.analysis.doc_type == "dossier_receipt" else ""


# Why a page misses its dossier, in the order they are told apart (see miss_cause).
MISS_CAUSES = ("boundary", "late result", "receipt typed unknown", "receipt typed otherwise",
               "receipt code refused",
               "receipt code not found", "receipt code refused (barcoded)",
               "receipt code not found (barcoded)", "receipt code wrong", "left without dossier",
               "joined another dossier")


def miss_cause(outcome: Outcome, dossier: str, outcomes: list[Outcome]) -> str:
    """Why a page of ``dossier`` in the document ``outcome`` missed it (counts only are
    printed, for both parts): its document spans several dossiers (a boundary missed); it
    is of a late file; its dossier has no receipt document in the stack; the receipt's code
    was refused, not found or read wrong (the pages after it follow it); else its own
    document joined no dossier or another one."""
    if len(set(outcome.true_dossiers)) > 1:
        return "boundary"
    if outcome.late:
        return "late result"
    receipt = next((o for o in outcomes if o.role is DocumentRole.RECEIPT and not o.late
                    and o.stack == outcome.stack and dossier in o.true_dossiers), None)
    if receipt is None:
        found = next((o for o in outcomes if o.stack == outcome.stack and not o.late
                      and dossier in o.true_dossiers and "dossier_receipt" in o.templates), None)
        return ("receipt typed unknown" if found is not None and found.doc_type == "unknown"
                else "receipt typed otherwise")
    if receipt.code != dossier:
        if receipt.code is not None:
            return "receipt code wrong"
        if receipt.doc_type == "unknown":
            # An untitled receipt of unknown code, stored as its dossier's receipt
            # (office/dossiers.assigned_roles): its type, not its code, was missed.
            return "receipt typed unknown"
        state = receipt.code_state if receipt.code_state != "given" else "wrong"
        return f"receipt code {state}" + (" (barcoded)" if receipt.barcoded else "")
    return "left without dossier" if outcome.code is None else "joined another dossier"


@dataclass
class Indicators:
    """A province's two indicators over a set of dossiers (contract §6)."""

    dossiers: int
    digitized: int
    electronic: int

    def rates(self) -> str:
        if not self.dossiers:
            return "–"
        return (f"{self.digitized / self.dossiers:.1%} / {self.electronic / self.dossiers:.1%}"
                f" of {self.dossiers}")


def assembled_indicators(outcomes: list[Outcome]) -> Indicators:
    """The indicators from the dossiers the pipeline assembled, as `sohoa report` counts them
    (office/report.py): a dossier is digitized when it has a receipt and its receipt and
    components are all digitized (none in review); it has an electronic result when one of
    its results is digitized. A receipt whose code could not be read is a dossier received
    all the same, not digitized (its receipt is in review), as are the documents after it."""
    by_code: dict[tuple[int, str], list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        if outcome.code is not None:
            by_code[(outcome.run, outcome.code)].append(outcome)
    # ... unless the code it was read as names a dossier without receipt (office/report.py).
    receiptless = {code for code, members in by_code.items()
                   if not any(m.role is DocumentRole.RECEIPT for m in members)}
    unread = sum(o.code is None and o.role is DocumentRole.RECEIPT
                 and not _counted_already(o, receiptless) for o in outcomes)
    digitized = electronic = 0
    for members in by_code.values():
        handed_in = [m for m in members if m.role is not DocumentRole.RESULT]
        digitized += (any(m.role is DocumentRole.RECEIPT for m in handed_in)
                      and not any(m.reviewed for m in handed_in))
        electronic += any(m.role is DocumentRole.RESULT and not m.reviewed for m in members)
    return Indicators(len(by_code) + unread, digitized, electronic)


def _counted_already(receipt: Outcome, receiptless: set[tuple[int, str]]) -> bool:
    """Whether a receipt of no dossier is one of its run's dossiers without receipt already
    (office.report.counted_already, as `sohoa report` decides)."""
    return counted_already(receipt.read_codes, receipt.read_tails,
                           {code for run, code in receiptless if run == receipt.run})


def true_indicators(outcomes: list[Outcome]) -> Indicators:
    """The indicators of the true dossiers, given what the pipeline digitized: a dossier is
    digitized when every page handed in lies in a document that is digitized; it has an
    electronic result when its late file (a result) is. Equal to the assembled ones only
    when no page joined the wrong dossier or none."""
    pages: dict[tuple[int, str], list[bool]] = defaultdict(list)
    late_done: dict[tuple[int, str], bool] = {}
    for outcome in outcomes:
        for code in outcome.true_dossiers:
            dossier = (outcome.run, code)
            if outcome.late:
                late_done[dossier] = late_done.get(dossier, True) and not outcome.reviewed
            else:
                pages[dossier].append(not outcome.reviewed)
    digitized = sum(all(done) for done in pages.values())
    electronic = sum(late_done.get(code, False) for code in pages)
    return Indicators(len(pages), digitized, electronic)


def print_scores(scores: dict[tuple[str, str], Score], seconds: float) -> None:
    total = scores[("all", "all")]
    table = Table(title=f"sohoa dossiers ({total.stacks} stacks and {total.late_files} late "
                        f"results, {total.pages} pages, {seconds:.0f} s)")
    for column in ("part", "tier", "stacks", "late", "pages", "boundary F1", "right dossier",
                   "… in doubt", "right dossier (coded)", "wrong, not reviewed", "in review",
                   "digitized / e-result rate, assembled", "… from the truth"):
        table.add_column(column, justify="left" if column in ("part", "tier") else "right")
    for (part, tier), s in scores.items():
        if not s.stacks:
            continue
        coded = f"{s.coded_right / s.coded_pages:.3f}" if s.coded_pages else "–"
        reviewed = sum(o.reviewed for o in s.outcomes)
        table.add_row(part, tier, str(s.stacks), str(s.late_files), str(s.pages), f"{s.f1:.3f}",
                      f"{s.right_dossier / s.pages:.3f}", f"{s.right_in_doubt / s.pages:.3f}",
                      coded,
                      f"{s.wrong_unreviewed / s.pages:.2%}", f"{reviewed}/{len(s.outcomes)}",
                      assembled_indicators(s.outcomes).rates(),
                      true_indicators(s.outcomes).rates())
    Console(width=240).print(table)
    misses = Table(title="pages that miss their dossier, by cause")
    for column in ("part", "tier", "missed", *MISS_CAUSES):
        misses.add_column(column, justify="left" if column in ("part", "tier") else "right")
    for (part, tier), s in scores.items():
        if s.stacks:
            misses.add_row(part, tier, str(s.pages - s.right_dossier),
                           *(str(s.misses.get(cause, 0)) for cause in MISS_CAUSES))
    Console(width=240).print(misses)


def print_errors(scores: dict[tuple[str, str], Score]) -> None:
    """The tuning part's documents on a wrong dossier or in review, with the reasons (the
    held-out part's are never printed)."""
    for (part, tier), s in scores.items():
        if part != "tuning" or tier == "all":
            continue
        for miss in s.boundary_misses:
            print(f"{tier} boundary: {miss}")
        for o in s.outcomes:
            wrong = any(t != o.code for t in o.true_dossiers)
            if wrong or o.reviewed:
                print(f"{tier} stack {o.stack} {o.role.value} -> {o.code} "
                      f"(true {sorted(set(o.true_dossiers))}) "
                      f"{'REVIEW ' if o.reviewed else ''}{o.why[:300]}")


Job = tuple[str, int, int]  # file, 0-based page of it, 1-based page of the stack


def jobs_of(stack: Stack) -> list[Job]:
    return [(str(p.file), p.index, n) for n, p in enumerate(stack.pages, start=1)]


def kept_pages(cache: Path) -> dict[Job, PageOcr]:
    """The pages read on earlier runs (``--keep``), appended one pickle each."""
    kept: dict[Job, PageOcr] = {}
    if cache.exists():
        with cache.open("rb") as stream:
            while True:
                try:
                    job, page = pickle.load(stream)
                except (EOFError, pickle.UnpicklingError):
                    break  # the end, or a page still being written by a running benchmark
                # Validated again: a page kept by an older version lacks newer fields
                # (seals, a code reading's barred zeros), which take their defaults.
                kept[job] = PageOcr.model_validate(_plain(page))
    return kept


def _plain(value: Any) -> Any:
    """A kept model as plain data, its nested models too (as unpickled: their fields as the
    version that kept them had them)."""
    if isinstance(value, BaseModel):
        return {key: _plain(item) for key, item in value.__dict__.items()}
    if isinstance(value, list | tuple):
        return type(value)(_plain(item) for item in value)
    return value


def read_pages(stacks: list[Stack], cache: Path, cached_only: bool,
               again: frozenset[str] = frozenset()) -> dict[Job, PageOcr]:
    """Every page of the stacks through the page function, in processes, tiers taken in
    turn; each page is appended to ``cache`` as it is read, so that the split and assembly
    can be measured again after a change without OCR, and an interrupted run resumed (or
    scored on the stacks read so far: ``cached_only``). Pages printing one of the ``again``
    templates are read again once, into a cache of their own beside ``cache`` that wins over
    it (``--read-again``: a change to the page function that only those pages feel)."""
    kept = kept_pages(cache)
    again_cache = cache.with_name("read-again.pickles")
    if again:
        kept.update(kept_pages(again_cache))
    tiers = list(dict.fromkeys(s.tier for s in stacks))
    by_tier = [[s for s in stacks if s.tier == tier] for tier in tiers]
    order = [s for turn in itertools.zip_longest(*by_tier) for s in turn if s is not None]
    read_again = set(kept_pages(again_cache)) if again else set()
    todo = [job for stack in order for job, page in zip(jobs_of(stack), stack.pages, strict=True)
            if job not in kept or (page.template in again and job not in read_again)]
    todo = list(dict.fromkeys(todo))
    if cached_only or not todo:
        return kept
    with (ProcessPoolExecutor(Settings().ocr.worker_count()) as pool,
          cache.open("ab") as out, again_cache.open("ab") as out_again):
        tries = dict.fromkeys(todo, 1)
        templates = {job: page.template for stack in stacks
                     for job, page in zip(jobs_of(stack), stack.pages, strict=True)}
        running = {pool.submit(read_page, job): job for job in todo}
        while running:
            future = next(as_completed(running))
            job = running.pop(future)
            try:
                page = future.result()
            except OcrTimeoutError:
                # On a machine shared by several benchmarks Tesseract can overrun its time
                # limit on a page it reads in 10 s alone: read it again, twice at most.
                if tries[job] == 3:
                    raise
                tries[job] += 1
                running[pool.submit(read_page, job)] = job
                continue
            # As each comes, so an interruption loses little.
            stream = out_again if templates[job] in again else out
            pickle.dump((job, page), stream)
            stream.flush()
            kept[job] = page
    return kept


def without_symbols(stack: Stack, pages: list[PageOcr]) -> tuple[Stack, list[PageOcr]]:
    """The stack as if no page carried a barcode or QR code (``--without-symbols``): cover
    sheets left out, the other pages renumbered and their symbols dropped, so that every
    receipt's dossier comes from its print alone. The tuning part's receipts are half of
    them barcoded, which hides how their print is read; the held-out part's misses are all
    plain receipts'."""
    kept = [(true, page) for true, page in zip(stack.pages, pages, strict=True)
            if true.template != "cover_sheet"]
    return (replace(stack, pages=[replace(true, coded=False) for true, _ in kept]),
            [page.model_copy(update={"number": number, "codes": []})
             for number, (_, page) in enumerate(kept, start=1)])


def restacked(pool: Pool, read: set[tuple[str, int]], seed: int) -> Pool:
    """The pool's files whose every page was read (``read``: file, 0-based page), shuffled by
    ``seed`` (``--restack``)."""
    rng = random.Random(f"restack:{seed}")

    def kept(truths: list[Truth]) -> list[Truth]:
        whole = [t for t in truths if all((t.file, i) in read for i in range(len(t.pages)))]
        rng.shuffle(whole)
        return whole

    return Pool(kept(pool.receipts), kept(pool.forms), kept(pool.late))


def read_by_page(read: dict[Job, PageOcr]) -> dict[tuple[str, int], PageOcr]:
    """The pages read, by file and 0-based page (whatever stack page they were read as)."""
    return {(file, index): page for (file, index, _), page in read.items()}


def measure(base: Path, args: argparse.Namespace) -> dict[tuple[str, str], Score]:
    """Generate (or take the kept) stacks under ``base``, read them, and score each part and
    tier."""
    tiers, parts = args.tiers.split(","), args.parts.split(",")
    rng = random.Random(args.seed)
    per_group = -(-args.stacks // (len(tiers) * len(parts)))
    stacks: list[Stack] = []
    units: set[str] = set()
    pools: list[tuple[str, str, list[int], Pool]] = []
    for number, (part, tier) in enumerate(itertools.product(parts, tiers)):
        plan = [rng.randint(1, 4) for _ in range(per_group)]
        pool = pool_of(base / part / tier, sum(plan), args.seed + 10 * number, tier, args.dpi,
                       part, args.cached_only)
        # The province's units: every unit whose receipts its stations print (the agency
        # part of the code), as Settings.dossier_units lists them in production.
        units |= {unit_of(str(t.fields["dossier_code"])) for t in pool.receipts}
        stacks += make_stacks(pool, plan, rng, part, tier)
        pools.append((part, tier, plan, pool))
    os.environ["SOHOA_DATA_DIR"] = str(base / "data")
    read = read_pages(stacks, base / "pages.pickles", args.cached_only,
                      frozenset(args.read_again.split(",")) if args.read_again else frozenset())
    if args.restack:
        by_page = read_by_page(read)
        stacks = []
        for seed in (int(s) for s in args.restack.split(",")):
            again = random.Random(f"restack plan:{seed}")
            for part, tier, plan, pool in pools:
                stacks += [replace(stack, run=seed) for stack in make_stacks(
                    restacked(pool, set(by_page), seed), [again.randint(1, 4) for _ in plan],
                    again, part, tier)]
        read = {job: by_page[job[:2]].model_copy(update={"number": job[2]})
                for stack in stacks for job in jobs_of(stack)}
    scores: dict[tuple[str, str], Score] = defaultdict(Score)
    done = [all(job in read for job in jobs_of(stack)) for stack in stacks]
    # A late result counts only with its dossier's stack (--cached-only may have read one
    # and not the other).
    handed_in = {p.dossier for stack, ok in zip(stacks, done, strict=True)
                 if ok and stack.folder is None for p in stack.pages}
    scored: list[tuple[Stack, Score]] = []
    for number, stack in enumerate(stacks):
        if not done[number] or (stack.folder is not None and stack.folder not in handed_in):
            continue  # not read yet (--cached-only)
        pages = [read[job] for job in jobs_of(stack)]
        if args.without_symbols:
            stack, pages = without_symbols(stack, pages)
        scored.append((stack, score_stack(stack, pages, frozenset(units), number)))
    file_refused([score for _, score in scored])
    for stack, score in scored:
        count_pages(score)
        for key in ((stack.part, stack.tier), (stack.part, "all"), ("all", "all")):
            scores[key].add(score)
    return dict(sorted(scores.items(), key=lambda item: (
        (*parts, "all").index(item[0][0]), (*tiers, "all").index(item[0][1]))))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stacks", type=int, default=42)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--tiers", default=",".join(TIERS))
    parser.add_argument("--parts", default=",".join(PARTS))
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep the generated files and the pages read here, and reuse "
                             "them on the next run with the same arguments")
    parser.add_argument("--cached-only", action="store_true",
                        help="with --keep: score only the stacks whose pages were read")
    parser.add_argument("--read-again", default="", metavar="TEMPLATES",
                        help="with --keep: read the kept pages of these templates "
                             "(e.g. dossier_receipt) again, once")
    parser.add_argument("--without-symbols", action="store_true",
                        help="score the stacks as if no page carried a barcode or QR code "
                             "(cover sheets left out): every receipt read from its print")
    parser.add_argument("--restack", default="", metavar="SEEDS",
                        help="with --keep --cached-only: stack the files read already again, "
                             "once for each of these seeds (e.g. 1,2,3)")
    parser.add_argument("--errors", action="store_true",
                        help="list the tuning part's wrong and reviewed documents")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        scores = measure(args.keep, args)
    else:
        with tempfile.TemporaryDirectory(prefix="sohoa-dossiers-") as scratch:
            scores = measure(Path(scratch), args)
    if args.errors:
        print_errors(scores)
    print_scores(scores, time.perf_counter() - started)


if __name__ == "__main__":
    main()
