"""Web sessions: a signed, expiring token in a Secure/HttpOnly/SameSite cookie, and CSRF tokens for forms.

CSRF uses the double-submit pattern: a random token in its own HttpOnly cookie and in a hidden field of
every form; a POST whose field does not match the cookie is refused (and audited).
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request, Response

from allnav.api.deps import SESSION_COOKIE, app_state

CSRF_COOKIE = "allnav_csrf"
CSRF_HEADER = "x-csrf-token"  # htmx requests may send the token here (base.html sets hx-headers)


def csrf_token(request: Request) -> str:
    """The request's CSRF token (the cookie's, or a new one to be set by :func:`set_csrf`)."""
    existing = request.cookies.get(CSRF_COOKIE)
    if existing and len(existing) >= 32:
        return existing
    token: str = request.state.__dict__.setdefault("csrf", secrets.token_urlsafe(32))
    return token


def set_csrf(request: Request, response: Response) -> None:
    """Set the CSRF cookie when this request made a new token."""
    token = request.state.__dict__.get("csrf")
    if token:
        secure = bool(app_state(request).settings.cookie_secure)
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/")


def csrf_ok(request: Request, submitted: str | None) -> bool:
    """Whether the form's token matches the cookie (constant-time)."""
    cookie = request.cookies.get(CSRF_COOKIE)
    return bool(cookie and submitted and hmac.compare_digest(cookie, submitted))


def start_session(request: Request, response: Response, user_id: int) -> None:
    """Log the user in on this browser."""
    state = app_state(request)
    response.set_cookie(
        SESSION_COOKIE,
        state.signer.issue(user_id),
        max_age=state.settings.token_ttl_seconds,
        httponly=True,
        samesite="lax",
        secure=bool(state.settings.cookie_secure),
        path="/",
    )


def end_session(response: Response) -> None:
    """Log out on this browser."""
    response.delete_cookie(SESSION_COOKIE, path="/")
