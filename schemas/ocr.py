"""Engine-neutral OCR result: page → line → word, with geometry and confidence.

Coordinates are pixels of the page image as stored (after orientation, deskew and crop),
origin top-left, boxes as ``(x0, y0, x1, y1)``. Word confidences are Tesseract's 0..100 scale.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, model_serializer

BBox = tuple[int, int, int, int]


def union_bbox(boxes: list[BBox]) -> BBox:
    """The smallest box holding every box given."""
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


class OcrWord(BaseModel):
    """One recognised word."""

    text: str
    confidence: float = Field(ge=0, le=100)
    bbox: BBox
    reread: str | None = Field(
        None, description="what a second, enlarged reading of the word's crop read where it "
        "read other letters (pipeline/ocr/reread.py); None when it agreed or was not read")

    @model_serializer(mode="wrap")
    def _without_agreed(self, handler: SerializerFunctionWrapHandler) -> dict:
        """``reread`` only where a second reading disagreed: a page's words stay as small
        in the stored JSON as before."""
        data = handler(self)
        if isinstance(data, dict) and data.get("reread") is None:
            data.pop("reread", None)
        return data


class OcrLine(BaseModel):
    """One text line as Tesseract segmented it (block/paragraph/line numbers kept for order)."""

    words: list[OcrWord]
    block: int = 0
    paragraph: int = 0
    line: int = 0

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def bbox(self) -> BBox:
        return union_bbox([w.bbox for w in self.words])


class PageCode(BaseModel):
    """A barcode or QR code read on a page: its text, format («qr», «code128» …) and box
    (x0, y0, x1, y1) in pixels of the page image as stored."""

    text: str
    format: str
    bbox: BBox


class PageSeal(BaseModel):
    """A seal found in the page image (pipeline/image/seals.py): its box (x0, y0, x1, y1) in
    pixels of the page image as stored, and how it was told: red ink, or a ring of ink."""

    bbox: BBox
    method: Literal["colour", "ring"]


class CodeReading(BaseModel):
    """A printed dossier code read a second time, on its line only and with only the code's
    characters allowed (pipeline/ocr/code_reread.py): a candidate extraction still checks.
    ``first`` is what the page's reading made of the same words, and the box theirs."""

    code: str
    first: str
    bbox: BBox
    # Islands of ink inside the glyphs' holes erased before this reading: the bars or dots of
    # a face's zeros (no other character of a code has any), which Tesseract reads 6, 8 or 9.
    barred_zeros: int = 0
    # Read from the line enlarged twice (a third reading, made where the first two disagree):
    # Tesseract's errors on a face's digits differ with their size.
    enlarged: bool = False
    # Read from the line with its strokes thinned by a pixel (made with the third): a bold or
    # blurred face's digits run together at 1x («0132» read «0139» and «0182»).
    thinned: bool = False


class PageOcr(BaseModel):
    """Everything recognised on one page, and how the page image was corrected first."""

    number: int = Field(ge=1, description="1-based page number within the file")
    width: int
    height: int
    lines: list[OcrLine] = Field(default_factory=list)
    text: str = ""
    mean_confidence: float = Field(0.0, ge=0, le=100)
    rotation: int = Field(0, description="clockwise degrees the page was turned to read upright")
    skew_degrees: float = 0.0
    codes: list[PageCode] = Field(default_factory=list,
                                  description="barcodes and QR codes read on the page")
    seals: list[PageSeal] = Field(default_factory=list,
                                  description="round seals found in the page image")
    code_readings: list[CodeReading] = Field(
        default_factory=list, description="dossier codes printed on the page, read a second "
                                          "time on their line only")
    text_source: Literal["ocr", "pdf"] = Field(
        "ocr", description="where the text came from: OCR of the page image, or the PDF's "
                           "own text layer (a born-digital page, pipeline/pdf/textlayer.py)")

    @property
    def words(self) -> list[OcrWord]:
        return [w for line in self.lines for w in line.words]
