"""Versioned patient records: every write is a new row; the current case file is assembled from heads.

A *record* is identified by ``record_key`` within a patient: ``section:<name>`` for a case-file section,
``timeline:<uuid>`` for a timeline entry, ``medication:<uuid>`` for a medication. Each write bumps the
patient's ``version`` with a compare-and-set (optimistic concurrency) in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from allnav.errors import ConflictError, NotFoundError, UsageError
from allnav.store.models import Patient, RecordVersion, utcnow

SECTIONS = (
    "patient",
    "presentation",
    "blood",
    "marrow",
    "immunophenotype",
    "reported_lineage",
    "karyotype",
    "genetics",
    "csf",
    "labs",
    "as_of_day",
    "prior_anthracyclines",
    "pharmacogenomics",
    "crs_icans",
)
LIST_KINDS = {"timeline": "timeline", "medication": "medications"}


def get_patient(session: Session, patient_id: str) -> Patient:
    """The patient row, or NotFoundError."""
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise NotFoundError(f"no patient {patient_id!r}")
    return patient


def bump_version(session: Session, patient_id: str, expected: int) -> int:
    """Compare-and-set the patient's version from ``expected`` to ``expected + 1``; ConflictError if stale."""
    result = session.execute(
        update(Patient)
        .where(Patient.id == patient_id, Patient.version == expected)
        .values(version=Patient.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        current = get_patient(session, patient_id)
        session.refresh(current)
        raise ConflictError(
            f"patient {patient_id!r} is at version {current.version}, not {expected}: "
            "reload the record and apply your change again"
        )
    patient = get_patient(session, patient_id)
    session.refresh(patient)
    return patient.version


def record_key_for(kind: str, section: str | None) -> str:
    """A key for a new record: the section's fixed key, or a fresh id for a timeline entry / medication."""
    if kind == "section":
        if section not in SECTIONS:
            raise UsageError(f"unknown case-file section {section!r}; one of {', '.join(SECTIONS)}")
        return f"section:{section}"
    if kind in LIST_KINDS:
        return f"{kind}:{uuid.uuid4().hex[:16]}"
    raise UsageError(f"unknown record kind {kind!r}")


def add_record(
    session: Session,
    patient_id: str,
    case_version: int,
    *,
    kind: str,
    record_key: str,
    payload: Any,
    retracted: bool = False,
    author_id: int | None = None,
    valid_at: datetime | None = None,
    reason: str | None = None,
) -> RecordVersion:
    """Append a new version of ``record_key``, superseding its current head (if any)."""
    if not record_key.startswith(f"{kind}:"):
        raise UsageError(f"record {record_key!r} is not a {kind} record")
    head = session.scalars(
        select(RecordVersion)
        .where(RecordVersion.patient_id == patient_id, RecordVersion.record_key == record_key)
        .order_by(RecordVersion.version.desc())
        .limit(1)
    ).first()
    if head is None and retracted:
        raise NotFoundError(f"no record {record_key!r} to retract")
    row = RecordVersion(
        patient_id=patient_id,
        record_key=record_key,
        kind=kind,
        section=record_key.split(":", 1)[1] if kind == "section" else None,
        payload=None if retracted else payload,
        retracted=retracted,
        version=1 if head is None else head.version + 1,
        case_version=case_version,
        supersedes_id=None if head is None else head.id,
        valid_at=valid_at,
        entered_at=utcnow(),
        author_id=author_id,
        reason=reason,
    )
    session.add(row)
    session.flush()
    return row


def record_exists(session: Session, patient_id: str, record_key: str) -> bool:
    """Whether any version of ``record_key`` exists for the patient."""
    count = session.scalar(
        select(func.count())
        .select_from(RecordVersion)
        .where(RecordVersion.patient_id == patient_id, RecordVersion.record_key == record_key)
    )
    return bool(count)


def all_versions(session: Session, patient_id: str) -> Sequence[RecordVersion]:
    """Every version of every record of the patient, oldest first (the visible history)."""
    return session.scalars(
        select(RecordVersion).where(RecordVersion.patient_id == patient_id).order_by(RecordVersion.id)
    ).all()


def current_records(session: Session, patient_id: str) -> list[RecordVersion]:
    """The head version of each record, retracted records left out."""
    heads: dict[str, RecordVersion] = {}
    for row in all_versions(session, patient_id):
        if row.record_key not in heads or row.version > heads[row.record_key].version:
            heads[row.record_key] = row
    return [row for row in heads.values() if not row.retracted]


def _sort_key(row: RecordVersion) -> tuple[int, str, int]:
    payload = row.payload if isinstance(row.payload, dict) else {}
    day = payload.get("day")
    return (day if isinstance(day, int) else 10**9, str(payload.get("date") or ""), row.id)


def assemble_case(patient: Patient, records: Sequence[RecordVersion]) -> dict[str, Any]:
    """The patient's current case file (contract section 3) built from the head records."""
    case: dict[str, Any] = {}
    lists: dict[str, list[RecordVersion]] = {name: [] for name in LIST_KINDS.values()}
    for row in records:
        if row.kind == "section" and row.section:
            case[row.section] = row.payload
        elif row.kind in LIST_KINDS:
            lists[LIST_KINDS[row.kind]].append(row)
    for name, rows in lists.items():
        if rows:
            case[name] = [r.payload for r in sorted(rows, key=_sort_key)]
    person = dict(case.get("patient") or {})
    person["id"] = patient.id
    case["patient"] = person
    return case
