"""The review page that `sohoa api` serves at /review: operators log in, pick a record from
the queue, see its pages with each field's box drawn on them, correct the fields and verify
the record through :func:`office.verification.apply_review`, as the Prefect form and
`sohoa review` do, with their own name in the audit trail.

Server-rendered (Jinja2), with a little plain JavaScript (``static/review.js``) that draws
attention to the box of the field in focus and checks a value as it is typed, with the same
value kinds extraction uses; without it every answer is still checked on submit. Operators
log in with a name and password from the settings (``interfaces.review_session``); the read
API's bearer token does not open these pages, and these sessions do not open the API.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.background import BackgroundTask

from interfaces.review_session import (
    CSRF_FIELD,
    CSRF_HEADER,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    LoginRequired,
    Session,
    check_csrf,
    encode_session,
    new_session,
    require_operator,
    set_cookie,
)
from interfaces.review_views import (
    AGES,
    QueueFilter,
    age_text,
    definition_of,
    field_rows,
    page_views,
    queue_records,
    submitted_corrections,
    with_submitted,
)
from office.operators import authenticated_operator, check_operators, session_key
from office.page_images import PageImageError, render_page, stored_pdf
from office.services import Services
from office.verification import (
    InvalidCorrectionError,
    NotReviewableError,
    ReviewOutcome,
    apply_review,
    correction_value,
)
from schemas.record import DossierRecord
from schemas.status import DigitizationStatus as Status
from storage.reviews import ReviewRepository

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(prefix="/review", include_in_schema=False)
OperatorDep = Annotated[Session, Depends(require_operator)]
LOGIN_FORM_SECONDS = 3600
log = logging.getLogger(__name__)
# The page's own script, styles and images only; no framing by other sites.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self'; style-src 'self'; "
                               "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
}


def install_review_page(app: FastAPI, services: Services) -> None:
    """Serve the review page from ``app``; ConfigurationError for a bad operator setting."""
    check_operators(services.settings)
    app.state.session_key = session_key(services.settings)
    app.add_exception_handler(LoginRequired, login_redirect)  # type: ignore[arg-type]
    app.middleware("http")(security_headers)
    app.mount("/review/static", StaticFiles(directory=HERE / "static"), name="review-static")
    app.include_router(router)


async def security_headers(request: Request, call_next: Any) -> Response:
    """The review page's answers may not be framed, cached or run foreign scripts."""
    response = await call_next(request)
    if request.url.path.startswith("/review"):
        response.headers.update(SECURITY_HEADERS)
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def login_redirect(_request: Request, error: LoginRequired) -> RedirectResponse:
    """Send a request without a session to the login form, to come back afterwards."""
    return RedirectResponse(f"/review/login?next={quote(error.next_path)}", status_code=303)


def services_of(request: Request) -> Services:
    """The services the app was created with."""
    return request.app.state.services


def safe_next(path: str | None) -> str:
    """Where to go after logging in: a review page of this site, nothing else."""
    ok = path and path.startswith("/review") and not path.startswith("//") and "\\" not in path
    return path if ok else "/review"


# -- logging in and out ----------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/review", problem: str | None = None,
               status_code: int = 200) -> HTMLResponse:
    """The login form, with a fresh token that its post must send back."""
    token = secrets.token_urlsafe(24)
    response = templates.TemplateResponse(request, "review/login.html", {
        "csrf": token, "next": safe_next(next), "problem": problem}, status_code=status_code)
    set_cookie(request, response, LOGIN_COOKIE, token, LOGIN_FORM_SECONDS)
    return response


@router.post("/login", response_class=HTMLResponse)
async def log_in(request: Request) -> Response:
    """Start a session for a configured operator; the form again on a wrong answer."""
    form = await request.form()
    check_csrf(request, request.cookies.get(LOGIN_COOKIE), str(form.get(CSRF_FIELD, "")))
    settings = services_of(request).settings
    name = await run_in_threadpool(authenticated_operator, settings,
                                   str(form.get("name", "")), str(form.get("password", "")))
    target = safe_next(str(form.get("next", "")))
    if name is None:
        return login_form(request, target, "Wrong name or password.", 401)
    session = new_session(name, settings.session_hours)
    response = RedirectResponse(target, status_code=303)
    set_cookie(request, response, SESSION_COOKIE,
               encode_session(session, request.app.state.session_key),
               int(settings.session_hours * 3600))
    response.delete_cookie(LOGIN_COOKIE, path="/review")
    return response


@router.post("/logout")
async def log_out(request: Request, session: OperatorDep) -> Response:
    """End the session."""
    form = await request.form()
    check_csrf(request, session.csrf, str(form.get(CSRF_FIELD, "")))
    response = RedirectResponse("/review/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/review")
    return response


# -- the queue -------------------------------------------------------------------------------


def queue_filter(station: str = "", unit: str = "", doc_type: str = "", reason: str = "",
                 min_age_days: Annotated[int, Query(ge=0, le=3650)] = 0) -> QueueFilter:
    """The queue's filters from the query string."""
    return QueueFilter(station.strip(), unit.strip(), doc_type.strip(), reason.strip(),
                       min_age_days)


FilterDep = Annotated[QueueFilter, Depends(queue_filter)]


@router.get("", response_class=HTMLResponse)
def queue_page(request: Request, session: OperatorDep, wanted: FilterDep,
               verified: str | None = None) -> HTMLResponse:
    """Records waiting for review, oldest first, with the filters above them."""
    services = services_of(request)
    records = queue_records(services, wanted)
    return templates.TemplateResponse(request, "review/queue.html", {
        "session": session, "filters": wanted, "records": records, "age_text": age_text,
        "ages": AGES, "doctypes": [d.id for d in services.doctypes], "verified": verified,
        "stations": sorted({s.name for s in services.settings.stations}),
        "units": sorted({s.unit for s in services.settings.stations})})


@router.get("/next")
def next_record(session: OperatorDep, request: Request, wanted: FilterDep,
                verified: str | None = None) -> RedirectResponse:
    """The oldest record of the queue, or the queue when it is empty."""
    del session  # only logged-in operators move through the queue
    first = queue_records(services_of(request), wanted, limit=1)
    query = wanted.query()
    done = f"verified={quote(verified)}" if verified else ""
    if not first:
        return RedirectResponse(f"/review?{'&'.join(q for q in (query, done) if q)}", 303)
    params = "&".join(q for q in (query, done) if q)
    return RedirectResponse(f"/review/{first[0].id}?{params}", 303)


# -- one dossier -----------------------------------------------------------------------------


@router.get("/dossiers/{code}", response_class=HTMLResponse)
def dossier_page(request: Request, session: OperatorDep, code: str) -> HTMLResponse:
    """A dossier's documents side by side (receipt, components, results, in their order),
    each with its first page, status and a link to its own review page."""
    services = services_of(request)
    dossier = services.dossiers.get(code) if len(code) <= 32 else None
    if dossier is None:
        raise HTTPException(404, "no such dossier")
    records = sorted(services.dossiers.records_of(code), key=document_order)
    return templates.TemplateResponse(request, "review/dossier.html", {
        "session": session, "dossier": dossier, "records": records})


ROLE_ORDER = {"receipt": 0, "component": 1, "result": 2}


def document_order(record: DossierRecord) -> tuple[int, object, int]:
    """Receipt first, then components, then results; each in the order it arrived, the
    documents of one file by their part number."""
    return (ROLE_ORDER.get(record.role or "", 1), record.created_at, record.part or 0)


# -- one record ------------------------------------------------------------------------------


def find_record(services: Services, record_id: str) -> DossierRecord:
    """The record; 404 when there is none with this id."""
    record = services.repository.get(record_id) if len(record_id) <= 64 else None
    if record is None:
        raise HTTPException(404, "no such record")
    return record


def record_page(request: Request, session: Session, record: DossierRecord, *,
                queue: str, rows: list | None = None, problem: str | None = None,
                status_code: int = 200, verified: str | None = None) -> HTMLResponse:
    """The record's page: reasons, pages with boxes, the form."""
    services = services_of(request)
    definition = definition_of(services, record)
    rows = field_rows(record, definition) if rows is None else rows
    last = ReviewRepository(services.repository.engine).last_review(record.id)
    return templates.TemplateResponse(request, "review/record.html", {
        "session": session, "record": record, "rows": rows, "problem": problem,
        "pages": page_views(services, record, rows), "queue": queue, "verified": verified,
        "reviewable": record.status in (Status.NEEDS_REVIEW, Status.DIGITIZED),
        "known_type": definition is not None, "last_review": last[0] if last else None,
    }, status_code=status_code)


@router.get("/{record_id}", response_class=HTMLResponse)
def show_record(request: Request, session: OperatorDep, record_id: str, wanted: FilterDep,
                verified: str | None = None) -> HTMLResponse:
    """One record to review."""
    record = find_record(services_of(request), record_id)
    return record_page(request, session, record, queue=wanted.query(), verified=verified)


@router.get("/{record_id}/pages/{number}.png")
async def page_image(request: Request, session: OperatorDep, record_id: str,
                     number: Annotated[int, PathParam(ge=1, le=10000)]) -> Response:
    """Page ``number`` of the record's searchable PDF as a PNG."""
    del session  # pages carry personal data: operators only
    services = services_of(request)
    record = find_record(services, record_id)
    try:
        pdf = await run_in_threadpool(stored_pdf, services, record)
        png = await run_in_threadpool(render_page, pdf, number)
    except PageImageError as error:
        raise HTTPException(404, error.message) from error
    return Response(png, media_type="image/png",
                    headers={"Cache-Control": "private, max-age=600"})


@router.post("/{record_id}/check")
async def check_value(request: Request, session: OperatorDep, record_id: str) -> JSONResponse:
    """Whether a value is acceptable for a field: ``{"ok", "value" | "reason"}``."""
    check_csrf(request, session.csrf, request.headers.get(CSRF_HEADER))
    body = await request.json()
    services = services_of(request)
    definition = definition_of(services, find_record(services, record_id))
    fdef = next((f for f in definition.fields if f.key == body.get("key")),
                None) if definition else None
    if fdef is None:
        raise HTTPException(404, "no such field")
    try:
        value = correction_value(fdef, body.get("value"), tuple(definition.surnames))
    except InvalidCorrectionError as error:
        return JSONResponse({"ok": False, "reason": error.reason})
    if value is None and fdef.required:
        return JSONResponse({"ok": False, "reason": "required: give a value"})
    return JSONResponse({"ok": True, "value": value})


@router.post("/{record_id}", response_class=HTMLResponse)
async def submit_review(request: Request, session: OperatorDep, record_id: str) -> Response:
    """Verify the record with the operator's corrections, then go to the next one; the
    page again with the reason when a value is refused."""
    form = await request.form()
    check_csrf(request, session.csrf, str(form.get(CSRF_FIELD, "")))
    services = services_of(request)
    record = find_record(services, record_id)
    queue = str(form.get("queue", ""))
    corrections = submitted_corrections(record, definition_of(services, record), form)
    try:
        outcome = await run_in_threadpool(lambda: apply_review(
            services, record.id, session.operator, corrections,
            note=str(form.get("note", "")).strip() or None))
    except InvalidCorrectionError as error:
        rows = with_submitted(field_rows(record, definition_of(services, record)), form,
                              error.field, error.reason)
        return record_page(request, session, record, queue=queue, rows=rows,
                           problem=error.message, status_code=422)
    except NotReviewableError as error:
        return record_page(request, session, services.repository.require(record.id),
                           queue=queue, problem=error.message, status_code=409)
    separator = "&" if queue else ""
    # Prefect's views follow after the answer is sent: the operator does not wait for them.
    return RedirectResponse(f"/review/next?{queue}{separator}verified={record.id}", 303,
                            background=BackgroundTask(follow_in_prefect, services, outcome))


def follow_in_prefect(services: Services, outcome: ReviewOutcome) -> None:
    """The record's artifact, its run's tags and the report in Prefect (flows/publishing.py);
    logged, never raised: the review stands."""
    from flows.publishing import follow_review

    follow = follow_review(services, outcome, "on the review page")
    for line in follow.done:
        log.info("%s", line)
    if follow.problem:
        log.warning("%s", follow.problem)
