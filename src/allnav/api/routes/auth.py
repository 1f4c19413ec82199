"""``POST /api/token`` (OAuth2 password form) and ``GET /api/me``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from allnav.api.deps import DB, State, actor_of, client_address
from allnav.api.policy import Action, Grant, require
from allnav.errors import AuthenticationError, RateLimitedError
from allnav.services.views import user_view
from allnav.store import audit
from allnav.store.users import authenticate, team_name

router = APIRouter(tags=["auth"])


@router.post("/api/token")
def token(
    request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()], session: DB, state: State
) -> dict[str, str]:
    """Exchange email and password for a bearer token; 5 failures in 5 minutes from one address -> 429."""
    address = client_address(request)
    try:
        state.limiter.check(form.username, address)
    except RateLimitedError:
        audit.record(session, actor_of(request, None), "denied", "POST /api/token", detail="rate limited")
        session.commit()
        raise
    user = authenticate(session, form.username, form.password)
    if user is None:
        state.limiter.failed(form.username, address)
        actor = actor_of(request, None)
        audit.record(
            session, actor, "denied", "POST /api/token", detail=f"failed login as {form.username[:100]}"
        )
        session.commit()
        raise AuthenticationError("wrong email or password")
    state.limiter.succeeded(form.username, address)
    audit.record(session, actor_of(request, user), "login", "POST /api/token")
    return {"access_token": state.signer.issue(user.id), "token_type": "bearer"}


@router.get("/api/me")
def me(session: DB, grant: Annotated[Grant, Depends(require(Action.ME))]) -> dict[str, Any]:
    """The logged-in user."""
    return user_view(grant.user, team_name(session, grant.user.team_id))
