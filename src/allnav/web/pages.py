"""The web pages: login, patient list, the patient page (care team) and the patient portal.

Every page reads through the same services and the same policy as the API, and names its JSON twin
(``TWINS``). Forms post with a CSRF token (hidden field, or the ``X-CSRF-Token`` header htmx sends); the
session cookie is HttpOnly, SameSite and Secure outside development. With htmx loaded, a form post gets the
swappable page body back (``_patient_body.html`` / ``_portal_body.html``) instead of a redirect; without
JavaScript the same form posts and redirects (progressive enhancement).
"""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from allnav.api.deps import DB, SESSION_COOKIE, Core, CurrentUser, actor_of, app_state, client_address
from allnav.api.errors import envelope
from allnav.api.policy import Action, Grant, authorize, authorize_patient, check_entry, deny
from allnav.errors import AllnavError, AuthenticationError, CaseValidationError, ConflictError
from allnav.services import patients as svc
from allnav.services.views import patient_view
from allnav.store import audit
from allnav.store.models import User
from allnav.store.users import authenticate
from allnav.web import forms, phases, view
from allnav.web.session import CSRF_HEADER, csrf_ok, csrf_token, end_session, set_csrf, start_session

router = APIRouter(include_in_schema=False)

# Each page's JSON twin: (method, path) of the web route -> (method, path) of the JSON route with the same data
# and conclusions (None only where there is nothing to mirror). tests/api/test_web_twins.py checks every route.
TWINS: dict[tuple[str, str], tuple[str, str] | None] = {
    ("GET", "/login"): ("POST", "/api/token"),
    ("POST", "/login"): ("POST", "/api/token"),
    ("POST", "/logout"): None,  # ends the browser's cookie; a bearer token simply expires
    ("GET", "/"): ("GET", "/api/me"),
    ("GET", "/patients"): ("GET", "/api/patients"),
    ("GET", "/patients/{patient_id}"): ("GET", "/patients/{patient_id}/page.json"),
    ("POST", "/patients/{patient_id}/findings"): ("POST", "/api/patients/{patient_id}/findings"),
    ("POST", "/patients/{patient_id}/medications"): ("POST", "/api/patients/{patient_id}/medications"),
}
_BASE = resources.files("allnav.web")


def plain(value: Any) -> str:
    """A finding as short readable text: ``marrow blasts_pct 3; blood anc 1.5``."""
    if isinstance(value, dict):
        return "; ".join(f"{k} {plain(v)}" for k, v in value.items() if v is not None)
    if isinstance(value, list):
        return ", ".join(plain(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(_BASE / "templates"))
    templates.env.filters["plain"] = plain
    templates.env.filters["phase_label"] = phases.label
    return templates


def _user(request: Request, session: Session) -> User | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        uid = app_state(request).signer.user_id(token)
    except AuthenticationError:
        return None
    user = session.get(User, uid)
    return user if user is not None and user.active else None


def _require_user(request: Request, session: Session) -> User:
    user = _user(request, session)
    if user is None:
        raise AuthenticationError("log in first")
    return user


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    """A page, with the CSRF token its forms need."""
    context.setdefault("user", None)
    context["csrf"] = csrf_token(request)
    response = request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)
    set_csrf(request, response)
    assert isinstance(response, Response)
    return response


def render_error(request: Request, exc: AllnavError, status: int) -> Response:
    """The HTML face of the error envelope (401 sends the browser to the login page)."""
    if request.url.path.endswith(".json"):  # a JSON twin answers with the API's error envelope
        return envelope(exc, status)
    if status == 401:
        if is_htmx(request):  # htmx follows a redirect itself; send the whole browser to the login page
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse("/login", status_code=303)
    return render(request, "error.html", status, status=status, message=exc.message, code=exc.code)


def _check_csrf(request: Request, session: Session, user: User | None, submitted: str | None) -> None:
    if not csrf_ok(request, submitted):
        deny(request, session, user, f"POST {request.url.path}", None, "missing or wrong CSRF token")


@router.get("/login")
def login_page(request: Request) -> Response:
    """The login form."""
    return render(request, "login.html")


@router.post("/login")
def login(
    request: Request,
    session: DB,
    username: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=256)],
    csrf: Annotated[str | None, Form()] = None,
) -> Response:
    """Check the password (rate-limited like /api/token) and start a session."""
    _check_csrf(request, session, None, csrf)
    state = app_state(request)
    address = client_address(request)
    state.limiter.check(username, address)
    user = authenticate(session, username, password)
    if user is None:
        state.limiter.failed(username, address)
        audit.record(session, actor_of(request, None), "denied", "POST /login", detail="failed login")
        return render(request, "login.html", 401, error="Wrong email or password.", username=username)
    state.limiter.succeeded(username, address)
    audit.record(session, actor_of(request, user), "login", "POST /login")
    response = RedirectResponse("/", status_code=303)
    start_session(request, response, user.id)
    return response


@router.post("/logout")
def logout(request: Request, session: DB, csrf: Annotated[str | None, Form()] = None) -> Response:
    """End the session."""
    _check_csrf(request, session, _user(request, session), csrf)
    response = RedirectResponse("/login", status_code=303)
    end_session(response)
    return response


@router.get("/")
def home(request: Request, session: DB) -> Response:
    """Each role's starting page."""
    user = _require_user(request, session)
    if user.role == "clinician":
        return RedirectResponse("/patients", status_code=303)
    if user.role == "patient" and user.patient_id:
        return RedirectResponse(f"/patients/{user.patient_id}", status_code=303)
    links = {
        "admin": [("/api/users", "Users (JSON)"), ("/api/audit", "Audit log (JSON)")],
        "registrar": [("/api/registry", "Registry rows (JSON)")],
    }.get(user.role, [])
    return render(request, "home.html", user=user, links=links, twin="/api/me")


@router.get("/patients")
def patients_page(request: Request, session: DB, q: str | None = None) -> Response:
    """The care team's patient list with search (JSON twin: /api/patients)."""
    user = authorize(request, session, _require_user(request, session), Action.PATIENT_LIST).user
    found = svc.list_patients(session, team_id=user.team_id if user.team_id is not None else -1, query=q)
    audit.record(session, actor_of(request, user), "read", "GET /patients", detail=f"{len(found)} listed")
    rows = [patient_view(p, None) for p in found]
    twin = "/api/patients" + (f"?{urlencode({'q': q})}" if q else "")
    return render(request, "patients.html", user=user, patients=rows, q=q, twin=twin)


def _page(
    request: Request,
    session: Session,
    grant: Grant,
    status: int = 200,
    *,
    partial: bool = False,
    errors: dict[str, Any] | None = None,
    form: dict[str, dict[str, str]] | None = None,
    saved: str | None = None,
) -> Response:
    """The patient page or portal; ``partial`` renders only the swappable body (htmx requests)."""
    assert grant.patient is not None
    model = view.patient_page(session, grant.patient)
    portal = grant.user.role == "patient"
    body = "_portal_body.html" if portal else "_patient_body.html"
    name = body if partial else ("portal.html" if portal else "patient.html")
    field_errors = {
        kind: forms.field_errors(kind, err.get("fields") or []) for kind, err in (errors or {}).items()
    }
    return render(
        request,
        name,
        status,
        user=grant.user,
        patient=model["patient"],
        case=model["case"],
        out=model["assessment"]["output"],
        phases=model["phases"],
        charts=view.drawn_charts(model),
        anthracycline=model["anthracycline"],
        assessed_version=model["assessment"]["case_version"],
        twin=f"/patients/{grant.patient.id}/page.json",
        errors=errors or {},
        field_errors=field_errors,
        form=form or {},
        partial=partial,
        saved=saved,
    )


@router.get("/patients/{patient_id}")
def patient_page(request: Request, session: DB, patient_id: str) -> Response:
    """The patient page (care team) or the portal (the patient); reads audited by the policy."""
    user = _require_user(request, session)
    grant = authorize_patient(request, session, user, Action.PATIENT_READ, patient_id)
    return _page(request, session, grant)


@router.post("/patients/{patient_id}/findings")
async def add_finding(request: Request, session: DB, core: Core, patient_id: str) -> Response:
    """A result from the form: saved as a new timeline entry, or the page again with inline errors."""
    return await _save(request, session, core, patient_id, "timeline")


@router.post("/patients/{patient_id}/medications")
async def add_medication(request: Request, session: DB, core: Core, patient_id: str) -> Response:
    """A medication from the form (care team only), or the page again with inline errors."""
    return await _save(request, session, core, patient_id, "medication")


def is_htmx(request: Request) -> bool:
    """Whether htmx sent the request (it then gets the swappable body, not a whole page or a redirect)."""
    return request.headers.get("hx-request") == "true"


async def _save(request: Request, session: Session, core: Any, patient_id: str, kind: str) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    user = _require_user(request, session)
    _check_csrf(request, session, user, form.get("csrf") or request.headers.get(CSRF_HEADER))
    action = Action.FINDING_WRITE if kind == "timeline" else Action.MEDICATION_WRITE
    grant = authorize_patient(request, session, user, action, patient_id)
    try:
        entry = forms.timeline_entry(form) if kind == "timeline" else forms.medication(form)
        check_entry(request, session, grant, kind, None, entry)
        expected = int(form.get("expected_version") or -1)
        svc.write_record(
            session,
            core,
            actor_of(request, user),
            patient_id,
            expected_version=expected,
            kind=kind,
            payload=entry,
        )
    except (CaseValidationError, ConflictError) as exc:
        session.rollback()
        fresh = authorize_patient(request, session, user, Action.PATIENT_READ, patient_id)
        status = 409 if isinstance(exc, ConflictError) else 422
        errors = {kind: exc.to_dict()}
        return _page(
            request, session, fresh, status, partial=is_htmx(request), errors=errors, form={kind: form}
        )
    if is_htmx(request):
        session.flush()
        fresh = authorize_patient(request, session, user, Action.PATIENT_READ, patient_id)
        what = "result" if kind == "timeline" else "medication"
        return _page(
            request, session, fresh, partial=True, saved=f"Saved the {what}; the assessment is updated."
        )
    return RedirectResponse(f"/patients/{patient_id}", status_code=303)


@router.get("/patients/{patient_id}/page.json")
def patient_page_json(request: Request, session: DB, user: CurrentUser, patient_id: str) -> dict[str, Any]:
    """The patient page's JSON twin: exactly the view model the HTML page renders (bearer token or cookie)."""
    grant = authorize_patient(request, session, user, Action.PATIENT_READ, patient_id)
    assert grant.patient is not None
    return view.patient_page(session, grant.patient)


def install(app: FastAPI) -> None:
    """Mount the pages, the local static files and the HTML error page on ``app``."""
    app.state.templates = _templates()
    app.state.render_error = render_error
    app.mount("/static", StaticFiles(directory=str(_BASE / "static")), name="static")
    app.include_router(router)


__all__ = ["TWINS", "install", "is_htmx", "render", "render_error"]
