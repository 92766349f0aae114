"""benchmarks/stages.py: each step's own CPU time, the steps it calls left out."""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.stages import StageReport, StepClock, clocked, measure, report_lines
from tests.pipeline.conftest import render_page


def busy(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_a_step_is_charged_its_own_time_not_the_steps_it_calls() -> None:
    """GIVEN a step that works 0.1 s and calls a step working 0.2 s WHEN both are timed THEN
    the outer step has ~0.1 s and the inner ~0.2 s, one call each."""
    clock = StepClock()
    inner = clock.timed("inner", lambda: busy(0.2))

    def outer_work() -> None:
        busy(0.05)
        inner()
        busy(0.05)

    clock.timed("outer", outer_work)()
    assert abs(clock.seconds["outer"] - 0.1) < 0.03
    assert abs(clock.seconds["inner"] - 0.2) < 0.03
    assert clock.calls == {"outer": 1, "inner": 1}


def test_the_steps_are_put_back_after_the_block() -> None:
    import pipeline.load as load
    import pipeline.page as page

    before = (page.codes_on, load.load_page)
    with clocked(StepClock()):
        assert page.codes_on is not before[0] and load.load_page is not before[1]
    assert (page.codes_on, load.load_page) == before


def test_a_page_is_measured_step_by_step(tmp_path: Path) -> None:
    """GIVEN one rendered page saved as PNG WHEN measured THEN its reading, preparation,
    decoding and the file's analysis each took CPU, and the table names them."""
    from PIL import Image

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    Image.fromarray(render_page()).save(corpus / "page.png", dpi=(200, 200))
    report = measure(sorted(corpus.iterdir()), tmp_path / "data", threads=1)
    assert report.pages == 1 and report.turned_pages == 0
    for step in ("reading (Tesseract)", "preprocess", "decode", "extraction (analyse_file)"):
        assert report.seconds[step] > 0 and report.calls[step] == 1, step
    assert report.seconds["reading (Tesseract)"] > report.seconds["decode"]
    assert sum(report.seconds.values()) <= report.process_seconds + 0.05
    text = "\n".join(report_lines(report))
    assert "reading (Tesseract)" in text and "process total" in text


def test_the_table_puts_the_biggest_step_first() -> None:
    report = StageReport(2, {"a": 1.0, "b": 3.0}, {"a": 2, "b": 2}, 0, 5.0, 0.4)
    lines = report_lines(report)
    assert lines[1].split()[:2] == ["1.500", "60.0%"] and "b (2 calls)" in lines[1]
    assert "0.500" in lines[3] and "0.200 a page more" in lines[4]
