"""The command line's one error boundary: an error becomes one line and its exit code."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from interfaces.boundary import exits_on_failure
from interfaces.cli import app
from schemas.errors import ConfigurationError, ExitCode, StorageError

probe = typer.Typer()


@probe.command()
def fails(kind: str) -> None:
    """Raise the error named ``kind`` inside the boundary."""
    with exits_on_failure("probe"):
        if kind == "storage":
            raise StorageError("the store at 127.0.0.1:1 did not answer\n(connection refused)")
        if kind == "setting":
            raise ValueError("ocr.dpi: must be at least 72")
        raise ConfigurationError("no stations configured")


@pytest.mark.parametrize(("kind", "line"), [
    ("storage", "sohoa cannot probe: the store at 127.0.0.1:1 did not answer (connection "
                "refused)"),
    ("setting", "sohoa cannot probe: bad configuration: ocr.dpi: must be at least 72"),
    ("config", "sohoa cannot probe: no stations configured"),
])
def test_an_error_is_one_line_and_the_exit_code_of_its_type(kind, line):
    result = CliRunner().invoke(probe, [kind])
    assert result.exit_code == ExitCode.CANNOT_RUN == 2
    assert result.stderr.strip() == line and "Traceback" not in result.output


def test_a_bad_setting_stops_a_command_with_one_line(monkeypatch, tmp_path):
    """A wrong value in the environment ends `sohoa process` with exit 2 and one line."""
    monkeypatch.setenv("SOHOA_OCR__DPI", "not-a-number")
    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["process", str(tmp_path)])
    assert result.exit_code == ExitCode.CANNOT_RUN
    assert result.stderr.startswith("sohoa cannot run: bad configuration:")
    assert "Traceback" not in result.stderr
