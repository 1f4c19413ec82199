"""``/api/patients``: list/search, create, read, history, stored assessment, explanation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from allnav.api.deps import DB, Core, actor_of
from allnav.api.policy import Action, Grant, patient_access, require
from allnav.errors import NotFoundError, UsageError
from allnav.services import patients as svc
from allnav.services.views import assessment_view, patient_view, record_view
from allnav.store import audit, records
from allnav.store.users import team_name

router = APIRouter(tags=["patients"])

Read = Annotated[Grant, Depends(patient_access(Action.PATIENT_READ))]


class PatientCreate(BaseModel):
    """A new patient in the creating clinician's team, optionally with a whole case file."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    id: str | None = Field(
        default=None, min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
    )
    case: dict[str, Any] | None = None


@router.get("/api/patients")
def list_patients(
    request: Request,
    session: DB,
    grant: Annotated[Grant, Depends(require(Action.PATIENT_LIST))],
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, Any]:
    """The patients of the clinician's team, optionally filtered by name or id."""
    team_id = grant.user.team_id
    found = svc.list_patients(session, team_id=team_id if team_id is not None else -1, query=q)
    audit.record(
        session, actor_of(request, grant.user), "read", "GET /api/patients", detail=f"{len(found)} listed"
    )
    team = team_name(session, team_id)
    return {"patients": [patient_view(p, team) for p in found]}


@router.post("/api/patients", status_code=201)
def create_patient(
    request: Request,
    response: Response,
    body: PatientCreate,
    session: DB,
    core: Core,
    grant: Annotated[Grant, Depends(require(Action.PATIENT_CREATE))],
) -> dict[str, Any]:
    """Create a patient; with ``case`` the case file's sections become the first record versions."""
    team = team_name(session, grant.user.team_id)
    if team is None:
        raise UsageError("a clinician without a team cannot create patients")
    patient, assessment = svc.create_patient(
        session,
        core,
        actor_of(request, grant.user),
        name=body.name,
        team_name=team,
        patient_id=body.id,
        case=body.case,
    )
    response.headers["ETag"] = f'"{patient.version}"'
    return {"patient": patient_view(patient, team), "assessment": assessment_view(assessment)}


@router.get("/api/patients/{patient_id}")
def read_patient(session: DB, grant: Read, response: Response) -> dict[str, Any]:
    """The patient, their current case file and the version to send back with a change."""
    assert grant.patient is not None
    response.headers["ETag"] = f'"{grant.patient.version}"'
    return {
        "patient": patient_view(grant.patient, team_name(session, grant.patient.team_id)),
        "case": svc.current_case(session, grant.patient),
    }


@router.get("/api/patients/{patient_id}/history")
def history(session: DB, grant: Read) -> dict[str, Any]:
    """Every version of every record (corrections included, nothing overwritten)."""
    assert grant.patient is not None
    rows = records.all_versions(session, grant.patient.id)
    return {
        "patient_id": grant.patient.id,
        "version": grant.patient.version,
        "records": [record_view(r) for r in rows],
    }


def _assessment(session: DB, grant: Grant) -> dict[str, Any]:
    assert grant.patient is not None
    row = svc.latest_assessment(session, grant.patient.id)
    if row is None:
        raise NotFoundError("no assessment stored for this patient yet")
    return assessment_view(row)


@router.get("/api/patients/{patient_id}/assessment")
def assessment(session: DB, grant: Read) -> dict[str, Any]:
    """The stored assessment of the current case version, with the allnav and knowledge versions."""
    return _assessment(session, grant)


@router.get("/api/patients/{patient_id}/explanation")
def explanation(session: DB, core: Core, grant: Read) -> dict[str, Any]:
    """The stored assessment as readable text: each conclusion with its reasons and sources."""
    stored = _assessment(session, grant)
    return {"case_version": stored["case_version"], "text": core.explain(stored["output"])}
