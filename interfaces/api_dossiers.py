"""The read API's dossiers (contract §6) and people (§7): downstream systems find a dossier
by code or by unit, station, dates and state, and a person's papers by ID number.

Same bearer token as /records (``interfaces.api.require_token``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import BaseModel, Field

from interfaces.api import MAX_PAGE_SIZE, Problem, RecordSummary, ServicesDep, require_token
from office.dossiers import papers_of, stored_dossier
from schemas.codes import DOSSIER_CODE, is_dossier_code
from schemas.dossier import Dossier, DossierJson

router = APIRouter(dependencies=[Depends(require_token)], responses={
    401: {"model": Problem, "description": "missing or wrong bearer token"},
    503: {"model": Problem, "description": "database unreachable; retry"},
})
ID_NUMBER = r"^(\d{9}|\d{12})$"  # CMND (9 digits) or CCCD / personal ID (12)


class DossierSummary(BaseModel):
    """A dossier as listings show it."""

    model_config = {"from_attributes": True}

    code: str
    unit: str
    station: str
    procedure: str | None
    applicant_name: str | None
    received_at: str | None
    receipt_id: str | None
    digitized: bool
    has_electronic_result: bool


class DossierPage(BaseModel):
    """One page of the dossiers listing."""

    items: list[DossierSummary]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null "
                                                "on the last page")


class PersonPapersView(BaseModel):
    """A person's digitized papers (contract §7): records and dossiers, newest first."""

    id_number: str
    records: list[RecordSummary]
    dossiers: list[DossierSummary]


@router.get("/dossiers", response_model=DossierPage)
def list_dossiers(
    services: ServicesDep,
    unit: Annotated[list[str] | None, Query(description="any of these units")] = None,
    station: Annotated[list[str] | None, Query(description="any of these stations")] = None,
    received_from: Annotated[str | None, Query(
        description="received at or after (YYYY-MM-DD or YYYY-MM-DDTHH:MM, office time)",
        pattern=r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$")] = None,
    received_until: Annotated[str | None, Query(
        description="received before", pattern=r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$")] = None,
    digitized: Annotated[bool | None, Query(description="only digitized (true) or not")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 100,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page",
                                        pattern=f"^{DOSSIER_CODE.pattern}$")] = None,
) -> DossierPage:
    """Dossiers matching every filter, by code, a page at a time."""
    found = services.dossiers.list_dossiers(
        units=tuple(unit or ()), stations=tuple(station or ()), received_from=received_from,
        received_until=received_until, digitized=digitized, after=cursor, limit=limit + 1)
    items = [summary(d) for d in found[:limit]]
    return DossierPage(items=items, next_cursor=found[limit - 1].code
                       if len(found) > limit else None)


@router.get("/dossiers/{code}", response_model=DossierJson,
            responses={404: {"model": Problem, "description": "no such dossier"}})
def get_dossier(services: ServicesDep, code: str) -> DossierJson:
    """The dossier document (contract §6) as its records make it now."""
    document = stored_dossier(services, code) if is_dossier_code(code) else None
    if document is None:
        raise HTTPException(404, f"no dossier {code[:40]}")
    return document


@router.get("/people/{id_number}", response_model=PersonPapersView,
            responses={422: {"model": Problem, "description": "not an ID number"}})
def get_person(services: ServicesDep, id_number: Annotated[str, Path(pattern=ID_NUMBER)]
               ) -> PersonPapersView:
    """Every record and dossier that names this ID number, newest first: the papers a
    citizen need not hand in again."""
    papers = papers_of(services, id_number)
    return PersonPapersView(id_number=id_number,
                            records=[RecordSummary.model_validate(r) for r in papers.records],
                            dossiers=[summary(d) for d in papers.dossiers])


def summary(dossier: Dossier) -> DossierSummary:
    """A dossier row as the listings show it."""
    return DossierSummary.model_validate(dossier)
