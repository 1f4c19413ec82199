"""``/api/patients/{id}/findings`` and ``/medications``: add, correct or retract with a version check."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from allnav.api.deps import DB, Core, actor_of
from allnav.api.policy import Action, Grant, check_entry, patient_access
from allnav.errors import UsageError
from allnav.services import patients as svc
from allnav.services.views import assessment_view, record_view
from allnav.store import records

router = APIRouter(tags=["findings"])


class _Write(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expected_version: int | None = Field(
        default=None, ge=0, description="the patient version read (or If-Match)"
    )
    record_key: str | None = Field(
        default=None, max_length=80, description="the record to correct or retract"
    )
    payload: Any = None
    retract: bool = False
    reason: str | None = Field(default=None, max_length=500)
    valid_at: datetime | None = None


class FindingWrite(_Write):
    """A case-file section (``kind=section`` + ``section``) or a timeline entry (``kind=timeline``)."""

    kind: Literal["section", "timeline"]
    section: str | None = Field(default=None, max_length=40)


class MedicationWrite(_Write):
    """One medication given or ordered (contract section 3, ``medications``)."""


def expected(if_match: str | None, body: _Write) -> int:
    """The version the caller read: the If-Match header (``"3"``) or ``expected_version``."""
    if if_match is not None:
        text = if_match.strip().removeprefix("W/").strip('"')
        if not text.isdigit():
            raise UsageError('If-Match must be the patient version, e.g. "3"')
        return int(text)
    if body.expected_version is None:
        raise UsageError("send the patient version you read: If-Match header or expected_version")
    return body.expected_version


def _written(response: Response, row: Any, assessment: Any) -> dict[str, Any]:
    response.headers["ETag"] = f'"{row.case_version}"'
    return {
        "record": record_view(row),
        "patient_version": row.case_version,
        "assessment": assessment_view(assessment),
    }


@router.post("/api/patients/{patient_id}/findings", status_code=201)
def write_finding(
    request: Request,
    response: Response,
    body: FindingWrite,
    session: DB,
    core: Core,
    grant: Annotated[Grant, Depends(patient_access(Action.FINDING_WRITE))],
    if_match: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Add or correct a finding; a stale version gives 409, an invalid case 422 (nothing stored)."""
    assert grant.patient is not None
    check_entry(request, session, grant, body.kind, body.record_key, body.payload)
    row, assessment = svc.write_record(
        session,
        core,
        actor_of(request, grant.user),
        grant.patient.id,
        expected_version=expected(if_match, body),
        kind=body.kind,
        section=body.section,
        record_key=body.record_key,
        payload=body.payload,
        retract=body.retract,
        reason=body.reason,
        valid_at=body.valid_at,
    )
    return _written(response, row, assessment)


@router.post("/api/patients/{patient_id}/medications", status_code=201)
def write_medication(
    request: Request,
    response: Response,
    body: MedicationWrite,
    session: DB,
    core: Core,
    grant: Annotated[Grant, Depends(patient_access(Action.MEDICATION_WRITE))],
    if_match: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Add, correct or retract a medication."""
    assert grant.patient is not None
    row, assessment = svc.write_record(
        session,
        core,
        actor_of(request, grant.user),
        grant.patient.id,
        expected_version=expected(if_match, body),
        kind="medication",
        record_key=body.record_key,
        payload=body.payload,
        retract=body.retract,
        reason=body.reason,
        valid_at=body.valid_at,
    )
    return _written(response, row, assessment)


def _current(session: DB, grant: Grant, kinds: set[str]) -> dict[str, Any]:
    assert grant.patient is not None
    rows = [r for r in records.current_records(session, grant.patient.id) if r.kind in kinds]
    return {"version": grant.patient.version, "records": [record_view(r) for r in rows]}


@router.get("/api/patients/{patient_id}/findings")
def list_findings(
    session: DB, grant: Annotated[Grant, Depends(patient_access(Action.PATIENT_READ))]
) -> dict[str, Any]:
    """The current version of each section and timeline entry."""
    return _current(session, grant, {"section", "timeline"})


@router.get("/api/patients/{patient_id}/medications")
def list_medications(
    session: DB, grant: Annotated[Grant, Depends(patient_access(Action.PATIENT_READ))]
) -> dict[str, Any]:
    """The current version of each medication."""
    return _current(session, grant, {"medication"})
