"""Servers failing under `sohoa watch` and `sohoa worker`: the database unreachable at start;
the object store, the Prefect API and the database each going away in the middle of a batch
and coming back (cut by a TCP proxy in front of the real server, tests/e2e/proxy.py).

Nothing may be lost or doubled: a file the watcher could not store or record stays in its
inbox, a run that could not be submitted or finish is taken up again, and every file ends as
exactly one record, its original stored once, once the server is back.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy.engine import make_url

from tests.e2e.helpers import SOHOA, server_env
from tests.e2e.office import (
    FINAL,
    Office,
    all_final,
    assert_one_record_per_file,
    drop_batch,
    office_settings,
    open_office,
    processing_runs,
    runs_finished,
    write_at_once,
)
from tests.e2e.proxy import SwitchableProxy
from tests.services import S3Server, free_port

STATIONS = {"thach-ha": "UBND xã Thạch Hạ"}


def test_watch_with_the_database_unreachable_says_so_and_moves_nothing(tmp_path: Path,
                                                                      s3_server: S3Server,
                                                                      prefect_api_url: str) -> None:
    inbox = tmp_path / "stations" / "thach-ha"
    inbox.mkdir(parents=True)
    scan = inbox / "tờ khai.png"
    write_at_once(scan, b"\x89PNG\r\n\x1a\n not really")
    unreachable = f"postgresql+psycopg://sohoa:x@127.0.0.1:{free_port()}/sohoa"
    env = server_env(tmp_path, s3_server, s3_server.endpoint, "sohoa-faults", unreachable,
                     prefect_api_url,
                     SOHOA_STATIONS=f'[{{"name": "thach-ha", "folder": "{inbox}", '
                                    '"unit": "UBND xã Thạch Hạ"}]')

    result = subprocess.run([SOHOA, "watch"], env=env, capture_output=True, text=True,
                            timeout=120)

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sohoa cannot watch:"), result.stderr
    assert "127.0.0.1" in lines[0] and "x@" not in lines[0]  # says where, hides the password
    assert scan.exists() and sorted(p.name for p in inbox.iterdir()) == ["tờ khai.png"]


def serving_behind(office: Office, proxy: SwitchableProxy,
                   watcher_env: dict[str, str] | None = None
                   ) -> Iterator[tuple[Office, SwitchableProxy]]:
    """A worker and a watcher started for ``office``, both stopped with ``proxy`` at the end."""
    office.start("worker", "worker")
    office.start("watcher", "watch", env=watcher_env)
    try:
        yield office, proxy
    finally:
        office.kill_all()
        proxy.down()


def under_way(office: Office, shas: set[str], count: int) -> bool:
    """Every file recorded, two runs at least begun, not every record final: mid-batch."""
    statuses = [r["status"] for r in office.records_of(shas)]
    return (len(statuses) == count and sum(s != "received" for s in statuses) >= 2
            and not set(statuses) <= FINAL)


def wait_for_warnings(office: Office, names: list[str], *words: str) -> None:
    """Evidence, not a pause: the watcher logged ``words`` about each of ``names``."""
    office.wait_for(lambda: all(office.logged("watcher", name, *words) for name in names),
                    f"the watcher's «{' '.join(words)}» about {names}", timeout=120)


def cut_in_the_middle_of_a_batch(office: Office, proxy: SwitchableProxy,
                                 *warning_words: str) -> list[dict]:
    """Six scans under way, the proxy cut, four more dropped: the watcher can neither store
    nor record them, so they wait in the inbox, unrecorded. Once the proxy is back every file
    ends as exactly one record (returned)."""
    before = drop_batch(office, "trước", 6, writers=(write_at_once,))
    office.wait_for(lambda: under_way(office, set(before), 6), "the batch under way",
                    timeout=300)
    proxy.down()
    during = drop_batch(office, "trong", 4, writers=(write_at_once,))
    wait_for_warnings(office, [name.split("/")[1] for name in during.values()],
                      "not taken yet", *warning_words)
    assert {p.name for p in office.inbox_files()} == {n.split("/")[1] for n in during.values()}
    assert office.records_of(set(during)) == []

    proxy.up()
    expected = set(before) | set(during)
    office.wait_for(all_final(office, expected, 10), "every file after the outage",
                    timeout=420)
    return assert_one_record_per_file(office, expected)


def assert_each_processed_by_one_run(office: Office, records: list[dict]) -> None:
    """Each record processed by exactly one run that completed; none of its runs still
    going (a run that failed against the dead server and was replaced is finished too)."""
    office.wait_for(runs_finished(office, records), "the runs to end", timeout=180)
    for record in records:
        (run,) = processing_runs(office, record["id"])
        assert run.state_name == "Completed", (record["filename"], run.state_name)
        assert all(r.state and r.state.is_final() for r in office.runs_of(record["id"]))


@pytest.fixture
def office_with_proxy(tmp_path: Path, s3_server: S3Server, postgres_url: str,
                      prefect_api_url: str) -> Iterator[tuple[Office, SwitchableProxy]]:
    proxy = SwitchableProxy(s3_server.endpoint)
    proxy.up()
    office = open_office(
        tmp_path, s3_server, postgres_url, prefect_api_url, STATIONS, "sohoa-outage",
        **office_settings("sohoa-outage-test", SOHOA_S3__ENDPOINT=proxy.endpoint,
                          SOHOA_PROCESSING_LEASE_MINUTES="0.25"))
    yield from serving_behind(office, proxy)


def test_a_store_outage_in_the_middle_of_a_batch_loses_nothing(
        office_with_proxy: tuple[Office, SwitchableProxy]) -> None:
    office, proxy = office_with_proxy
    cut_in_the_middle_of_a_batch(office, proxy)


@pytest.fixture
def office_with_cut_api(tmp_path: Path, s3_server: S3Server, postgres_url: str,
                        prefect_api_url: str) -> Iterator[tuple[Office, SwitchableProxy]]:
    """The watcher reaches the Prefect API through the proxy; the worker directly (only the
    submission of runs is cut)."""
    proxy = SwitchableProxy(urlsplit(prefect_api_url).netloc)
    proxy.up()
    office = open_office(tmp_path, s3_server, postgres_url, prefect_api_url, STATIONS,
                         "sohoa-api-outage", **office_settings("sohoa-api-outage-test"))
    yield from serving_behind(office, proxy, {"PREFECT_API_URL": f"http://{proxy.endpoint}/api"})


def test_runs_not_submitted_while_the_prefect_api_is_cut_are_submitted_once_it_is_back(
        office_with_cut_api: tuple[Office, SwitchableProxy]) -> None:
    """GIVEN a watcher whose Prefect API is cut after a first batch WHEN scans arrive THEN
    they are stored and recorded but no run is queued; once the API is back each gets one run,
    which completes."""
    office, proxy = office_with_cut_api
    before = drop_batch(office, "trước", 2, writers=(write_at_once,))
    office.wait_for(all_final(office, set(before), 2), "the first batch", timeout=300)
    proxy.down()
    during = drop_batch(office, "trong", 4, writers=(write_at_once,))
    wait_for_warnings(office, list(during.values()), "not submitted yet")
    waiting = office.records_of(set(during))
    assert len(waiting) == 4 and {r["status"] for r in waiting} == {"received"}
    assert office.inbox_files() == []  # stored and recorded: the scans left the inbox
    assert [office.runs_of(r["id"]) for r in waiting] == [[]] * 4  # nothing queued

    proxy.up()
    expected = set(before) | set(during)
    office.wait_for(all_final(office, expected, 6), "every file after the outage",
                    timeout=420)
    records = assert_one_record_per_file(office, expected)
    assert_each_processed_by_one_run(office, records)
    for record in records:
        assert len(office.runs_of(record["id"])) == 1, record["filename"]
    for record in waiting:  # submitted by the recovery sweep once the API answered
        assert office.logged("watcher", record["id"], "submitted again"), record["filename"]


@pytest.fixture
def office_with_cut_database(tmp_path: Path, s3_server: S3Server, postgres_url: str,
                             prefect_api_url: str) -> Iterator[tuple[Office, SwitchableProxy]]:
    """The watcher, the worker and its runs reach PostgreSQL through the proxy; the test
    looks at the records directly. A lease of a minute: a run whose claim was committed but
    whose answer was cut is taken up again after it; a shorter one (15 s) made the sweep crash
    and resubmit runs that were only slow to start on a loaded machine."""
    office = open_office(tmp_path, s3_server, postgres_url, prefect_api_url, STATIONS,
                         "sohoa-db-outage", **office_settings(
                             "sohoa-db-outage-test", SOHOA_PROCESSING_LEASE_MINUTES="1"))
    database = make_url(office.database_url)
    proxy = SwitchableProxy(f"{database.host}:{database.port}")
    proxy.up()
    office.env["SOHOA_DATABASE_URL"] = database.set(port=proxy.port).render_as_string(
        hide_password=False)
    yield from serving_behind(office, proxy)


def test_a_database_outage_in_the_middle_of_a_batch_loses_nothing(
        office_with_cut_database: tuple[Office, SwitchableProxy]) -> None:
    office, proxy = office_with_cut_database
    records = cut_in_the_middle_of_a_batch(office, proxy, "Database")
    assert_each_processed_by_one_run(office, records)
