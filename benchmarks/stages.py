"""Where a page's CPU goes: each step of the page sequence and of a file's analysis, in CPU
seconds a page, on the throughput benchmark's pages.

    python -m benchmarks.stages [--pages 20] [--seed 7] [--corpus DIR] [--threads 2]

The pages are read as the digitize task reads them (pipeline/page.py's ``process_page`` with
the default settings, ``--threads`` pages at once), then each file is analysed as the
finishing task does (``analyse_file``). Every step named in ``STEPS`` is timed by the CPU
time of the thread that runs it, its own only: a step's time leaves out the steps it calls
(OSD inside the preparation, the preparation and reading of a page read again turned,
which count as the second pass). Tesseract runs in the calling thread, so its time is its
step's. Programs run as children (pdftoppm, pdfinfo, pdftotext) are counted apart.

What this leaves out of `sohoa process`: the process's start (imports, database, server
checks), Prefect's task runs, the Prefect server, storing and publishing. Their cost is a
warm run's CPU (benchmarks/throughput.py) less this total.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import resource
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.throughput import make_corpus

# (module, function, step): every module that imported the function by name is patched too.
STEPS = [
    ("pipeline.load", "load_page", "decode"),
    ("pipeline.page", "read_born_digital", "born-digital check"),
    ("pipeline.image.preprocess", "prepare_page", "preprocess"),
    ("pipeline.ocr.orientation", "osd_rotation", "OSD"),
    ("pipeline.ocr.recognize", "recognize_page", "reading (Tesseract)"),
    ("pipeline.ocr.second_pass", "_in_rows", "ruled-table rows"),
    ("pipeline.ocr.reread", "reread_digits", "digit re-read"),
    ("pipeline.ocr.reread", "reread_letters", "letter re-read"),
    ("pipeline.ocr.code_reread", "reread_codes", "code re-read"),
    ("pipeline.ocr.title_reread", "reread_lost_title", "title re-read"),
    ("pipeline.pdf", "archival_page_pdf", "page PDF"),
    ("pipeline.pdf", "build_page_pdf", "page PDF"),
    ("pipeline.page", "codes_on", "barcodes"),
    ("pipeline.page", "seals_on", "seals"),
    ("pipeline.document", "analyse_file", "extraction (analyse_file)"),
]
# Steps a page read again turned (pipeline/ocr/second_pass.py) repeats: counted apart.
_REPEATED = {"decode", "preprocess", "OSD", "reading (Tesseract)"}
SECOND_PASS = "second pass"


@dataclass
class StepClock:
    """Each step's own CPU seconds and calls, summed over threads."""

    seconds: Counter = field(default_factory=Counter)
    calls: Counter = field(default_factory=Counter)
    turned_pages: int = 0
    _local: threading.local = field(default_factory=threading.local)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, step: str, function: Callable) -> Callable:
        """``function`` charging its own thread CPU time to ``step``."""

        @functools.wraps(function)
        def run(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - any function's
            stack = self._stack()
            name = SECOND_PASS if getattr(self._local, "turned", False) and (
                step in _REPEATED) else step
            now = time.thread_time()
            if stack:  # the caller's own time ends here
                self._add(stack[-1][0], now - stack[-1][1], calls=0)
            stack.append([name, now])
            try:
                return function(*args, **kwargs)
            finally:
                end = time.thread_time()
                self._add(name, end - stack.pop()[1], calls=1)
                if stack:
                    stack[-1][1] = end
        return run

    def turning(self, needs_turn: Callable) -> Callable:
        """``needs_turn``, marking the thread's next steps as the page's second pass."""

        @functools.wraps(needs_turn)
        def check(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            turn = needs_turn(*args, **kwargs)
            self._local.turned = bool(turn)
            if turn:
                with self._lock:
                    self.turned_pages += 1
            return turn
        return check

    def page_done(self) -> None:
        self._local.turned = False

    def _stack(self) -> list[list]:
        if not hasattr(self._local, "stack"):
            self._local.stack = []
        return self._local.stack

    def _add(self, step: str, seconds: float, calls: int) -> None:
        with self._lock:
            self.seconds[step] += seconds
            self.calls[step] += calls


@contextmanager
def clocked(clock: StepClock) -> Iterator[None]:
    """Every step of ``STEPS`` timed by ``clock`` while the block runs (put back after)."""
    import pipeline.ocr.second_pass as second_pass
    import pipeline.page  # noqa: F401 - imports every step's module

    wrapped: dict[int, tuple[Callable, Callable]] = {}
    for module, name, step in STEPS:
        original = getattr(importlib.import_module(module), name)
        wrapped[id(original)] = (original, clock.timed(step, original))
    turning = (second_pass.needs_turn, clock.turning(second_pass.needs_turn))
    patched: list[tuple[dict, str, Callable]] = []
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if not namespace or not str(getattr(module, "__name__", "")).startswith("pipeline"):
            continue
        for key, value in list(namespace.items()):
            pair = wrapped.get(id(value))
            if pair and pair[0] is value:
                patched.append((namespace, key, value))
                namespace[key] = pair[1]
            elif value is turning[0] and key == "needs_turn":
                patched.append((namespace, key, value))
                namespace[key] = turning[1]
    try:
        yield
    finally:
        for namespace, key, value in patched:
            namespace[key] = value


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True)
class StageReport:
    """One measurement: each step's CPU seconds and calls, over ``pages`` pages."""

    pages: int
    seconds: dict[str, float]
    calls: dict[str, int]
    turned_pages: int
    process_seconds: float  # the whole process over the same span, every thread
    children_seconds: float  # programs run as children (poppler)

    def per_page(self, step: str) -> float:
        return self.seconds.get(step, 0.0) / self.pages


def measure(corpus: list[Path], work: Path, threads: int = 2) -> StageReport:
    """Read every page of ``corpus`` and analyse each file, the steps timed."""
    import cv2

    # Modules, not their functions: the steps are looked up when called, once patched.
    import pipeline.document as document
    import pipeline.load as load
    import pipeline.page as page_sequence
    from config.settings import Settings
    from pipeline.doctypes import load_doctypes
    from pipeline.pdf import PageSource

    settings = Settings(data_dir=work)
    settings.resolved_work_dir.mkdir(parents=True, exist_ok=True)
    limits = settings.page_limits()
    infos = {path: load.inspect_file(path, limits) for path in corpus}
    jobs = [(path, index) for path in corpus for index in range(infos[path].page_count)]
    doctypes = load_doctypes(settings.doctypes_dir)  # as office/services.py loads them
    clock = StepClock()

    def one(job: tuple[Path, int]):  # noqa: ANN202 - a PageOcr
        path, index = job
        info = infos[path]
        try:
            return page_sequence.process_page(
                lambda: load.load_page(path, info, index, limits), index + 1,
                settings.page_options(info.dpi),
                PageSource(path, info.format, index, info.dpi)).page
        finally:
            clock.page_done()

    # As `sohoa process` runs pages (flows/digitize.py opencv_threads): OpenCV on one thread
    # once pages are read side by side, its own threads' time otherwise outside every step.
    threads_before = cv2.getNumThreads()
    if threads > 1:
        cv2.setNumThreads(1)
    process_before, children_before = process_cpu(), children_cpu()
    with clocked(clock):
        with ThreadPoolExecutor(max_workers=threads) as pool:
            pages = list(pool.map(one, jobs))
        by_file: dict[Path, list] = defaultdict(list)
        for (path, _), page in zip(jobs, pages, strict=True):
            by_file[path].append(page)
        for file_pages in by_file.values():
            document.analyse_file(file_pages, doctypes, settings.review,
                                  units=frozenset(settings.dossier_units))
    spent = process_cpu() - process_before, children_cpu() - children_before
    cv2.setNumThreads(threads_before)
    return StageReport(len(jobs), dict(clock.seconds), dict(clock.calls), clock.turned_pages,
                       *spent)


def report_lines(report: StageReport) -> list[str]:
    """The table: each step's CPU seconds a page and share of the process's, biggest first."""
    total = report.process_seconds / report.pages
    lines = [f"{report.pages} pages; CPU seconds a page (threads' own time per step)"]
    for step in sorted(report.seconds, key=lambda s: -report.seconds[s]):
        share = report.per_page(step) / total if total else 0.0
        lines.append(f"  {report.per_page(step):6.3f}  {share:5.1%}  {step} "
                     f"({report.calls.get(step, 0)} calls)")
    steps = sum(report.seconds.values()) / report.pages
    lines.append(f"  {total - steps:6.3f}  {(total - steps) / total if total else 0:5.1%}  "
                 "the rest of this process (threads' other work, garbage collection)")
    lines.append(f"  {total:6.3f}  process total; children (poppler) "
                 f"{report.children_seconds / report.pages:.3f} a page more")
    lines.append(f"  pages read a second time, turned: {report.turned_pages} of {report.pages}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--corpus", type=Path, help="read these files instead of generating")
    parser.add_argument("--threads", type=int, default=2, help="pages read at once")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sohoa-stages-") as scratch:
        corpus = (sorted(args.corpus.iterdir()) if args.corpus
                  else make_corpus(Path(scratch), args.pages, args.seed)[0])
        report = measure(corpus, Path(scratch) / "data", args.threads)
    print("\n".join(report_lines(report)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
