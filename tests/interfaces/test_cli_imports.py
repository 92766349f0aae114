"""The command line must not import Prefect before it has chosen the Prefect API.

Prefect reads its settings (PREFECT_API_URL among them) once, when first imported. `sohoa`
sets the URL of the local server after reading sohoa's settings; a module that imported
Prefect earlier would make every command start a throw-away ephemeral server instead, and
the watcher and workers would each talk to a server of their own.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_importing_the_command_line_leaves_prefect_unimported() -> None:
    code = ("import sys, interfaces.cli; "
            "print(sorted(m for m in sys.modules if m.startswith('prefect')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=True)
    assert result.stdout.strip() == "[]"


def test_version_prints_the_installed_release_and_needs_no_services() -> None:
    """`sohoa --version` answers before any setting is read or service opened (setup.sh
    prints it as its last line)."""
    from importlib.metadata import version

    from typer.testing import CliRunner

    from interfaces.cli import app

    result = CliRunner().invoke(app, ["--version"], env={"SOHOA_DATABASE_URL": "bogus://"})
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"sohoa {version('sohoa')}"


def test_the_embedded_defaults_do_not_load_the_s3_client(tmp_path: Path) -> None:
    """The MinIO client is imported only when an S3 store is configured (start-up time)."""
    code = ("import sys\n"
            "from config.settings import Settings\n"
            "from office.stores import open_object_store\n"
            f"open_object_store(Settings(data_dir={str(tmp_path)!r})).check()\n"
            "print('minio' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=True)
    assert result.stdout.strip() == "False"
