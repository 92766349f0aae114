"""The dossier benchmark's indicators count what the contract counts (§6), from the assembled
dossiers and from the truth, so that a difference between the two is the assembly's."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from benchmarks.dossiers import (
    UNREAD_DOUBT,
    Outcome,
    Pool,
    Score,
    Stack,
    TruePage,
    assembled_indicators,
    count_pages,
    file_refused,
    miss_cause,
    restacked,
    true_indicators,
    without_symbols,
)
from samples.truth import Truth
from schemas.ocr import PageCode
from schemas.record import DocumentRole
from tests.pipeline.ocr_builders import RECEIPT_FORM, make_page

A, B = "000.00.21.H27-241128-0001", "000.00.21.H27-241128-0002"
RECEIPT, COMPONENT, RESULT = DocumentRole.RECEIPT, DocumentRole.COMPONENT, DocumentRole.RESULT


def outcome(code: str | None, role: DocumentRole, reviewed: bool, true: str,
            late: bool = False) -> Outcome:
    return Outcome(code, role, reviewed, [true], late)


def test_a_receipt_whose_code_was_not_read_is_a_dossier_received_not_digitized() -> None:
    """GIVEN dossier A assembled and digitized, with a digitized late result, and dossier B
    whose receipt's code was not read (B's documents joined no dossier, in review)
    THEN both sides count 2 dossiers, 1 digitized, 1 with an electronic result."""
    outcomes = [outcome(A, RECEIPT, False, A), outcome(A, COMPONENT, False, A),
                outcome(A, RESULT, False, A, late=True),
                outcome(None, RECEIPT, True, B), outcome(None, COMPONENT, True, B)]
    for indicators in (assembled_indicators(outcomes), true_indicators(outcomes)):
        assert (indicators.dossiers, indicators.digitized, indicators.electronic) == (2, 1, 1)


def test_a_document_in_review_keeps_its_dossier_from_being_digitized_on_both_sides() -> None:
    outcomes = [outcome(A, RECEIPT, False, A), outcome(A, COMPONENT, True, A)]
    assert assembled_indicators(outcomes).digitized == true_indicators(outcomes).digitized == 0


def test_a_result_in_review_is_no_electronic_result() -> None:
    outcomes = [outcome(A, RECEIPT, False, A), outcome(A, RESULT, True, A, late=True)]
    assert assembled_indicators(outcomes).electronic == true_indicators(outcomes).electronic == 0


def test_an_unread_receipt_read_as_the_code_of_a_receiptless_dossier_is_counted_once() -> None:
    """GIVEN dossier B's receipt refused (its code read with low confidence) and B's result
    arriving in B's folder THEN one dossier B, on both sides."""
    receipt = Outcome(None, RECEIPT, True, [B], False, read_codes=frozenset({B}))
    outcomes = [receipt, outcome(B, RESULT, False, B, late=True)]
    assert assembled_indicators(outcomes).dossiers == true_indicators(outcomes).dossiers == 1


def one_page(outcome: Outcome) -> Outcome:
    return replace(outcome, templates=("form",), coded=(False,))


def test_a_refused_receipt_joins_the_dossier_its_result_came_to_as_the_office_files_it(
        ) -> None:
    """GIVEN B's receipt refused, read as B and as a code of no dossier, its form after it
    waiting for its code, and then B's result in B's folder WHEN filed as
    office/refused_receipts.py files THEN both join B in doubt, in review, and every page is
    counted right; when its readings name two dossiers without receipt, neither."""
    other = "000.00.21.H27-241128-0009"
    receipt = one_page(Outcome(None, RECEIPT, True, [B], False, code_state="refused",
                               read_codes=frozenset({B, other})))
    form = one_page(Outcome(None, COMPONENT, True, [B], False, why=f"form: {UNREAD_DOUBT}"))
    stack, late = Score(outcomes=[receipt, form]), Score(outcomes=[one_page(
        Outcome(B, RESULT, False, [B], True))])

    file_refused([stack, late])

    assert [(o.code, o.reviewed, o.in_doubt) for o in stack.outcomes] == [
        (B, True, True), (B, True, True)]
    assert (count_pages(stack).right_dossier, stack.right_in_doubt) == (2, 2)
    assert not stack.misses and stack.wrong_unreviewed == 0
    twice = Score(outcomes=[receipt, form])
    # Both results came before it: the receipt's readings name two dossiers without receipt.
    file_refused([late, Score(outcomes=[one_page(Outcome(other, RESULT, False, [other],
                                                         True))]), twice])
    assert [o.code for o in twice.outcomes] == [None, None]
    assert count_pages(twice).misses == {"receipt code refused": 2}


def test_a_missed_page_is_counted_under_the_cause_that_sent_it_astray() -> None:
    """GIVEN B's receipt refused, its form following it into no dossier, a document glued
    across A and B, and a form of A that joined B THEN each is told by its cause: a form
    follows its receipt's."""
    refused = Outcome(None, RECEIPT, True, [B], False, code_state="refused",
                      templates=("dossier_receipt",))
    form = Outcome(None, COMPONENT, True, [B], False)
    glued = Outcome(A, COMPONENT, False, [A, B], False)
    receipt_a = Outcome(A, RECEIPT, False, [A], False, code_state="given")
    strayed = Outcome(B, COMPONENT, False, [A], False)
    outcomes = [receipt_a, strayed, refused, form, glued]
    assert miss_cause(refused, B, outcomes) == miss_cause(form, B, outcomes) == (
        "receipt code refused")
    assert miss_cause(glued, B, outcomes) == "boundary"
    assert miss_cause(strayed, A, outcomes) == "joined another dossier"
    untyped = Outcome(None, COMPONENT, True, [B], False, doc_type="unknown",
                      templates=("dossier_receipt",))
    assert miss_cause(form, B, [untyped, form]) == "receipt typed unknown"
    # … and so is one stored as its dossier's receipt (an untitled receipt of unknown code):
    # no «receipt code» cause, which no column counts.
    stored = replace(untyped, role=RECEIPT)
    assert miss_cause(stored, B, [stored, form]) == miss_cause(form, B, [stored, form]) == (
        "receipt typed unknown")


def test_a_stack_without_symbols_drops_its_cover_sheets_and_every_pages_codes() -> None:
    """GIVEN a stack of a cover sheet, a barcoded receipt and a form WHEN scored
    ``--without-symbols`` THEN the cover sheet is left out, the other pages are renumbered
    from 1 and carry no symbol, and no page counts as coded."""
    code = "000.00.21.H27-241128-0001"
    symbol = [PageCode(text=code, format="qr", bbox=(0, 0, 10, 10))]
    true = [TruePage(Path("r.pdf"), 0, "cover_sheet", "unknown", code, True),
            TruePage(Path("r.pdf"), 1, "dossier_receipt", "dossier_receipt", code, True),
            TruePage(Path("f.pdf"), 0, "birth_registration", "birth_registration", code, True)]
    pages = [make_page(["PHIẾU BÌA HỒ SƠ"], number=1),
             make_page(RECEIPT_FORM, number=2), make_page(["TỜ KHAI"], number=3)]
    pages = [p.model_copy(update={"codes": symbol}) for p in pages[:2]] + pages[2:]
    stack, read = without_symbols(Stack("tuning", "clean", true), pages)
    assert [p.template for p in stack.pages] == ["dossier_receipt", "birth_registration"]
    assert not any(p.coded for p in stack.pages)
    assert [(p.number, p.codes) for p in read] == [(1, []), (2, [])]
    assert read[0].lines == pages[1].lines


def test_a_dossier_stacked_again_by_another_seed_is_another_dossier_for_the_indicators() -> None:
    """GIVEN dossier A assembled in the kept stacks and again in a --restack run THEN both
    sides count two dossiers (the same files, two stackings), not one."""
    first = [outcome(A, RECEIPT, False, A), outcome(A, COMPONENT, False, A)]
    again = [replace(o, run=1) for o in first]
    for indicators in (assembled_indicators(first + again), true_indicators(first + again)):
        assert (indicators.dossiers, indicators.digitized) == (2, 2)


def test_restacking_takes_only_files_whose_every_page_was_read() -> None:
    """GIVEN a pool of two receipts, one of whose pages was not read WHEN restacked THEN
    only the receipt read whole is kept, and the same seed shuffles alike."""
    whole, part = truth_of("a.pdf", 2), truth_of("b.pdf", 2)
    read = {("a.pdf", 0), ("a.pdf", 1), ("b.pdf", 0)}
    pool = restacked(Pool([whole, part], [], []), read, seed=3)
    assert [t.file for t in pool.receipts] == ["a.pdf"]
    assert restacked(Pool([whole, part], [], []), read, seed=3) == pool


def truth_of(file: str, pages: int) -> Truth:
    """A generated file's truth as far as restacking reads it: its path and page count."""
    return Truth.model_construct(file=file, pages=[None] * pages)
