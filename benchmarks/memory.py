"""Peak memory and CPU time of whole process trees, read from /proc (Linux only).

psutil is not among sohoa's dependencies; /proc has what is needed: the parent pid in
/proc/<pid>/stat (to find a tree) and the proportional set size in /proc/<pid>/smaps_rollup.
The figure is the *sum of PSS* over the tree: a page shared by n processes (libraries, the
copy-on-write pages of a process that forked to start Tesseract or poppler) counts 1/n in each,
so the sum is what the tree really holds. A sum of RSS would count a forked child's shared
pages again: with an 800 MB parent, every fork-and-exec shows for an instant as 1.6 GB.
RSS is used for a process whose smaps_rollup cannot be read. A child that still shares its
parent's memory map (Python starts programs with vfork: between vfork and exec the child *is*
the parent's memory) is not counted at all: PSS divides a page among memory maps, not
processes, so both would show the parent's whole memory.
"""

from __future__ import annotations

import ctypes
import os
import platform
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
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


def read_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) ``pid`` used so far, its reaped children's included
    (utime, stime, cutime, cstime); None when it has gone."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # from field 3 (state): utime is field 14
    return sum(int(value) for value in fields[11:15]) / CLOCK_TICKS


def tree_cpu(root: int) -> float:
    """CPU seconds used so far by ``root`` and every live descendant (each with its reaped
    children): what a long-lived process such as the Prefect server spent, sampled before
    and after a run. 0 when ``root`` has gone."""
    table = snapshot()
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in table.items():
        children.setdefault(parent, []).append(pid)
    total, pending, seen = 0.0, [root] if root in table else [], set()
    while pending:
        pid = pending.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += read_cpu(pid) or 0.0
        pending.extend(children.get(pid, ()))
    return total


def snapshot() -> dict[int, tuple[int, int]]:
    """pid → (parent pid, RSS bytes) for every process visible now."""
    table = {}
    for entry in os.listdir(PROC):
        if entry.isdigit() and (stat := read_stat(int(entry))) is not None:
            table[int(entry)] = stat
    return table


def read_pss(pid: int) -> int | None:
    """Proportional set size of ``pid`` in bytes, or None when it cannot be read."""
    try:
        rollup = (PROC / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return None
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return None


def tree_memory(roots: Iterable[int], table: dict[int, tuple[int, int]] | None = None) -> int:
    """Sum of PSS over ``roots`` and all their descendants (each process counted once; see
    ``_held`` for one whose PSS cannot be read)."""
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
            pending.extend(child for child in children.get(pid, ())
                           if not shares_memory_map(pid, child))
    return sum(_held(pid, table) for pid in seen)


_KCMP = {"x86_64": 312, "aarch64": 272}.get(platform.machine())  # kcmp(2)'s syscall number
_KCMP_VM = 1
_libc = ctypes.CDLL(None, use_errno=True)


def shares_memory_map(pid: int, other: int) -> bool:
    """Whether two processes (or a process and a thread) share one memory map (kcmp(2));
    False when the kernel cannot tell, e.g. one of them has gone."""
    if _KCMP is None:
        return False
    return _libc.syscall(_KCMP, pid, other, _KCMP_VM, 0, 0) == 0


def _held(pid: int, table: dict[int, tuple[int, int]]) -> int:
    """PSS of ``pid``; its RSS when the PSS cannot be read (not ours to read); 0 when it has
    gone since the snapshot. A process that went is often a child forked an instant before
    (pytesseract, pdf2image), whose RSS in the snapshot was the parent's own pages seen a
    second time (measured: a 597 MB «child» on a 200-page run, which made a 0.9 GB peak read
    1.27 GB): what it held is the parent's or already freed."""
    if (pss := read_pss(pid)) is not None:
        return pss
    return table[pid][1] if read_stat(pid) is not None else 0


class PeakSampler:
    """Samples process trees in a thread; ``peaks[name]`` is the largest PSS sum of a group.

    A group is a list of root pids whose trees are summed together (e.g. «sohoa» alone and
    «sohoa + its Prefect server»); one /proc snapshot per sample serves every group. Roots may
    be added while sampling, once a command has started.

    Twice a second by default: reading a process's PSS walks its page tables (~10 ms for a
    0.7 GB sohoa process, holding its memory-map lock), and at 10 samples a second that made
    the measured run itself ~15 % slower (60 pages: 82.9 s sampled, 71–72 s not). A page's
    memory is held for over a second, so a peak still falls between two samples.
    """

    def __init__(self, groups: dict[str, list[int]] | None = None,
                 interval: float = 0.5) -> None:
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
        current = {name: tree_memory(roots, table) for name, roots in self.groups.items()}
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
