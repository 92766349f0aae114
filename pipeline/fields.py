"""From the words read after a label to the contract's field: normalise, check, and decide
whether the value is sure enough to be given.

The rule (contract §1 and §2; documented for the benchmark in ``benchmarks/scoring.py``): a
wrong value is worse than a missing one. A value is given in ``fields`` only when it is valid
(its validator, its vocabulary and the order of dates agree) and its confidence reaches the
type's ``drop_below_confidence``. A value that was read but fails either test is left out of
``fields`` — it is not an answer — and recorded in ``Extraction.doubts`` with what was read and
why it was refused, so that the record goes to review with a reason naming the field. A value
that is simply not printed (a blank father block) is neither a field nor a doubt.

Checks that no confidence can replace, each from knowledge a production system has:

* address-like values (``places`` fields) against the gazetteer of provinces and districts
  (``pipeline.values.places``): a unit name that differs from a known one only by its diacritics is
  spelt as the known name; one that is no known name, or a value cut at a comma, is refused;
* a person's name must begin with a Vietnamese family name (``config/surnames.yaml``), and a
  word of it that is no name but a known one with other accents («Hãng» for «Hằng»,
  ``config/given_names.yaml``) is a misread tone mark;
* a dossier code's day (yymmdd) must be the day it was received (``dated_by``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources

import yaml
from rapidfuzz.distance import Levenshtein

from pipeline.doctypes import DocTypeDefinition, FieldDefinition
from pipeline.text import fold, has_alnum, match_key, nfc
from pipeline.values.normalize import Value, is_organisation, locate_value, normalize_value
from pipeline.values.phrases import mend_text
from pipeline.values.places import apply_mends, check_places
from pipeline.values.syllables import tone_placements
from pipeline.values.validate import VALIDATORS, carries_date, is_in_order, validator_meaning
from schemas.document import ExtractedField
from schemas.ocr import BBox, union_bbox

# Two words joined by a hyphen («giấy-phép», «Ủy-ban»): Vietnamese writes syllables apart,
# and Tesseract reads a speck between two words as «-». Values with a closed vocabulary
# («Ê-đê», «Ca-na-đa») are spelt by their list instead.
_JOINED_WORDS = re.compile(r"[^\W\d_]-[^\W\d_]")


@functools.cache
def _name_list(file: str, key: str) -> tuple[str, ...]:
    data = yaml.safe_load((resources.files("config") / file).read_text(encoding="utf-8"))
    return tuple(data[key])


@functools.cache
def known_surnames() -> frozenset[str]:
    """Vietnamese family names (``config/surnames.yaml``), folded: OCR loses accents."""
    return frozenset(fold(name) for name in _name_list("surnames.yaml", "surnames"))


@functools.cache
def _name_words() -> tuple[frozenset[str], Mapping[str, tuple[str, ...]]]:
    """The words names are made of (``config/given_names.yaml`` and the family names, which
    also stand inside names) in lowercase, in both styles of placing the tone, and those words
    as written by their letters without accents."""
    words = _name_list("given_names.yaml", "names") + _name_list("surnames.yaml", "surnames")
    by_letters: dict[str, list[str]] = {}
    for word in dict.fromkeys(words):
        by_letters.setdefault(fold(word), []).append(word)
    return (frozenset(spelt for word in words for spelt in tone_placements(word)),
            {letters: tuple(names) for letters, names in by_letters.items()})


def surname_problem(value: str, fdef: FieldDefinition, doctype: DocTypeDefinition) -> str | None:
    """Why a person's name cannot be one: its first word is no family name (OCR lost the
    first words, or took others for the name). Organisations' names are not judged."""
    if is_organisation(value, tuple(fdef.keep_case_prefixes)):
        return None
    first = fold(value.split()[0]) if value.split() else ""
    if first in known_surnames() or first in {fold(s) for s in doctype.surnames}:
        return None
    return "does not begin with a known family name"


def name_word_problem(value: str, fdef: FieldDefinition,
                      doctype: DocTypeDefinition) -> str | None:
    """Why a person's name was misread: it ends in a lone letter, or a word after the family
    name is no name, yet is a known name but for its accents («Hãng» for «Hằng»). Tesseract
    reads such a tone mark wrong with full confidence, so no confidence threshold catches it.
    A word no known name shares its letters with (a rare or a minority-language name) is not
    judged."""
    if is_organisation(value, tuple(fdef.keep_case_prefixes)):
        return None
    words = value.split()
    if len(words) > 1 and len(words[-1]) == 1:
        # No given name is one letter: a speck or a mark beside the name was read into it.
        return f"ends in a lone letter «{words[-1]}», which no given name is"
    spellings, by_letters = _name_words()
    known = spellings | {spelt for name in doctype.surnames for spelt in tone_placements(name)}
    for word in words[1:]:
        if nfc(word.lower()) in known:
            continue
        if len(word) == 1:
            # One letter that is no name («A», «Y» are): a word broken apart («I Inh»).
            return f"has a lone letter «{word}», which is no name"
        near = by_letters.get(fold(word))
        if near:
            return (f"has «{word}», which is no name but reads like «{' / '.join(near)}»: "
                    "a tone mark was probably misread")
    return None


@dataclass(frozen=True)
class ValueWord:
    """One OCR word of a value: its text (NFC), confidence (0..100) and box."""

    text: str
    confidence: float
    bbox: BBox


@dataclass(frozen=True)
class Doubt:
    """A value that was read but not given: what was read and why it was refused."""

    value: Value
    reason: str
    confidence: float


@dataclass(frozen=True)
class Candidate:
    """A value as built, before it is given or refused; ``weakest`` is the lowest OCR
    confidence (0..100) of its words with letters or digits, ``problem`` why it may not be
    given whatever its confidence (a unit name no gazetteer knows), ``mends`` the misread
    words its unit names were mended from (misread word -> right word)."""

    field: ExtractedField
    weakest: float
    problem: str | None = None
    mends: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Extraction(Mapping[str, ExtractedField]):
    """What extraction gives for a document: the ``fields`` given (the contract's ``fields``)
    and the ``doubts``, values read but refused, for the review reasons.

    It reads as the mapping of the fields given (``extraction["phone"]``), as the contract's
    ``fields`` do; the doubts are only ever reached by name."""

    fields: dict[str, ExtractedField] = field(default_factory=dict)
    doubts: dict[str, Doubt] = field(default_factory=dict)

    def __getitem__(self, key: str) -> ExtractedField:
        return self.fields[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)


def snap_to_vocabulary(value: str, fdef: FieldDefinition,
                       max_edits: int) -> tuple[str, bool] | None:
    """The vocabulary entry a value means, and whether it had to be mended beyond accents.

    Accents and case are ignored («Me» is «Mẹ», «KINH» is «Kinh»). Failing that, the one
    entry within ``max_edits`` letters (without accents) of the value, when no other entry is
    as close and the value is long enough for a letter to matter («đinh» is «Kinh»). None
    when the value is no entry.
    """
    key = match_key(value)
    entries = {match_key(entry): entry for entry in reversed(fdef.vocabulary)}
    if key in entries:
        return entries[key], False
    # An entry followed by debris the value ran on into («Kinh v», «Việt Nam š»): the
    # longest entry the value starts with.
    leading = [k for k in entries if key.startswith(k + " ")]
    if leading:
        return entries[max(leading, key=len)], True
    if len(key) < 4:
        return None
    distances = sorted((Levenshtein.distance(key, k), k) for k in entries)
    best = distances[0] if distances else None
    if best is None or best[0] > max_edits:
        return None
    if len(distances) > 1 and distances[1][0] == best[0]:
        return None
    return entries[best[1]], True


def _value_words(words: list[ValueWord], kind: str) -> list[ValueWord]:
    """The words the typed value was found in (a date inside «… ghi bằng chữ …»)."""
    span = locate_value(kind, " ".join(w.text for w in words))
    if span is None:
        return words
    inside, position = [], 0
    for word in words:
        if position < span[1] and span[0] < position + len(word.text):
            inside.append(word)
        position += len(word.text) + 1
    return inside or words


def _scores(words: list[ValueWord]) -> list[float]:
    return [w.confidence for w in words if has_alnum(w.text)] or [w.confidence for w in words]


def word_confidence(words: list[ValueWord], label_score: float) -> float:
    """Mean and worst word confidence together (one bad word casts doubt), times label fit.

    Only words with letters or digits count: marks («¬», «:») that cleaning drops from the
    value say nothing about how well it was read."""
    scores = _scores(words)
    mean_and_worst = (sum(scores) / len(scores) + min(scores)) / 200
    return round(mean_and_worst * label_score / 100, 3)


def build_field(words: list[ValueWord], label_score: float, page: int, fdef: FieldDefinition,
                doctype: DocTypeDefinition) -> Candidate | None:
    """Normalise one value and judge it on its own; None when no value can be made."""
    text = " ".join(w.text for w in words)
    value = normalize_value(fdef.normalizer_name, text, tuple(fdef.keep_case_prefixes),
                            tuple(doctype.surnames))
    if value is None:
        return None
    if fdef.normalizer_name == "text":
        value = mend_text(str(value), doctype.phrases)
    used = _value_words(words, fdef.normalizer_name)
    confidence = word_confidence(used, label_score)
    valid = VALIDATORS[fdef.validator_name](value)
    if fdef.vocabulary:
        snapped = snap_to_vocabulary(str(value), fdef, doctype.matching.vocabulary_max_edits)
        valid = snapped is not None
        if snapped is not None:
            value = snapped[0]
            if snapped[1]:
                confidence = round(confidence * doctype.matching.vocabulary_edit_factor, 3)
    problem = None
    if fdef.normalizer_name == "person_name" and valid:
        problem = surname_problem(str(value), fdef, doctype)
    if (fdef.normalizer_name in ("text", "person_name") and not fdef.vocabulary
            and _JOINED_WORDS.search(str(value))):
        problem = "has words joined by a hyphen, which a speck on the scan reads as"
    if fdef.places and text.rstrip().endswith(","):
        problem = "ends in a comma: the line it goes on to was not read"
    extracted = ExtractedField(value=value, confidence=confidence, page=page,
                               bbox=union_bbox([w.bbox for w in used]), valid=valid)
    return Candidate(extracted, min(_scores(used)), problem)


def check_place_names(candidates: dict[str, Candidate],
                      doctype: DocTypeDefinition) -> dict[str, Candidate]:
    """Province and district names of address-like values checked against the gazetteer
    (``pipeline.values.places``); then words of those values spelt as the same misread word was
    mended in a known unit name elsewhere in the document (commune names are not in the
    gazetteer, but «Cấm» in «xã Cấm Bình» beside «huyện Cấm Xuyên» is the same misreading)."""
    checked = dict(candidates)
    for key, candidate in candidates.items():
        if doctype.field(key).places:
            places = check_places(str(candidate.field.value))
            confidence = candidate.field.confidence
            if places.mends or places.repaired:
                confidence = round(confidence * doctype.matching.vocabulary_edit_factor, 3)
            valid = VALIDATORS[doctype.field(key).validator_name](places.value)
            extracted = candidate.field.model_copy(
                update={"value": places.value, "confidence": confidence, "valid": valid})
            checked[key] = replace(candidate, field=extracted, mends=places.mends,
                                   problem=candidate.problem or places.problem)
    mends = {old: new for c in checked.values() for old, new in c.mends.items()}
    for key, candidate in checked.items():
        if not doctype.field(key).places:
            continue
        mended = apply_mends(str(candidate.field.value), mends)
        if mended != candidate.field.value:
            checked[key] = replace(candidate,
                                   field=candidate.field.model_copy(update={"value": mended}))
    return checked


def _out_of_order(fdef: FieldDefinition, values: dict[str, Value]) -> str | None:
    """The key this value is out of order with, if any."""
    own = values[fdef.key]
    for key in fdef.before:
        if key in values and not is_in_order(own, values[key]):
            return key
    for key in fdef.after:
        if key in values and not is_in_order(values[key], own):
            return key
    return None


def _date_mismatch(fdef: FieldDefinition, values: dict[str, Value],
                   doctype: DocTypeDefinition) -> str | None:
    """The key whose date disagrees with the day a code carries (``dated_by``), either way:
    which of the two was misread cannot be told, so neither is given."""
    pairs = [(fdef.key, fdef.dated_by)] if fdef.dated_by else []
    pairs += [(f.key, fdef.key) for f in doctype.fields if f.dated_by == fdef.key]
    for code_key, date_key in pairs:
        if code_key in values and date_key in values and not carries_date(
                str(values[code_key]), str(values[date_key])):
            return date_key if code_key == fdef.key else code_key
    return None


def _refusal(candidate: Candidate, fdef: FieldDefinition, clash: str | None,
             doctype: DocTypeDefinition) -> str | None:
    """Why a value may not be given, or None when it may."""
    extracted = candidate.field
    if candidate.problem is not None:
        return candidate.problem
    if not extracted.valid:
        return ("is not in the list of known values" if fdef.vocabulary
                else f"is not a valid {validator_meaning(fdef.validator_name, fdef.type)}")
    if fdef.normalizer_name == "person_name":
        # Judged on the final spelling: a copy printed in ordinary case may have mended it.
        misread = name_word_problem(str(extracted.value), fdef, doctype)
        if misread is not None:
            return misread
    if clash is not None:
        return clash
    if extracted.confidence < doctype.matching.drop_below_confidence:
        return f"was read with low confidence {extracted.confidence:.2f}"
    if candidate.weakest < doctype.matching.min_word_confidence:
        return f"has a word read with low confidence {candidate.weakest / 100:.2f}"
    return None


def check_fields(candidates: dict[str, Candidate], doctype: DocTypeDefinition) -> Extraction:
    """Cross-field order checks, then each value is given or refused as a doubt."""
    values = {k: c.field.value for k, c in candidates.items()}
    given: dict[str, ExtractedField] = {}
    doubts: dict[str, Doubt] = {}
    for key, candidate in candidates.items():
        fdef = doctype.field(key)
        after, mismatch = _out_of_order(fdef, values), _date_mismatch(fdef, values, doctype)
        clash = (f"is out of order with {after}" if after
                 else f"disagrees with the day of {mismatch}" if mismatch else None)
        reason = _refusal(candidate, fdef, clash, doctype)
        extracted = candidate.field
        if reason is None:
            given[key] = extracted
        else:
            doubts[key] = Doubt(extracted.value, reason, extracted.confidence)
    return Extraction(given, doubts)
