"""The append-only audit log: rows are only ever inserted (triggers refuse UPDATE/DELETE)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from allnav.store.models import AUDIT_ACTIONS, AuditEntry, utcnow


@dataclass(frozen=True)
class Actor:
    """Who acts: the authenticated user (or an anonymous caller) and where from."""

    user_id: int | None
    email: str | None
    role: str | None
    client: str | None = None


def record(
    session: Session,
    actor: Actor,
    action: str,
    resource: str,
    *,
    patient_id: str | None = None,
    detail: str | None = None,
) -> AuditEntry:
    """Append one audit row in the caller's transaction."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(
        user_id=actor.user_id,
        user_email=actor.email,
        role=actor.role,
        action=action,
        resource=resource[:200],
        patient_id=patient_id,
        client=(actor.client or None) and actor.client[:64],
        detail=detail,
        at=utcnow(),
    )
    session.add(entry)
    session.flush()
    return entry


def entries(
    session: Session,
    *,
    patient_id: str | None = None,
    action: str | None = None,
    limit: int = 200,
) -> Sequence[AuditEntry]:
    """Audit rows, newest first, optionally for one patient and/or one action."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if patient_id is not None:
        query = query.where(AuditEntry.patient_id == patient_id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return session.scalars(query).all()
