"""The local Prefect server is started once, found again by later runs, and stopped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from config.settings import Settings
from flows.local_server import (
    connect_prefect,
    is_healthy,
    running_server,
    start_server,
    stop_server,
)


def test_local_server_is_started_once_reused_and_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN no server WHEN started twice THEN the second call finds the first one; a run
    without PREFECT_API_URL is pointed at it; stopping makes it go away."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    settings = Settings(data_dir=tmp_path, local_prefect_port=0)
    first = start_server(settings)
    try:
        assert first.url.startswith("http://127.0.0.1:")
        assert is_healthy(first.url)
        assert start_server(settings).pid == first.pid
        assert running_server(settings) == first
        assert connect_prefect(settings) == first.url
        assert os.environ["PREFECT_API_URL"] == first.url
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
