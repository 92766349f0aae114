"""A run keeps the leases of the records it holds while it works (flows/digitize.py
`keeping_leases`), on a real SQLite repository: no Prefect needed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from flows.digitize import keeping_leases
from office.intake import register
from tests.office.review_builders import make_services


def test_a_run_keeps_its_waiting_records_leased(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a record a run claimed with a 3 s lease, whose pages wait for an OCR slot
    WHEN the run goes on for twice the lease THEN it is still not claimable by another run
    (nor taken for abandoned), and once the block ends its lease runs out again."""
    monkeypatch.setenv("SOHOA_PROCESSING_LEASE_MINUTES", "0.05")
    services = make_services(tmp_path / "data")
    scan = tmp_path / "quét.png"
    scan.write_bytes((Path(__file__).parents[2] / "samples/scans/sample-0002.png").read_bytes())
    record_id = register(services, scan, "mot-cua").record_id
    lease = services.settings.processing_lease
    repository = services.repository
    assert repository.claim_for_processing(record_id, lease)

    with keeping_leases(services, [record_id]):
        time.sleep(2 * lease.total_seconds())
        assert not repository.claim_for_processing(record_id, lease)
    time.sleep(lease.total_seconds() + 0.5)
    assert repository.claim_for_processing(record_id, lease)  # no one renews it now
