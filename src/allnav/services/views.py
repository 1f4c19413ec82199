"""JSON shapes of stored objects (the API and the web pages render these)."""

from __future__ import annotations

from typing import Any

from allnav.store.models import Assessment, AuditEntry, Patient, RecordVersion, User


def record_view(row: RecordVersion) -> dict[str, Any]:
    """One record version, with its place in the history."""
    return {
        "id": row.id,
        "record_key": row.record_key,
        "kind": row.kind,
        "section": row.section,
        "version": row.version,
        "case_version": row.case_version,
        "supersedes": row.supersedes_id,
        "retracted": row.retracted,
        "payload": row.payload,
        "valid_at": row.valid_at.isoformat() if row.valid_at else None,
        "entered_at": row.entered_at.isoformat(),
        "author_id": row.author_id,
        "reason": row.reason,
    }


def patient_view(patient: Patient, team: str | None) -> dict[str, Any]:
    """The identified patient summary (care team and the patient themself)."""
    return {
        "id": patient.id,
        "name": patient.name,
        "team": team,
        "version": patient.version,
        "updated_at": patient.updated_at.isoformat(),
    }


def assessment_view(row: Assessment) -> dict[str, Any]:
    """A stored assessment with the versions that produced it."""
    return {
        "id": row.id,
        "patient_id": row.patient_id,
        "case_version": row.case_version,
        "allnav_version": row.allnav_version,
        "knowledge_version": row.knowledge_version,
        "created_at": row.created_at.isoformat(),
        "output": row.output,
    }


def user_view(user: User, team: str | None) -> dict[str, Any]:
    """A user without the password hash."""
    return {
        "id": user.id,
        "email": user.email,
        "role": user.role,
        "team": team,
        "patient_id": user.patient_id,
        "active": user.active,
    }


def audit_view(row: AuditEntry) -> dict[str, Any]:
    """One audit row."""
    return {
        "id": row.id,
        "at": row.at.isoformat(),
        "user_id": row.user_id,
        "user_email": row.user_email,
        "role": row.role,
        "action": row.action,
        "resource": row.resource,
        "patient_id": row.patient_id,
        "client": row.client,
        "detail": row.detail,
    }
