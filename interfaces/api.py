"""The read-only HTTP API downstream systems use to find records and fetch their documents.

Every route needs ``Authorization: Bearer <token>`` matching the ``api_token`` setting
(``SOHOA_API_TOKEN``); without a configured token the API does not start. Listings page with an
opaque cursor over (created_at, id), so a page never repeats or skips records while new ones
arrive.

Artifacts are streamed through the API from either store, with single byte ranges (PDF viewers
fetch pages that way). Only when the S3 store has a public endpoint (``SOHOA_S3__PUBLIC_ENDPOINT``)
does the API redirect instead, to a short-lived URL on that host signed with a read-only user's
keys: an internal address (``http://minio:9000``), a ``file://`` path or a URL signed with the
store's own keys would be unusable or hand out more than reading.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import itertools
import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from config.settings import Settings
from interfaces.review_page import install_review_page
from office.export import record_document_json
from office.services import Services, pipeline_version
from schemas.document import DossierDocument
from schemas.errors import ConfigurationError, DamagedObjectError, SohoaError
from schemas.record import DossierRecord
from schemas.status import DigitizationStatus as Status
from storage.objects import ObjectNotFoundError, StoredObject
from storage.records import Position, RecordFilter

ArtifactName = Literal["original", "searchable_pdf", "text", "json"]
ARTIFACT_COLUMNS: dict[str, str] = {"original": "original_key", "searchable_pdf": "pdf_key",
                                    "text": "text_key", "json": "json_key"}
MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100
MIN_TOKEN_LENGTH = 16
ARTIFACT_URL_LIFETIME = timedelta(minutes=15)
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+={0,2}$"  # base64url
# Record ids are UUIDs (36 characters); anything longer or stranger is no record of ours and
# is neither looked up nor echoed whole (a 100 KB id must not come back in the 404).
RECORD_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
SHOWN_ID_LENGTH = 64
SINGLE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
ARTIFACT_TYPES = ("application/pdf", "application/json", "text/plain", "image/tiff",
                  "image/jpeg", "image/png", "application/octet-stream")


class Problem(BaseModel):
    """What went wrong, in one sentence."""

    detail: str


class RecordSummary(BaseModel):
    """A record as listings show it; the full document is at /records/{id}."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    filename: str
    sha256: str
    size_bytes: int
    station: str
    unit: str
    doc_type: str | None
    status: Status
    page_count: int | None
    review_reasons: list[str]
    error: str | None
    duplicate_of: str | None
    dossier_code: str | None = None
    created_at: datetime
    updated_at: datetime
    processed_at: datetime | None
    snippet: str | None = Field(default=None, description="with ?q=: words of the record's "
                                "text (or fields) around the first match")


class RecordPage(BaseModel):
    """One page of a listing."""

    items: list[RecordSummary]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; "
                                                "null on the last page")


def required_token(settings: Settings) -> str:
    """The configured API token; ConfigurationError when there is none, it is too short, or
    it holds characters no client can send."""
    token = settings.api_token.get_secret_value().strip() if settings.api_token else ""
    if len(token) < MIN_TOKEN_LENGTH:
        raise ConfigurationError(
            f"the read API needs a bearer token of at least {MIN_TOKEN_LENGTH} characters: "
            f"set SOHOA_API_TOKEN (e.g. to the output of `openssl rand -hex 32`)")
    # HTTP headers are read as Latin-1 and clients send UTF-8 or refuse: a token such as
    # «mật-khẩu…» could never match, and every request would be refused with no hint why.
    if not (token.isascii() and token.isprintable()) or " " in token:
        raise ConfigurationError(
            "SOHOA_API_TOKEN must be printable ASCII without spaces (HTTP headers cannot carry "
            "other characters reliably); use e.g. the output of `openssl rand -hex 32`")
    return token


class ByteRange(BaseModel):
    """The bytes to send: ``length`` of them from ``start``."""

    start: int
    length: int

    def content_range(self, size: int) -> str:
        """The Content-Range header value for this range of an object of ``size`` bytes."""
        return f"bytes {self.start}-{self.start + self.length - 1}/{size}"


def byte_range(header: str | None, size: int) -> ByteRange | None:
    """The single range a Range header asks for, or None to send the whole object.

    Syntax we do not serve (several ranges, other units, garbage) is ignored, as RFC 9110
    allows: the whole object is sent. A well-formed range wholly past the end raises 416.
    """
    match = SINGLE_RANGE.match(header.strip()) if header else None
    if match is None or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # «bytes=-N»: the last N bytes
        length = min(int(last), size)
        return ByteRange(start=size - length, length=length) if length else unsatisfiable(size)
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None  # «bytes=9-3» is invalid syntax: ignored
    if start >= size:
        unsatisfiable(size)
    return ByteRange(start=start, length=end - start + 1)


def unsatisfiable(size: int) -> ByteRange:
    """Raise the 416 for a range that lies past the object's end."""
    raise HTTPException(416, f"range not satisfiable: the artifact has {size} bytes",
                        headers={"Content-Range": f"bytes */{size}"})


def encode_cursor(position: Position) -> str:
    """An opaque cursor for the listing position after (created_at, id)."""
    moment, record_id = position
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{record_id}".encode()).decode()


SEARCH_CURSOR = "search:"


def encode_search_cursor(offset: int) -> str:
    """An opaque cursor for a search's results from ``offset`` (by rank there is no stable
    keyset: a record indexed between two pages may shift the later ones by one)."""
    return base64.urlsafe_b64encode(f"{SEARCH_CURSOR}{offset}".encode()).decode()


def decode_search_cursor(cursor: str) -> int:
    """The offset a search cursor stands for; ValueError if it is not one of ours."""
    try:
        value = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError) as error:
        raise ValueError(f"invalid cursor {cursor[:40]!r}") from error
    offset = value.removeprefix(SEARCH_CURSOR)
    if offset == value or not offset.isdigit() or len(offset) > 9:
        raise ValueError(f"invalid cursor {cursor[:40]!r} (not from a search with q)")
    return int(offset)


def decode_cursor(cursor: str) -> Position:
    """The position a cursor stands for; ValueError if it is not one of ours."""
    try:
        moment, record_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        return datetime.fromisoformat(moment).astimezone(UTC), record_id
    except (binascii.Error, UnicodeError, ValueError, OverflowError) as error:
        raise ValueError(f"invalid cursor {cursor[:40]!r}") from error


def utc_query(moment: datetime | None) -> datetime | None:
    """A query's moment in UTC (naive = UTC). A moment UTC cannot hold (year 1 at +07:00
    lies before datetime.min) becomes the nearest one, which filters exactly the same."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        limit = datetime.min if moment.year == datetime.min.year else datetime.max
        return limit.replace(tzinfo=UTC)


# -- dependencies ---------------------------------------------------------------------------

_bearer = HTTPBearer(auto_error=False, description="the SOHOA_API_TOKEN value")


def services_of(request: Request) -> Services:
    """The services the app was created with."""
    return request.app.state.services


def require_token(request: Request, credentials: Annotated[
        HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> None:
    """401 unless the request carries the configured bearer token."""
    expected: bytes = request.app.state.token
    given = credentials.credentials.encode() if credentials else b""
    # compare_digest: how long a comparison takes must not tell how much of a guess was right.
    if not hmac.compare_digest(given, expected):
        raise HTTPException(401, "missing or wrong bearer token",
                            headers={"WWW-Authenticate": "Bearer"})


ServicesDep = Annotated[Services, Depends(services_of)]
NOT_FOUND = {404: {"model": Problem, "description": "no such record or artifact"}}
router = APIRouter(dependencies=[Depends(require_token)], responses={
    401: {"model": Problem, "description": "missing or wrong bearer token"},
    500: {"model": Problem, "description": "stored data is damaged or missing"},
    503: {"model": Problem, "description": "database or object store unreachable; retry"},
})


def find_record(services: Services, record_id: str) -> DossierRecord:
    """The record, or a 404 that shows at most the first 64 characters of the id asked for."""
    record = services.repository.get(record_id) if RECORD_ID.match(record_id) else None
    if record is None:
        shown = record_id if len(record_id) <= SHOWN_ID_LENGTH else \
            f"{record_id[:SHOWN_ID_LENGTH]}… ({len(record_id)} characters)"
        raise HTTPException(404, f"no dossier record {shown}")
    return record


# -- routes ---------------------------------------------------------------------------------


@router.get("/records", response_model=RecordPage,
            responses={400: {"model": Problem, "description": "not a cursor this API gave"}})
def list_records(
    services: ServicesDep,
    status: Annotated[list[Status] | None, Query(description="any of these statuses")] = None,
    unit: Annotated[list[str] | None, Query(description="any of these units")] = None,
    station: Annotated[list[str] | None, Query(description="any of these stations")] = None,
    doc_type: Annotated[list[str] | None, Query(description="any of these types")] = None,
    since: Annotated[datetime | None, Query(description="created at or after (naive = UTC)")
                     ] = None,
    until: Annotated[datetime | None, Query(description="created before (naive = UTC)")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page",
                                        pattern=CURSOR_PATTERN, max_length=400)] = None,
    q: Annotated[str | None, Query(
        min_length=1, max_length=500,
        description="words the record's OCR text or field values must all hold, diacritics "
                    "and case ignored; results then come best match first")] = None,
) -> RecordPage:
    """Record summaries matching every filter, oldest first (with ``q``: best match
    first, each with a snippet), a page at a time."""
    where = RecordFilter(statuses=tuple(status or ()), units=tuple(unit or ()),
                         stations=tuple(station or ()), doc_types=tuple(doc_type or ()),
                         since=utc_query(since), until=utc_query(until))
    if q is not None:
        return search_page(services, q, where, cursor, limit)
    try:
        after = decode_cursor(cursor) if cursor else None
    except ValueError as error:
        raise HTTPException(400, str(error)) from error
    # One extra record tells whether another page exists, so the last page says so.
    records = services.repository.page_records(where, after, limit + 1)
    items = [RecordSummary.model_validate(record) for record in records[:limit]]
    more = len(records) > limit
    last = records[limit - 1] if more else None
    return RecordPage(items=items,
                      next_cursor=encode_cursor((last.created_at, last.id)) if last else None)


def search_page(services: Services, q: str, where: RecordFilter, cursor: str | None,
                limit: int) -> RecordPage:
    """One page of the records holding every word of ``q``, best match first."""
    try:
        offset = decode_search_cursor(cursor) if cursor else 0
    except ValueError as error:
        raise HTTPException(400, str(error)) from error
    hits = services.repository.search(q, where, offset, limit + 1)
    items = [RecordSummary.model_validate(hit.record).model_copy(update={"snippet": hit.snippet})
             for hit in hits[:limit]]
    more = len(hits) > limit
    return RecordPage(items=items, next_cursor=encode_search_cursor(offset + limit) if more
                      else None)


@router.get("/records/{record_id}", response_model=DossierDocument, responses=NOT_FOUND)
def get_record(services: ServicesDep, record_id: str) -> Response:
    """The record's extracted JSON document (contract §3), as stored."""
    record = find_record(services, record_id)
    # Sent as stored rather than re-serialised: keys added to the contract later survive.
    body = record_document_json(record, services.store, pipeline_version())
    return Response(content=body, media_type="application/json")


# The JSON artifact is the record's document (an object); every other type is plain bytes.
ARTIFACT_CONTENT = {t: {"schema": {"type": "object"} if t == "application/json" else
                        {"type": "string", "format": "binary"}} for t in ARTIFACT_TYPES}
ARTIFACT_RESPONSES = {
    **NOT_FOUND,
    200: {"description": "the artifact's bytes, with its content type",
          "content": ARTIFACT_CONTENT},
    206: {"description": "the byte range asked for (Content-Range says which)",
          "content": {t: {"schema": {"type": "string", "format": "binary"}}
                      for t in ARTIFACT_TYPES}},
    307: {"description": "only with a public S3 endpoint: a short-lived URL there"},
    416: {"model": Problem, "description": "the range lies past the artifact's end"},
}


@router.get("/records/{record_id}/artifacts/{name}", response_class=StreamingResponse,
            responses=ARTIFACT_RESPONSES)
def get_artifact(services: ServicesDep, request: Request, record_id: str,
                 name: Annotated[ArtifactName, Path(description="which artifact")],
                 range_header: Annotated[str | None, Header(
                     alias="Range", description="one range, e.g. bytes=0-65535")] = None,
                 ) -> Response:
    """One of the record's stored artifacts: its bytes (or one range of them), or with a
    public S3 endpoint a redirect to a short-lived read-only URL there."""
    record = find_record(services, record_id)
    key = getattr(record, ARTIFACT_COLUMNS[name])
    if key is None:
        raise HTTPException(404, f"dossier record {record_id} has no stored {name}")
    public = services.store.public_url(key, request.app.state.artifact_url_lifetime)
    if public is not None:
        return RedirectResponse(public, status_code=307)
    stored = services.store.stat(key)
    if stored is None:  # the record names it: lost data, not a wrong request
        raise ObjectNotFoundError(f"dossier record {record_id} names {name} {key}, "
                                  f"which is missing from the object store")
    span = byte_range(range_header, stored.size)
    return artifact_response(services, stored, span)


def artifact_response(services: Services, stored: StoredObject,
                      span: ByteRange | None) -> StreamingResponse:
    """Stream the object, or one range of it (206), with the headers a viewer relies on."""
    headers = {"Accept-Ranges": "bytes", "ETag": f'"{stored.sha256}"',
               "Content-Disposition": f'inline; filename="{stored.key.rsplit("/", 1)[-1]}"'}
    start, length = (span.start, span.length) if span else (0, stored.size)
    _stored, chunks = services.store.stream(stored.key, start, length)
    # The first chunk is read before answering: an object of one chunk (up to 1 MiB, most
    # JSON and text) found damaged is then a clean 500, not a 200 broken off.
    chunks = itertools.chain([next(chunks, b"")], chunks)
    headers["Content-Length"] = str(length)
    if span:
        headers["Content-Range"] = span.content_range(stored.size)
    return StreamingResponse(chunks, status_code=206 if span else 200, headers=headers,
                             media_type=stored.content_type)


# -- the app --------------------------------------------------------------------------------


def sohoa_error_response(_request: Request, error: Exception) -> JSONResponse:
    """A store or database failure: 503 when retrying may help, else 500; one sentence.

    Damaged stored data (a checksum that no longer holds) is a 500 saying so: a 503 would
    send clients into retries that can never succeed, and 409 or 4xx would blame the request.
    """
    message = error.message if isinstance(error, SohoaError) else str(error)
    if isinstance(error, DamagedObjectError):
        message = f"stored data is damaged, retrying will not help: {message}"
    retryable = getattr(error, "retryable", False)
    return JSONResponse({"detail": message}, status_code=503 if retryable else 500)


def create_app(services: Services,
               artifact_url_lifetime: timedelta = ARTIFACT_URL_LIFETIME) -> FastAPI:
    """The read API over ``services``' database and object store.

    Raises ConfigurationError when no API token is configured, and StorageError when the
    database cannot be reached, so a misconfigured API fails at start, not on first request.
    """
    token = required_token(services.settings)
    services.repository  # noqa: B018 - opening it checks the database now
    app = FastAPI(title="sohoa read API", version=pipeline_version(),
                  description="Read-only access to digitized dossier records.")
    app.state.services = services
    app.state.token = token.encode()
    app.state.artifact_url_lifetime = artifact_url_lifetime
    app.add_exception_handler(SohoaError, sohoa_error_response)
    app.include_router(router)
    from interfaces.api_dossiers import router as dossiers_router  # it imports this module

    app.include_router(dossiers_router)
    install_review_page(app, services)  # /review: operators log in there (no bearer token)
    return app
