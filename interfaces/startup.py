"""How a `sohoa` process starts and ends: cheaply, for a clerk's one or five scans.

A `sohoa process` run imports Prefect, pydantic, SQLAlchemy and OpenCV: about a million
long-lived objects. Measured on a 2-core machine, Python's cyclic garbage collector spent
~0.3 s tracing them again and again while they were being imported (imports make almost no
garbage), and ~0.4–0.6 s tracing them once more while the interpreter shut down — a second
of a five-second run spent on nothing. Freezing them (`gc.freeze`) moves them out of every
later collection; nothing else about collection changes.
"""

from __future__ import annotations

import ctypes
import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager

M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)


@contextmanager
def loading_modules() -> Iterator[None]:
    """Import a large module graph with the cyclic collector paused, then freeze what was
    imported, so that no later collection traces those objects again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def limit_malloc_arenas(arenas: int | None = None) -> bool:
    """Let glibc's malloc keep at most ``arenas`` (one per core by default) arenas in this
    process and, through ``MALLOC_ARENA_MAX``, in the processes it starts (a worker's runs);
    False where it cannot (no glibc) or the operator set ``MALLOC_ARENA_MAX`` already.

    glibc gives each thread that allocates at once with others an arena of its own, up to
    8 a core, and an arena keeps what was freed in it. A run's threads (task runner, a
    file's page threads, Prefect's) each cleaned and read pages, and each arena kept its
    share of page buffers: measured on a warm `sohoa process` of the 30 throughput pages
    (seed 7), peak PSS 866/850 MB with glibc's default, 581/543 MB with 2 arenas, the same
    CPU seconds a page (1.738/1.708 and 1.731/1.698 with the server's share)."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    count = arenas or os.cpu_count() or 1
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to limit
        return False
    if mallopt(M_ARENA_MAX, count) != 1:
        return False
    os.environ["MALLOC_ARENA_MAX"] = str(count)
    return True


def main() -> None:
    """The `sohoa` command (the console-script entry point)."""
    limit_malloc_arenas()  # first: before any thread is started
    with loading_modules():
        from interfaces.cli import app
    try:
        app()
    finally:
        # What the run made is freed by reference counting as usual; freezing the rest spares
        # the interpreter's shutdown a last full trace of every object.
        gc.freeze()
