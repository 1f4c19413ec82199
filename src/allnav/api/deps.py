"""Request-scoped dependencies as ``Annotated`` aliases: the database session, the app's services, the user."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session, sessionmaker

from allnav.errors import AuthenticationError
from allnav.services.clinical import ClinicalCore
from allnav.services.security import LoginLimiter, TokenSigner
from allnav.settings import Settings
from allnav.store.audit import Actor
from allnav.store.models import User

SESSION_COOKIE = "allnav_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class AppState:
    """What one application instance holds (no globals): settings, sessions, engine, signer, limiter."""

    settings: Settings
    sessions: sessionmaker[Session]
    core: ClinicalCore
    signer: TokenSigner
    limiter: LoginLimiter


def app_state(request: Request) -> AppState:
    """The application's state object."""
    state: AppState = request.app.state.allnav
    return state


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the handler returns, rolled back when it raises."""
    with app_state(request).sessions() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def client_address(request: Request) -> str:
    """The caller's address as seen by the server."""
    return request.client.host if request.client else "unknown"


State = Annotated[AppState, Depends(app_state)]
DB = Annotated[Session, Depends(get_session, scope="function")]


def clinical_core(request: Request) -> ClinicalCore:
    """The clinical engine of this application."""
    return app_state(request).core


Core = Annotated[ClinicalCore, Depends(clinical_core)]

_bearer = OAuth2PasswordBearer(tokenUrl="/api/token", auto_error=False)


def current_user(request: Request, session: DB, token: Annotated[str | None, Depends(_bearer)]) -> User:
    """The authenticated user (bearer token, or the web session cookie); 401 otherwise."""
    if token is None and request.method in SAFE_METHODS:
        # The web session cookie authenticates reads only; writes from the web pages go through their own
        # CSRF-checked handlers, so a cross-site request cannot write with the cookie.
        token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise AuthenticationError("authentication required: send a bearer token")
    uid = app_state(request).signer.user_id(token)
    user = session.get(User, uid)
    if user is None or not user.active:
        raise AuthenticationError("the token is not valid")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def actor_of(request: Request, user: User | None) -> Actor:
    """The audit actor for ``user`` calling from this request's address."""
    if user is None:
        return Actor(None, None, None, client_address(request))
    return Actor(user.id, user.email, user.role, client_address(request))
