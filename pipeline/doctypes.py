"""Document types as data: one YAML file per type in ``config/doctypes/`` (or an extra folder).

A type names its title (with variants), the blocks of the form (each begins at anchor labels;
the first may begin at the top of the page), and its fields: key, printed label variants, the
block the label stands in, the value type, and optional normaliser/validator overrides.
Labels that are printed but carry no field («Ghi bằng chữ», the mother's «Nơi cư trú») go in
``other_labels``: they still end the value before them. See ``birth_registration.yaml``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from pipeline.text import match_key
from pipeline.values import KINDS, ValueContext, ValueKind
from schemas.errors import ConfigurationError

# The bundled definitions are data of the `config` package, read as package resources so that
# an installed (non-editable) sohoa finds them too.
BUNDLED_DIR = Path(str(resources.files("config") / "doctypes"))
MIN_LABEL_CHARS = 4  # shorter labels («Họ») match inside values


class MatchingSettings(BaseModel):
    """How tolerant matching is for one type (fuzzy scores are rapidfuzz's 0..100)."""

    label_min_score: float = Field(86, ge=0, le=100)
    short_label_chars: int = Field(10, ge=0, description="labels this short or shorter ...")
    short_label_min_score: float = Field(
        95, ge=0, le=100, description="... need this score («Nam Định» is not «Năm sinh»)")
    label_yield_margin: float = Field(
        10, ge=0, le=100, description="how much better a longer label must fit to win over a "
                                      "label it contains")
    title_min_score: float = Field(80, ge=0, le=100)
    title_weight: float = Field(0.55, ge=0, le=1, description="title vs. label evidence")
    min_score: float = Field(0.4, ge=0, le=1, description="below this the type is not chosen")
    title_uppercase_share: float = Field(0.6, ge=0, le=1,
                                         description="titles are printed in capitals")
    invalid_confidence_factor: float = Field(0.5, ge=0, le=1)
    drop_below_confidence: float = Field(
        0.3, ge=0, le=1, description="values less sure than this are left out of the fields "
                                     "and named in the review reasons")
    min_word_confidence: float = Field(
        0, ge=0, le=100, description="a value with a word read less surely than this (OCR's "
                                     "0..100) is left out of the fields and named in the "
                                     "review reasons")
    vocabulary_max_edits: int = Field(
        1, ge=0, description="letters a value may differ from one vocabulary entry by (without "
                             "accents) and still be read as it, when no other entry is as close")
    vocabulary_edit_factor: float = Field(
        0.8, ge=0, le=1, description="confidence kept by a value mended to a vocabulary entry")
    continuation_min_word_confidence: float = Field(60, ge=0, le=100)
    max_line_gap: float = Field(1.6, gt=0, description="in line heights, label to next-line value")


class BlockDefinition(BaseModel):
    """A part of the form; it begins where one of its anchors is printed."""

    id: str
    anchors: list[str] = Field(default_factory=list,
                               description="empty: the block begins at the top of the page")


# Where the decree's layout puts a value (``pipeline.regions``): the number under the body
# («Số: …»), the body's name top left, place and date under the motto, the kind's name and
# the subject centred (or «V/v …» under the number), «Kính gửi», the signer's title and name
# bottom right, the seal over the signature.
Position = Literal["number", "authority", "place", "date", "kind", "subject", "recipients",
                   "signer_title", "signer_name", "seal"]


# What operators call a part of a Decree 30/2020 document (its appendix's own terms), for
# fields read by position, which have no printed label to show.
POSITION_NAMES: dict[str, str] = {
    "number": "Số, ký hiệu", "authority": "Cơ quan ban hành", "place": "Địa danh",
    "date": "Ngày ban hành", "kind": "Tên loại văn bản", "subject": "Trích yếu nội dung",
    "recipients": "Nơi nhận", "signer_name": "Họ tên người ký",
    "signer_title": "Chức vụ người ký", "seal": "Dấu",
}


class FieldDefinition(BaseModel):
    """One field of a type."""

    key: str
    labels: list[str] = Field(default_factory=list, description="printed label variants; "
                              "none for a field read from where the layout puts it")
    position: Position | None = Field(
        None, description="read from where Decree 30/2020's layout puts the value "
                          "(``pipeline.regions``) instead of after a label")
    block: str | None = Field(None, description="None: the label counts in any block")
    type: str = Field("text", description="the value's kind (``pipeline.values.KINDS``)")
    normalizer: str | None = Field(None, description="default: the value type's; else the "
                                                     "kind whose normaliser reads the value")
    validator: str | None = Field(None, description="default: the value type's; else the "
                                                    "kind (or variant) that judges the value")
    required: bool = False
    max_lines: int = Field(1, ge=1, description="lines a wrapped value may run over")
    keep_case_prefixes: list[str] = Field(
        default_factory=list, description="names starting so (organisations) keep their case")
    vocabulary: list[str] = Field(
        default_factory=list, description="a closed set of values (ethnic groups, kinship "
                                          "terms): a value is spelt as the entry it matches "
                                          "and is invalid when it matches none")
    places: bool = Field(
        False, description="the value names administrative units («xã …, huyện …, tỉnh …»): "
                           "province and district names are checked against the gazetteer "
                           "(the same as ``type: address``)")
    dated_by: str | None = Field(
        None, description="key of the date this code carries as yymmdd (a dossier code is "
                          "made the day the dossier is received): when they disagree, neither "
                          "is given")
    due_after: list[str] = Field(
        default_factory=list, description="[start key, days key]: the value is due that many "
        "working days after the start (a result, ``processing_days`` after the dossier was "
        "received): when they disagree, neither this value nor the days is given; when they "
        "agree, both are given however unsure their words were")
    same_person: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="{key: {value: other key}}: when the field ``key`` "
        "has that value, this value names the person ``other key`` names (the requester "
        "whose relationship is «Mẹ» is the mother): two printings of one name, which when "
        "they disagree are neither given, and when they agree are given however unsure")
    holder_born: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="{key: {value: year key}}: when the field ``key`` "
        "has that value, this identity number's holder was born in the year ``year key`` "
        "gives, which a CCCD writes in its 4th to 6th digits: agreeing, both are given however "
        "unsure; disagreeing, neither")
    family_of: list[str] = Field(
        default_factory=list, description="keys of the parents' names: this person bears the "
        "family name of one of them (Civil Code 2015, art. 26), so a family name read unsurely "
        "that a parent's name read surely opens with is given (``fields.check_family_name``)")
    before: list[str] = Field(default_factory=list, description="keys this value precedes")
    after: list[str] = Field(default_factory=list, description="keys this value follows")

    @property
    def label(self) -> str:
        """The field's name as operators see it: its first printed label, or for a field read
        by position the name of its part of the page, or its key."""
        if self.labels:
            return self.labels[0]
        return POSITION_NAMES.get(self.position or "", self.key)

    @field_validator("type")
    @classmethod
    def _known_type(cls, name: str) -> str:
        if name not in KINDS:
            raise ValueError(f"unknown value type {name!r} (known: {', '.join(KINDS)})")
        return name

    @property
    def kind(self) -> ValueKind:
        """The value's kind: an address for ``places`` text, else the one ``type`` names."""
        return KINDS["address" if self.places and self.type == "text" else self.type]

    @property
    def normaliser(self) -> ValueKind:
        """The kind whose normaliser reads the value (``normalizer``, default the kind)."""
        return KINDS[self.normalizer] if self.normalizer else self.kind

    @property
    def checker(self) -> ValueKind:
        """The kind whose validator judges the value (``validator``, default the kind)."""
        return KINDS[self.validator] if self.validator else self.kind


class DocTypeDefinition(BaseModel):
    """A document type: how to recognise it and what to extract."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    titles: list[str] = Field(min_length=1)
    blocks: list[BlockDefinition] = Field(default_factory=list)
    fields: list[FieldDefinition] = Field(min_length=1)
    other_labels: list[str] = Field(default_factory=list)
    vocabularies: dict[str, list[str]] = Field(
        default_factory=dict, description="named closed vocabularies, for fields to refer to "
                                          "(YAML anchors); fields carry their own copy")
    phrases: list[str] = Field(
        default_factory=list, description="fixed phrases (several words each) whose accents "
                                          "free-text values are mended to")
    surnames: list[str] = Field(
        default_factory=list, description="spellings that person names' first word is mended "
                                          "to when OCR lost or changed its accents")
    matching: MatchingSettings = Field(default_factory=MatchingSettings)
    markers: list[str] = Field(
        default_factory=list, description="printed phrases that show the type's layout "
        "(«Nơi nhận», «Kính gửi»): with them, classification counts these instead of "
        "the fields' labels")
    generic: bool = Field(
        False, description="a type every form could also pass for (an administrative "
        "document of any kind): chosen only when no other type fits")
    dossier_role: Literal["receipt", "component", "result"] = Field(
        "component", description="what a document of this type is to its dossier (contract "
        "§6): its receipt (carries the dossier code), a component handed in, or a result "
        "given back")

    @model_validator(mode="after")
    def _check_references(self) -> DocTypeDefinition:
        keys = [f.key for f in self.fields]
        if len(set(keys)) != len(keys):
            raise ValueError(f"field keys repeat: {sorted(k for k in keys if keys.count(k) > 1)}")
        blocks = {b.id for b in self.blocks}
        for field in self.fields:
            _check_field(field, blocks, set(keys))
        return self

    @property
    def required_keys(self) -> list[str]:
        return [f.key for f in self.fields if f.required]

    def field(self, key: str) -> FieldDefinition:
        return next(f for f in self.fields if f.key == key)

    def context(self, field: FieldDefinition) -> ValueContext:
        """What the field's kind needs to know of the field and this type."""
        return ValueContext(tuple(field.keep_case_prefixes), tuple(self.surnames),
                            tuple(self.phrases), bool(field.vocabulary))


def _check_field(field: FieldDefinition, blocks: set[str], keys: set[str]) -> None:
    if not field.labels and field.position is None:
        raise ValueError(f"field {field.key}: give labels or a position")
    if field.block is not None and field.block not in blocks:
        raise ValueError(f"field {field.key}: unknown block {field.block!r}")
    for role, name in (("normalizer", field.normalizer), ("validator", field.validator)):
        if name is not None and name not in KINDS:
            raise ValueError(f"field {field.key}: unknown {role} {name!r} "
                             f"(known: {', '.join(KINDS)})")
    if field.places and field.type not in ("text", "address"):
        raise ValueError(f"field {field.key}: places are named in text, not {field.type}")
    short = [label for label in field.labels if len(match_key(label)) < MIN_LABEL_CHARS]
    if short:
        raise ValueError(f"field {field.key}: labels {short} are too short to match reliably "
                         "(a label with commas inside [a, list] must be quoted)")
    if field.due_after and len(field.due_after) != 2:
        raise ValueError(f"field {field.key}: due_after names a start key and a days key")
    unknown = set(field.before + field.after + field.due_after
                  + ([field.dated_by] if field.dated_by else [])) - keys
    if unknown:
        raise ValueError(f"field {field.key}: before/after name unknown keys {sorted(unknown)}")


def load_doctype(path: Path) -> DocTypeDefinition:
    """One definition file; ConfigurationError naming the file when it is wrong."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return DocTypeDefinition.model_validate(data)
    except (OSError, yaml.YAMLError, ValidationError, ValueError) as exc:
        raise ConfigurationError(f"document type definition {path} is invalid: {exc}") from exc


def _files_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise ConfigurationError(f"document type folder {folder} does not exist")
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def load_doctypes(extra_dir: Path | None = None) -> list[DocTypeDefinition]:
    """The bundled types plus those in ``extra_dir``; a type id may be defined only once."""
    paths = _files_in(BUNDLED_DIR) + (_files_in(extra_dir) if extra_dir else [])
    doctypes: dict[str, DocTypeDefinition] = {}
    for path in paths:
        doctype = load_doctype(path)
        if doctype.id in doctypes or doctype.id == "unknown":
            raise ConfigurationError(f"document type definition {path}: id {doctype.id!r} "
                                     "is already defined")
        doctypes[doctype.id] = doctype
    return list(doctypes.values())
