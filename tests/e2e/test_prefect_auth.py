"""The Prefect server the suite runs against requires credentials, as production does: a
call without them is refused, while flows (with the client's PREFECT_API_AUTH_STRING) run and
publish their record artifacts, which link to the read API and never to presigned or file://
URLs."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.artifacts import publish_record_artifact, record_artifact_key
from flows.local_server import basic_header
from schemas.document import Artifacts, DossierDocument, SourceInfo
from schemas.status import DigitizationStatus as Status

PUBLIC_API = "https://sohoa.example.vn/api"
# What an outsider would ask for: runs, artifacts (personal data) and the deployment that
# marks records verified.
GUARDED = [("POST", "/flow_runs/filter"), ("POST", "/artifacts/filter"),
           ("POST", "/deployments/filter"), ("GET", "/admin/version")]


def status_of(url: str, method: str, authorization: str | None) -> int:
    """The HTTP status the server answers, with or without an Authorization header."""
    body = b"{}" if method == "POST" else None
    request = urllib.request.Request(url, data=body, method=method,
                                     headers={"Content-Type": "application/json"})
    if authorization:
        request.add_header("Authorization", authorization)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize(("method", "path"), GUARDED)
def test_the_prefect_api_refuses_calls_without_credentials(
        prefect_api_url: str, method: str, path: str) -> None:
    url = prefect_api_url + path
    auth = os.environ["PREFECT_API_AUTH_STRING"]

    assert status_of(url, method, None) == 401
    assert status_of(url, method, basic_header("sohoa-test:a-guessed-password-0")) == 401
    assert status_of(url, method, basic_header(auth)) == 200
    assert status_of(f"{prefect_api_url}/health", "GET", None) == 200  # probes stay open


def digitized_document() -> DossierDocument:
    return DossierDocument(
        record_id="0b9e4f5c-7d1a-4c55-9a51-3f1f2b8f6a10",
        source=SourceInfo(filename="khai-sinh.pdf", sha256="0" * 64, station="mot-cua-01",
                          unit="UBND xã Thạch Hạ", size_bytes=1000),
        status=Status.DIGITIZED, doc_type="birth_registration",
        artifacts=Artifacts(original="originals/2026/11/x/original.pdf",
                            searchable_pdf="pdf/2026/11/0b9e4f5c.pdf"),
        processed_at=datetime(2026, 11, 28, 9, 30, tzinfo=UTC), pipeline_version="sohoa test")


@flow
def publish(document_json: str) -> None:
    publish_record_artifact(DossierDocument.model_validate_json(document_json), PUBLIC_API)


def test_a_flow_runs_with_credentials_and_its_artifact_links_to_the_api(
        prefect_api_url: str) -> None:
    """GIVEN the authenticated server WHEN a flow publishes a record's artifact THEN the run
    completes and the artifact links the PDF through the read API (no presigned URL,
    no file:// path)."""
    document = digitized_document()

    with temporary_settings({PREFECT_API_URL: prefect_api_url}):
        state = publish(document.model_dump_json(), return_state=True)
        assert state.is_completed(), state
        with get_client(sync_client=True) as client:
            artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=[record_artifact_key(document.record_id)])))

    markdown = json.dumps([artifact.data for artifact in artifacts])
    assert artifacts and all(artifact.flow_run_id == state.state_details.flow_run_id
                             for artifact in artifacts)
    assert f"{PUBLIC_API}/records/{document.record_id}/artifacts/searchable_pdf" in markdown
    assert "X-Amz-" not in markdown and "file://" not in markdown
