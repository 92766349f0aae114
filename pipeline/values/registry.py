"""The value kinds by name: the one table a document type's ``type``, ``normalizer`` and
``validator`` names are looked up in (``pipeline.doctypes``).

Besides the kinds a field's ``type`` names, the registry holds variants that judge more
strictly (``past_date``, ``office_datetime``, ``birth_year``) or not at all (``none``): a field
names one as its ``validator``. A variant reads and explains values as its kind does.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

from pipeline.values import dossier_codes as codes
from pipeline.values import normalize as n
from pipeline.values import official as o
from pipeline.values import validate as v
from pipeline.values.addresses import Address
from pipeline.values.emails import Email
from pipeline.values.kinds import Text, Validator, ValueContext, ValueKind
from pipeline.values.names import PersonName
from pipeline.values.normalize import PATTERNS, Value
from schemas.errors import ConfigurationError

TEXT = Text("text", n.normalize_text, v.is_valid_text, "text", "any text", free_text=True)
_KINDS: tuple[ValueKind, ...] = (
    TEXT,
    # Addresses read, judge and explain as text, and check their unit names besides.
    Address("address", n.normalize_text, v.is_valid_text, "text", "any text", free_text=True),
    PersonName("person_name", n.normalize_person_name, v.is_valid_person_name, "person name",
               "first and last name", free_text=True),
    ValueKind("date", n.normalize_date, v.is_valid_date, "date", "YYYY-MM-DD or dd/mm/yyyy",
              PATTERNS["date"]),
    ValueKind("datetime", n.normalize_datetime, v.is_valid_datetime, "datetime",
              "YYYY-MM-DDTHH:MM or «08 giờ 30 phút, ngày 28 tháng 11 năm 2024»",
              PATTERNS["datetime"]),
    ValueKind("digits", n.normalize_digits, v.is_valid_digits, "digits", "digits only",
              PATTERNS["digits"]),
    ValueKind("id_number", n.normalize_id_number, v.is_valid_id_number, "id number",
              "12 digits (CCCD) or 9 (CMND)", PATTERNS["id_number"]),
    ValueKind("phone", n.normalize_phone, v.is_valid_phone, "phone",
              "10 digits starting 03, 05, 07, 08 or 09", PATTERNS["phone"]),
    Email("email", n.normalize_email, v.is_valid_email, "email", "name@domain.tld",
          PATTERNS["email"], mend_lowers_confidence=True),
    # A count of documents or days: a whole number above 0.
    ValueKind("integer", n.normalize_integer, v.is_valid_positive_integer, "integer",
              "a whole number above 0", PATTERNS["integer"]),
    ValueKind("year", n.normalize_year, v.is_valid_year, "year", "4 digits", PATTERNS["year"]),
    ValueKind("dossier_code", codes.normalize_dossier_code, v.is_valid_dossier_code,
              "dossier code", "like 000.00.21.H27-241128-0001", codes.CODE_PATTERN),
    ValueKind("gender", n.normalize_gender, v.is_valid_gender, "gender", "Nam or Nữ",
              PATTERNS["gender"]),
    # Administrative documents (Decree 30/2020; pipeline/values/official.py).
    o.DocumentNumber("document_number", o.normalize_document_number,
                     o.is_valid_document_number, "number and symbol", "like 575/UBND-KTTH"),
    o.DocumentDate("document_date", n.normalize_date, v.is_valid_date, "date",
                   "«ngày 05 tháng 3 năm 2024»", PATTERNS["date"]),
    Text("document_kind", o.normalize_document_kind, v.is_valid_text, "kind of document",
         "Quyết định, Công văn, Thông báo …"),
    o.BodyName("body_name", n.normalize_text, v.is_valid_text, "body's name",
               "like Ủy ban nhân dân tỉnh Quảng Ngãi", free_text=True),
    Text("title", o.normalize_title, v.is_valid_text, "title", "like Phó Chủ tịch"),
    Text("subject", o.normalize_subject, v.is_valid_text, "subject", "any text",
         free_text=True),
    o.Recipients("recipients", o.normalize_recipients, v.is_valid_text, "recipients",
                 "names joined by «; »", free_text=True),
    ValueKind("boolean", o.normalize_boolean, o.is_boolean, "yes or no", "có or không"),
)
_BY_NAME = {kind.name: kind for kind in _KINDS}


def _variant(kind: str, name: str, validator: Validator, meaning: str | None = None
             ) -> ValueKind:
    """A kind that reads as ``kind`` does but judges with ``validator``."""
    base = _BY_NAME[kind]
    return replace(base, name=name, validator=validator, meaning=meaning or base.meaning)


_VARIANTS = (
    _variant("date", "past_date", v.is_valid_past_date),
    _variant("datetime", "office_datetime", v.is_valid_office_datetime,
             f"date and time in the working day ({v.OFFICE_HOURS[0]:02d}:00–"
             f"{v.OFFICE_HOURS[1]:02d}:59)"),
    _variant("year", "birth_year", v.is_valid_birth_year),
    # The name the integer kind's validator had before kinds: YAML may still name it.
    _variant("integer", "positive_integer", v.is_valid_positive_integer),
    _variant("integer", "set_count", v.is_valid_set_count,
             f"number of sets (1 to {v.MAX_DOSSIER_SETS})"),
    _variant("text", "none", v.is_anything),
)
KINDS: MappingProxyType[str, ValueKind] = MappingProxyType(
    {**_BY_NAME, **{kind.name: kind for kind in _VARIANTS}})
# Each name's validator, derived from the kinds (for callers that only judge values).
VALIDATORS: MappingProxyType[str, Validator] = MappingProxyType(
    {name: kind.validator for name, kind in KINDS.items()})


def kind_named(name: str) -> ValueKind:
    """The kind registered as ``name``; ConfigurationError naming the known ones."""
    try:
        return KINDS[name]
    except KeyError:
        raise ConfigurationError(f"unknown value kind {name!r} "
                                 f"(known: {', '.join(KINDS)})") from None


def normalize_value(kind: str, text: str, keep_case_prefixes: tuple[str, ...] = (),
                    surnames: tuple[str, ...] = ()) -> Value | None:
    """The value of the named kind in ``text`` (None: none there)."""
    return kind_named(kind).normalise(text, ValueContext(keep_case_prefixes, surnames))
