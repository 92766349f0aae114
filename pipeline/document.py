"""A file's pages to what the contract says of each document in it: type, fields, status.

The document sequence (split → classify → extract → assess) as plain functions, so that the
Prefect task, the benchmarks and the tests all run the same steps in the same order. Rows
are built once per page here and shared by splitting, classification and extraction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from pipeline.assess import Assessment, ReviewOptions, assess_document
from pipeline.classify import Classification, classify_document
from pipeline.doctypes import DocTypeDefinition
from pipeline.extract import PageLayout, extract_fields, laid_out
from pipeline.fields import Extraction
from pipeline.split import DocumentSpan, split_document
from schemas.ocr import PageOcr
from schemas.status import DigitizationStatus


@dataclass(frozen=True)
class Analysis:
    """What the pipeline decided about one document."""

    classification: Classification
    extraction: Extraction
    assessment: Assessment

    @property
    def doc_type(self) -> str:
        """The chosen type (``unknown`` when none fits)."""
        return self.classification.doc_type


@dataclass(frozen=True)
class DocumentAnalysis:
    """One document of a file: where it stands in the file and what was decided about it."""

    span: DocumentSpan
    analysis: Analysis

    @property
    def pages(self) -> list[PageOcr]:
        """The document's pages, as read."""
        return [layout.page for layout in self.span.pages]


def analyse_file(pages: list[PageOcr], doctypes: list[DocTypeDefinition], review: ReviewOptions,
                 cover_codes: Mapping[int, str] | None = None) -> list[DocumentAnalysis]:
    """Split a file's pages into documents (pipeline/split.py) and analyse each. A file
    whose every page is a cover sheet is one document, so that it still gets a record."""
    layouts = laid_out(pages)
    spans = split_document(layouts, doctypes, cover_codes or {}, review.unknown_near_type_score)
    if not spans:
        spans = [DocumentSpan(layouts)]
    return [DocumentAnalysis(span, _with_doubts(analyse(span.pages, doctypes, review),
                                                span.doubts))
            for span in spans]


def _with_doubts(analysis: Analysis, doubts: list[str]) -> Analysis:
    """A document the split was unsure of goes to review, its doubts first among reasons."""
    if not doubts:
        return analysis
    assessment = Assessment(status=DigitizationStatus.NEEDS_REVIEW,
                            review_reasons=[*doubts, *analysis.assessment.review_reasons])
    return replace(analysis, assessment=assessment)


def analyse(pages: list[PageOcr] | list[PageLayout], doctypes: list[DocTypeDefinition],
            review: ReviewOptions) -> Analysis:
    """Classify one document's pages, extract the chosen type's fields, decide the status."""
    layouts = laid_out(pages)
    pages = [layout.page for layout in layouts]
    classification = classify_document(layouts, doctypes, review.min_classification_margin)
    definition = next((d for d in doctypes if d.id == classification.doc_type), None)
    extraction = (extract_fields(layouts, definition, classification.title_page)
                  if definition else Extraction())
    assessment = assess_document(classification, extraction, pages, definition, review)
    return Analysis(classification, extraction, assessment)
