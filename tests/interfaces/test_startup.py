"""Start-up of the `sohoa` process: imports without collections, imported objects frozen."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

import pytest

from interfaces.startup import limit_malloc_arenas, loading_modules


def test_loading_modules_pauses_collection_and_freezes_what_was_loaded() -> None:
    gc.enable()
    before = gc.get_freeze_count()
    try:
        with loading_modules():
            assert not gc.isenabled()
            loaded = [{"object": index} for index in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= before + len(loaded)
    finally:
        gc.unfreeze()


def test_loading_modules_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with loading_modules():
            pass
        assert not gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()


def test_the_collector_runs_again_after_start_up() -> None:
    """Garbage made during the run (cycles included) is still collected."""
    code = ("import gc, weakref\n"
            "from interfaces.startup import loading_modules\n"
            "with loading_modules():\n"
            "    import interfaces.cli\n"
            "class Node: pass\n"
            "a, b = Node(), Node(); a.other, b.other = b, a\n"
            "gone = weakref.ref(a); del a, b\n"
            "gc.collect()\n"
            "print(gone() is None, gc.get_freeze_count() > 100_000)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=True)
    assert result.stdout.split() == ["True", "True"]


ARENAS = """
import ctypes, os, sys, threading
from interfaces.startup import limit_malloc_arenas
if sys.argv[1] == "limited":
    assert limit_malloc_arenas(2)
    assert os.environ["MALLOC_ARENA_MAX"] == "2"
start = threading.Barrier(8)
held = []
def allocate():
    start.wait()  # all at once: glibc gives a thread that finds its arena busy a new one
    held.append([bytearray(4096) for _ in range(2000)])
threads = [threading.Thread(target=allocate) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
ctypes.CDLL(None).malloc_stats()  # one «Arena N:» paragraph per arena, on stderr
"""


def arenas_used(mode: str) -> int:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    result = subprocess.run([sys.executable, "-c", ARENAS, mode], capture_output=True,
                            text=True, timeout=120, check=True, env=env)
    return sum(1 for line in result.stderr.splitlines() if line.startswith("Arena "))


def test_malloc_keeps_no_more_arenas_than_it_is_allowed() -> None:
    """GIVEN eight threads allocating at once WHEN the arenas are limited to two THEN malloc
    used two at most (it used more without the limit: what made a run's peak memory grow
    with its threads), and the processes it starts inherit the limit."""
    assert arenas_used("default") > 2
    assert arenas_used("limited") <= 2


def test_an_arena_limit_the_operator_set_is_left_as_it_is(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert not limit_malloc_arenas(2)
    assert os.environ["MALLOC_ARENA_MAX"] == "4"
