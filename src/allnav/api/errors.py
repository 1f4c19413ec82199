"""One JSON error envelope for every error: ``{"error": {"code", "type", "message", "fields"?}}``.

Built from :meth:`allnav.errors.AllnavError.to_dict`. Framework errors (unknown route, wrong method,
malformed request) are mapped to the same tree; an unexpected exception gives a 500 without details.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from allnav.errors import (
    AllnavError,
    AuthenticationError,
    CaseValidationError,
    ConflictError,
    FieldProblem,
    InputError,
    InternalError,
    InteropError,
    MethodNotAllowedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    StoreError,
    UsageError,
)

log = logging.getLogger("allnav.api")


STATUS: list[tuple[type[AllnavError], int]] = [
    (NotFoundError, 404),
    (AuthenticationError, 401),
    (PermissionDeniedError, 403),
    (RateLimitedError, 429),
    (ConflictError, 409),
    (MethodNotAllowedError, 405),
    (InteropError, 400),
    (InputError, 422),
    (UsageError, 422),
    (StoreError, 503),
]


def status_of(exc: AllnavError) -> int:
    """The HTTP status for an error of the tree."""
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 500


def envelope(exc: AllnavError, status: int | None = None) -> JSONResponse:
    """The one error response."""
    status = status or status_of(exc)
    headers: dict[str, str] = {}
    if isinstance(exc, AuthenticationError):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, RateLimitedError):
        headers["Retry-After"] = str(exc.retry_after)
    return JSONResponse({"error": exc.to_dict()}, status_code=status, headers=headers)


API_PREFIXES = ("/api", "/fhir", "/cds-services", "/docs", "/redoc", "/openapi.json", "/static")


def respond(request: Request, exc: AllnavError, status: int | None = None) -> Response:
    """The envelope for API paths; the web pages' own error page (``app.state.render_error``) elsewhere."""
    render = getattr(request.app.state, "render_error", None)
    if render is not None and not request.url.path.startswith(API_PREFIXES):
        response: Response = render(request, exc, status or status_of(exc))
        return response
    return envelope(exc, status)


def _loc(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    path = ""
    for p in parts:
        path += f"[{p}]" if p.isdigit() else (f".{p}" if path else p)
    return path or "body"


def _scalar(error: Any) -> Any:
    value = error.get("input")
    return value if isinstance(value, str | int | float | bool) else None


def _validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = [
        FieldProblem(path=_loc(tuple(e.get("loc", ()))), message=str(e.get("msg", "")), value=_scalar(e))
        for e in exc.errors()
    ]
    return respond(request, CaseValidationError("the request is not valid", problems), 422)


def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    err: AllnavError
    if exc.status_code == 404:
        err = NotFoundError("no such resource")
    elif exc.status_code == 405:
        err = MethodNotAllowedError(f"{request.method} is not allowed here")
    elif exc.status_code == 401:
        err = AuthenticationError("authentication required")
    elif exc.status_code == 403:
        err = PermissionDeniedError("not allowed")
    elif exc.status_code < 500:
        err = UsageError(str(exc.detail))
    else:
        err = InternalError("internal error")
    return respond(request, err, exc.status_code)


def _allnav(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AllnavError)
    status = status_of(exc)
    if status >= 500:
        log.error("request failed: %s (%s)", type(exc).__name__, exc.code)
        return respond(request, InternalError("internal error") if status == 500 else exc, status)
    return respond(request, exc, status)


def _database(request: Request, exc: Exception) -> Response:
    # Only the class name is logged: a database message may quote the (patient) values.
    log.warning("database refused %s on %s", type(exc).__name__, request.method)
    if isinstance(exc, IntegrityError):
        return respond(request, ConflictError("the change conflicts with stored data; reload and try again"))
    return respond(request, UsageError("a value the database cannot store (for example a NUL character)"))


def _unexpected(request: Request, exc: Exception) -> Response:
    route = getattr(request.scope.get("route"), "path", "<unmatched>")
    log.error("unexpected %s on %s %s", type(exc).__name__, request.method, route)
    return respond(request, InternalError("internal error; the failure was logged"), 500)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into the envelope."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(AllnavError, _allnav)
    app.add_exception_handler(DataError, _database)
    app.add_exception_handler(IntegrityError, _database)
    app.add_exception_handler(Exception, _unexpected)
