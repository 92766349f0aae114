"""Which document type a set of pages is: its printed title, backed by its printed labels."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field
from rapidfuzz import fuzz

from pipeline.doctypes import DocTypeDefinition, MatchingSettings
from pipeline.extract import PageLayout, Row, find_labels, laid_out, phrases_of, title_score
from pipeline.regions import has_letter_subject
from schemas.ocr import PageOcr
from schemas.status import DocType

# Two types within this score of each other are a doubt (review.min_classification_margin).
DEFAULT_MARGIN = 0.15
# A letter's «V/v …» under its number, below the motto, fits its type as its title would: a
# received stamp over «Kính gửi» left a clean letter 3 of the 5 markers (0.36, under the
# minimum 0.45) and it was filed `unknown` with its ten fields (--types new tuning seed 47).
LETTER_TITLE_SCORE = 100.0


class Classification(BaseModel):
    """The chosen type, how sure, and the closest other type."""

    doc_type: str
    score: float = Field(ge=0, le=1)
    runner_up: str | None = None
    runner_up_score: float = Field(0.0, ge=0, le=1)
    title_page: int | None = Field(None, description="page where the chosen type's title is")
    ambiguous: bool = False


class _Score(BaseModel):
    doc_type: str
    score: float
    title_page: int | None


def label_share(rows: list[Row], doctype: DocTypeDefinition) -> float:
    """Share of the type's fields whose label is printed somewhere on the pages (of its
    markers, for a type whose fields stand in places rather than after labels)."""
    matching = doctype.matching
    if doctype.markers:
        markers = _keys(doctype.markers)
        found = {m for m in markers if any(_has_marker(row, m, matching) for row in rows)}
        return len(found) / len(markers)
    found = {m.phrase.key for row in rows
             for m in find_labels(row, phrases_of(_field_labels(doctype)),
                                  matching.label_min_score, matching)}
    hits = [f for f in doctype.fields if any(k in found for k in _keys(f.labels))]
    return len(hits) / len(doctype.fields)


def _has_marker(row: Row, marker: str, matching: MatchingSettings) -> bool:
    """Whether a run of the row's words reads as the marker (fuzzily, as labels do, but over
    colons: «Lưu: VT» is one marker)."""
    words = [t.key for t in row.tokens if t.key]
    size = len(marker.split())
    needed = (matching.short_label_min_score if len(marker) <= matching.short_label_chars
              else matching.label_min_score)
    return any(fuzz.ratio(" ".join(words[i:i + size]), marker) >= needed
               for i in range(len(words) - size + 1))


def _field_labels(doctype: DocTypeDefinition) -> list[str]:
    return [label for f in doctype.fields for label in f.labels]


def _keys(labels: list[str]) -> set[str]:
    return {p.key for p in phrases_of(labels)}


def score_doctype(layouts: Sequence[PageLayout], doctype: DocTypeDefinition) -> _Score:
    """Title fit and label evidence, weighted as the type's data says, 0..1. A type read by
    the decree's places takes a letter's «V/v …» under its number for its title (a letter's
    kind has no name: ``pipeline.regions.read_kind`` makes it a «Công văn»)."""
    best_title, title_page = 0.0, None
    letter = any(f.position == "kind" for f in doctype.fields)
    for layout in layouts:
        score, _ = title_score(layout.rows, doctype)
        if letter and score < LETTER_TITLE_SCORE and has_letter_subject(layout):
            score = LETTER_TITLE_SCORE
        if score > best_title:
            best_title, title_page = score, layout.page.number
    labels = label_share([row for layout in layouts for row in layout.rows], doctype)
    weight = doctype.matching.title_weight
    total = weight * best_title / 100 + (1 - weight) * labels
    return _Score(doc_type=doctype.id, score=round(total, 3), title_page=title_page)


def _unknown(scores: list[_Score]) -> Classification:
    """No type fits: the score says how clearly (1 when nothing fits at all)."""
    runner = scores[0] if scores else None
    top = runner.score if runner else 0.0
    return Classification(doc_type=DocType.UNKNOWN, score=round(1 - top, 3),
                          runner_up=runner.doc_type if runner else None, runner_up_score=top)


def classify_document(pages: Sequence[PageOcr | PageLayout], doctypes: list[DocTypeDefinition],
                      min_margin: float = DEFAULT_MARGIN) -> Classification:
    """The best-fitting type, ``unknown`` below the type's minimum score, ``ambiguous`` when
    the runner-up also fits and is within ``min_margin`` of it
    (``ReviewOptions.min_classification_margin``)."""
    layouts = laid_out(pages)
    scores = sorted((score_doctype(layouts, d) for d in doctypes),
                    key=lambda s: s.score, reverse=True)
    minimum = {d.id: d.matching.min_score for d in doctypes}
    fitting = [s for s in scores if s.score >= minimum[s.doc_type]]
    # A generic type (any administrative document) yields to a form that fits too.
    generic = {d.id for d in doctypes if d.generic}
    specific = [s for s in fitting if s.doc_type not in generic]
    fitting = specific + [s for s in fitting if s.doc_type in generic] if specific else fitting
    if not fitting:
        return _unknown(scores)
    best = fitting[0]
    runner = next((s for s in scores if s.doc_type != best.doc_type), None)
    peers = [s for s in fitting if (s.doc_type in generic) == (best.doc_type in generic)]
    return Classification(
        doc_type=best.doc_type, score=best.score, title_page=best.title_page,
        runner_up=runner.doc_type if runner else None,
        runner_up_score=runner.score if runner else 0.0,
        ambiguous=len(peers) > 1 and best.score - peers[1].score < min_margin,
    )
