"""Small serialisable models passed between tasks (never arrays of pixels)."""

from __future__ import annotations

from pydantic import BaseModel

from schemas.ocr import PageOcr
from schemas.status import DigitizationStatus


class FileJob(BaseModel):
    """A registered input file on its way through the pipeline."""

    record_id: str
    source_path: str
    filename: str
    status: DigitizationStatus
    duplicate_of: str | None = None
    local_copy: str | None = None
    format: str | None = None
    page_count: int = 0
    dpi: int = 300
    error: str | None = None
    json_name: str | None = None
    claimed: bool = True
    dossier_code: str | None = None  # `sohoa process --dossier CODE`: the last way in (§6)


class PageOutcome(BaseModel):
    """One page's OCR result, or why it has none."""

    number: int
    page: PageOcr | None = None
    pdf_path: str | None = None
    error: str | None = None
