"""The digitization status a processed document gets (contract §2), with the reasons a person
must look when it needs review."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, Field

from pipeline.classify import DEFAULT_MARGIN, Classification
from pipeline.doctypes import DocTypeDefinition
from pipeline.fields import Doubt, Extraction
from schemas.document import ExtractedField
from schemas.ocr import PageOcr
from schemas.status import DigitizationStatus


class ReviewOptions(BaseModel):
    """Thresholds below which a person must look (the settings' ``review`` section)."""

    min_page_confidence: float = Field(60.0, ge=0, le=100)
    min_field_confidence: float = Field(0.6, ge=0, le=1)
    min_classification_margin: float = Field(DEFAULT_MARGIN, ge=0, le=1)
    unknown_near_type_score: float = Field(
        0.25, ge=0, le=1, description="a document of no type that still fits one this well "
        "(many of its labels printed, its title not found) goes to review; attachments and "
        "letters fit none by more than about 0.13")


class Assessment(BaseModel):
    """DIGITIZED, or NEEDS_REVIEW with one human-readable reason per problem."""

    status: DigitizationStatus
    review_reasons: list[str] = Field(default_factory=list)


def _has_text(page: PageOcr) -> bool:
    return bool(page.words) or bool(page.text.strip())


def text_reasons(pages: list[PageOcr], review: ReviewOptions) -> list[str]:
    """No readable text at all, or pages read with low confidence."""
    readable = [p for p in pages if _has_text(p)]
    if not readable:
        return ["no readable text was recognised on any page"]
    return [f"page {p.number}: mean OCR confidence {p.mean_confidence:.0f} is below "
            f"{review.min_page_confidence:.0f}"
            for p in readable if p.mean_confidence < review.min_page_confidence]


def type_reasons(classification: Classification, review: ReviewOptions) -> list[str]:
    """The type could not be decided between two, or no type was chosen although one nearly
    fits (a damaged title: a receipt filed as «unknown» would be lost to its procedure)."""
    if (classification.doc_type == "unknown" and classification.runner_up is not None
            and classification.runner_up_score >= review.unknown_near_type_score):
        return [f"no document type's title was found, but the page fits "
                f"{classification.runner_up} ({classification.runner_up_score:.2f}; its labels "
                f"are printed): is it one?"]
    close = (classification.runner_up is not None
             and classification.doc_type != "unknown"
             and classification.score - classification.runner_up_score
             < review.min_classification_margin)
    if not (classification.ambiguous or close):
        return []
    return [f"document type could not be decided between {classification.doc_type} "
            f"({classification.score:.2f}) and {classification.runner_up} "
            f"({classification.runner_up_score:.2f})"]


def _label(doctype: DocTypeDefinition, key: str) -> str:
    field = doctype.field(key)  # a field read by its place has no label: name the place
    return f"{key} («{field.label}»)"


def doubt_reasons(doubts: dict[str, Doubt], doctype: DocTypeDefinition) -> list[str]:
    """Values that were read but not given: a person must read them.

    Any field counts, required or not: a refused value is a doubt about the document, not
    a blank on the form."""
    return [f"{'required ' if doctype.field(key).required else ''}field "
            f"{_label(doctype, key)} was left out: «{doubt.value}» {doubt.reason}"
            for key, doubt in doubts.items()]


def field_reasons(extraction: Extraction, doctype: DocTypeDefinition,
                  review: ReviewOptions) -> list[str]:
    """Required fields missing, invalid or read with low confidence, and refused values."""
    reasons = doubt_reasons(extraction.doubts, doctype)
    for key in doctype.required_keys:
        found = extraction.fields.get(key)
        if found is None and key in extraction.doubts:
            continue  # already named, with what was read
        if found is None:
            reasons.append(f"required field {_label(doctype, key)} was not found")
        elif not found.valid:
            reasons.append(f"required field {_label(doctype, key)} has an invalid value "
                           f"«{found.value}»")
        elif found.confidence < review.min_field_confidence:
            reasons.append(f"required field {_label(doctype, key)} was read with low "
                           f"confidence {found.confidence:.2f}")
    return reasons


def assess_document(classification: Classification,
                    extraction: Extraction | Mapping[str, ExtractedField],
                    pages: list[PageOcr], doctype: DocTypeDefinition | None,
                    review: ReviewOptions) -> Assessment:
    """DIGITIZED when the type is known with every required field present, valid and sure
    enough (or the type is unknown and the text readable); NEEDS_REVIEW otherwise.

    ``extraction`` is what ``extract_fields`` gave; a plain mapping of fields (no doubts) is
    taken too, for a type without extraction (``{}``, as ``flows/tasks.py`` passes for
    ``unknown``)."""
    if not isinstance(extraction, Extraction):
        extraction = Extraction(dict(extraction))
    reasons = text_reasons(pages, review) + type_reasons(classification, review)
    if doctype is not None and classification.doc_type == doctype.id:
        reasons += field_reasons(extraction, doctype, review)
    status = DigitizationStatus.NEEDS_REVIEW if reasons else DigitizationStatus.DIGITIZED
    return Assessment(status=status, review_reasons=reasons)
