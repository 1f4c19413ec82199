"""Admin only: ``/api/users`` (list, create) and ``/api/audit`` (the append-only log)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from allnav.api.deps import DB, actor_of
from allnav.api.policy import Action, Grant, require
from allnav.services.views import audit_view, user_view
from allnav.store import audit
from allnav.store.users import create_user, list_users, team_name

router = APIRouter(tags=["admin"])

Admin = Annotated[Grant, Depends(require(Action.USER_ADMIN))]


class UserCreate(BaseModel):
    """A new user; clinicians need a team, patient users the id of their record."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=8, max_length=256)
    role: Literal["clinician", "patient", "registrar", "admin"]
    team: str | None = Field(default=None, min_length=1, max_length=120)
    patient_id: str | None = Field(default=None, min_length=1, max_length=128)


@router.get("/api/users")
def users(session: DB, _: Admin) -> dict[str, Any]:
    """All users (never their password hashes)."""
    return {"users": [user_view(u, team_name(session, u.team_id)) for u in list_users(session)]}


@router.post("/api/users", status_code=201)
def add_user(request: Request, body: UserCreate, session: DB, grant: Admin) -> dict[str, Any]:
    """Create a user."""
    user = create_user(
        session, body.email, body.role, body.password, team_name=body.team, patient_id=body.patient_id
    )
    audit.record(session, actor_of(request, grant.user), "write", "POST /api/users", detail=f"user {user.id}")
    return user_view(user, body.team)


@router.get("/api/audit")
def audit_log(
    session: DB,
    _: Annotated[Grant, Depends(require(Action.AUDIT_READ))],
    patient_id: Annotated[str | None, Query(max_length=128)] = None,
    action: Annotated[Literal["read", "write", "denied", "login"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, Any]:
    """Audit rows, newest first."""
    rows = audit.entries(session, patient_id=patient_id, action=action, limit=limit)
    return {"entries": [audit_view(r) for r in rows]}
