"""`sohoa watch`: take scans from the station folders and hand them to the workers.

For each ready file (see office.stations) the watcher registers it (checksum, original stored
and verified, record `received`); only then does the file leave the inbox, for the station's
processed/ folder (or removed, by setting), or failed/ with a note saying why when it cannot
be digitized. Its run is submitted to the work pool with those of the station's other files
taken within ``group_seconds`` (one `digitize-file` or `digitize-files` run; see flush). It
does no OCR itself.

Nothing is lost when something is down: a file whose original cannot be stored stays in the
inbox and is tried again; a record whose run could not be submitted, or whose worker died,
is submitted again by the recovery sweep (unfinished records are looked at every
``recovery_seconds``; Prefect's idempotency keys make re-submission harmless).

No single file can stop the watcher: whatever goes wrong with one file (it cannot be read,
its name is too long, processed/ cannot be written) is logged, and the file is retried,
moved to failed/ with its reason, or left where it is; the loop goes on.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from uuid import UUID

from office.intake import (
    Source,
    SpecialFileError,
    UnreadableFileError,
    opened_source,
    register_source,
)
from office.services import Services
from office.stations import (
    Identity,
    Settling,
    SourceReplacedError,
    Station,
    move_to_failed,
    recordable,
    restore_claims,
    scan_inbox,
    shown,
    take_away,
)
from pipeline.load import inspect_file
from schemas.errors import SohoaError
from schemas.record import DossierRecord, utc_now
from schemas.status import DigitizationStatus
from storage.records import RecordRepository

log = logging.getLogger("sohoa.watch")
UNFINISHED = (DigitizationStatus.RECEIVED, DigitizationStatus.PROCESSING)
# Submits one run for records (flows/deployments.py submit_digitize); ``attempt`` makes its
# idempotency key new for a record submitted again.
Submit = Callable[..., UUID]
# The attempt number of the new run a record needs, None while a run of it is alive
# (flows/deployments.py rerun_attempt).
Recover = Callable[[Services, DossierRecord], int | None]
# Ends the runs whose worker died after finishing all their records (deployments.end_dead_runs).
EndDeadRuns = Callable[[Services], list[UUID]]


class Watcher:
    """Every configured station folder, watched by one loop."""

    def __init__(self, services: Services, submit: Submit, rerun_attempt: Recover,
                 clock: Callable[[], float] = time.monotonic,
                 end_dead_runs: EndDeadRuns | None = None) -> None:
        self.services = services
        self.settings = services.settings
        self.submit = submit
        self.rerun_attempt = rerun_attempt
        self.end_dead_runs = end_dead_runs
        self.clock = clock
        self.stations = [Station.from_settings(s, self.settings.watch)
                         for s in self.settings.stations]
        self.settling = Settling(self.settings.watch.settle_seconds)
        self.failures: dict[Path, int] = {}
        self.unread_tries: dict[Path, int] = {}  # tries that failed on the file itself
        # Registered records whose run is not submitted yet, with when they were taken.
        self.pending: list[tuple[DossierRecord, float]] = []
        self.not_before: dict[Path, float] = {}

    @property
    def repository(self) -> RecordRepository:
        return self.services.repository

    def station_of(self, path: Path) -> Station | None:
        return next((station for station in self.stations if station.owns(path)), None)

    def run(self, stop: threading.Event | None = None) -> None:
        """Watch until ``stop`` is set (or Ctrl-C): events, periodic rescans, recovery."""
        import watchfiles

        watch = self.settings.watch
        for station in self.stations:
            for folder in (station.inbox, station.processed, station.failed):
                folder.mkdir(parents=True, exist_ok=True)
            for path in restore_claims(station):
                log.info("%s put back in the inbox (the watcher stopped while taking it)",
                         shown(str(path)))
        self.recover()
        self.rescan()
        now = self.clock()
        next_rescan, next_recovery = now + watch.rescan_seconds, now + watch.recovery_seconds
        tick_ms = int(max(100, min(1000, watch.settle_seconds * 500)))
        try:
            for changes in watchfiles.watch(
                    *(station.inbox for station in self.stations), watch_filter=None,
                    debounce=200, rust_timeout=tick_ms, yield_on_timeout=True, stop_event=stop,
                    force_polling=watch.polling or None,
                    poll_delay_ms=int(watch.poll_interval_seconds * 1000)):
                now = self.clock()
                for _, raw in changes:
                    self.notice(Path(raw), now)
                if now >= next_rescan:
                    self.rescan()
                    next_rescan = now + watch.rescan_seconds
                if now >= next_recovery:
                    self.recover()
                    next_recovery = now + watch.recovery_seconds
                self.take_ready()
        finally:
            self.flush(self.clock(), everything=True)  # stopping: submit what was taken

    def notice(self, path: Path, now: float) -> None:
        """An event on ``path``: follow it if it is a scan in an inbox."""
        station = self.station_of(path)
        if station is not None and station.wants(path, self.settings.watch.ignore_patterns):
            self.settling.note(path, now)  # links and other special files: refused there

    def rescan(self) -> None:
        """Look at every file in every inbox: catches events the OS (or a share) lost and
        files that arrived while the watcher was not running."""
        now = self.clock()
        for station in self.stations:
            for path in scan_inbox(station, self.settings.watch.ignore_patterns):
                self.settling.note(path, now)

    def take_ready(self) -> int:
        """Take every settled file; returns how many were taken.

        A file leaves the inbox as soon as its original is stored and verified and its
        record exists. Its run is submitted a little later (see flush), so that files of
        one station arriving close together share a run.
        """
        now = self.clock()
        taken = 0
        for path in self.settling.ready(now):
            station = self.station_of(path)
            if self.not_before.get(path, 0.0) > now or station is None:
                continue
            try:
                taken += self.take(station, path, now)
            except Exception as error:  # noqa: BLE001 - one file must never stop the watcher
                log.exception("%s: unexpected error", shown(path.name))
                self.postpone(path, error)
        self.flush(now)
        return taken

    def take(self, station: Station, path: Path, now: float) -> bool:
        """Take one settled file from one descriptor: register it, then let it leave the
        inbox. False when it stays (retried later, or refused as a special file)."""
        try:
            with opened_source(path) as source:
                record = self.register(station, source)
                if record is None:
                    return False
                self.taken(path)  # before dispose, which may postpone it once more
                self.dispose(station, source, record, self.problem_of(source, record))
        except FileNotFoundError:
            self.settling.forget(path)  # gone before we took it: nothing of ours to lose
            return False
        except SpecialFileError as error:  # swapped for a link or a pipe since it settled
            self.settling.refuse(path, os.lstat(path), error.message)
            return False
        except UnreadableFileError as error:
            self.unreadable(station, path, error)
            return False
        if (not record.status.is_final
                and all(record.id != waiting.id for waiting, _ in self.pending)):
            self.pending.append((record, now))
        return True

    def flush(self, now: float, everything: bool = False) -> None:
        """Submit the runs of registered records: a station's records in runs of at most
        ``max_files_per_run``, a partial run once its oldest record has waited
        ``group_seconds`` (or at once with ``everything``)."""
        watch = self.settings.watch
        by_station: dict[str, list[tuple[DossierRecord, float]]] = {}
        for record, since in self.pending:
            by_station.setdefault(record.station, []).append((record, since))
        waiting: list[tuple[DossierRecord, float]] = []
        for items in by_station.values():
            while len(items) >= watch.max_files_per_run:
                self.submit_quietly([record for record, _ in items[:watch.max_files_per_run]])
                items = items[watch.max_files_per_run:]
            if items and (everything or now - items[0][1] >= watch.group_seconds):
                self.submit_quietly([record for record, _ in items])
                items = []
            waiting += items
        self.pending = waiting

    def taken(self, path: Path) -> None:
        """Forget the tries of a file now registered."""
        self.settling.forget(path)
        for tries in (self.failures, self.not_before, self.unread_tries):
            tries.pop(path, None)

    def register(self, station: Station, source: Source) -> DossierRecord | None:
        """Register one file (original stored and verified); None if not possible now
        (store or database down: the file stays and is tried again)."""
        try:
            job = register_source(self.services, source, station.name, same_drop=True)
        except UnreadableFileError:
            raise  # the file's own fault: counted towards giving up (see unreadable)
        except (SohoaError, OSError) as error:
            self.postpone(source.path, error)
            return None
        record = self.repository.require(job.record_id)
        if record.status is DigitizationStatus.DUPLICATE:
            log.info("%s/%s: same file as record %s (duplicate %s)", shown(station.name),
                     shown(source.path.name), record.duplicate_of, record.id)
        return record

    def problem_of(self, source: Source, record: DossierRecord) -> str | None:
        """Why the file cannot be digitized, when its header already tells (see
        inspection_problem); never for a duplicate, whose original was digitized."""
        if record.status is DigitizationStatus.DUPLICATE:
            return None
        return self.inspection_problem(source)

    def unreadable(self, station: Station, path: Path, error: UnreadableFileError) -> None:
        """The file could not be opened or read: try again later, and after
        ``watch.read_attempts`` tries record it as `failed` and move it to failed/."""
        self.unread_tries[path] = self.unread_tries.get(path, 0) + 1
        if self.unread_tries[path] < self.settings.watch.read_attempts:
            self.postpone(path, error)
            return
        record = self.record_unreadable(station, path, error.message)
        self.taken(path)
        self.to_failed(station, path, record.id, error.message, None)

    def record_unreadable(self, station: Station, path: Path, reason: str) -> DossierRecord:
        """A `failed` record for a file whose bytes were never read. Its sha256 cannot be the
        content's: it is the SHA-256 of the station, path and inode, which no other record
        shares (a shared value would make the next unreadable file its duplicate)."""
        status = os.lstat(path)
        marker = f"unread:{station.name}:{recordable(str(path))}:{status.st_ino}:{time.time_ns()}"
        record, _ = self.repository.register(
            filename=recordable(path.name), source_path=recordable(str(path)),
            sha256=hashlib.sha256(marker.encode()).hexdigest(), size_bytes=status.st_size,
            station=station.name, unit=station.unit, original_key=None)
        error = f"{reason}; tried {self.settings.watch.read_attempts} times, never read"
        return self.repository.set_status(record.id, DigitizationStatus.FAILED, error=error)

    def postpone(self, path: Path, error: Exception) -> None:
        """The file could not be registered (store or database down, file unreadable):
        leave it where it is and try again later, waiting longer each time."""
        count = self.failures.get(path, 0)
        self.failures[path] = count + 1
        delays = self.settings.retry_delays_seconds
        wait = delays[min(count, len(delays) - 1)]
        self.not_before[path] = self.clock() + wait
        message = error.message if isinstance(error, SohoaError) else str(error)
        log.warning("%s not taken yet (%s); trying again in %.0f s", shown(path.name),
                    shown(message), wait)

    def inspection_problem(self, source: Source) -> str | None:
        """Why the file cannot be digitized, when its header already tells (corrupt,
        encrypted, not a scan); None otherwise. The run records the same failure."""
        try:
            inspect_file(source.reader, self.services.settings.page_limits())
        except SohoaError as error:
            return None if error.retryable else error.message
        return None

    def submit_quietly(self, records: list[DossierRecord]) -> None:
        """Submit the records' run; if Prefect is unreachable the recovery sweep will."""
        names = shown(", ".join(f"{r.station}/{r.filename}" for r in records))
        try:
            run_id = self.submit(self.settings, records)
        except Exception as error:  # noqa: BLE001 - any API failure: the sweep retries
            log.warning("run for %s not submitted yet (%s: %s); will retry", names,
                        type(error).__name__, error)
            return
        log.info("%s → run %s", names, run_id)

    def dispose(self, station: Station, source: Source, record: DossierRecord,
                problem: str | None) -> None:
        """The original is stored and verified: the scan may leave the inbox, if its name
        still holds what was stored (see stations.take_away). Where it cannot go to
        processed/, it goes to failed/ saying so; its record goes on either way."""
        path = source.path
        if problem is not None:
            self.to_failed(station, path, record.id, problem, source.identity)
            return
        folder = None if self.settings.watch.after_store == "delete" else station.processed
        try:
            take_away(path, source.identity, folder, station)
        except SourceReplacedError as replaced:
            log.warning("%s/%s", shown(station.name), replaced)
        except OSError as error:
            reason = (f"stored as record {record.id}, but it could not be moved to "
                      f"{station.processed} ({error.strerror or error})")
            self.to_failed(station, path, record.id, reason, source.identity)

    def to_failed(self, station: Station, path: Path, record_id: str, reason: str,
                  identity: Identity | None) -> None:
        """Move the file to failed/ with its note; if even that fails, it stays in the inbox
        (tried again later; its record is found by same_drop, not made twice)."""
        try:
            target = move_to_failed(path, station, reason, record_id, utc_now().astimezone(),
                                    identity)
        except SourceReplacedError as replaced:
            log.warning("%s/%s", shown(station.name), replaced)
            return
        except OSError as error:
            log.error("%s/%s: %s; and it cannot be moved to failed/ either (%s): it stays",
                      shown(station.name), shown(path.name), shown(reason), error)
            self.postpone(path, error)
            return
        log.warning("%s/%s failed: %s (moved to %s)", shown(station.name), shown(path.name),
                    shown(reason), shown(str(target)))

    def recover(self) -> int:
        """Submit runs for records no run is working on: never submitted (Prefect was down),
        or left by a worker that died (see deployments.rerun_attempt). They go a station's
        at a time in runs of at most ``max_files_per_run``, as fresh files do: one run each
        was one worker process each (~4 CPU-s of imports before any work), so that after a
        watcher's crash 8 tiny files took 4 rounds of 45 s on 2 cores
        (tests/e2e/test_kills.py). Returns how many records were submitted."""
        self.end_finished_runs()
        try:
            unfinished = self.repository.list_unfinished()
        except SohoaError as error:
            log.warning("cannot look for unfinished records: %s", error.message)
            return 0
        mine = {record.id for record, _ in self.pending}  # taken here; submitted shortly
        needing: dict[str, list[tuple[DossierRecord, int]]] = {}
        submitted = 0
        for listed in unfinished:
            if listed.id in mine:
                continue
            # Read again: a sweep over hundreds of records asks Prefect about each and takes
            # minutes, and a record listed as `received` may have been processed since by the
            # run it was waiting for, which has ended: submitted again from the stale list, it
            # cost a worker a run each (tests/e2e/test_load.py: 381 of a 500-file burst).
            try:
                record = self.repository.get(listed.id)
            except SohoaError as error:
                log.warning("cannot look for unfinished records: %s", error.message)
                break
            if record is None or record.status not in UNFINISHED:
                continue
            try:
                attempt = self.rerun_attempt(self.services, record)
            except Exception as error:  # noqa: BLE001 - Prefect unreachable: next sweep
                log.warning("cannot recover %s/%s yet (%s: %s)", shown(record.station),
                            shown(record.filename), type(error).__name__, error)
                break
            if attempt is None:
                continue
            group = needing.setdefault(record.station, [])
            group.append((record, attempt))
            # A full run goes at once, while what it holds was just read.
            if len(group) >= self.settings.watch.max_files_per_run:
                count = self.resubmit(needing.pop(record.station))
                if count is None:
                    return submitted
                submitted += count
        for group in needing.values():
            count = self.resubmit(group)
            if count is None:
                break
            submitted += count
        return submitted

    def end_finished_runs(self) -> None:
        """Runs left Running by a worker that died after finishing all their records
        (deployments.end_dead_runs): marked Crashed, what they left unpublished published."""
        if self.end_dead_runs is None:
            return
        try:
            ended = self.end_dead_runs(self.services)
        except Exception as error:  # noqa: BLE001 - Prefect unreachable: next sweep
            log.warning("cannot look for runs left by a dead worker yet (%s: %s)",
                        type(error).__name__, error)
            return
        for run_id in ended:
            log.info("flow run %s had finished its records when its worker died: marked "
                     "Crashed", run_id)

    def resubmit(self, group: list[tuple[DossierRecord, int]]) -> int | None:
        """Submit one run again for one station's records (with the attempt each needs);
        returns how many were submitted, None when Prefect refuses (the sweep stops; the
        next one tries again)."""
        records = [record for record, _ in group]
        names = shown(", ".join(f"{r.station}/{r.filename}" for r in records))
        try:
            run_id = self.submit(self.settings, records,
                                 attempt=max(attempt for _, attempt in group))
        except Exception as error:  # noqa: BLE001 - Prefect unreachable: next sweep
            log.warning("cannot recover %s yet (%s: %s)", names, type(error).__name__, error)
            return None
        log.info("%s (%s) submitted again: run %s", names,
                 ", ".join(f"record {r.id}, {r.status.value}" for r in records), run_id)
        return len(records)
