"""Peak resident memory of whole process trees, read from /proc (Linux only).

psutil is not among sohoa's dependencies, and /proc/<pid>/stat holds both things needed here:
the parent pid (to find a tree) and the resident set size. The figure is the *sum* of RSS over
the tree, so pages shared between processes (libraries, copy-on-write after fork) count once
per process: an upper bound of what the tree really holds, the same bound for every system.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
PROC = Path("/proc")


def read_stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, RSS bytes) of ``pid``, or None when it has gone meanwhile."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may itself hold spaces or ')': split after the
    # last one. What follows starts at field 3 (state); ppid is field 4, rss field 24.
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[1]), int(fields[21]) * PAGE_SIZE


def snapshot() -> dict[int, tuple[int, int]]:
    """pid → (parent pid, RSS bytes) for every process visible now."""
    table = {}
    for entry in os.listdir(PROC):
        if entry.isdigit() and (stat := read_stat(int(entry))) is not None:
            table[int(entry)] = stat
    return table


def tree_rss(roots: Iterable[int], table: dict[int, tuple[int, int]] | None = None) -> int:
    """Sum of RSS over ``roots`` and all their descendants (each process counted once)."""
    table = snapshot() if table is None else table
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in table.items():
        children.setdefault(parent, []).append(pid)
    seen: set[int] = set()
    pending = [pid for pid in roots if pid in table]
    while pending:
        pid = pending.pop()
        if pid not in seen:
            seen.add(pid)
            pending.extend(children.get(pid, ()))
    return sum(table[pid][1] for pid in seen)


class PeakSampler:
    """Samples process trees in a thread; ``peaks[name]`` is the largest RSS sum of a group.

    A group is a list of root pids whose trees are summed together (e.g. «sohoa» alone and
    «sohoa + its Prefect server»); one /proc snapshot per sample serves every group. Roots may
    be added while sampling, once a command has started.
    """

    def __init__(self, groups: dict[str, list[int]] | None = None,
                 interval: float = 0.1) -> None:
        self.groups = {name: list(roots) for name, roots in (groups or {}).items()}
        self.peaks = dict.fromkeys(self.groups, 0)
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def add_root(self, pid: int, *groups: str) -> None:
        """Count ``pid``'s tree in ``groups`` (in every group when none is named)."""
        for name in groups or tuple(self.groups):
            self.groups[name].append(pid)

    def sample(self) -> dict[str, int]:
        """Take one sample now; returns it and keeps the peaks."""
        table = snapshot()
        current = {name: tree_rss(roots, table) for name, roots in self.groups.items()}
        for name, size in current.items():
            self.peaks[name] = max(self.peaks[name], size)
        return current

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            self.sample()
            self._stop.wait(max(0.0, self.interval - (time.monotonic() - started)))

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()


def megabytes(size: int) -> str:
    """Bytes as «123 MB» (10^6), the unit the targets are given in."""
    return f"{size / 1e6:,.0f} MB"
