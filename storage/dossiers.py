"""The dossier repository: a dossier's row is recomputed from its records, one writer at a
time, so that two workers finishing documents of one dossier at once never lose an update.

Each recomputation takes the dossier's row lock first (an upsert, which on SQLite also takes
the database's write lock, and ``SELECT … FOR UPDATE`` on PostgreSQL), then reads the
dossier's records in that same transaction: a record committed by another worker before the
lock is seen; one committed after it recomputes again once the lock is free.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, case, delete, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from schemas.dossier import Dossier, PersonId
from schemas.record import DossierRecord, utc_now
from storage.database import database_session
from storage.records import GroupBy


@dataclass(frozen=True)
class DossierCounts:
    """How many dossiers a group has, how many are digitized, how many have an electronic
    result (contract §6's two indicators are the last two over the first)."""

    total: int
    digitized: int
    with_result: int


# From a dossier's records (in page and creation order) to its row's values; None when the
# records make no dossier (the last one left it).
Derive = Callable[[list[DossierRecord]], dict[str, Any] | None]


class DossierRepository:
    """Every read and write of dossiers."""

    def __init__(self, engine: Engine | Connection) -> None:
        self.engine = engine

    def recompute(self, code: str, derive: Derive) -> Dossier | None:
        """Recompute dossier ``code`` from its records under its row lock; its new row, or
        None when no record names it any longer."""
        with database_session(self.engine) as session:
            self._lock(session, code)
            records = self._records_in(session, code)
            values = derive(records)
            if values is None:
                session.execute(delete(Dossier).where(col(Dossier.code) == code))
                session.commit()
                return None
            dossier = session.get(Dossier, code)
            for name, value in values.items():
                setattr(dossier, name, value)
            dossier.updated_at = utc_now()
            session.add(dossier)
            session.commit()
            session.refresh(dossier)
            return dossier

    def get(self, code: str) -> Dossier | None:
        """The dossier with this code, or None."""
        with database_session(self.engine) as session:
            return session.get(Dossier, code)

    def records_of(self, code: str) -> list[DossierRecord]:
        """The records that name this dossier code, in the order they were made."""
        with database_session(self.engine) as session:
            return self._records_in(session, code)

    def list_dossiers(self, *, units: tuple[str, ...] = (), stations: tuple[str, ...] = (),
                      received_from: str | None = None, received_until: str | None = None,
                      digitized: bool | None = None, after: str | None = None,
                      limit: int = 100) -> list[Dossier]:
        """Dossiers by code order from ``after`` (a cursor: the last code of the previous
        page); ``received_from``/``received_until`` bound received_at (ISO text, inclusive
        and exclusive)."""
        statement = select(Dossier).order_by(col(Dossier.code)).limit(limit)
        conditions = [
            col(Dossier.unit).in_(units) if units else None,
            col(Dossier.station).in_(stations) if stations else None,
            col(Dossier.received_at) >= received_from if received_from else None,
            col(Dossier.received_at) < received_until if received_until else None,
            col(Dossier.digitized).is_(digitized) if digitized is not None else None,
            col(Dossier.code) > after if after else None,
        ]
        for condition in conditions:
            if condition is not None:
                statement = statement.where(condition)
        with database_session(self.engine) as session:
            return list(session.exec(statement).all())

    def receiptless_ending(self, tail: str) -> list[str]:
        """The codes of dossiers without receipt whose code ends with ``tail`` (a code's day
        and serial, «241128-0001»: digits and a dash only)."""
        statement = select(col(Dossier.code)).where(col(Dossier.receipt_id).is_(None),
                                                    col(Dossier.code).endswith(f"-{tail}"))
        with database_session(self.engine) as session:
            return list(session.exec(statement).all())

    def receiptless_starting(self, head: str) -> list[str]:
        """The codes of dossiers without receipt whose code starts with ``head`` (a code's
        unit and day, «000.00.21.H27-241128-»)."""
        statement = select(col(Dossier.code)).where(col(Dossier.receipt_id).is_(None),
                                                    col(Dossier.code).startswith(head))
        with database_session(self.engine) as session:
            return list(session.exec(statement).all())

    def count_by_group(self, by: GroupBy, since: datetime | None = None,
                       utc_offset: timedelta = timedelta(0)) -> dict[str, DossierCounts]:
        """Dossiers, digitized dossiers and dossiers with an electronic result per unit,
        station or day. A dossier's day and period are its receipt's received_at (the
        office's local time, as printed); a dossier with no receipt yet is counted on the
        local day it was first seen."""
        moment = self._moment(utc_offset)
        group = (func.substr(moment, 1, 10) if by == "day"
                 else col(Dossier.unit) if by == "unit" else col(Dossier.station)).label("grp")
        statement = select(group, func.count(), func.sum(case((col(Dossier.digitized), 1),
                                                              else_=0)),
                           func.sum(case((col(Dossier.has_electronic_result), 1), else_=0))
                           ).group_by(group)
        if since is not None:
            local = (since.astimezone(UTC) + utc_offset).strftime("%Y-%m-%dT%H:%M")
            statement = statement.where(moment >= local)
        with database_session(self.engine) as session:
            return {str(name): DossierCounts(total, int(done or 0), int(results or 0))
                    for name, total, done, results in session.exec(statement).all()}

    def index_people(self, record_id: str, id_numbers: set[str]) -> None:
        """Make ``id_numbers`` the ID numbers indexed for a record (replacing earlier ones:
        a review may correct one)."""
        with database_session(self.engine) as session:
            session.execute(delete(PersonId).where(col(PersonId.record_id) == record_id))
            session.add_all(PersonId(id_number=n, record_id=record_id) for n in id_numbers)
            session.commit()

    def records_naming(self, id_number: str) -> list[DossierRecord]:
        """The records whose fields name an ID number, newest first (contract §7)."""
        statement = (select(DossierRecord).join(PersonId, col(PersonId.record_id)
                                                == col(DossierRecord.id))
                     .where(col(PersonId.id_number) == id_number)
                     .order_by(col(DossierRecord.created_at).desc(), col(DossierRecord.id)))
        with database_session(self.engine) as session:
            return list(session.exec(statement).all())

    def _moment(self, utc_offset: timedelta) -> Any:
        """A dossier's moment as local ISO text: received_at, else when it was first seen."""
        if self._dialect() == "sqlite":
            seen = func.strftime("%Y-%m-%dT%H:%M", Dossier.created_at,
                                 f"{int(utc_offset.total_seconds()):+d} seconds")
        else:
            seen = func.to_char(col(Dossier.created_at) + utc_offset, 'YYYY-MM-DD"T"HH24:MI')
        return func.coalesce(col(Dossier.received_at), seen)

    def _dialect(self) -> str:
        return self.engine.dialect.name

    def _lock(self, session: Session, code: str) -> None:
        """Make sure the row exists and hold its lock until the transaction ends."""
        name = session.get_bind().dialect.name
        insert = postgresql.insert if name == "postgresql" else sqlite.insert
        row = {"code": code, "unit": "", "station": "", "digitized": False,
               "has_electronic_result": False, "created_at": utc_now(), "updated_at": utc_now()}
        session.execute(insert(Dossier).values(**row).on_conflict_do_nothing(
            index_elements=["code"]))
        if name == "postgresql":
            session.execute(select(Dossier.code).where(col(Dossier.code) == code)
                            .with_for_update())

    @staticmethod
    def _records_in(session: Session, code: str) -> list[DossierRecord]:
        statement = (select(DossierRecord).where(col(DossierRecord.dossier_code) == code)
                     .order_by(col(DossierRecord.created_at), col(DossierRecord.part)))
        return list(session.exec(statement).all())

