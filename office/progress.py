"""In-process listeners told when a record reaches its final status (the CLI's progress bar)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from schemas.document import DossierDocument

Listener = Callable[[DossierDocument], None]

_listeners: list[Listener] = []
_lock = threading.Lock()


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Call ``listener`` with each finished record's document while the block runs."""
    with _lock:
        _listeners.append(listener)
    try:
        yield
    finally:
        with _lock:
            _listeners.remove(listener)


def announce(document: DossierDocument) -> None:
    """Tell every listener that a record is finished."""
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        listener(document)
