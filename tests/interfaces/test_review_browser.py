"""The review page in a real browser: Debian's Chromium (/usr/bin/chromium) driven by
Playwright against `sohoa api`'s app served by uvicorn on loopback, over a real SQLite
repository and local store. Playwright's own browser downloads are never used."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect, sync_playwright

from interfaces.api import create_app
from office.services import Services
from schemas.record import DossierRecord
from schemas.status import DigitizationStatus as Status
from storage.reviews import ReviewRepository
from tests.interfaces.review_fixtures import (
    OPERATOR,
    PASSWORD,
    review_services,
    waiting_receipts,
)
from tests.services import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
STARTUP_SECONDS = 30
SCREENSHOT = "review-page.png"


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port in a thread; its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(STARTUP_SECONDS)


@pytest.fixture
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def services(tmp_path: Path) -> Services:
    return review_services(tmp_path / "data")


def log_in(page: Page, base: str) -> None:
    """Open the queue, get sent to the login form, log in with the keyboard."""
    page.goto(f"{base}/review")
    expect(page).to_have_url(f"{base}/review/login?next=/review")
    page.get_by_label("Name").fill(OPERATOR)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/review")
    expect(page.locator("#operator")).to_have_text(OPERATOR)


def open_first_record(page: Page, record: DossierRecord) -> None:
    """From the queue, open the oldest record; its page and its boxes are shown."""
    expect(page.locator("table.queue tbody tr")).to_have_count(2)
    page.get_by_role("link", name=record.filename).click()
    expect(page.get_by_role("heading", name="Needs review because")).to_be_visible()
    image = page.locator("figure#page-1 img")
    expect(image).to_be_visible()
    page.wait_for_function("document.querySelector('figure#page-1 img').naturalWidth > 0")
    expect(page.locator("figure#page-1 rect.box")).to_have_count(7)
    expect(page.get_by_label("Tiếp nhận hồ sơ của")).to_have_value("Nguyễn Văn Bỉnh")


def test_an_operator_reviews_a_record_in_chromium(
        chromium: Browser, services: Services, tmp_path: Path) -> None:
    """GIVEN two receipts waiting for review and a configured operator WHEN she logs in,
    opens the oldest from the queue, types a bad phone number THEN the field says why at
    once; WHEN she types a good one and presses Enter THEN the record is verified, the audit
    trail names her, and the next record of the queue opens."""
    records = waiting_receipts(services)
    with serving(create_app(services)) as base:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        log_in(page, base)
        open_first_record(page, records[0])

        phone = page.get_by_label("Số điện thoại")
        expect(phone).to_be_focused()  # the field read invalid comes first
        expect(page.locator('rect.box[data-key="phone"]')).to_have_class("box invalid focus")
        phone.fill("12345")
        page.keyboard.press("Tab")
        expect(page.locator("#m-phone")).to_have_text(
            "«12345» cannot be read as phone (expected 10 digits starting 03, 05, 07, 08 "
            "or 09)")
        expect(phone).to_have_attribute("aria-invalid", "true")
        page.get_by_label("Tiếp nhận hồ sơ của").fill("Nguyễn Văn Bình")
        page.screenshot(path=tmp_path / SCREENSHOT, full_page=True)

        phone.fill("0912 345 678")
        phone.press("Enter")

        expect(page).to_have_url(f"{base}/review/{records[1].id}?verified={records[0].id}")
        expect(page.get_by_role("status")).to_contain_text(f"Record {records[0].id} verified")
    record = services.repository.require(records[0].id)
    assert record.status is Status.VERIFIED
    assert record.fields["phone"]["value"] == "0912345678"
    assert record.fields["applicant_name"]["value"] == "Nguyễn Văn Bình"
    entries = ReviewRepository(services.repository.engine).entries_for(record.id)
    assert entries and {entry.reviewer for entry in entries} == {OPERATOR}
    assert (tmp_path / SCREENSHOT).stat().st_size > 10_000
