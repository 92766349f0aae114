"""How a `sohoa` process starts and ends: cheaply, for a clerk's one or five scans.

A `sohoa process` run imports Prefect, pydantic, SQLAlchemy and OpenCV: about a million
long-lived objects. Measured on a 2-core machine, Python's cyclic garbage collector spent
~0.3 s tracing them again and again while they were being imported (imports make almost no
garbage), and ~0.4–0.6 s tracing them once more while the interpreter shut down — a second
of a five-second run spent on nothing. Freezing them (`gc.freeze`) moves them out of every
later collection; nothing else about collection changes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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


def main() -> None:
    """The `sohoa` command (the console-script entry point)."""
    with loading_modules():
        from interfaces.cli import app
    try:
        app()
    finally:
        # What the run made is freed by reference counting as usual; freezing the rest spares
        # the interpreter's shutdown a last full trace of every object.
        gc.freeze()
