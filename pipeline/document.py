"""One document's pages to what the contract says of it: its type, its fields, its status.

The document sequence (classify → extract → assess) as one plain function, so that the
Prefect task, the benchmarks and the tests all run the same steps in the same order. Rows
are built once per page here and shared by classification and extraction.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.assess import Assessment, ReviewOptions, assess_document
from pipeline.classify import Classification, classify_document
from pipeline.doctypes import DocTypeDefinition
from pipeline.extract import extract_fields, laid_out
from pipeline.fields import Extraction
from schemas.ocr import PageOcr


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


def analyse(pages: list[PageOcr], doctypes: list[DocTypeDefinition],
            review: ReviewOptions) -> Analysis:
    """Classify the pages, extract the chosen type's fields and decide the status."""
    layouts = laid_out(pages)
    classification = classify_document(layouts, doctypes, review.min_classification_margin)
    definition = next((d for d in doctypes if d.id == classification.doc_type), None)
    extraction = (extract_fields(layouts, definition, classification.title_page)
                  if definition else Extraction())
    assessment = assess_document(classification, extraction, pages, definition, review)
    return Analysis(classification, extraction, assessment)
