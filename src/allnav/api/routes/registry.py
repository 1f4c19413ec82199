"""``GET /api/registry``: coded, de-identified rows for registrars (pseudonyms only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from allnav.api.deps import DB, State, actor_of
from allnav.api.policy import Action, Grant, require
from allnav.services.registry import registry_rows
from allnav.store import audit

router = APIRouter(tags=["registry"])


@router.get("/api/registry")
def registry(
    request: Request,
    session: DB,
    state: State,
    grant: Annotated[Grant, Depends(require(Action.REGISTRY_READ))],
) -> dict[str, Any]:
    """One row per patient: pseudonym, age band, sex, diagnosis and codes; no names, ids or dates."""
    rows = registry_rows(session, state.settings.secret_key)
    audit.record(
        session, actor_of(request, grant.user), "read", "GET /api/registry", detail=f"{len(rows)} rows"
    )
    return {"rows": rows}
