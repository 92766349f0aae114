"""A Prefect server on this machine, started once and reused by every later run.

Prefect's ephemeral API starts a server inside each process (8–30 s here, most of it importing
the server); a clerk running `sohoa process` on five scans must not wait that long each time.
The server keeps its database under sohoa's data folder, listens on loopback only, and also
gives operators Prefect's UI. A configured PREFECT_API_URL always wins.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from pydantic import BaseModel

from config.settings import Settings
from schemas.errors import ConfigurationError

HOST = "127.0.0.1"


class ServerState(BaseModel):
    """What `sohoa server start` left behind for later runs to find the server."""

    pid: int
    url: str
    log: str


def state_file(settings: Settings) -> Path:
    return settings.data_dir / "prefect" / "server.json"


def server_environment(settings: Settings) -> dict[str, str]:
    home = settings.data_dir / "prefect"
    return {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_API_HOST": HOST,
    }


def is_healthy(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def running_server(settings: Settings) -> ServerState | None:
    """The local server recorded for this data folder, if it answers."""
    try:
        state = ServerState.model_validate_json(state_file(settings).read_text())
    except (OSError, ValueError):
        return None
    return state if is_healthy(state.url) else None


def choose_port(preferred: int) -> int:
    """The preferred port when free, else any free loopback port."""
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind((HOST, port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise ConfigurationError("no free port on 127.0.0.1 for the local Prefect server")


def start_server(settings: Settings) -> ServerState:
    """Start the local Prefect server in the background (or find it running)."""
    state = running_server(settings)
    if state is not None:
        return state
    home = settings.data_dir / "prefect"
    home.mkdir(parents=True, exist_ok=True)
    port = choose_port(settings.local_prefect_port)
    log_path = home / "server.log"
    prefect = Path(sys.executable).with_name("prefect")
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [str(prefect), "server", "start", "--host", HOST, "--port", str(port)],
            env=server_environment(settings), stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    state = ServerState(pid=process.pid, url=f"http://{HOST}:{port}/api", log=str(log_path))
    wait_until_healthy(state, process, settings.local_prefect_startup_seconds)
    state_file(settings).write_text(state.model_dump_json())
    return state


def wait_until_healthy(state: ServerState, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ConfigurationError(
                f"the local Prefect server stopped at start; see {state.log}")
        if is_healthy(state.url):
            return
        time.sleep(0.5)
    process.terminate()
    raise ConfigurationError(
        f"the local Prefect server did not answer within {seconds:.0f} s; see {state.log}")


def stop_server(settings: Settings) -> bool:
    """Stop the recorded local server; True if one was running."""
    try:
        state = ServerState.model_validate_json(state_file(settings).read_text())
    except (OSError, ValueError):
        return False
    state_file(settings).unlink(missing_ok=True)
    try:
        os.killpg(state.pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    return True


def connect_prefect(settings: Settings) -> str | None:
    """Point this process's Prefect client at an API before Prefect is imported.

    Returns the API URL used, or None when Prefect's ephemeral API will be used.
    """
    url = running_prefect_api(settings)
    if url is not None or settings.prefect_api == "ephemeral":
        return url
    url = start_server(settings).url
    os.environ["PREFECT_API_URL"] = url
    return url


def running_prefect_api(settings: Settings) -> str | None:
    """The Prefect API this process is pointed at, or the local server if it is running;
    None otherwise. Never starts a server (for commands that only tidy up runs)."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    if settings.prefect_api == "local-server" and (state := running_server(settings)):
        os.environ["PREFECT_API_URL"] = state.url
        return state.url
    return None


def ui_url(api_url: str) -> str:
    return api_url.removesuffix("/api")


