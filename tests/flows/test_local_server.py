"""The local Prefect server is started once, found again by later runs, and stopped."""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.request
from pathlib import Path

import pytest

from config.settings import Settings
from flows.local_server import (
    CLIENT_AUTH_VARIABLE,
    SERVER_AUTH_VARIABLE,
    api_status,
    auth_file,
    basic_header,
    connect_prefect,
    is_healthy,
    running_server,
    server_environment,
    start_server,
    stop_server,
    ui_url,
)


def test_local_server_is_started_once_reused_and_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN no server WHEN started twice THEN the second call finds the first one; a run
    without PREFECT_API_URL is pointed at it; stopping makes it go away."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    # connect_prefect sets it for this process; monkeypatch restores the suite's afterwards.
    monkeypatch.setenv(CLIENT_AUTH_VARIABLE, "placeholder")
    settings = Settings(data_dir=tmp_path, local_prefect_port=0)
    first = start_server(settings)
    try:
        assert first.url.startswith("http://127.0.0.1:")
        assert is_healthy(first.url)
        assert start_server(settings).pid == first.pid
        assert running_server(settings) == first
        assert connect_prefect(settings) == first.url
        assert os.environ["PREFECT_API_URL"] == first.url
        assert os.environ[CLIENT_AUTH_VARIABLE] == auth_file(settings).read_text().strip()
    finally:
        assert stop_server(settings)
    assert running_server(settings) is None


def test_configured_api_url_wins_and_ephemeral_mode_starts_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    assert connect_prefect(Settings(data_dir=tmp_path)) == "http://127.0.0.1:9/api"
    monkeypatch.delenv("PREFECT_API_URL")
    assert connect_prefect(Settings(data_dir=tmp_path, prefect_api="ephemeral")) is None
    assert not (tmp_path / "prefect" / "server.json").exists()


def test_local_server_refuses_calls_without_its_generated_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a local server started on a fresh data folder THEN its «user:password» was
    generated there, readable by its owner only; the API refuses a call without it or with
    another one (401) and answers one with it; the health check stays open for probes."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    settings = Settings(data_dir=tmp_path, local_prefect_port=0)
    state = start_server(settings)
    try:
        secret = auth_file(settings)
        assert secret.stat().st_mode & 0o777 == 0o600
        auth = secret.read_text().strip()
        assert auth.startswith("sohoa:") and len(auth) > 40

        assert api_status(state.url, None) == 401
        assert api_status(state.url, basic_header("sohoa:not-the-password-0123")) == 401
        assert api_status(state.url, f"Bearer {auth}") == 401
        assert api_status(state.url, basic_header(auth)) == 200
        assert is_healthy(state.url)
    finally:
        stop_server(settings)


def test_an_unguarded_server_left_by_an_earlier_sohoa_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN the recorded local server answers without credentials (an earlier sohoa started
    it) WHEN a run starts THEN that server is stopped and a guarded one takes its place."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    settings = Settings(data_dir=tmp_path, local_prefect_port=0)
    with monkeypatch.context() as earlier:
        earlier.setattr("flows.local_server.server_environment", lambda s, port: {
            k: v for k, v in server_environment(s, port).items() if k != SERVER_AUTH_VARIABLE})
        earlier.setattr("flows.local_server.is_guarded_by", lambda url, auth: True)
        old = start_server(settings)
    try:
        assert api_status(old.url, None) == 200
        assert running_server(settings) is None

        new = start_server(settings)

        assert new.pid != old.pid
        assert api_status(old.url, None) is None  # stopped
        assert api_status(new.url, None) == 401
    finally:
        stop_server(settings)


def test_a_server_on_another_port_serves_a_ui_that_talks_to_its_own_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN the preferred port taken and this shell pointed at another Prefect API WHEN the
    local server starts THEN it listens elsewhere, and its UI's /ui-settings names its own
    API (Prefect's default would be port 4200, or the inherited PREFECT_API_URL)."""
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.setenv("PREFECT_UI_API_URL", "http://127.0.0.1:9/api")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        settings = Settings(data_dir=tmp_path, local_prefect_port=busy)
        state = start_server(settings)
    try:
        assert not state.url.startswith(f"http://127.0.0.1:{busy}/")
        request = urllib.request.Request(f"{ui_url(state.url)}/ui-settings")
        request.add_header("Authorization", basic_header(auth_file(settings).read_text().strip()))
        with urllib.request.urlopen(request, timeout=30) as response:
            ui_settings = json.load(response)
        assert ui_settings["api_url"] == state.url
        assert ui_settings["auth"] == "BASIC"
        assert services_enabled(state.url, auth_file(settings).read_text().strip()) == {
            "scheduler": False, "late_runs": False, "triggers": False, "foreman": False,
            "event_persister": False, "task_run_recorder": True, "pause_expirations": True,
            "cancellation_cleanup": True}
    finally:
        stop_server(settings)


def services_enabled(url: str, auth: str) -> dict[str, bool]:
    """Which of the server's loops it runs, as its /admin/settings says: the unused ones are
    off (schedules, late runs, automations, worker health, the event feed: CPU for nothing);
    task runs are still recorded, and review pauses still expire."""
    request = urllib.request.Request(f"{url}/admin/settings")
    request.add_header("Authorization", basic_header(auth))
    with urllib.request.urlopen(request, timeout=30) as response:
        services = json.load(response)["server"]["services"]
    names = ("scheduler", "late_runs", "triggers", "foreman", "event_persister",
             "task_run_recorder", "pause_expirations", "cancellation_cleanup")
    return {name: services[name]["enabled"] for name in names}


def test_a_run_s_start_up_goes_on_while_the_server_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN no server WHEN a run connects with start-up work of its own THEN that work runs
    while the server is starting (not answering yet), this process already pointed at it
    with its credentials; the connection returns once the server answers."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv(CLIENT_AUTH_VARIABLE, "placeholder")
    settings = Settings(data_dir=tmp_path, local_prefect_port=0)
    seen: list[tuple[str, bool, str]] = []

    def start_up() -> None:
        url = os.environ["PREFECT_API_URL"]
        seen.append((url, is_healthy(url), os.environ[CLIENT_AUTH_VARIABLE]))

    try:
        url = connect_prefect(settings, while_starting=start_up)
        assert seen == [(url, False, auth_file(settings).read_text().strip())]
        assert is_healthy(url)
        connect_prefect(settings, while_starting=start_up)  # running: nothing to overlap
        assert len(seen) == 1
    finally:
        assert stop_server(settings)


def test_a_start_up_that_fails_stops_the_server_it_overlapped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a run whose own start-up fails while the server starts THEN the error reaches
    the caller and the half-started server is stopped, not left running unrecorded."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv(CLIENT_AUTH_VARIABLE, "placeholder")
    settings = Settings(data_dir=tmp_path, local_prefect_port=0)
    launched: list[str] = []

    def broken() -> None:
        launched.append(os.environ["PREFECT_API_URL"])
        raise ImportError("a module is missing")

    with pytest.raises(ImportError):
        connect_prefect(settings, while_starting=broken)
    assert running_server(settings) is None
    deadline = time.monotonic() + 20  # a server left running answers within ~5 s
    while time.monotonic() < deadline:
        assert not is_healthy(launched[0])
        time.sleep(1)
