"""Start-up of the `sohoa` process: imports without collections, imported objects frozen."""

from __future__ import annotations

import gc
import subprocess
import sys

from interfaces.startup import loading_modules


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
