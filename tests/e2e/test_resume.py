"""A batch stopped after registering files leaves `received` records; the next run takes
them up instead of calling the files duplicates of records nobody is processing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import office.services as services_module
from config.settings import Settings
from flows.tasks import register_file
from office.services import use_settings
from samples.generate import generate_corpus

SOHOA = str(Path(sys.executable).with_name("sohoa"))


def test_received_record_from_a_stopped_batch_is_finished_by_the_next_run(
    tmp_path: Path, prefect_api_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a file registered (`received`) by a run that then stopped WHEN the file is
    processed again THEN that same record is finished, and no duplicate appears."""
    truths = generate_corpus(tmp_path / "scans", count=1, seed=2, tiers=("clean",),
                             doc_types=("dossier_receipt",), formats=("png",), dpi=150,
                             truth_dir=tmp_path / "truth")
    scan = tmp_path / "scans" / truths[0].file
    data_dir = tmp_path / "data"
    monkeypatch.setenv("SOHOA_DATA_DIR", str(data_dir))
    monkeypatch.setattr(services_module, "_active", None)  # restored after the test
    use_settings(Settings())
    stopped = register_file.fn(str(scan))
    assert stopped.status == "received"

    env = {**os.environ, "PREFECT_API_URL": prefect_api_url}
    result = subprocess.run([SOHOA, "process", str(scan)], env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    with sqlite3.connect(data_dir / "sohoa.db") as db:
        rows = db.execute("SELECT id, status FROM dossier_records").fetchall()
    assert len(rows) == 1
    assert rows[0][0] == stopped.record_id
    assert rows[0][1] in {"digitized", "needs_review"}
