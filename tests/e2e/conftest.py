"""Every test in this folder is end-to-end (real Tesseract, servers and `sohoa` processes):
marked ``e2e`` here so that ``pytest -m "not e2e"`` leaves them all out, not just the ones
whose author remembered the marker."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the items collected from this folder (the hook sees the whole session's items)."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.e2e)
