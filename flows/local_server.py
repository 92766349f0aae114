"""A Prefect server on this machine, started once and reused by every later run.

Prefect's ephemeral API starts a server inside each process (8–30 s here, most of it importing
the server); a clerk running `sohoa process` on five scans must not wait that long each time.
The server keeps its database under sohoa's data folder, listens on loopback only, and also
gives operators Prefect's UI. A configured PREFECT_API_URL always wins.

Loopback is not enough: any local account could read runs, artifacts with personal data, or
answer a review as anyone. So the server requires Prefect's basic auth
(``PREFECT_SERVER_API_AUTH_STRING``, «user:password»; every request but GET /health and /ready
needs ``Authorization: Basic base64(user:password)``, the UI asks for both), and this process's
clients send it (``PREFECT_API_AUTH_STRING``). The string is ``SOHOA_PREFECT_AUTH_STRING`` when
given (a secret file works too), else generated on first start into
``data_dir/prefect/auth-string``, mode 0600.
"""

from __future__ import annotations

import base64
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from config.settings import Settings
from flows.server_database import keep_as_template, seed_database
from schemas.errors import ConfigurationError

HOST = "127.0.0.1"
AUTH_USER = "sohoa"
SERVER_AUTH_VARIABLE = "PREFECT_SERVER_API_AUTH_STRING"
CLIENT_AUTH_VARIABLE = "PREFECT_API_AUTH_STRING"


class ServerState(BaseModel):
    """What `sohoa server start` left behind for later runs to find the server."""

    pid: int
    url: str
    log: str


def state_file(settings: Settings) -> Path:
    return settings.data_dir / "prefect" / "server.json"


def auth_file(settings: Settings) -> Path:
    """Where the local server's generated «user:password» is kept (mode 0600)."""
    return settings.data_dir / "prefect" / "auth-string"


def auth_string(settings: Settings) -> str:
    """The local server's «user:password»: the configured secret, else the one in the data
    folder, generated there on first use. ConfigurationError for one that cannot work."""
    if settings.prefect_auth_string is not None:
        return checked_auth_string(settings.prefect_auth_string.get_secret_value(),
                                   "SOHOA_PREFECT_AUTH_STRING")
    path = auth_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two processes starting together must not each write a different one.
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        os.chmod(path, 0o600)  # the file is ours: keep it private even if it was loosened
        return checked_auth_string(path.read_text().strip(), str(path))
    with os.fdopen(handle, "w") as out:
        out.write(f"{AUTH_USER}:{secrets.token_urlsafe(32)}\n")
    return checked_auth_string(path.read_text().strip(), str(path))


def checked_auth_string(value: str, source: str) -> str:
    """«user:password» in ASCII: Prefect sends it base64'd in a Basic header."""
    user, colon, password = value.partition(":")
    if not (user and colon and len(password) >= 16 and value.isascii()):
        raise ConfigurationError(f"the Prefect auth string in {source} must be «user:password» "
                                 f"in ASCII with a password of at least 16 characters")
    return value


def basic_header(auth: str) -> str:
    """The Authorization header Prefect's clients send for an auth string."""
    return "Basic " + base64.b64encode(auth.encode()).decode()


# Server loops that nothing sohoa does needs: deployment schedules (sohoa's deployments have
# none), marking late runs, automations (none are made), worker health for the UI, and the
# UI's event feed (task runs are still recorded from their events, by the task-run recorder).
# Pauses and suspensions of review runs still expire (pause_expirations), and cancelled runs
# are still cleaned up. The test suite's servers have run without them all along
# (tests/prefect_server.py). Measured here (a busy 2-core machine): the idle server's CPU
# 25 → 13 ms a second, its start 10.6 → 8.4 CPU s; each event of a task run is no longer
# stored nor matched against automations.
UNUSED_SERVICES = ("SCHEDULER", "LATE_RUNS", "TRIGGERS", "FOREMAN", "EVENT_PERSISTER")

# A server on a database copied from the template (flows/server_database.py) need not register
# Prefect's block types: the server that made the template did, with this Prefect version
# (the template's name), and sohoa uses no blocks. Its first answer 3.0-3.5 -> 2.5 s here.
SEEDED_SERVER = {"PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false"}

# Inherited variables that would point the server's UI at another server's API.
FOREIGN_API_VARIABLES = ("PREFECT_API_URL", "PREFECT_UI_API_URL", "PREFECT_SERVER_UI_API_URL",
                         "PREFECT_UI_URL")


def server_environment(settings: Settings, port: int) -> dict[str, str]:
    """The environment of a local server listening on ``port``.

    Its UI must talk to its own API: Prefect takes the UI's API address from PREFECT_API_URL,
    else from PREFECT_SERVER_API_HOST and PREFECT_SERVER_API_PORT, never from ``--port``; on
    any port but 4200 the page asked 4200 (another server, or none) for its runs. So the
    address is given outright and an inherited PREFECT_API_URL is dropped.
    """
    home = settings.data_dir / "prefect"
    inherited = {k: v for k, v in os.environ.items() if k not in FOREIGN_API_VARIABLES}
    api_url = server_api_url(port)
    return {
        **inherited,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_API_HOST": HOST,
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_SERVER_UI_API_URL": api_url,
        "PREFECT_UI_URL": ui_url(api_url),
        SERVER_AUTH_VARIABLE: auth_string(settings),
        **{f"PREFECT_SERVER_SERVICES_{name}_ENABLED": "false" for name in UNUSED_SERVICES},
    }


def server_api_url(port: int) -> str:
    """The API address of a local server on ``port``."""
    return f"http://{HOST}:{port}/api"


def is_healthy(url: str, timeout: float = 1.0) -> bool:
    """Whether the server answers its health check (which needs no credentials)."""
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def api_status(url: str, authorization: str | None, timeout: float = 15.0) -> int | None:
    """The HTTP status of GET {url}/admin/version with this Authorization; None if no answer.
    The first call to a new server takes seconds on a busy machine (measured 2.5 s): hence
    the long timeout."""
    request = urllib.request.Request(f"{url}/admin/version")
    if authorization:
        request.add_header("Authorization", authorization)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def is_guarded_by(url: str, auth: str) -> bool:
    """Whether the server refuses a request without credentials and takes ours. A server an
    earlier sohoa started without credentials fails this, and is replaced."""
    return api_status(url, None) == 401 and api_status(url, basic_header(auth)) == 200


def recorded_server(settings: Settings) -> ServerState | None:
    """The local server recorded for this data folder if it answers, guarded or not."""
    try:
        state = ServerState.model_validate_json(state_file(settings).read_text())
    except (OSError, ValueError):
        return None
    return state if is_healthy(state.url) else None


def running_server(settings: Settings) -> ServerState | None:
    """The local server recorded for this data folder, if it answers and is guarded by
    this data folder's credentials."""
    state = recorded_server(settings)
    return state if state and is_guarded_by(state.url, auth_string(settings)) else None


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


def start_server(settings: Settings,
                 while_starting: Callable[[ServerState], None] | None = None) -> ServerState:
    """Start the local Prefect server in the background (or find it running).

    ``while_starting(state)`` runs once the server's process is launched, before it answers:
    the caller's own start-up (imports) on another core instead of after the server's
    ~5 s start (`sohoa process` on a fresh data folder); it must not call the API."""
    state = recorded_server(settings)
    if state is not None:
        if is_guarded_by(state.url, auth_string(settings)):
            return state
        stop_server(settings)  # answers without our credentials: it must not stay up
    home = settings.data_dir / "prefect"
    home.mkdir(parents=True, exist_ok=True)
    database = home / "prefect.db"  # Prefect's default under PREFECT_HOME
    fresh = not database.exists()
    seeded = fresh and seed_database(database)
    made_here = fresh and not seeded
    port = choose_port(settings.local_prefect_port)
    log_path = home / "server.log"
    prefect = Path(sys.executable).with_name("prefect")
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [str(prefect), "server", "start", "--host", HOST, "--port", str(port)],
            env=server_environment(settings, port) | (SEEDED_SERVER if seeded else {}),
            stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    state = ServerState(pid=process.pid, url=server_api_url(port), log=str(log_path))
    if while_starting is not None:
        try:
            while_starting(state)
        except BaseException:
            # Not recorded yet: nothing else would ever stop it (its group, as stop_server).
            os.killpg(process.pid, signal.SIGTERM)
            raise
    wait_until_healthy(state, process, settings.local_prefect_startup_seconds)
    if made_here:  # migrated, and nothing has used it yet: the next fresh folder's start
        keep_as_template(database)
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
        time.sleep(0.1)  # a refused connection costs nothing; 0.5 s waited 0.25 s on average
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


def connect_prefect(settings: Settings,
                    while_starting: Callable[[], None] | None = None) -> str | None:
    """Point this process's Prefect client at an API before Prefect is imported.

    Returns the API URL used, or None when Prefect's ephemeral API will be used. When the
    local server must be started, ``while_starting`` runs while it starts, this process
    already pointed at it (so it may import Prefect, not call it).
    """
    url = running_prefect_api(settings)
    if url is not None or settings.prefect_api == "ephemeral":
        return url

    def starting(state: ServerState) -> None:
        point_at(settings, state.url)
        if while_starting is not None:
            while_starting()

    state = start_server(settings, starting)
    point_at(settings, state.url)  # also when a recorded server was found and nothing started
    return state.url


def point_at(settings: Settings, url: str) -> None:
    """Point this process's Prefect client at the local server at ``url``, with its
    credentials."""
    os.environ["PREFECT_API_URL"] = url
    os.environ[CLIENT_AUTH_VARIABLE] = auth_string(settings)


def running_prefect_api(settings: Settings) -> str | None:
    """The Prefect API this process is pointed at, or the local server if it is running;
    None otherwise. Never starts a server (for commands that only tidy up runs)."""
    if os.environ.get("PREFECT_API_URL"):
        # A server elsewhere: its credentials come from PREFECT_API_AUTH_STRING or sohoa's
        # secret (SOHOA_PREFECT_AUTH_STRING, which may be a file in SOHOA_SECRETS_DIR).
        if settings.prefect_auth_string is not None:
            os.environ.setdefault(CLIENT_AUTH_VARIABLE,
                                  settings.prefect_auth_string.get_secret_value())
        return os.environ["PREFECT_API_URL"]
    if settings.prefect_api == "local-server" and (state := running_server(settings)):
        point_at(settings, state.url)
        return state.url
    return None


def ui_url(api_url: str) -> str:
    """The UI's address for an API address."""
    return api_url.removesuffix("/api")


