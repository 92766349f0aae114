"""Scores of extracted JSON against generated ground truth: types, fields, characters.

What counts as an answer: every key in the JSON's ``fields`` — whatever its ``confidence`` or
``valid`` — is a value the pipeline gives, and is scored. The pipeline gives a value only when
it is sure of it (``pipeline.fields``): a value it read but refused (invalid, out of order,
too unsure) is left out of ``fields`` and named in ``review_reasons`` instead, so it counts as
missing (against accuracy), never as given. Hence:

* field accuracy = fields whose given value equals the truth / fields in the truth;
* field precision = given values equal to the truth / values given (a field the truth lacks,
  e.g. a father on a form that left him blank, counts as given and wrong).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from samples.truth import PageTruth


@dataclass
class TierScore:
    """Counts for one degradation tier (or all of them)."""

    files: int = 0
    type_correct: int = 0
    fields_expected: int = 0
    fields_correct: int = 0
    fields_extracted: int = 0
    fields_extracted_correct: int = 0
    char_errors: int = 0
    chars: int = 0
    reviews: int = 0  # files sent to review (`needs_review`)
    straight_through: int = 0  # files `digitized`, right type, every field right, none wrong
    # Files whose records do not start where the truth's documents do (a page split off, a
    # notice not split): a person must mend them, so such a file is never straight-through.
    bounds_wrong: int = 0
    # Values written by hand on the paper (``Truth.handwritten``): given at all, given wrong.
    handwritten: int = 0
    handwritten_given: int = 0
    handwritten_wrong: int = 0
    statuses: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def type_accuracy(self) -> float:
        return self.type_correct / self.files if self.files else 0.0

    @property
    def field_accuracy(self) -> float:
        """Share of expected fields extracted with exactly the right value."""
        return self.fields_correct / self.fields_expected if self.fields_expected else 1.0

    @property
    def field_precision(self) -> float:
        """Share of given fields (keys of ``fields``) whose value is right: a wrong value is
        worse than none, so the pipeline leaves out what it is unsure of."""
        return (self.fields_extracted_correct / self.fields_extracted
                if self.fields_extracted else 1.0)

    @property
    def review_rate(self) -> float:
        """Share of files a person must look at."""
        return self.reviews / self.files if self.files else 0.0

    @property
    def straight_through_rate(self) -> float:
        """Share of files that need no one: digitized, and every field right."""
        return self.straight_through / self.files if self.files else 0.0

    @property
    def cer(self) -> float:
        return self.char_errors / self.chars if self.chars else 0.0

    def add(self, other: TierScore) -> None:
        for name in ("files", "type_correct", "fields_expected", "fields_correct",
                     "fields_extracted", "fields_extracted_correct", "char_errors", "chars",
                     "reviews", "straight_through", "bounds_wrong", "handwritten",
                     "handwritten_given", "handwritten_wrong"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for status, count in other.statuses.items():
            self.statuses[status] += count


def comparable_text(text: str) -> str:
    """Text for CER: NFC, one space between words, no dot leaders (they are layout, not text)."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[.…·_]{3,}", " ", text)
    return " ".join(text.split())


def score_file(truth_doc_type: str, truth_fields: dict[str, object], truth_text: str,
               document: dict) -> TierScore:
    """Score one produced JSON document against its ground truth."""
    score = TierScore(files=1)
    score.statuses[document["status"]] += 1
    score.type_correct = int(document.get("doc_type") == truth_doc_type)
    produced = {key: value["value"] for key, value in document.get("fields", {}).items()}
    score.fields_expected = len(truth_fields)
    score.fields_correct = sum(1 for k, v in truth_fields.items() if produced.get(k) == v)
    score.fields_extracted = len(produced)
    score.fields_extracted_correct = sum(
        1 for k, v in produced.items() if k in truth_fields and truth_fields[k] == v
    )
    score.reviews = int(document["status"] == "needs_review")
    score.bounds_wrong = int(not document.get("bounds_right", True))
    score.straight_through = int(
        document["status"] == "digitized" and bool(score.type_correct)
        and not score.bounds_wrong
        and score.fields_correct == score.fields_expected
        and score.fields_extracted_correct == score.fields_extracted)
    expected = comparable_text(truth_text)
    recognised = comparable_text("\n".join(page["text"] for page in document.get("pages", [])))
    score.chars = len(expected)
    score.char_errors = Levenshtein.distance(expected, recognised) if expected else 0
    return score


def score_handwritten(truth_fields: dict[str, object], handwritten: list[str],
                      document: dict, score: TierScore) -> None:
    """Values written by hand: not expected (field accuracy is the printed values'), but
    scored when given: in precision, and counted given wrong (the one outcome to avoid).
    ``score`` was made by ``score_file`` from the printed fields and the document without
    the handwritten ones."""
    produced = {key: value["value"] for key, value in document.get("fields", {}).items()}
    for key in handwritten:
        score.handwritten += 1
        if key in produced:
            right = produced[key] == truth_fields[key]
            score.handwritten_given += 1
            score.handwritten_wrong += int(not right)
            score.fields_extracted += 1
            score.fields_extracted_correct += int(right)
            score.straight_through = 0 if not right else score.straight_through


def true_starts(pages: Sequence[PageTruth]) -> set[int]:
    """Pages that start a document under the contract's rules (§5), from the truth: a page
    printing a known type's title (a form's first page, an attached notice, a result's first
    page), and the first page of the file or after a cover sheet."""
    starts: set[int] = set()
    after_cover = True
    for number, page in enumerate(pages, start=1):
        if page.template == "cover_sheet":
            after_cover = True
            continue
        if after_cover or page.page_doc_type != "unknown":
            starts.add(number)
        after_cover = False
    return starts
