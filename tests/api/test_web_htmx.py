"""Partial updates (htmx) over the real core: the swappable body, inline field errors, CSRF in a header."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from apifixtures import PASSWORD, SYSTEM, TestClient, World
from fastapi import FastAPI
from sqlalchemy import Engine, select

from allnav.api import create_app
from allnav.services import patients
from allnav.services.clinical import DefaultCore
from allnav.services.demo import demo_cases
from allnav.settings import Settings
from allnav.store.engine import session_factory
from allnav.store.models import AuditEntry

HX = {"HX-Request": "true"}


@pytest.fixture(scope="module")
def core() -> DefaultCore:
    return DefaultCore()


@pytest.fixture
def app(engine: Engine, tmp_path: Path, core: DefaultCore) -> FastAPI:
    settings = Settings(env="development", data_dir=tmp_path, database_url=str(engine.url))
    return create_app(settings, core=core, engine=engine)


@pytest.fixture
def ph(world: World, engine: Engine) -> str:
    """The Ph+ demo course (phases, responses, MRD) as a team-A patient."""
    case = next(d["case"] for d in demo_cases() if d["id"] == "demo-ph")
    with session_factory(engine)() as session:
        patients.create_patient(
            session,
            world.state().core,
            SYSTEM,
            name="Alex Demo-Ph",
            team_name="team-a",
            patient_id="d-ph",
            case=case,
        )
        session.commit()
    return "d-ph"


def _login(client: TestClient, email: str) -> str:
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
    r = client.post(
        "/login", data={"username": email, "password": PASSWORD, "csrf": token}, follow_redirects=False
    )
    assert r.status_code == 303
    return token


def _form(client: TestClient, pid: str) -> tuple[str, str]:
    page = client.get(f"/patients/{pid}").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    version = re.search(r'name="expected_version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    return csrf, version


def test_htmx_save_returns_the_updated_body(client: TestClient, ph: str) -> None:
    _login(client, "doc.a@test")
    csrf, version = _form(client, ph)
    data = {"csrf": csrf, "expected_version": version, "day": "400", "marrow_blasts_pct": "40"}
    r = client.post(f"/patients/{ph}/findings", data=data, headers=HX, follow_redirects=False)
    assert r.status_code == 200, r.text
    assert "<html" not in r.text  # the swappable body only
    assert 'id="diagnosis-card"' in r.text
    assert 'id="charts"' in r.text
    assert 'id="alerts"' in r.text
    assert re.search(r'id="response-card".*?Response now:</strong> relapse', r.text, re.S)
    assert 'hx-swap-oob="innerHTML">Saved the result' in r.text
    assert "day 400: relapse" in r.text  # the phase timeline shows the new response
    assert f'name="expected_version" value="{int(version) + 1}"' in r.text  # the next save is not stale
    plain = client.post(f"/patients/{ph}/findings", data=data, follow_redirects=False)
    assert plain.status_code == 409  # a plain post with the old version: conflict, the whole page again
    assert "<html" in plain.text


def test_htmx_inline_errors_name_path_value_and_range(client: TestClient, ph: str) -> None:
    _login(client, "doc.a@test")
    csrf, version = _form(client, ph)
    data = {"csrf": csrf, "expected_version": version, "day": "401", "marrow_blasts_pct": "150", "anc": "2"}
    r = client.post(f"/patients/{ph}/findings", data=data, headers=HX)
    assert r.status_code == 422
    assert "<html" not in r.text
    error = re.search(r'<p class="field-error" id="marrow_blasts_pct-error">(.*?)</p>', r.text, re.S)
    assert error, r.text
    assert re.search(r"timeline\[\d+\]\.marrow\.blasts_pct", error.group(1))
    assert "you entered 150" in error.group(1)
    assert "accepted 0-100 %" in error.group(1)
    field = re.search(r'<input id="marrow_blasts_pct"[^>]*>', r.text).group(0)  # type: ignore[union-attr]
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="marrow_blasts_pct-error"' in field
    assert "autofocus" in field
    assert 'value="150"' in field  # what was typed stays
    anc = re.search(r'<input id="anc"[^>]*>', r.text).group(0)  # type: ignore[union-attr]
    assert "aria-invalid" not in anc
    assert 'href="#marrow_blasts_pct"' in r.text  # the summary links to the field


def test_htmx_medication_unit_error(client: TestClient, ph: str) -> None:
    _login(client, "doc.a@test")
    csrf, version = _form(client, ph)
    data = {
        "csrf": csrf,
        "expected_version": version,
        "drug": "vincristine",
        "dose": "1.4",
        "unit": "bananas",
    }
    r = client.post(f"/patients/{ph}/medications", data=data, headers=HX)
    assert r.status_code == 422
    error = re.search(r'id="unit-error">(.*?)</p>', r.text, re.S)
    assert error
    assert "unknown unit" in error.group(1)
    assert "accepted mg/m2" in error.group(1)
    assert 'id="timeline-errors"' not in r.text


def test_csrf_in_a_header_for_htmx(client: TestClient, ph: str, engine: Engine) -> None:
    _login(client, "doc.a@test")
    csrf, version = _form(client, ph)
    data = {"expected_version": version, "day": "30", "anc": "1.2"}
    refused = client.post(f"/patients/{ph}/findings", data=data, headers=HX)
    assert refused.status_code == 403
    forged = client.post(f"/patients/{ph}/findings", data=data, headers={**HX, "X-CSRF-Token": "x" * 43})
    assert forged.status_code == 403
    with session_factory(engine)() as session:
        denied = session.scalars(select(AuditEntry).where(AuditEntry.action == "denied")).all()
        assert any("CSRF" in (row.detail or "") for row in denied)
    ok = client.post(f"/patients/{ph}/findings", data=data, headers={**HX, "X-CSRF-Token": csrf})
    assert ok.status_code == 200, ok.text
    page = client.get("/patients/d-ph").text
    assert f'hx-headers=\'{{"X-CSRF-Token": "{csrf}"}}\'' in page  # htmx sends the token on every request


def test_htmx_after_the_session_ended(client: TestClient, ph: str) -> None:
    csrf = _login(client, "doc.a@test")
    client.cookies.delete("allnav_session")
    r = client.post(
        f"/patients/{ph}/findings", data={"csrf": csrf, "day": "1"}, headers=HX, follow_redirects=False
    )
    assert r.status_code == 401
    assert r.headers["HX-Redirect"] == "/login"


def test_portal_log_with_htmx(client: TestClient, world: World) -> None:
    _login(client, "pat.a1@test")
    csrf, version = _form(client, "p-a1")
    data = {"csrf": csrf, "expected_version": version, "day": "12", "temperature_c": "50"}
    r = client.post("/patients/p-a1/findings", data=data, headers=HX)
    assert r.status_code == 422
    assert "Your record" in r.text
    assert "accepted 25-45 Cel" in re.search(r'id="temperature_c-error">(.*?)</p>', r.text, re.S).group(1)  # type: ignore[union-attr]
    ok = client.post("/patients/p-a1/findings", data={**data, "temperature_c": "38.6"}, headers=HX)
    assert ok.status_code == 200
    assert "Saved the result" in ok.text
