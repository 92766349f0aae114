"""`sohoa search WORDS…`: find records by the words of their text and field values, with or
without diacritics; `sohoa reindex`: put the stored text of every record into the index.

Registered on the main app by ``app.add_typer(search_app)`` (no name: top-level commands).
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from interfaces.boundary import exits_on_failure, open_services
from interfaces.console import output_console
from schemas.status import DigitizationStatus
from storage.objects import ObjectNotFoundError
from storage.records import RecordFilter
from storage.search import SearchHit

search_app = typer.Typer(help="Full-text search over records.")
console = output_console()
DEFAULT_LIMIT = 20


@search_app.command("search")
def search_command(
    words: Annotated[list[str], typer.Argument(help="words every record found must hold "
                                                    "(diacritics and case ignored)")],
    status: Annotated[list[DigitizationStatus] | None, typer.Option(
        help="only records in this status (repeat for several)")] = None,
    unit: Annotated[list[str] | None, typer.Option(
        help="only records of this unit (repeat for several)")] = None,
    doc_type: Annotated[list[str] | None, typer.Option(
        help="only records of this type (repeat for several)")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="at most this many")] = DEFAULT_LIMIT,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per line")] = False,
) -> None:
    """List the records whose OCR text or field values hold all WORDS, best match first."""
    where = RecordFilter(statuses=tuple(status or ()), units=tuple(unit or ()),
                         doc_types=tuple(doc_type or ()))
    query = " ".join(words)
    with exits_on_failure("search the records"):
        hits = open_services().repository.search(query, where, limit=limit)
    if as_json:
        for hit in hits:
            typer.echo(json.dumps(hit_json(hit), ensure_ascii=False))
        return
    console.print(hits_table(query, hits))


def hit_json(hit: SearchHit) -> dict[str, str | None]:
    """What a search shows of one record."""
    record = hit.record
    return {"record_id": record.id, "filename": record.filename, "doc_type": record.doc_type,
            "status": record.status.value, "dossier_code": record.dossier_code,
            "snippet": hit.snippet}


def hits_table(query: str, hits: list[SearchHit]) -> Table:
    """The hits as a table, best first; its caption says when there are none."""
    table = Table(title=f"Records holding «{query}»",
                  caption=None if hits else "no record holds every word")
    for column in ("record", "file", "type", "status", "dossier", "snippet"):
        table.add_column(column, overflow="fold")
    for hit in hits:
        shown = hit_json(hit)
        table.add_row(*(shown[key] or "" for key in ("record_id", "filename", "doc_type",
                                                      "status", "dossier_code", "snippet")))
    return table


@search_app.command("reindex")
def reindex_command() -> None:
    """Rebuild every record's search entry from the database and its stored text (needed
    once for records processed before search existed; safe to run again)."""
    with exits_on_failure("rebuild the search index"):
        services = open_services()
        done = missing = 0
        for record in services.repository.iter_records():
            text = None
            if record.text_key:
                try:
                    text = services.store.get_bytes(record.text_key).decode("utf-8")
                except ObjectNotFoundError:
                    missing += 1  # indexed by its fields; the text is named but lost
            services.repository.index_text(record.id, text)
            done += 1
    typer.echo(f"indexed {done} records" + (f"; {missing} stored texts missing" if missing
                                             else ""), err=True)
