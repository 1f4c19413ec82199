"""The API over the real clinical core: same output as ``allnav.assess``; findings update the response."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from apifixtures import TestClient, World
from fastapi import FastAPI
from sqlalchemy import Engine

import allnav
from allnav.api import create_app
from allnav.services.clinical import DefaultCore
from allnav.services.demo import demo_cases
from allnav.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "eval" / "public" / "cases"


@pytest.fixture(scope="module")
def core() -> DefaultCore:
    return DefaultCore()


@pytest.fixture
def app(engine: Engine, tmp_path: Path, core: DefaultCore) -> FastAPI:
    settings = Settings(env="development", data_dir=tmp_path, database_url=str(engine.url))
    return create_app(settings, core=core, engine=engine)


def _json(obj: Any) -> Any:
    return json.loads(json.dumps(obj))


def _cases() -> list[dict[str, Any]]:
    cases = [{**d["case"], "patient": {**d["case"]["patient"], "id": d["id"]}} for d in demo_cases()]
    if EXAMPLES.is_dir():
        cases += [
            json.loads(p.read_text()) for p in sorted(EXAMPLES.glob("*.json")) if p.name != "expected.json"
        ]
    return cases


def test_api_assess_equals_python_api(client: TestClient, world: World) -> None:
    for case in _cases():
        r = client.post("/api/assess", json=case, headers=world.headers["clinician_a"])
        assert r.status_code == 200, r.text
        assert r.json() == _json(allnav.assess(case))


def test_invalid_case_errors_carry_field_paths(client: TestClient, world: World) -> None:
    case = {"patient": {"id": "x", "age_years": 300}, "blood": {"wbc": 3000}}
    r = client.post("/api/assess", json=case, headers=world.headers["clinician_a"])
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] in ("V001", "V002")
    assert {"patient.age_years", "blood.wbc"} <= {f["path"] for f in err["fields"]}


def test_marrow_result_updates_stored_response(client: TestClient, world: World) -> None:
    h = world.headers["clinician_a"]
    demo = next(d for d in demo_cases() if d["id"] == "demo-ph")
    created = client.post(
        "/api/patients", json={"name": "Demo", "id": "rc-1", "case": demo["case"]}, headers=h
    )
    assert created.status_code == 201, created.text
    before = created.json()["assessment"]["output"]["response"]["value"]
    relapse = {"day": 400, "marrow": {"blasts_pct": 40}, "blood": {"blasts_pct": 12}}
    r = client.post(
        "/api/patients/rc-1/findings",
        json={"kind": "timeline", "payload": relapse, "expected_version": 1},
        headers=h,
    )
    assert r.status_code == 201, r.text
    stored = client.get("/api/patients/rc-1/assessment", headers=h).json()
    assert stored["case_version"] == 2
    assert stored["output"]["response"]["value"] == "relapse" != before
    assert stored["allnav_version"] == allnav.__version__
    text = client.get("/api/patients/rc-1/explanation", headers=h).json()["text"]
    assert "allnav" in text
