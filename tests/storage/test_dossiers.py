"""Dossier rows recomputed from their records, one writer at a time (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine

from schemas.record import DossierRecord
from storage.dossiers import DossierRepository
from storage.records import RecordRepository

CODE = "000.00.21.H27-241128-0001"


def add_record(repository: RecordRepository, index: int, code: str = CODE) -> DossierRecord:
    record, _ = repository.register(filename=f"{index}.pdf", source_path=None,
                                    sha256=f"{index:064x}", size_bytes=1, station="s",
                                    unit="u", original_key=None)
    return repository.update(record.id, dossier_code=code, role="component")


def counting(records: list[DossierRecord]) -> dict:
    """A derivation that takes its time between reading and writing, as a real one may:
    without the row lock, a recomputation that read earlier would overwrite a later one."""
    time.sleep(0.05)
    return {"unit": records[0].unit, "station": records[0].station,
            "procedure": str(len(records))} if records else None


def test_two_workers_finishing_documents_of_one_dossier_lose_no_update(
        engine_factory: Callable[[], Engine]) -> None:
    """
    GIVEN six workers (each with its own database connection pool, as separate processes)
    WHEN each records a document of the same dossier and recomputes the dossier at once
    THEN the dossier, once they are done, counts all six documents.
    """
    failures: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            engine = engine_factory()
            add_record(RecordRepository(engine), index)
            DossierRepository(engine).recompute(CODE, counting)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures and not any(thread.is_alive() for thread in threads)
    dossier = DossierRepository(engine_factory()).get(CODE)
    assert dossier is not None and dossier.procedure == "6"


def test_a_dossier_no_record_names_any_more_is_dropped(
        engine_factory: Callable[[], Engine]) -> None:
    engine = engine_factory()
    repository, dossiers = RecordRepository(engine), DossierRepository(engine)
    record = add_record(repository, 1)
    assert dossiers.recompute(CODE, counting).procedure == "1"
    repository.update(record.id, dossier_code=None)
    assert dossiers.recompute(CODE, counting) is None and dossiers.get(CODE) is None


def test_dossiers_are_listed_by_code_with_filters_and_a_cursor(
        engine_factory: Callable[[], Engine]) -> None:
    engine = engine_factory()
    repository, dossiers = RecordRepository(engine), DossierRepository(engine)
    codes = [f"000.00.21.H27-241128-000{i}" for i in range(1, 4)]
    for index, code in enumerate(codes):
        add_record(repository, index, code)
        dossiers.recompute(code, counting)
    first = dossiers.list_dossiers(limit=2)
    assert [d.code for d in first] == codes[:2]
    assert [d.code for d in dossiers.list_dossiers(after=first[-1].code)] == codes[2:]
    assert dossiers.list_dossiers(units=("elsewhere",)) == []
