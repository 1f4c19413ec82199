"""Access control in one place: which role may do what, and to which patient.

``POLICY`` maps every action to the roles allowed; ``SCOPE`` says, per role, which patients a user may
touch. Routes declare their action through :func:`require` or :func:`patient_access`; they never check
roles themselves. Every grant on patient data is audited as ``read`` (writes are audited by the services
in the write's own transaction); every refusal is audited as ``denied`` in a transaction of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NoReturn

from fastapi import Request
from sqlalchemy.orm import Session

from allnav.api.deps import DB, CurrentUser, actor_of
from allnav.errors import PermissionDeniedError
from allnav.store import audit, records
from allnav.store.models import Patient, User


class Action(StrEnum):
    ASSESS = "assess"
    PATIENT_LIST = "patient.list"
    PATIENT_CREATE = "patient.create"
    PATIENT_READ = "patient.read"
    FINDING_WRITE = "finding.write"
    MEDICATION_WRITE = "medication.write"
    USER_ADMIN = "user.admin"
    AUDIT_READ = "audit.read"
    REGISTRY_READ = "registry.read"
    ME = "me"


POLICY: Mapping[Action, frozenset[str]] = {
    Action.ASSESS: frozenset({"clinician", "registrar"}),
    Action.PATIENT_LIST: frozenset({"clinician"}),
    Action.PATIENT_CREATE: frozenset({"clinician"}),
    Action.PATIENT_READ: frozenset({"clinician", "patient"}),
    Action.FINDING_WRITE: frozenset({"clinician", "patient"}),
    Action.MEDICATION_WRITE: frozenset({"clinician"}),
    Action.USER_ADMIN: frozenset({"admin"}),
    Action.AUDIT_READ: frozenset({"admin"}),
    Action.REGISTRY_READ: frozenset({"registrar"}),
    Action.ME: frozenset({"clinician", "patient", "registrar", "admin"}),
}

SCOPE: Mapping[str, Callable[[User, Patient], bool]] = {
    "clinician": lambda user, patient: user.team_id is not None and user.team_id == patient.team_id,
    "patient": lambda user, patient: user.patient_id == patient.id,
}

# What a patient may log about themself: symptoms, temperature and home blood counts, as timeline entries.
PATIENT_ENTRY_KEYS = frozenset({"day", "date", "vitals", "events", "blood", "note"})
PATIENT_BLOOD_KEYS = frozenset({"wbc", "anc", "hemoglobin", "platelets"})


@dataclass(frozen=True)
class Grant:
    """The outcome of a successful check: who may do what (and to which patient)."""

    user: User
    action: Action
    patient: Patient | None = None


def deny(
    request: Request, session: Session, user: User | None, resource: str, patient_id: str | None, why: str
) -> NoReturn:
    """Audit a refusal (committed at once: the request's own work is dropped) and raise 403."""
    session.rollback()
    audit.record(session, actor_of(request, user), "denied", resource, patient_id=patient_id, detail=why)
    session.commit()
    raise PermissionDeniedError(why)


def _resource(request: Request) -> str:
    route = request.scope.get("route")
    path = getattr(route, "path", request.url.path)
    return f"{request.method} {path}"


def authorize(request: Request, session: Session, user: User, action: Action) -> Grant:
    """Role check for ``action`` (not tied to one patient); refusals audited and raised."""
    if user.role not in POLICY[action]:
        deny(request, session, user, _resource(request), None, f"role {user.role} may not {action}")
    return Grant(user, action)


def require(action: Action) -> Callable[..., Grant]:
    """A dependency that lets through only the roles allowed ``action``."""

    def check(request: Request, user: CurrentUser, session: DB) -> Grant:
        return authorize(request, session, user, action)

    return check


def authorize_patient(
    request: Request, session: Session, user: User, action: Action, patient_id: str
) -> Grant:
    """Role, then scope, for ``action`` on one patient; reads (GET) audited, refusals audited and raised."""
    resource = _resource(request)
    if user.role not in POLICY[action]:
        deny(request, session, user, resource, patient_id, f"role {user.role} may not {action}")
    patient = session.get(Patient, patient_id)
    if patient is None or not SCOPE[user.role](user, patient):
        # Same answer whether the record exists or not, so ids cannot be probed.
        deny(request, session, user, resource, patient_id, f"{action} outside the user's patients")
    if request.method == "GET":
        audit.record(session, actor_of(request, user), "read", resource, patient_id=patient_id)
    return Grant(user, action, patient)


def patient_access(action: Action) -> Callable[..., Grant]:
    """A dependency for routes under ``/api/patients/{patient_id}``: role, then scope; reads audited."""

    def check(request: Request, user: CurrentUser, session: DB, patient_id: str) -> Grant:
        return authorize_patient(request, session, user, action, patient_id)

    return check


def check_entry(
    request: Request, session: Session, grant: Grant, kind: str, record_key: str | None, payload: Any
) -> None:
    """Patients may only add or correct their own symptom / temperature / home-count timeline entries."""
    if grant.user.role != "patient":
        return
    assert grant.patient is not None
    why = _patient_entry_problem(session, grant, kind, record_key, payload)
    if why:
        deny(request, session, grant.user, _resource(request), grant.patient.id, why)


def _patient_entry_problem(
    session: Session, grant: Grant, kind: str, record_key: str | None, payload: Any
) -> str | None:
    if kind != "timeline":
        return "patients may only add timeline entries (symptoms, temperature, home counts)"
    if not isinstance(payload, dict) or not set(payload) <= PATIENT_ENTRY_KEYS:
        return f"a patient entry may only contain {', '.join(sorted(PATIENT_ENTRY_KEYS))}"
    blood = payload.get("blood") or {}
    if not isinstance(blood, dict) or not set(blood) <= PATIENT_BLOOD_KEYS:
        return f"home counts are limited to {', '.join(sorted(PATIENT_BLOOD_KEYS))}"
    if record_key is not None:
        assert grant.patient is not None
        authors = {
            r.author_id for r in records.all_versions(session, grant.patient.id) if r.record_key == record_key
        }
        if authors != {grant.user.id}:
            return "patients may only correct their own entries"
    return None
