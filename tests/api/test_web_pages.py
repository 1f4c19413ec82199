"""The web pages: login with CSRF, the patient list and page, forms with inline errors, the portal."""

from __future__ import annotations

import re

import pytest
from apifixtures import PASSWORD, TestClient, World


def _csrf(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)


def _login(client: TestClient, email: str) -> None:
    token = _csrf(client)
    r = client.post(
        "/login", data={"username": email, "password": PASSWORD, "csrf": token}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


def test_login_needs_csrf(client: TestClient, world: World) -> None:
    _csrf(client)
    r = client.post("/login", data={"username": "doc.a@test", "password": PASSWORD, "csrf": "forged" * 8})
    assert r.status_code == 403
    assert "<html" in r.text


def test_wrong_password_shows_form_again(client: TestClient, world: World) -> None:
    token = _csrf(client)
    r = client.post("/login", data={"username": "doc.a@test", "password": "nope-nope", "csrf": token})
    assert r.status_code == 401
    assert "Wrong email or password" in r.text


def test_anonymous_is_sent_to_login(client: TestClient, world: World) -> None:
    r = client.get("/patients/p-a1", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login"


def test_clinician_pages_and_form(client: TestClient, world: World) -> None:
    _login(client, "doc.a@test")
    listing = client.get("/patients")
    assert "Zebedee Quartermain" in listing.text
    assert "Barnaby" not in listing.text  # another team's patient
    page = client.get("/patients/p-a1")
    assert page.status_code == 200
    assert 'id="diagnosis-card"' in page.text
    assert "<svg" in page.text or "no values recorded" in page.text
    assert 'rel="alternate" type="application/json" href="/patients/p-a1/page.json"' in page.text  # its twin
    assert "/api/patients/p-a1/assessment" in page.text  # and the API's stored assessment
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    form = {"csrf": token, "expected_version": "1", "day": "29", "marrow_blasts_pct": "3", "anc": "1.5"}
    saved = client.post("/patients/p-a1/findings", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    case = client.get("/api/patients/p-a1").json()["case"]  # the cookie reads the JSON twin too
    assert case["timeline"] == [{"day": 29, "marrow": {"blasts_pct": 3.0}, "blood": {"anc": 1.5}}]
    stale = client.post("/patients/p-a1/findings", data=form)
    assert stale.status_code == 409
    bad = client.post("/patients/p-a1/findings", data={**form, "expected_version": "2", "anc": "lots"})
    assert bad.status_code == 422
    assert "blood.anc" in bad.text
    assert 'value="lots"' in bad.text  # the form keeps what was typed


def test_cookie_cannot_write_through_the_api(client: TestClient, world: World) -> None:
    _login(client, "doc.a@test")
    body = {"kind": "timeline", "payload": {"day": 5}, "expected_version": 1}
    assert client.post("/api/patients/p-a1/findings", json=body).status_code == 401


def test_form_without_csrf_is_refused(client: TestClient, world: World) -> None:
    _login(client, "doc.a@test")
    r = client.post("/patients/p-a1/findings", data={"expected_version": "1", "day": "3", "anc": "1"})
    assert r.status_code == 403


@pytest.mark.parametrize("other", ["p-a2", "p-b1"])
def test_patient_portal_only_own_record(client: TestClient, world: World, other: str) -> None:
    _login(client, "pat.a1@test")
    home = client.get("/", follow_redirects=False)
    assert home.headers["location"] == "/patients/p-a1"
    own = client.get("/patients/p-a1")
    assert own.status_code == 200
    assert "Log how you are" in own.text
    refused = client.get(f"/patients/{other}")
    assert refused.status_code == 403
    assert "Fairweather" not in refused.text
    assert "Oddfellow" not in refused.text
    token = re.search(r'name="csrf" value="([^"]+)"', own.text).group(1)  # type: ignore[union-attr]
    ok = client.post(
        "/patients/p-a1/findings",
        data={
            "csrf": token,
            "expected_version": "1",
            "day": "40",
            "temperature_c": "38.5",
            "events": "fever, chills",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303, ok.text
    case = client.get("/api/patients/p-a1").json()["case"]
    assert case["timeline"][-1] == {
        "day": 40,
        "vitals": {"temperature_c": 38.5},
        "events": ["fever", "chills"],
    }
    marrow = {"csrf": token, "expected_version": "2", "day": "41", "marrow_blasts_pct": "50"}
    assert client.post("/patients/p-a1/findings", data=marrow).status_code == 403


def test_static_assets_are_local(client: TestClient) -> None:
    css = client.get("/static/app.css")
    assert css.status_code == 200
    page = client.get("/login")
    assert "http://" not in page.text.replace("http://testserver", "")
    assert "https://" not in page.text


def test_unknown_page_is_html(client: TestClient) -> None:
    r = client.get("/no-such-page")
    assert r.status_code == 404
    assert "<html" in r.text


WEB_MATRIX = [
    ("/patients", {"clinician_a", "clinician_b"}),
    ("/patients/p-a1", {"clinician_a", "patient_a1"}),
    ("/patients/p-a1/page.json", {"clinician_a", "patient_a1"}),
]


@pytest.mark.parametrize(("path", "allowed"), WEB_MATRIX)
def test_web_pages_by_role(client: TestClient, world: World, path: str, allowed: set[str]) -> None:
    for role, headers in world.headers.items():
        token = headers["Authorization"].removeprefix("Bearer ")
        client.cookies.set("allnav_session", token)
        r = client.get(path, follow_redirects=False)
        assert r.status_code == (200 if role in allowed else 403), (role, r.status_code)
    client.cookies.clear()
    anonymous = client.get(path, follow_redirects=False)
    if path.endswith(".json"):  # a JSON twin answers like the API: the error envelope, no redirect
        assert anonymous.status_code == 401
        assert anonymous.json()["error"]["type"] == "AuthenticationError"
    else:
        assert anonymous.status_code == 303


def test_medication_form(client: TestClient, world: World) -> None:
    _login(client, "doc.a@test")
    page = client.get("/patients/p-a1")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    med = {
        "csrf": token,
        "expected_version": "1",
        "drug": "vincristine",
        "dose": "1.4",
        "unit": "mg/m2",
        "day": "8",
    }
    saved = client.post("/patients/p-a1/medications", data=med, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    meds = client.get("/api/patients/p-a1/medications").json()["records"]
    assert [m["payload"] for m in meds] == [{"drug": "vincristine", "day": 8, "dose": 1.4, "unit": "mg/m2"}]
    bad = client.post("/patients/p-a1/medications", data={**med, "expected_version": "2", "dose": "a lot"})
    assert bad.status_code == 422
    assert 'id="medication-errors"' in bad.text
    assert 'id="timeline-errors"' not in bad.text


def test_patient_cannot_use_the_medication_form(client: TestClient, world: World) -> None:
    _login(client, "pat.a1@test")
    page = client.get("/patients/p-a1")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    med = {"csrf": token, "expected_version": "1", "drug": "aspirin"}
    assert client.post("/patients/p-a1/medications", data=med).status_code == 403


def test_logout_ends_the_session(client: TestClient, world: World) -> None:
    _login(client, "doc.a@test")
    token = _csrf(client, "/patients")
    r = client.post("/logout", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/patients", follow_redirects=False).status_code == 303  # back to the login page


@pytest.mark.parametrize(("email", "twin"), [("admin@test", "/api/audit"), ("reg@test", "/api/registry")])
def test_home_for_admin_and_registrar(client: TestClient, world: World, email: str, twin: str) -> None:
    _login(client, email)
    home = client.get("/")
    assert home.status_code == 200
    assert f'href="{twin}"' in home.text
