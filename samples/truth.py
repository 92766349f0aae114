"""Ground truth of a generated scan: what is printed, what the fields are, what was done to it.

One ``<stem>.truth.json`` per scan file, plus a ``manifest.json`` listing them. Field values are
normalised exactly as the dossier contract (§1) says extraction must return them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, model_serializer

from samples.codes import BarcodeKind

DocType = Literal["birth_registration", "dossier_receipt", "birth_certificate",
                  "official_document", "unknown"]
Tier = Literal["clean", "mild", "hard"]
FileKind = Literal["png", "jpeg", "tiff", "pdf"]
ColorMode = Literal["1", "L", "RGB"]

TRUTH_SUFFIX = ".truth.json"
MANIFEST_NAME = "manifest.json"
# Where truths go when they must not sit beside the scans (a folder a pipeline ingests whole).
HIDDEN_TRUTH_DIR = ".truth"


class Degradation(BaseModel):
    """One damage applied to a page, with the exact parameters used."""

    name: str
    params: dict[str, float | int | str] = Field(default_factory=dict)


class PageTruth(BaseModel):
    """One page of a file, as a viewer shows it (EXIF Orientation already honoured)."""

    number: int = Field(description="1-based page number in the file")
    page_doc_type: DocType
    template: str = Field(description="which page was drawn, e.g. birth_registration, letter")
    text: str = Field(description="printed text, one printed line per line, no dot leaders")
    rotation: int = Field(0, description="clockwise degrees the page must turn to read upright")
    skew_degrees: float = Field(
        0.0, description="small rotation of the content, counter-clockwise positive "
                         "(text lines rise to the right); deskewing turns by -skew_degrees")
    degradations: list[Degradation] = Field(default_factory=list)
    width_px: int
    height_px: int
    barcode: BarcodeKind | None = Field(
        None, description="the symbol printed on the page (a receipt's or a cover sheet's "
                          "dossier code); absent when none")
    barcode_text: str | None = Field(None, description="what that symbol encodes")

    @model_serializer(mode="wrap")
    def _omit_absent_barcode(self, handler: SerializerFunctionWrapHandler) -> dict:
        """No barcode keys on pages without one: truths made before barcodes keep their bytes."""
        data = handler(self)
        for key in ("barcode", "barcode_text"):
            if data.get(key) is None:
                data.pop(key, None)
        return data


class Truth(BaseModel):
    """Ground truth of one generated file."""

    schema_version: Literal["1"] = "1"
    file: str = Field(description="file name, relative to the corpus folder")
    format: FileKind
    doc_type: DocType = Field(
        description="the first form page decides; a file of unknown pages only is unknown")
    # bool before int: a seal's True stays a JSON boolean (contract §1, `sealed`)
    fields: dict[str, str | bool | int] = Field(default_factory=dict)
    tier: Tier
    layout: str
    dpi: int
    color_mode: ColorMode
    exif_orientation: int | None = Field(
        None, description="EXIF Orientation tag written in a JPEG; pixels are stored so that "
                          "honouring it gives the page as described in `pages`")
    seed: int
    index: int
    pages: list[PageTruth]
    sealed: bool | None = Field(
        None, description="a seal is stamped over the signature (administrative documents "
                          "and birth certificates); absent for other types")

    handwritten: list[str] = Field(
        default_factory=list,
        description="fields whose value is (partly) written by hand on the paper (the number "
                    "or the day in a printed blank): the pipeline must leave them out unless "
                    "it reads them surely, and never give them wrong")

    @model_serializer(mode="wrap")
    def _omit_absent_seal(self, handler: SerializerFunctionWrapHandler) -> dict:
        """No ``sealed`` key on types without a seal, no ``handwritten`` key where nothing
        is handwritten: earlier truths keep their bytes."""
        data = handler(self)
        if data.get("sealed") is None:
            data.pop("sealed", None)
        if not data.get("handwritten"):
            data.pop("handwritten", None)
        return data

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def text(self) -> str:
        """All pages' printed text, pages separated by a blank line."""
        return "\n\n".join(page.text for page in self.pages)


def truth_name(file_name: str) -> str:
    """``sample-0001.pdf`` → ``sample-0001.truth.json``."""
    return Path(file_name).stem + TRUTH_SUFFIX


def write_truth(truth: Truth, truth_dir: Path) -> Path:
    """Write one truth JSON (UTF-8, diacritics kept readable)."""
    truth_dir.mkdir(parents=True, exist_ok=True)
    path = truth_dir / truth_name(truth.file)
    path.write_text(truth.model_dump_json(indent=2), encoding="utf-8")
    return path


def write_manifest(truths: list[Truth], truth_dir: Path, *, seed: int, command: str) -> Path:
    """``manifest.json``: how the corpus was made and one summary line per file."""
    manifest = {
        "generator": "samples.generate",
        "command": command,
        "seed": seed,
        "count": len(truths),
        "files": [
            {"file": t.file, "truth": truth_name(t.file), "format": t.format,
             "doc_type": t.doc_type, "tier": t.tier, "layout": t.layout, "dpi": t.dpi,
             "pages": t.page_count}
            for t in truths
        ],
    }
    path = truth_dir / MANIFEST_NAME
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def load_truths(directory: Path) -> list[Truth]:
    """All truths of a corpus folder, sorted by file name.

    Reads ``*.truth.json`` beside the scans, or in the hidden ``.truth/`` sub-folder used when
    the folder is ingested as a whole (the bundled demo set).
    """
    paths = sorted(directory.glob(f"*{TRUTH_SUFFIX}"))
    paths += sorted((directory / HIDDEN_TRUTH_DIR).glob(f"*{TRUTH_SUFFIX}"))
    truths = [Truth.model_validate_json(p.read_text(encoding="utf-8")) for p in paths]
    return sorted(truths, key=lambda t: t.file)
