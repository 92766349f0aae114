"""The review page over a real SQLite repository and local store, through FastAPI's test
client: operators' login and sessions, CSRF checks, the queue's filters, page images rendered
from the stored PDF with the boxes' coordinates, inline checks and reviews applied with the
operator's name in the audit trail. (The same page in Chromium: test_review_browser.py.)"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from pydantic import SecretStr
from typer.testing import CliRunner

from config.settings import OperatorSettings, Settings
from interfaces.api import create_app
from interfaces.cli import app
from interfaces.review_session import LOGIN_COOKIE, SESSION_COOKIE, decode_session
from office.operators import (
    authenticated_operator,
    check_operators,
    hash_password,
    password_matches,
)
from office.services import Services
from schemas.errors import ConfigurationError
from schemas.record import DossierRecord
from schemas.status import DigitizationStatus as Status
from storage.reviews import ReviewRepository
from tests.interfaces.review_fixtures import (
    OPERATOR,
    PASSWORD,
    TOKEN,
    receipt_pdf,
    review_services,
    waiting_receipts,
)
from tests.office.review_builders import waiting_record

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def services(tmp_path: Path) -> Services:
    return review_services(tmp_path / "data")


@pytest.fixture
def records(services: Services) -> list[DossierRecord]:
    return waiting_receipts(services)


@pytest.fixture
def browser(services: Services) -> TestClient:
    """A client with no credentials, as a browser arrives (https: Secure cookies are sent)."""
    return TestClient(create_app(services), base_url="https://testserver",
                      follow_redirects=False)


def log_in(client: TestClient, name: str = OPERATOR, password: str = PASSWORD) -> str:
    """Log in through the form; the session's CSRF token."""
    form = client.get("/review/login")
    response = client.post("/review/login", data={
        "name": name, "password": password, "next": "/review",
        "csrf_token": CSRF.search(form.text).group(1)})
    assert response.status_code == 303, response.text
    return CSRF.search(client.get("/review").text).group(1)


def test_passwords_are_kept_as_scrypt_hashes_and_checked_in_constant_form() -> None:
    encoded = hash_password(PASSWORD)
    assert encoded.startswith("scrypt$16384$8$1$") and PASSWORD not in encoded
    assert password_matches(PASSWORD, encoded)
    assert not password_matches(PASSWORD + "x", encoded)
    assert not password_matches(PASSWORD, "plain text")
    with pytest.raises(ConfigurationError, match="at least 10"):
        hash_password("short")


def test_only_configured_operators_with_their_password_log_in(services: Services) -> None:
    settings = services.settings
    assert authenticated_operator(settings, "  Trần   Thị Lan ", PASSWORD) == OPERATOR
    assert authenticated_operator(settings, OPERATOR, "wrong password!") is None
    assert authenticated_operator(settings, "Nguyễn Văn A", PASSWORD) is None
    bad = settings.model_copy(update={"operators": [
        OperatorSettings(name=OPERATOR, password_hash=SecretStr("secret"))]})
    with pytest.raises(ConfigurationError, match="not a hash"):
        check_operators(bad)


def test_pages_need_a_login_and_the_bearer_token_does_not_open_them(
        browser: TestClient, records: list[DossierRecord]) -> None:
    """GIVEN no session THEN every review page sends to the login form, also with the API's
    bearer token; the read API keeps taking the token and refuses a session."""
    for path in ("/review", f"/review/{records[0].id}", f"/review/{records[0].id}/pages/1.png"):
        response = browser.get(path, headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 303
        assert response.headers["location"].startswith("/review/login?next=/review")
    assert browser.get("/records", headers={"Authorization": f"Bearer {TOKEN}"}
                       ).status_code == 200
    log_in(browser)
    assert browser.get("/records").status_code == 401


def test_login_sets_a_signed_httponly_strict_cookie_and_refuses_wrong_answers(
        browser: TestClient, services: Services) -> None:
    form = browser.get("/review/login")
    token = CSRF.search(form.text).group(1)
    wrong = browser.post("/review/login", data={"name": OPERATOR, "password": "nope nope nope",
                                                "csrf_token": token})
    assert wrong.status_code == 401 and "Wrong name or password" in wrong.text
    no_token = browser.post("/review/login", data={"name": OPERATOR, "password": PASSWORD})
    assert no_token.status_code == 403
    form = browser.get("/review/login")
    response = browser.post("/review/login", data={
        "name": OPERATOR, "password": PASSWORD, "next": "https://evil.example/",
        "csrf_token": CSRF.search(form.text).group(1)})
    assert response.status_code == 303 and response.headers["location"] == "/review"
    cookie = next(c for c in response.headers.get_list("set-cookie")
                  if c.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" in cookie
    value = browser.cookies[SESSION_COOKIE]
    key = browser.app.state.session_key
    assert decode_session(value, key).operator == OPERATOR
    assert decode_session(value[:-2] + "00", key) is None  # a forged signature
    assert LOGIN_COOKIE not in browser.cookies

    csrf = CSRF.search(browser.get("/review").text).group(1)
    assert browser.post("/review/logout", data={"csrf_token": "other"}).status_code == 403
    assert browser.post("/review/logout", data={"csrf_token": csrf}).status_code == 303
    assert SESSION_COOKIE not in browser.cookies
    assert browser.get("/review").headers["location"] == "/review/login?next=/review"


def test_queue_lists_records_waiting_for_review_with_filters(
        browser: TestClient, services: Services, records: list[DossierRecord]) -> None:
    waiting_record(services, name="<script>alert(1)</script>.pdf", pdf=None)
    log_in(browser)
    response = browser.get("/review")
    page = response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.pdf" in page and "<script>alert" not in page
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "biên nhận 01.pdf" in page and "biên nhận 02.pdf" in page
    assert "biên nhận 03.pdf" not in page  # digitized without doubts
    assert page.index("biên nhận 01.pdf") < page.index("biên nhận 02.pdf")  # oldest first
    by_station = browser.get("/review", params={"station": "tu-phap"}).text
    assert "biên nhận 02.pdf" in by_station and "biên nhận 01.pdf" not in by_station
    by_reason = browser.get("/review", params={"reason": "NOT A VALID PHONE"}).text
    assert "biên nhận 02.pdf" in by_reason and "biên nhận 01.pdf" not in by_reason
    by_type = browser.get("/review", params={"doc_type": "birth_registration"}).text
    assert "Nothing waits for review with these filters" in by_type
    old = browser.get("/review", params={"min_age_days": 1, "unit": "UBND xã Thạch Hạ"}).text
    assert "biên nhận 0" not in old  # both were made just now


def test_record_page_shows_reasons_vietnamese_labels_and_boxes_on_the_rendered_page(
        browser: TestClient, records: list[DossierRecord]) -> None:
    log_in(browser)
    page = browser.get(f"/review/{records[0].id}").text
    assert "was read with low confidence 0.41" in page
    assert "Tiếp nhận hồ sơ của" in page and "Số điện thoại" in page
    assert 'value="Nguyễn Văn Bỉnh"' in page and "confidence 0.41" in page
    assert 'viewBox="0 0 1654 2339"' in page  # the stored picture's pixels
    assert re.search(r'data-key="applicant_name"[^>]*x="773" y="487" width="316" '
                     r'height="33"', page)
    image = browser.get(f"/review/{records[0].id}/pages/1.png")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    width, height = Image.open(__import__("io").BytesIO(image.content)).size
    assert abs(width / height - 1654 / 2339) < 0.01
    assert browser.get(f"/review/{records[0].id}/pages/2.png").status_code == 404


def test_a_value_is_checked_with_the_kinds_extraction_uses(
        browser: TestClient, records: list[DossierRecord]) -> None:
    csrf = log_in(browser)
    url = f"/review/{records[0].id}/check"
    bad = browser.post(url, json={"key": "phone", "value": "12345"},
                       headers={"X-CSRF-Token": csrf}).json()
    assert bad == {"ok": False, "reason": "«12345» cannot be read as phone (expected 10 "
                                          "digits starting 03, 05, 07, 08 or 09)"}
    good = browser.post(url, json={"key": "phone", "value": "+84 912 345 678"},
                        headers={"X-CSRF-Token": csrf}).json()
    assert good == {"ok": True, "value": "0912345678"}
    assert browser.post(url, json={"key": "phone", "value": "1"}).status_code == 403


def test_a_review_is_applied_with_the_operator_as_reviewer(
        browser: TestClient, services: Services, records: list[DossierRecord]) -> None:
    """GIVEN a logged-in operator WHEN a bad value is submitted THEN the page comes back
    with the reason by the field and nothing changed; WHEN a good one is THEN the record is
    verified, the audit trail names the operator, and the next record opens."""
    csrf = log_in(browser)
    url = f"/review/{records[0].id}"
    form = {"csrf_token": csrf, "queue": "", "field.phone": "12345",
            "field.applicant_name": "Nguyễn Văn Bỉnh", "reviewer": "Someone Else"}
    refused = browser.post(url, data=form)
    assert refused.status_code == 422
    assert "Not verified: field phone: «12345» cannot be read as phone" in refused.text
    assert 'value="12345"' in refused.text
    assert services.repository.require(records[0].id).status is Status.NEEDS_REVIEW
    assert browser.post(url, data={**form, "csrf_token": "stale"}).status_code == 403
    assert browser.post(url, data=form, headers={"Origin": "https://evil.example"}
                        ).status_code == 403

    done = browser.post(url, data={**form, "field.phone": "0912 345 678",
                                   "field.applicant_name": "Nguyễn Văn Bình"})

    assert done.status_code == 303
    assert browser.get(done.headers["location"]).headers["location"] == \
        f"/review/{records[1].id}?verified={records[0].id}"
    record = services.repository.require(records[0].id)
    assert record.status is Status.VERIFIED
    assert record.fields["phone"]["value"] == "0912345678"
    entries = ReviewRepository(services.repository.engine).entries_for(record.id)
    assert {entry.reviewer for entry in entries} == {OPERATOR}
    assert {entry.target for entry in entries} >= {"fields.phone", "fields.applicant_name"}


def test_operator_add_prints_a_settings_entry_that_logs_in(tmp_path: Path) -> None:
    """GIVEN `sohoa operator add` answered with a password twice THEN it prints a TOML entry
    holding only a hash, and settings read from that entry let the operator log in."""
    result = CliRunner().invoke(app, ["operator", "add", "Lê  Văn Tám"],
                                input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.stdout
    config = tmp_path / "sohoa.toml"
    config.write_text(result.stdout)
    settings = Settings.model_validate(tomllib.loads(config.read_text()) | {"data_dir": tmp_path})
    check_operators(settings)
    assert authenticated_operator(settings, "Lê Văn Tám", PASSWORD) == "Lê Văn Tám"
    short = CliRunner().invoke(app, ["operator", "add", "X"], input="short\nshort\n")
    assert short.exit_code == 2 and "at least 10" in short.stderr


def test_a_dossier_shows_its_documents_side_by_side_with_their_pages(
        services: Services, browser: TestClient) -> None:
    """GIVEN a receipt and a form of one dossier, and a form of a dossier with no receipt
    WHEN an operator opens the dossier view THEN the receipt comes first, each document links
    its review page and first page image, the record page links back to the dossier, and a
    dossier without a receipt says so; unknown codes are 404, and operators only."""
    from office.dossiers import assemble

    pdf = receipt_pdf()
    code, lone = "000.31.11.H27-240830-0478", "000.31.11.H27-240830-0479"
    form = waiting_record(services, name="tờ khai.pdf", doc_type="birth_registration",
                          fields={}, pdf=pdf)
    receipt = waiting_record(services, name="biên nhận.pdf", status=Status.DIGITIZED, pdf=pdf)
    orphan = waiting_record(services, name="tờ khai lẻ.pdf", doc_type="birth_registration",
                            fields={}, pdf=pdf)
    for record, dossier, role in ((form, code, "component"), (receipt, code, "receipt"),
                                  (orphan, lone, "component")):
        services.repository.update(record.id, dossier_code=dossier, role=role)
    assemble(services, {code, lone})

    assert browser.get(f"/review/dossiers/{code}").status_code == 303  # to the login
    log_in(browser)
    page = browser.get(f"/review/dossiers/{code}")
    assert page.status_code == 200, page.text
    assert page.text.index("biên nhận.pdf") < page.text.index("tờ khai.pdf")
    for record in (receipt, form):
        assert f'href="/review/{record.id}"' in page.text
        assert f'src="/review/{record.id}/pages/1.png"' in page.text
    assert "tờ khai lẻ.pdf" not in page.text and "has no receipt" not in page.text
    assert "has no receipt" in browser.get(f"/review/dossiers/{lone}").text
    assert browser.get("/review/dossiers/000.00.00.H00-000000-0000").status_code == 404
    assert f'href="/review/dossiers/{code}"' in browser.get(f"/review/{form.id}").text
    image = browser.get(f"/review/{receipt.id}/pages/1.png")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
