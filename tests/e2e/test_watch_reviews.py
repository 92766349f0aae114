"""Review runs from the watcher's way in: `sohoa watch` and a `sohoa worker` with review runs
on (the default), on the real servers. Every other office test turns them off so that they
take no worker slots; this one checks that a record in doubt that came through a station gets
its record artifact and exactly one `review-record` run on the office's own deployment, as a
`sohoa process` batch does (tests/e2e/test_process.py), and that a record not in doubt gets
none.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterTags
from prefect.settings import PREFECT_API_URL, temporary_settings

from tests.e2e.office import (
    Office,
    all_final,
    drop_batch,
    office_settings,
    open_office,
    processing_runs,
)
from tests.services import S3Server

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]
STATIONS = {"ky-anh": "UBND thị xã Kỳ Anh"}
POOL = "sohoa-watch-reviews"
DEPLOYMENT = "watch-reviews"  # its own deployment: other test offices deploy "sohoa"


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory, s3_server: S3Server, postgres_url: str,
           prefect_api_url: str) -> Iterator[Office]:
    office = open_office(
        tmp_path_factory.mktemp("office"), s3_server, postgres_url, prefect_api_url, STATIONS,
        "sohoa-watch-reviews", **office_settings(
            POOL, SOHOA_WATCH__SETTLE_SECONDS="1.5", SOHOA_WATCH__RESCAN_SECONDS="5",
            SOHOA_WORKER__DEPLOYMENT=DEPLOYMENT, SOHOA_WATCH__MAX_FILES_PER_RUN="4",
            SOHOA_REVIEW__OPEN_REVIEW_RUNS="true"))
    with office.serving():
        yield office


def test_a_record_in_doubt_from_a_station_gets_one_review_run_on_the_offices_deployment(
        office: Office, prefect_api_url: str) -> None:
    """GIVEN a blank page (no text at all: surely in doubt) and a scan with a line of text
    dropped into a station WHEN the watcher and the worker have processed them THEN each
    record has its artifact, and the record needing review has one review-record run of this
    office's deployment, tagged with the record; a record not in doubt has none."""
    inbox = office.inboxes["ky-anh"]
    blank = inbox / "trang trắng.png"
    write_blank_page(blank)
    expected = {hashlib.sha256(blank.read_bytes()).hexdigest(): blank.name}
    expected |= drop_batch(office, "xem-lại", 1)
    office.wait_for(all_final(office, set(expected), 2), "the records", timeout=420)
    records = office.records_of(set(expected))

    def reviews_opened() -> bool:
        return all(processing_runs(office, r["id"]) and (
            r["status"] != "needs_review" or review_runs(prefect_api_url, r["id"]))
            for r in records)
    office.wait_for(reviews_opened, "the artifacts and review runs", timeout=180)

    assert {r["filename"]: r["status"] for r in records}["trang trắng.png"] == "needs_review"
    with temporary_settings({PREFECT_API_URL: prefect_api_url}), \
            get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(f"review-record/{DEPLOYMENT}")
    assert deployment.work_pool_name == POOL
    for record in records:
        waiting = review_runs(prefect_api_url, record["id"])
        if record["status"] == "needs_review":
            assert [r.deployment_id for r in waiting] == [deployment.id], record["filename"]
        else:
            assert waiting == [], record["filename"]
    assert not office.logged("worker", "no review run opened")


def write_blank_page(path: Path) -> None:
    """A white A4 page at 100 DPI (a page fed face down): no text, so surely in doubt."""
    Image.new("L", (827, 1169), 255).save(path)


def review_runs(api_url: str, record_id: str) -> list:
    """The `review-record` runs tagged with the record (its digitize runs carry the tag too)."""
    with temporary_settings({PREFECT_API_URL: api_url}), \
            get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(
            tags=FlowRunFilterTags(all_=[f"record:{record_id}"])))
        names = {run.flow_id: client.read_flow(run.flow_id).name for run in runs}
    return [run for run in runs if names[run.flow_id] == "review-record"]
