"""The review audit trail as stored in the SQL database (SQLModel): who changed what, when.

A review that verifies a record writes one row per thing it changed, all sharing one
``review_id`` and one ``reviewed_at``:

- ``status``: always, ``needs_review``/``digitized`` → ``verified`` (so a review that only
  confirms the fields as read still leaves exactly one row saying who confirmed them);
- ``doc_type``: when the reviewer set another document type;
- ``fields.<key>``: per field corrected, added (old value null) or cleared (new value null);
- ``review_reasons``: the reasons the record needed review → ``[]`` (they are answered).

Values are the contract's values (strings, or integers for counts), kept as JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from schemas.record import new_record_id, utc_now

STATUS_TARGET = "status"
DOC_TYPE_TARGET = "doc_type"
REASONS_TARGET = "review_reasons"
FIELD_PREFIX = "fields."


def field_target(key: str) -> str:
    """The ``target`` of a row about one extracted field."""
    return f"{FIELD_PREFIX}{key}"


def new_review_id() -> str:
    """The id shared by the rows of one review (a random UUID, like record ids)."""
    return new_record_id()


class ReviewEntry(SQLModel, table=True):
    """One change a person made to a record while reviewing it."""

    __tablename__ = "review_entries"

    id: int | None = Field(default=None, primary_key=True)
    review_id: str = Field(max_length=36, description="shared by every row of one review")
    record_id: str = Field(foreign_key="dossier_records.id", index=True, max_length=36)
    reviewer: str = Field(description="who reviewed (as they gave their name)")
    reviewed_at: datetime = Field(default_factory=utc_now, description="UTC")
    target: str = Field(description="status, doc_type, review_reasons or fields.<key>")
    old_value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    new_value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    note: str | None = Field(default=None, description="the reviewer's remark, if any")
    flow_run_id: str | None = Field(default=None, max_length=36,
                                    description="the Prefect flow run that carried the review")


def shown_value(value: Any, separator: str = "; ",
                show: Callable[[Any], str] = str) -> str:
    """An old or new value of a review entry as a person reads it: «—» for none, a list's
    items joined («(none)» when empty). ``show`` escapes each item for its medium."""
    if value is None:
        return "—"
    if isinstance(value, list):
        return separator.join(show(item) for item in value) or "(none)"
    return show(value)
