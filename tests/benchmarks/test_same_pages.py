"""benchmarks/same_pages.py: the check that a change kept every page's reading."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.same_pages import differences, main


def reading(text: str, rotation: int = 0) -> dict:
    return {"page": {"text": text, "rotation": rotation, "words": []}, "pdf_text": text}


def test_pages_that_differ_are_named_with_what_differs(tmp_path: Path) -> None:
    """GIVEN two checkouts' readings WHEN compared THEN each page that differs is named with
    the fields that do, a page missing from one side is named, and the same readings pass."""
    before = {"a.png#1": reading("xin chào"), "b.pdf#1": reading("một"),
              "b.pdf#2": reading("hai")}
    after = {"a.png#1": reading("xin chào"), "b.pdf#1": reading("mốt", rotation=180)}

    assert differences(before, after) == ["b.pdf#2: only in the first",
                                           "b.pdf#1: differs in text, rotation, pdf_text"]
    assert differences(before, before) == []
    first, second = tmp_path / "before.json", tmp_path / "after.json"
    first.write_text(json.dumps(before), encoding="utf-8")
    second.write_text(json.dumps(after), encoding="utf-8")
    assert main(["compare", str(first), str(first)]) == 0
    assert main(["compare", str(first), str(second)]) == 1
