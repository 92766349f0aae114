"""Session-wide real services for every test package: SeaweedFS (S3), PostgreSQL, Prefect.

Each starts on first use, once per session, on 127.0.0.1 in a temporary folder, and stops at
the end. If a service cannot start (binary missing, start failure) the tests using it fail with
the reason; they never skip.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.prefect_server import running_prefect_server
from tests.services import (
    S3Server,
    ServiceError,
    create_postgres_database,
    running_postgres,
    running_seaweedfs,
)

TESTS = Path(__file__).parent
# The longest test files, longest first (their tests' seconds in a CI run of 2026-12-03:
# faults 357, watch 351, load 256, kills 173, then 50-90 each). scripts/test.sh runs files on
# one pytest-xdist process per core, handed out in collection order: in that run the last 2 %
# of the tests took 5 of its 21 minutes, long files handed out late running on alone.
LONGEST_FIRST = ("e2e/test_faults.py", "e2e/test_watch.py", "e2e/test_load.py",
                 "e2e/test_kills.py", "e2e/test_dossiers_e2e.py",
                 "benchmarks/test_accuracy_gate.py", "e2e/test_process.py", "e2e/test_split.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Collect the longest test files first (``LONGEST_FIRST``), the rest in their order."""
    rank = {(TESTS / name).resolve(): place for place, name in enumerate(LONGEST_FIRST)}
    missing = [str(path) for path in rank if not path.is_file()]
    if missing:
        raise pytest.UsageError(f"tests/conftest.py LONGEST_FIRST names no file: {missing}")
    items.sort(key=lambda item: rank.get(item.path.resolve(), len(rank)))


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """A SeaweedFS S3 endpoint (``weed mini``) with known credentials."""
    try:
        with running_seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as server:
            yield server
    except ServiceError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """``postgresql+psycopg://…@127.0.0.1:PORT/sohoa_test`` on a fresh private cluster."""
    try:
        with running_postgres() as url:
            yield url
    except ServiceError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def prefect_api_url(tmp_path_factory: pytest.TempPathFactory, postgres_url: str) -> Iterator[str]:
    """A Prefect API server on 127.0.0.1 (used by the end-to-end tests), its database on the
    test PostgreSQL as in production: SQLite's single writer slows a server that several
    workers and a watcher talk to at once."""
    database = create_postgres_database(postgres_url, "prefect")
    with running_prefect_server(tmp_path_factory.mktemp("prefect"), database) as url:
        yield url


def pytest_unconfigure(config: pytest.Config) -> None:
    """Point every logging handler still writing into pytest's capture at the real stderr.

    Prefect's console handler keeps the stream it was built with: pytest's capture, which is
    closed when the session ends. Prefect's log flush at exit then wrote into it and the suite
    closed on a «--- Logging error --- … I/O operation on closed file» traceback.
    """
    import logging
    import sys

    loggers = [logging.getLogger(), *(logging.getLogger(name)
                                      for name in logging.root.manager.loggerDict)]
    for logger in loggers:
        for handler in getattr(logger, "handlers", []):
            stream = getattr(handler, "stream", None)
            if isinstance(handler, logging.StreamHandler) and stream not in (
                    sys.__stderr__, sys.__stdout__):
                handler.setStream(sys.__stderr__)
                console = getattr(handler, "console", None)  # Prefect's rich console
                if console is not None:
                    console.file = sys.__stderr__
