"""Every web route has a JSON twin, and a page shows the same conclusions as its twin (real core)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from apifixtures import PASSWORD, SYSTEM, TestClient, World
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import Engine, select

from allnav.api import create_app
from allnav.services import patients
from allnav.services.clinical import DefaultCore
from allnav.services.demo import demo_cases
from allnav.settings import Settings
from allnav.store.engine import session_factory
from allnav.store.models import AuditEntry
from allnav.web.pages import TWINS, router


@pytest.fixture(scope="module")
def core() -> DefaultCore:
    return DefaultCore()


@pytest.fixture
def app(engine: Engine, tmp_path: Path, core: DefaultCore) -> FastAPI:
    settings = Settings(env="development", data_dir=tmp_path, database_url=str(engine.url))
    return create_app(settings, core=core, engine=engine)


@pytest.fixture
def demo(world: World, engine: Engine) -> list[str]:
    """The demo courses as team-A patients (phases, relapses, MRD, anthracyclines)."""
    ids = []
    with session_factory(engine)() as session:
        for d in demo_cases():
            pid = f"t-{d['id']}"
            patients.create_patient(
                session,
                world.state().core,
                SYSTEM,
                name=d["name"],
                team_name="team-a",
                patient_id=pid,
                case=d["case"],
            )
            ids.append(pid)
        session.commit()
    return ids


def _web_routes() -> set[tuple[str, str]]:
    return {(m, r.path) for r in router.routes if isinstance(r, APIRoute) for m in r.methods}


def test_every_web_route_has_a_twin(app: FastAPI) -> None:
    web = _web_routes()
    assert {r for r in web if not r[1].endswith(".json")} == set(TWINS)  # every page and form post
    api = {(m.upper(), path) for path, ops in app.openapi()["paths"].items() for m in ops}
    routes = api | web
    for route, twin in TWINS.items():
        assert twin is None or twin in routes, (route, twin)
    assert [r for r, t in TWINS.items() if t is None] == [("POST", "/logout")]


def _login(client: TestClient, email: str) -> None:
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
    r = client.post(
        "/login", data={"username": email, "password": PASSWORD, "csrf": token}, follow_redirects=False
    )
    assert r.status_code == 303


def _text(page: str) -> str:
    """The page as text (tags dropped, entities decoded, spaces collapsed)."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _twin_link(page: str) -> str:
    found = re.search(r'<link rel="alternate" type="application/json" href="([^"]+)">', page)
    assert found, "the page does not name its JSON twin"
    return html.unescape(found.group(1))


def _value(node: Any) -> str | None:
    return node.get("value") if isinstance(node, dict) else None


def test_patient_pages_match_their_twins(client: TestClient, demo: list[str]) -> None:
    _login(client, "doc.a@test")
    for pid in demo:
        page = client.get(f"/patients/{pid}").text
        twin_path = _twin_link(page)
        assert twin_path == f"/patients/{pid}/page.json"
        twin = client.get(twin_path).json()
        out = twin["assessment"]["output"]
        assert out == client.get(f"/api/patients/{pid}/assessment").json()["output"]  # the API's conclusions
        assert twin["case"] == client.get(f"/api/patients/{pid}").json()["case"]
        text = _text(page)
        plan = out["treatment_plan"]
        for label, node in [
            ("Diagnosis", out["diagnosis"]),
            ("Lineage", out["lineage"]),
            ("Response now", out["response"]),
            ("MRD", out["mrd"]),
            ("Phase now", plan["phase_now"]),
            ("Phase next", plan["phase_next"]),
        ]:
            if _value(node) is not None:
                assert f"{label}: {_value(node)}" in text, (pid, label)
        for alert in out["alerts"]:
            assert f"{alert['severity']} {alert['value']}" in text, (pid, alert["value"])
        assert f"Alerts ({len(out['alerts'])})" in text
        if twin["anthracycline"]:
            assert twin["anthracycline"] in text
        for seg in twin["phases"]:
            assert seg["label"] in text
            for mark in seg["marks"]:
                assert f"day {mark['day']:g}: {mark['value']}" in text, (pid, mark)
        for key, chart in twin["charts"].items():
            for name, points in chart["series"].items():
                if points:  # each plotted value is in the chart's data table
                    table = re.search(rf'<table id="{key}-data">(.*?)</table>', page, re.S)
                    assert table, (pid, key)
                    assert f"{points[-1][1]:g}" in table.group(1), (pid, key, name)


def test_portal_matches_its_twin(client: TestClient, world: World) -> None:
    _login(client, "pat.a1@test")
    page = client.get("/patients/p-a1").text
    twin = client.get(_twin_link(page)).json()
    text = _text(page)
    plain = twin["assessment"]["output"].get("patient") or {}
    for key in ("summary", "report_right_away", "questions"):
        for item in plain.get(key) or []:
            assert (item["text"] if isinstance(item, dict) else item) in text


def test_patient_list_matches_its_twin(client: TestClient, demo: list[str]) -> None:
    _login(client, "doc.a@test")
    page = client.get("/patients", params={"q": "Demo"}).text
    twin = _twin_link(page)
    assert twin == "/api/patients?q=Demo"
    names = {p["name"] for p in client.get(twin).json()["patients"]}
    assert names
    shown = set(re.findall(r'<a href="/patients/[^"]+">([^<]+)</a>', page))
    assert shown == names


def test_home_matches_its_twin(client: TestClient, world: World) -> None:
    _login(client, "admin@test")
    page = client.get("/").text
    me = client.get(_twin_link(page)).json()
    assert f"{me['email']} ({me['role']})" in _text(page)


def test_twin_accepts_a_bearer_token(client: TestClient, world: World, engine: Engine) -> None:
    r = client.get("/patients/p-a1/page.json", headers=world.headers["clinician_a"])
    assert r.status_code == 200
    assert r.json()["patient"]["id"] == "p-a1"
    with session_factory(engine)() as session:  # the read is audited like any read of patient data
        reads = session.scalars(select(AuditEntry).where(AuditEntry.patient_id == "p-a1")).all()
        assert any(a.action == "read" and "page.json" in (a.resource or "") for a in reads)
    refused = client.get("/patients/p-b1/page.json", headers=world.headers["clinician_a"])
    assert refused.status_code == 403
    assert refused.json()["error"]["type"] == "PermissionDeniedError"
