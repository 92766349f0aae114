"""From the words read after a label to the contract's field: normalise, check, and decide
whether the value is sure enough to be given.

The rule (contract §1 and §2; documented for the benchmark in ``benchmarks/scoring.py``): a
wrong value is worse than a missing one. A value is given in ``fields`` only when it is valid
(its validator, its vocabulary and the order of dates agree) and its confidence reaches the
type's ``drop_below_confidence``. A value that was read but fails either test is left out of
``fields`` — it is not an answer — and recorded in ``FieldSet.doubts`` with what was read and
why it was refused, so that the record goes to review with a reason naming the field. A value
that is simply not printed (a blank father block) is neither a field nor a doubt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from config.doctypes import DocTypeDefinition, FieldDefinition
from pipeline.normalize import Value, locate_value, normalize_value
from pipeline.text import fold, has_alnum, match_key
from pipeline.validate import VALIDATORS, is_in_order
from schemas.document import ExtractedField
from schemas.ocr import BBox, union_bbox


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
    confidence (0..100) of its words with letters or digits."""

    field: ExtractedField
    weakest: float


class FieldSet(dict[str, ExtractedField]):
    """The fields given (a plain mapping, as the contract's ``fields``), and beside them the
    values that were read but refused (``doubts``), for the review reasons."""

    def __init__(self, fields: dict[str, ExtractedField] | None = None,
                 doubts: dict[str, Doubt] | None = None) -> None:
        super().__init__(fields or {})
        self.doubts: dict[str, Doubt] = dict(doubts or {})


def mend_phrases(value: str, phrases: list[str]) -> str:
    """Words that spell a known phrase but for their accents get the phrase's accents, each
    letter keeping its printed case («Ủy ban nhần dân» → «Ủy ban nhân dân», «Nghệ Án» →
    «Nghệ An»). Phrases of one word are not used: alone, «xa» could be «xã» or «xa»."""
    folded = fold(value)
    for phrase in phrases:
        target = fold(phrase)
        if " " not in phrase or len(target) != len(phrase):
            continue
        for found in re.finditer(rf"(?<!\w){re.escape(target)}(?!\w)", folded):
            start, end = found.span()
            mended = "".join(p.upper() if o.isupper() else p.lower()
                             for o, p in zip(value[start:end], phrase, strict=True))
            value = value[:start] + mended + value[end:]
    return value


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
    if fdef.normalizer_name == "text" and doctype.phrases:
        value = mend_phrases(str(value), doctype.phrases)
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
    field = ExtractedField(value=value, confidence=confidence, page=page,
                           bbox=union_bbox([w.bbox for w in used]), valid=valid)
    return Candidate(field, min(_scores(used)))


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


def _refusal(candidate: Candidate, fdef: FieldDefinition, clash: str | None,
             doctype: DocTypeDefinition) -> str | None:
    """Why a value may not be given, or None when it may."""
    extracted = candidate.field
    if not extracted.valid:
        return ("is not in the list of known values" if fdef.vocabulary
                else f"is not a valid {fdef.type.replace('_', ' ')}")
    if clash is not None:
        return f"is out of order with {clash}"
    if extracted.confidence < doctype.matching.drop_below_confidence:
        return f"was read with low confidence {extracted.confidence:.2f}"
    if candidate.weakest < doctype.matching.min_word_confidence:
        return f"has a word read with low confidence {candidate.weakest / 100:.2f}"
    return None


def check_fields(candidates: dict[str, Candidate], doctype: DocTypeDefinition) -> FieldSet:
    """Cross-field order checks, then each value is given or refused as a doubt."""
    values = {k: c.field.value for k, c in candidates.items()}
    checked = FieldSet()
    for key, candidate in candidates.items():
        fdef = doctype.field(key)
        reason = _refusal(candidate, fdef, _out_of_order(fdef, values), doctype)
        extracted = candidate.field
        if reason is None:
            checked[key] = extracted
        else:
            checked.doubts[key] = Doubt(extracted.value, reason, extracted.confidence)
    return checked
