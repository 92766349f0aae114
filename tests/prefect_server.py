"""A real Prefect API server for the tests, on loopback, with its own database, requiring
credentials as production does (Prefect's basic auth: PREFECT_SERVER_API_AUTH_STRING).

The clients' half (PREFECT_API_AUTH_STRING) is put in this process's environment when this
module is imported, by tests/conftest.py, before anything imports Prefect: Prefect reads its
settings once, at import, and every subprocess a test starts inherits the environment. So
every flow of the suite runs against an authenticated server.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STARTUP_SECONDS = 120
AUTH_STRING = f"sohoa-test:{secrets.token_urlsafe(24)}"
# setdefault: one given in the shell serves both the server and the clients just as well.
os.environ.setdefault("PREFECT_API_AUTH_STRING", AUTH_STRING)
# Server loops sohoa does not use (schedules, late runs, automations, worker health, the
# event feed): off, so that the test server's CPU goes to the API the tests exercise.
UNUSED_SERVICES_OFF = {f"PREFECT_SERVER_SERVICES_{name}_ENABLED": "false" for name in (
    "SCHEDULER", "LATE_RUNS", "TRIGGERS", "FOREMAN", "EVENT_PERSISTER")}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prefect_environment(home: Path) -> dict[str, str]:
    """Environment for a Prefect server or client that stays on this machine."""
    return {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
    }


@contextmanager
def running_prefect_server(home: Path, database_url: str | None = None) -> Iterator[str]:
    """Start `prefect server start` on 127.0.0.1 and yield its API URL; stop it after.

    ``database_url`` (``postgresql://…``) puts the server's database on PostgreSQL, as in
    production (docker/compose.yaml); without it the server keeps SQLite in ``home``."""
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = (home / "server.log").open("w")
    prefect = Path(sys.executable).with_name("prefect")
    process = subprocess.Popen(
        [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env={**prefect_environment(home), **UNUSED_SERVICES_OFF, **database(database_url),
             "PREFECT_SERVER_API_AUTH_STRING": os.environ["PREFECT_API_AUTH_STRING"]},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/api"
    try:
        wait_until_healthy(url, process, home / "server.log")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def database(url: str | None) -> dict[str, str]:
    """The server's database setting for a PostgreSQL URL (Prefect's driver is asyncpg)."""
    if url is None:
        return {}
    from sqlalchemy.engine import make_url

    asyncpg = make_url(url).set(drivername="postgresql+asyncpg")
    return {"PREFECT_API_DATABASE_CONNECTION_URL": asyncpg.render_as_string(hide_password=False)}


def wait_until_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Prefect server exited at start:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"Prefect server not healthy after {STARTUP_SECONDS} s:\n"
                       f"{log.read_text()[-3000:]}")
