"""Station folders: which files in them are scans ready to take, and where taken files go.

A scanner writes a file over seconds (or minutes, on a network share); taking it early would
store half a scan. A file is ready only once its size and modification time have stayed the
same for the settle delay. Names that scanners and editors use while writing (``*.part``,
``~$*``, dot-files) are never taken.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from config.settings import StationSettings, WatchSettings


@dataclass(frozen=True)
class Station:
    """A configured station and its folders."""

    name: str
    inbox: Path
    unit: str
    patterns: tuple[str, ...]
    processed: Path
    failed: Path

    @classmethod
    def from_settings(cls, station: StationSettings, watch: WatchSettings) -> Station:
        inbox = station.folder.resolve()
        return cls(name=station.name, inbox=inbox, unit=station.unit,
                   patterns=tuple(p.lower() for p in station.patterns),
                   processed=inbox / watch.processed_folder, failed=inbox / watch.failed_folder)

    def owns(self, path: Path) -> bool:
        """True for a path inside the inbox but not in its processed/ or failed/ folders."""
        return (path.is_relative_to(self.inbox) and not path.is_relative_to(self.processed)
                and not path.is_relative_to(self.failed))

    def wants(self, path: Path, ignore_patterns: list[str]) -> bool:
        """True for a file name this station's scans can have (and not a temporary name)."""
        name = path.name
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in ignore_patterns):
            return False
        return any(fnmatch.fnmatchcase(name.lower(), pattern) for pattern in self.patterns)


def scan_inbox(station: Station, ignore_patterns: list[str]) -> Iterator[Path]:
    """Every candidate file in the inbox (sub-folders too, but not processed/ or failed/).

    Symbolic links are not followed: a link could point anywhere on the machine, and the
    watcher reads only what the station put in its folder.
    """
    for folder, subfolders, files in os.walk(station.inbox):
        here = Path(folder)
        subfolders[:] = [name for name in subfolders
                         if not name.startswith(".") and station.owns(here / name)
                         and not (here / name).is_symlink()]
        for name in files:
            path = here / name
            if not path.is_symlink() and station.wants(path, ignore_patterns):
                yield path


@dataclass
class Settling:
    """Files seen in station folders, and since when each has stayed unchanged."""

    settle_seconds: float
    seen: dict[Path, tuple[tuple[int, int], float]] = field(default_factory=dict)

    def note(self, path: Path, now: float) -> None:
        """Look at ``path`` now: a new or changed file starts (again) to settle."""
        try:
            stat = path.stat()
        except FileNotFoundError:
            self.seen.pop(path, None)
            return
        signature = (stat.st_size, stat.st_mtime_ns)
        previous = self.seen.get(path)
        if previous is None or previous[0] != signature:
            self.seen[path] = (signature, now)

    def ready(self, now: float) -> list[Path]:
        """Files unchanged for the settle delay, oldest first (and re-checked now)."""
        for path in list(self.seen):
            self.note(path, now)
        return sorted((path for path, (_, since) in self.seen.items()
                       if now - since >= self.settle_seconds),
                      key=lambda path: self.seen[path][1])

    def forget(self, path: Path) -> None:
        self.seen.pop(path, None)


def free_name(folder: Path, name: str) -> Path:
    """``folder/name``, or ``folder/stem (2).ext`` … when a file of that name is there."""
    target = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    counter = 1
    while target.exists():
        counter += 1
        target = folder / f"{stem} ({counter}){suffix}"
    return target


def move_to(folder: Path, path: Path, station: Station) -> Path:
    """Move a taken file into ``folder``, keeping its place below the inbox."""
    relative = path.parent.relative_to(station.inbox)
    destination = folder / relative
    destination.mkdir(parents=True, exist_ok=True)
    target = free_name(destination, path.name)
    os.replace(path, target)
    return target


def move_to_failed(path: Path, station: Station, reason: str, record_id: str,
                   when: datetime) -> Path:
    """Move a file that cannot be digitized to failed/, with ``<name>.error.txt`` beside it."""
    target = move_to(station.failed, path, station)
    note = target.with_name(target.name + ".error.txt")
    note.write_text(f"{target.name}: {reason}\n"
                    f"record: {record_id}\n"
                    f"station: {station.name}\n"
                    f"time: {when.isoformat(timespec='seconds')}\n", encoding="utf-8")
    return target
