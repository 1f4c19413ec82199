"""Patients as versioned records: create, add or correct findings, recompute the stored assessment.

Each function works inside the caller's transaction (a Session); the caller commits or rolls back as
one unit, so a failure leaves no partial record. Writes are audited in the same transaction.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from allnav.errors import CaseValidationError, ConflictError, FieldProblem, UsageError
from allnav.services.clinical import ClinicalCore
from allnav.store import audit, records
from allnav.store.audit import Actor
from allnav.store.models import Assessment, Patient, RecordVersion, utcnow
from allnav.store.users import team

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def recompute(session: Session, core: ClinicalCore, patient: Patient) -> Assessment:
    """Assess the patient's current case file and store it with the versions that produced it."""
    case = records.assemble_case(patient, records.current_records(session, patient.id))
    output = core.assess(case)
    row = Assessment(
        patient_id=patient.id,
        case_version=patient.version,
        allnav_version=str(output.get("allnav_version", "")),
        knowledge_version=str(output.get("knowledge_version", "")),
        output=output,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def _split_case(case: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    """(kind, record_key, payload) for each section, timeline entry and medication of a case file."""
    items: list[tuple[str, str, Any]] = []
    problems = [
        FieldProblem(path=key, message="unknown case-file section", accepted=", ".join(records.SECTIONS))
        for key in case
        if key not in records.SECTIONS and key not in ("timeline", "medications")
    ]
    if problems:
        raise CaseValidationError("the case file has unknown sections", problems)
    for key, value in case.items():
        if key == "timeline":
            items += [("timeline", records.record_key_for("timeline", None), e) for e in value or []]
        elif key == "medications":
            items += [("medication", records.record_key_for("medication", None), m) for m in value or []]
        else:
            items.append(("section", f"section:{key}", value))
    return items


def create_patient(
    session: Session,
    core: ClinicalCore,
    actor: Actor,
    *,
    name: str,
    team_name: str,
    patient_id: str | None = None,
    case: Mapping[str, Any] | None = None,
) -> tuple[Patient, Assessment]:
    """Create a patient (optionally from a whole case file) and store the first assessment."""
    pid = patient_id or f"p-{uuid.uuid4().hex[:12]}"
    if not _ID.match(pid):
        raise UsageError("a patient id is 1-128 letters, digits, '.', '_' or '-'")
    if session.get(Patient, pid) is not None:
        raise ConflictError(f"a patient {pid!r} already exists")
    given = dict(case or {})
    given["patient"] = {**dict(given.get("patient") or {}), "id": pid}
    core.assess(given)  # validates the whole case file before anything is stored
    now = utcnow()
    patient = Patient(
        id=pid,
        name=name.strip(),
        team_id=team(session, team_name).id,
        version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(patient)
    session.flush()
    for kind, key, payload in _split_case(given):
        records.add_record(
            session, pid, 1, kind=kind, record_key=key, payload=payload, author_id=actor.user_id
        )
    audit.record(session, actor, "write", "patient", patient_id=pid, detail="created")
    return patient, recompute(session, core, patient)


def write_record(
    session: Session,
    core: ClinicalCore,
    actor: Actor,
    patient_id: str,
    *,
    expected_version: int,
    kind: str,
    payload: Any = None,
    section: str | None = None,
    record_key: str | None = None,
    retract: bool = False,
    reason: str | None = None,
    valid_at: datetime | None = None,
) -> tuple[RecordVersion, Assessment]:
    """Add a record, or correct/retract one (``record_key``), if the patient is still at ``expected_version``.

    Raises ConflictError when another write got there first, CaseValidationError when the resulting case
    file is invalid (nothing is then stored).
    """
    if record_key is None:
        if retract:
            raise UsageError("retracting needs the record_key of the record")
        record_key = records.record_key_for(kind, section)
    elif kind == "section" and record_key != records.record_key_for("section", record_key.partition(":")[2]):
        raise UsageError(f"{record_key!r} is not a case-file section record")
    elif kind != "section" and not records.record_exists(session, patient_id, record_key):
        raise UsageError(f"no {kind} record {record_key!r} to correct")
    if kind == "section" and record_key == "section:patient" and retract:
        raise UsageError("the patient section cannot be retracted")
    version = records.bump_version(session, patient_id, expected_version)
    row = records.add_record(
        session,
        patient_id,
        version,
        kind=kind,
        record_key=record_key,
        payload=payload,
        retracted=retract,
        author_id=actor.user_id,
        valid_at=valid_at,
        reason=reason,
    )
    patient = records.get_patient(session, patient_id)
    detail = f"{'retracted' if retract else 'wrote'} {record_key} v{row.version}"
    audit.record(session, actor, "write", kind, patient_id=patient_id, detail=detail)
    return row, recompute(session, core, patient)


def current_case(session: Session, patient: Patient) -> dict[str, Any]:
    """The patient's current case file."""
    return records.assemble_case(patient, records.current_records(session, patient.id))


def latest_assessment(session: Session, patient_id: str) -> Assessment | None:
    """The newest stored assessment of the patient."""
    return session.scalars(
        select(Assessment).where(Assessment.patient_id == patient_id).order_by(Assessment.id.desc()).limit(1)
    ).first()


def list_patients(
    session: Session, *, team_id: int | None = None, query: str | None = None, limit: int = 100
) -> Sequence[Patient]:
    """Patients (of one team when given) whose name or id contains ``query``."""
    stmt = select(Patient).order_by(Patient.name, Patient.id).limit(limit)
    if team_id is not None:
        stmt = stmt.where(Patient.team_id == team_id)
    if query:
        like = f"%{query.lower()}%"
        stmt = stmt.where(or_(func.lower(Patient.name).like(like), func.lower(Patient.id).like(like)))
    return session.scalars(stmt).all()
