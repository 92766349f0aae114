"""The pure parts of the throughput benchmark: rates, the memory sampler, the PDF builder."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from benchmarks.memory import (
    PeakSampler,
    megabytes,
    shares_memory_map,
    snapshot,
    tree_cpu,
    tree_memory,
)
from benchmarks.pages import (
    build_repeated_pdf,
    count_pdf_pages,
    image_to_pdf,
    is_pdf,
    prepare_pages,
)
from benchmarks.systems import (
    ghostscript_needed,
    ghostscript_note,
    run_measured,
    run_ocrmypdf,
    sohoa_env,
)
from benchmarks.throughput import (
    Latency,
    Measurement,
    Results,
    Sizes,
    both_floors,
    cpu_ratio,
    estimate_seconds,
    files_for_pages,
    main,
    page_sizes,
    rate_ratio,
    searchable_sizes,
    summary_lines,
)

MB = 1_000_000
# Allocates and touches {} MB (bytes of ones, so every page is resident), says so, then holds
# them until its standard input is closed.
ALLOCATE = "import sys; b = b'\\x01' * ({} * 1_000_000); print('ready', flush=True); " \
           "sys.stdin.read()"


def start_allocating(command: list[str]) -> subprocess.Popen[str]:
    """Start ``command`` and wait until its allocation is done."""
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


def release(process: subprocess.Popen[str]) -> None:
    process.communicate("", timeout=10)


def test_pages_per_minute_and_seconds_per_page() -> None:
    m = Measurement("x", pages=30, seconds=90.0, peak_rss=0)
    assert m.pages_per_minute == pytest.approx(20.0)
    assert m.seconds_per_page == pytest.approx(3.0)


def test_rate_ratio_compares_pages_per_minute_not_wall_time() -> None:
    """GIVEN the floor doing 60 pages in 60 s and sohoa 30 pages in 40 s
    THEN sohoa reaches 45/60 of the floor's rate."""
    floor = Measurement("floor", pages=60, seconds=60.0, peak_rss=0)
    sohoa = Measurement("sohoa", pages=30, seconds=40.0, peak_rss=0)
    assert rate_ratio(sohoa, floor) == pytest.approx(0.75)
    assert rate_ratio(floor, floor) == pytest.approx(1.0)


def test_rates_of_empty_runs_are_zero_not_errors() -> None:
    empty = Measurement("none", pages=0, seconds=0.0, peak_rss=0)
    assert empty.pages_per_minute == 0.0
    assert empty.seconds_per_page == 0.0
    assert rate_ratio(Measurement("x", 5, 5.0, 0), empty) == 0.0


def test_latency_overhead_is_the_difference() -> None:
    assert Latency("a.png", sohoa_seconds=7.5, tesseract_seconds=3.0).overhead == 7.5 - 3.0


def test_everyday_latency_is_the_median_of_its_runs_and_absent_when_not_measured() -> None:
    assert Latency("a.png", 7.5, 3.0, everyday_overheads=(0.9, 0.4, 2.0)).everyday_overhead \
        == 0.9
    assert Latency("a.png", 7.5, 3.0).everyday_overhead is None


def test_estimate_grows_with_the_work_left() -> None:
    floor = Measurement("floor", pages=60, seconds=90.0, peak_rss=0)
    args = argparse.Namespace(skip_scaling=False, skip_ocrmypdf=False, skip_latency=False,
                              scaling_pages=[1, 10, 50, 200])
    full = estimate_seconds(floor, 60, args)
    args.skip_scaling = args.skip_ocrmypdf = args.skip_latency = True
    assert estimate_seconds(floor, 60, args) < full
    assert full < 25 * 60  # the default run fits the budget at 1.5 s/page on 2 cores


def test_files_for_pages_reaches_the_pages_asked_with_the_fewest_files() -> None:
    from samples.generate import DOC_TYPES, plan_file
    from samples.layouts import LAYOUTS

    def planned(count: int) -> int:
        return sum(len(plan_file(i, 7, ("clean", "mild", "hard"), list(LAYOUTS),
                                 ("pdf", "jpeg", "png"), DOC_TYPES, 300).templates)
                   for i in range(1, count + 1))

    count = files_for_pages(20, seed=7)
    assert planned(count) >= 20 > planned(count - 1)


def test_page_sizes_option() -> None:
    assert page_sizes("1,10, 50,200") == [1, 10, 50, 200]
    with pytest.raises(argparse.ArgumentTypeError):
        page_sizes("0,10")


def test_sampler_sees_memory_of_a_grandchild() -> None:
    """GIVEN a shell whose child allocates 120 MB
    WHEN the shell's tree is sampled
    THEN the peak holds those 120 MB (plus an interpreter, well under 100 MB more)."""
    script = ALLOCATE.format(120)
    # `; true` keeps the shell alive as the parent instead of exec'ing Python in its place.
    shell = start_allocating(["sh", "-c", f'"{sys.executable}" -c "{script}"; true'])
    with PeakSampler({"tree": [shell.pid]}, interval=0.05) as sampler:
        time.sleep(0.2)
    release(shell)
    assert 120 * MB <= sampler.peaks["tree"] < 220 * MB


def test_sampler_groups_add_their_trees() -> None:
    child = start_allocating([sys.executable, "-c", ALLOCATE.format(60)])
    with PeakSampler({"child": [], "both": []}, interval=0.05) as sampler:
        sampler.add_root(child.pid)
        time.sleep(0.2)
        sampler.add_root(1, "both")  # init's tree is every process: more than the child alone
        time.sleep(0.2)
    release(child)
    assert 60 * MB <= sampler.peaks["child"] < sampler.peaks["both"]


def test_a_forked_child_sharing_its_parents_memory_is_not_counted_twice() -> None:
    """GIVEN a process holding 200 MB that forks a child (as before exec'ing Tesseract)
    WHEN its tree is measured THEN the shared pages count once: well under the 400 MB a sum
    of RSS would report."""
    script = ("import os, sys, time; b = b'\\x01' * (200 * 1_000_000); pid = os.fork(); "
              "pid or time.sleep(30); print('ready', flush=True); sys.stdin.read(); "
              "os.kill(pid, 9)")
    parent = start_allocating([sys.executable, "-c", script])
    try:
        size = tree_memory([parent.pid])
    finally:
        release(parent)
    assert 200 * MB <= size < 300 * MB


def test_tree_memory_of_a_missing_process_is_zero() -> None:
    assert tree_memory([2**22 + 12345]) == 0  # above Linux's largest pid_max: never a process


def test_megabytes() -> None:
    assert megabytes(1_500_000_000) == "1,500 MB"


@pytest.fixture()
def page_png(tmp_path: Path) -> Path:
    path = tmp_path / "page.png"
    Image.new("L", (200, 280), 255).save(path, dpi=(100, 100))
    return path


def test_build_repeated_pdf_has_exactly_n_pages(tmp_path: Path, page_png: Path) -> None:
    one = image_to_pdf(page_png, tmp_path / "one.pdf")
    two = build_repeated_pdf([one, one], 2, tmp_path / "two.pdf")
    for count in (1, 7, 25):
        built = build_repeated_pdf([one, two], count, tmp_path / f"{count}.pdf")
        assert is_pdf(built)
        assert count_pdf_pages(built) == count
    with pytest.raises(ValueError):
        build_repeated_pdf([one], 0, tmp_path / "none.pdf")


def test_prepare_pages_rasterises_pdfs_and_turns_exif_jpegs(tmp_path: Path,
                                                            page_png: Path) -> None:
    """GIVEN a 3-page PDF and a JPEG stored turned with EXIF Orientation 6
    THEN Tesseract gets 3 page images for the PDF and one upright image for the JPEG."""
    pdf = build_repeated_pdf([image_to_pdf(page_png, tmp_path / "one.pdf")], 3,
                             tmp_path / "three.pdf")
    jpeg = tmp_path / "turned.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # displayed page = stored pixels turned 90° clockwise
    Image.new("L", (280, 200), 255).save(jpeg, exif=exif.tobytes(), dpi=(100, 100))
    pages = prepare_pages([pdf, jpeg], tmp_path / "pages", dpi=50)
    assert len(pages[pdf]) == 3
    with Image.open(pages[jpeg][0]) as upright:
        assert upright.size == (200, 280)


def test_sohoa_env_keeps_callers_settings_out(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    monkeypatch.setenv("SOHOA_OCR__WORKERS", "1")
    monkeypatch.setenv("PREFECT_API_URL", "http://elsewhere/api")
    monkeypatch.setenv("PREFECT_API_AUTH_STRING", "caller:not-for-this-server")
    env = sohoa_env(tmp_path, "vie+eng", "http://127.0.0.1:4200/api", "sohoa:server-secret")
    assert env["PREFECT_API_AUTH_STRING"] == "sohoa:server-secret"
    assert "SOHOA_OCR__WORKERS" not in env
    assert env["SOHOA_OCR__LANGUAGES"] == "vie+eng"
    assert env["PREFECT_API_URL"] == "http://127.0.0.1:4200/api"
    assert env["SOHOA_DATA_DIR"] == str(tmp_path)


def test_sohoa_runs_import_this_checkouts_code(tmp_path: Path) -> None:
    """GIVEN the benchmark run from a worktree whose venv was installed from another checkout
    WHEN it starts `sohoa` THEN the process imports the pipeline of the benchmark's own
    checkout (an editable install would map it to the other one)."""
    env = sohoa_env(tmp_path, None, None)
    found = subprocess.run([sys.executable, "-c", "import pipeline; print(pipeline.__file__)"],
                           env=env, cwd=tmp_path, capture_output=True, text=True, check=True)
    checkout = Path(__file__).resolve().parents[2]
    assert Path(found.stdout.strip()).is_relative_to(checkout)


def test_ghostscript_needed_before_ocrmypdf_17_only() -> None:
    assert ghostscript_needed("16.10.4")
    assert not ghostscript_needed("17.13.0")
    assert ghostscript_needed("unknown")  # an unreadable version: assume the stricter need
    assert "REQUIRED" in ghostscript_note("16.10.4")
    assert "not needed" in ghostscript_note("17.13.0")


def test_a_process_gone_since_the_snapshot_counts_nothing() -> None:
    """GIVEN a snapshot that saw a child holding a copy of its parent's pages (a fork an
    instant before exec) WHEN the child is gone by the time the tree is measured THEN it
    counts nothing, not its stale RSS from the snapshot."""
    parent = start_allocating([sys.executable, "-c",
                               "import sys; print('ready', flush=True); sys.stdin.read()"])
    try:
        child = subprocess.Popen(["sleep", "30"])
        table = snapshot()
        table[child.pid] = (parent.pid, 600 * MB)  # seen as the parent's copy, still forked
        child.kill()
        child.wait()
        size = tree_memory([parent.pid], table)
    finally:
        release(parent)
    assert 0 < size < 100 * MB


def test_a_child_sharing_its_parents_memory_map_is_counted_once() -> None:
    """GIVEN a process and something that shares its memory map (as a child between vfork
    and exec does; here one of its threads, which /proc shows the same way) seen in the
    snapshot as its child WHEN the tree is measured THEN the memory counts once."""
    script = ("import sys, threading; b = b'\\x01' * (200 * 1_000_000); "
              "t = threading.Thread(target=sys.stdin.read); t.start(); "
              "print('ready', t.native_id, flush=True); t.join()")
    parent = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        ready, thread_id = parent.stdout.readline().split()
        assert shares_memory_map(parent.pid, int(thread_id))
        table = snapshot()
        table[int(thread_id)] = (parent.pid, table[parent.pid][1])
        size = tree_memory([parent.pid], table)
    finally:
        release(parent)
    assert 200 * MB <= size < 300 * MB


def test_separate_processes_do_not_share_a_memory_map() -> None:
    child = subprocess.Popen(["sleep", "30"])
    try:
        assert not shares_memory_map(os.getpid(), child.pid)
    finally:
        child.kill()
        child.wait()


def test_the_default_language_is_sohoa_s(monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN no --lang WHEN the benchmark runs THEN every system reads vie, sohoa's default
    (vie+eng reads ~2× slower and hid sohoa's own cost in the ratio)."""
    seen: list[str] = []
    monkeypatch.setattr("benchmarks.throughput.run_benchmark",
                        lambda args, base: seen.append(args.lang))
    monkeypatch.setattr("benchmarks.throughput.print_results", lambda results: None)
    main(["--skip-ocrmypdf"])
    main(["--lang", "vie+eng"])
    assert seen == ["vie", "vie+eng"]


def test_ocrmypdf_runs_one_file_per_core_at_once(tmp_path: Path) -> None:
    """GIVEN four files and a stand-in `ocrmypdf` that logs when it starts and ends
    WHEN run on 2 cores THEN two files are read at a time, each with one job and one
    Tesseract thread, and every output is found."""
    log = tmp_path / "calls.log"
    program = tmp_path / "ocrmypdf"
    program.write_text(f'#!/bin/sh\necho "start $OMP_THREAD_LIMIT $*" >> "{log}"\nsleep 1\n'
                       f'for last; do :; done; touch "$last"\necho end >> "{log}"\n')
    program.chmod(0o755)
    files = []
    for index in range(4):
        files.append(tmp_path / f"scan-{index}.pdf")
        files[-1].write_bytes(b"%PDF-1.4\n")
    run, failed = run_ocrmypdf(program, files, tmp_path / "out", "vie", 2, tmp_path / "log")
    events = log.read_text().split("\n")
    assert run.returncode == 0 and not failed
    assert events[:2] == [e for e in events[:2] if e.startswith("start 1 -l vie")]  # 2 at once
    assert all("--deskew --rotate-pages --jobs 1 --tesseract-timeout" in e
               for e in events if e.startswith("start"))
    assert 2.0 <= run.seconds < 3.5  # 4 × 1 s two at a time, not 4 s in a row


def test_searchable_sizes_sum_a_file_s_documents_per_input_kind(tmp_path: Path,
                                                                page_png: Path) -> None:
    """GIVEN a PDF split into two documents and a PNG, their JSON and stored PDFs
    THEN PDF input counts both documents' PDFs against its one original."""
    corpus, store, json_out = tmp_path / "corpus", tmp_path / "objects", tmp_path / "json"
    for folder in (corpus, store / "pdf", json_out):
        folder.mkdir(parents=True)
    image_to_pdf(page_png, corpus / "a.pdf")
    (corpus / "b.png").write_bytes(page_png.read_bytes())
    stored = {"a-1": ("a.pdf", 100), "a-2": ("a.pdf", 50), "b": ("b.png", 30)}
    for name, (source, size) in stored.items():
        (store / "pdf" / f"{name}.pdf").write_bytes(b"x" * size)
        (json_out / f"{name}.json").write_text(json.dumps({
            "source": {"filename": source}, "artifacts": {"searchable_pdf": f"pdf/{name}.pdf"}}))
    sizes = {s.kind: s for s in searchable_sizes(json_out, store, corpus)}
    assert sizes["pdf"] == Sizes("pdf", 1, (corpus / "a.pdf").stat().st_size, 150)
    assert sizes["image"] == Sizes("image", 1, page_png.stat().st_size, 30)


def test_the_summary_says_each_target_met_or_missed() -> None:
    floor = Measurement("tesseract alone", 60, 60.0, 0, cpu_seconds=90.0)
    results = Results(2, "vie", floor, Measurement("OCRmyPDF 17", 60, 300.0, 0),
                      Measurement("sohoa cold", 60, 100.0, 0),
                      Measurement("sohoa warm", 60, 66.0, 0, cpu_seconds=100.0,
                                  server_cpu_seconds=20.0),
                      [Sizes("pdf", 3, 1000, 1050), Sizes("image", 2, 1000, 1600)], [], None,
                      5.0)
    text = "\n".join(summary_lines(results))
    assert "sohoa warm/floor = 0.91 (ratio of pages/min): target ≥ 0.85 met" in text
    assert "sohoa cold/OCRmyPDF = 3.00: target ≥ 2.5 met" in text
    assert "sohoa warm/floor by CPU time = 0.75" in text and "target ≥ 0.85 MISSED" in text
    assert "2.00 CPU s/page (0.33 of it the Prefect server's)" in text
    assert "pdf input (3 files): 1,050 / 1,000 = 1.05×: target ≤ 1.1× met" in text
    assert "image input (2 files): 1,600 / 1,000 = 1.60×: target ≤ 1.5× MISSED" in text


def test_the_floor_before_and_after_is_one_reference() -> None:
    """GIVEN the floor at 4 pages/min first and 6 last (the load fell) THEN the reference is
    their pooled rate, and the note gives both."""
    floor = both_floors(Measurement("tesseract alone", 10, 150.0, 200),
                        Measurement("tesseract alone", 10, 100.0, 300))
    assert floor.pages_per_minute == pytest.approx(20 * 60 / 250)
    assert floor.peak_rss == 300 and "first 4.0, last 6.0" in floor.note


BURN = "import time\nend = time.process_time() + {}\nwhile time.process_time() < end: pass\n"


def test_a_run_s_cpu_time_counts_its_grandchildren(tmp_path: Path) -> None:
    """GIVEN a command whose child burns 0.5 CPU s WHEN measured THEN its CPU time counts
    them (and not the parent's sleeping)."""
    child = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {BURN.format(0.5)!r}])"
    run = run_measured([sys.executable, "-c", child + "; import time; time.sleep(0.3)"],
                       tmp_path / "log")
    assert run.returncode == 0
    assert 0.5 <= run.cpu_seconds < 2.0


def test_tree_cpu_reads_a_live_process_and_its_children() -> None:
    """GIVEN a process that burned 0.4 CPU s and waits WHEN read THEN ≥ 0.4 s; a gone one 0."""
    process = start_allocating([sys.executable, "-c", BURN.format(0.4) + ALLOCATE.format(1)])
    try:
        assert 0.4 <= tree_cpu(process.pid) < 2.0
    finally:
        release(process)
    assert tree_cpu(process.pid) == 0.0


def test_cpu_ratio_compares_cpu_seconds_per_page_server_included() -> None:
    floor = Measurement("tesseract alone", 10, 100.0, 0, cpu_seconds=15.0)
    sohoa = Measurement("sohoa warm", 20, 50.0, 0, cpu_seconds=30.0, server_cpu_seconds=6.0)
    assert sohoa.cpu_per_page == pytest.approx(1.8)
    assert cpu_ratio(sohoa, floor) == pytest.approx(1.5 / 1.8)
    assert cpu_ratio(Measurement("none", 0, 0.0, 0), floor) == 0.0
