"""``allnav serve --demo`` seeding and the serve command's guard rails."""

from __future__ import annotations

from apifixtures import TestClient
from click.testing import CliRunner
from fastapi import FastAPI

from allnav.api.cli import serve
from allnav.services.demo import DEMO_PASSWORD, demo_cases, seed_demo


def test_demo_cases_are_complete() -> None:
    cases = demo_cases()
    assert len(cases) == 5
    assert len({c["id"] for c in cases}) == 5
    assert all({"id", "name", "team", "case"} <= set(c) for c in cases)


def test_seed_demo_gives_working_logins(app: FastAPI, client: TestClient) -> None:
    state = app.state.allnav
    logins = seed_demo(state.sessions, state.core)
    assert {role for _, role in logins} == {"clinician", "admin", "registrar", "patient"}
    assert seed_demo(state.sessions, state.core) == logins or len(
        seed_demo(state.sessions, state.core)
    ) == len(logins)
    token = client.post("/api/token", data={"username": "clinician@demo.allnav", "password": DEMO_PASSWORD})
    assert token.status_code == 200
    h = {"Authorization": f"Bearer {token.json()['access_token']}"}
    ids = {p["id"] for p in client.get("/api/patients", headers=h).json()["patients"]}
    assert ids == {"demo-ph", "demo-etp", "demo-relapse", "demo-older"}  # demo-cart is another team's


def test_demo_refused_in_production() -> None:
    env = {"ALLNAV_ENV": "production", "ALLNAV_SECRET_KEY": "z" * 40}
    r = CliRunner().invoke(serve, ["--demo"], env=env)
    assert r.exit_code == 2
    assert "development only" in r.output
