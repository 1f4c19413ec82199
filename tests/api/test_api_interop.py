"""FHIR endpoints, CDS Hooks and `allnav import --from` against a second running allnav instance."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from apifixtures import TestClient, World
from fastapi import FastAPI
from fhir.resources.R4B import get_fhir_model_class
from sqlalchemy import Engine

from allnav.api import create_app
from allnav.case import load_case_file
from allnav.interop.fhir_client import fetch_patient
from allnav.interop.fhir_export import export_bundle
from allnav.services.clinical import DefaultCore
from allnav.settings import Settings

DEMO = Path(__file__).resolve().parents[2] / "examples" / "ph-positive-course.yaml"


@pytest.fixture(scope="module")
def core() -> DefaultCore:
    return DefaultCore()


@pytest.fixture
def app(engine: Engine, tmp_path: Path, core: DefaultCore) -> FastAPI:
    settings = Settings(env="development", data_dir=tmp_path, database_url=str(engine.url))
    return create_app(settings, core=core, engine=engine)


def test_metadata_is_a_capability_statement(client: TestClient) -> None:
    r = client.get("/fhir/metadata")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/fhir+json")
    body = r.json()
    get_fhir_model_class("CapabilityStatement").model_validate(body)
    assert body["fhirVersion"] == "4.0.1"


def test_everything_is_a_valid_mcode_bundle_for_the_team_only(client: TestClient, world: World) -> None:
    r = client.get("/fhir/Patient/p-a1/$everything", headers=world.headers["clinician_a"])
    assert r.status_code == 200, r.text
    bundle = r.json()
    get_fhir_model_class("Bundle").model_validate(bundle)
    assert {e["resource"]["resourceType"] for e in bundle["entry"]} >= {"Patient", "Observation"}
    denied = client.get("/fhir/Patient/p-a1/$everything", headers=world.headers["clinician_b"])
    assert denied.status_code == 403
    assert denied.json()["error"]["code"]


def test_everything_carries_conclusions_with_provenance(client: TestClient, world: World) -> None:
    created = client.post(
        "/api/patients",
        json={"name": "Demo Ph", "id": "p-demo", "case": _raw_case()},
        headers=world.headers["clinician_a"],
    )
    assert created.status_code == 201, created.text
    bundle = client.get("/fhir/Patient/p-demo/$everything", headers=world.headers["clinician_a"]).json()
    by_type: dict[str, list[dict[str, Any]]] = {}
    for e in bundle["entry"]:
        by_type.setdefault(e["resource"]["resourceType"], []).append(e["resource"])
    (condition,) = by_type["Condition"]
    assert condition["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "9812/3"
    policies = {p for prov in by_type["Provenance"] for p in prov["policy"]}
    assert any(p.startswith("urn:allnav:rule:dx.blast_threshold:v") for p in policies)
    assert any(p.startswith("urn:allnav:knowledge:") for p in policies)


def _raw_case() -> dict[str, Any]:
    import yaml

    data: dict[str, Any] = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    data["patient"].pop("id")
    return data


def _prefetch(case_path: Path = DEMO) -> tuple[str, dict[str, Any]]:
    case = load_case_file(case_path)
    bundle = export_bundle(case, {})
    by_type: dict[str, list[dict[str, Any]]] = {}
    for e in bundle["entry"]:
        by_type.setdefault(e["resource"]["resourceType"], []).append(e["resource"])

    def searchset(types: tuple[str, ...]) -> dict[str, Any]:
        return {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [{"resource": r} for t in types for r in by_type.get(t, [])],
        }

    return case.patient.id, {
        "patient": by_type["Patient"][0],
        "observations": searchset(("Observation",)),
        "conditions": searchset(("Condition",)),
        "medications": searchset(("MedicationAdministration", "MedicationRequest")),
    }


def test_discovery_lists_both_services(client: TestClient) -> None:
    r = client.get("/cds-services")
    assert r.status_code == 200
    assert {s["hook"] for s in r.json()["services"]} == {"patient-view", "order-sign"}


def test_patient_view_cards_carry_rule_sources_and_a_link(client: TestClient, world: World) -> None:
    pid, prefetch = _prefetch()
    body = {
        "hook": "patient-view",
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": {"userId": "Practitioner/1", "patientId": pid},
        "prefetch": prefetch,
    }
    r = client.post("/cds-services/allnav-patient-view", json=body, headers=world.headers["clinician_a"])
    assert r.status_code == 200, r.text
    cards = r.json()["cards"]
    assert cards[0]["summary"].startswith("B-ALL")
    assert all(len(c["summary"]) < 140 for c in cards)
    assert all(c["indicator"] in ("info", "warning", "critical") for c in cards)
    assert "rule `dx.blast_threshold`" in cards[0]["detail"]
    assert cards[0]["links"][0]["url"].endswith(f"/patients/{pid}")


def _draft(dose_mg: float, route_code: str) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "MedicationRequest",
                    "id": "draft-1",
                    "status": "draft",
                    "intent": "order",
                    "medicationCodeableConcept": {"coding": [{"display": "vincristine"}]},
                    "authoredOn": "2025-01-01",
                    "dosageInstruction": [
                        {
                            "route": {"coding": [{"system": "http://snomed.info/sct", "code": route_code}]},
                            "doseAndRate": [
                                {
                                    "doseQuantity": {
                                        "value": dose_mg,
                                        "unit": "mg",
                                        "system": "http://unitsofmeasure.org",
                                        "code": "mg",
                                    }
                                }
                            ],
                        }
                    ],
                }
            }
        ],
    }


def test_order_sign_warns_on_intrathecal_vincristine(client: TestClient, world: World) -> None:
    pid, prefetch = _prefetch()
    body = {
        "hook": "order-sign",
        "hookInstance": "5e3a6a2c-9d53-4b41-9f1e-1d0d4f1f0e6a",
        "context": {"userId": "Practitioner/1", "patientId": pid, "draftOrders": _draft(2.0, "72607000")},
        "prefetch": prefetch,
    }
    r = client.post("/cds-services/allnav-order-sign", json=body, headers=world.headers["clinician_a"])
    assert r.status_code == 200, r.text
    cards = r.json()["cards"]
    assert any(
        c["indicator"] == "critical" and "vincristine" in (c["summary"] + c.get("detail", "")).lower()
        for c in cards
    ), cards


def test_order_sign_is_quiet_for_a_safe_order(client: TestClient, world: World) -> None:
    pid, prefetch = _prefetch()
    body = {
        "hook": "order-sign",
        "hookInstance": "5e3a6a2c-9d53-4b41-9f1e-1d0d4f1f0e6b",
        "context": {"userId": "Practitioner/1", "patientId": pid, "draftOrders": _draft(1.5, "47625008")},
        "prefetch": prefetch,
    }
    r = client.post("/cds-services/allnav-order-sign", json=body, headers=world.headers["clinician_a"])
    assert r.status_code == 200, r.text
    assert not [
        c
        for c in r.json()["cards"]
        if "vincristine" in (c["summary"] + c.get("detail", "")).lower() and c["indicator"] == "critical"
    ]


@pytest.mark.parametrize(
    ("service", "body"),
    [
        ("allnav-patient-view", {"hookInstance": "x", "context": {"patientId": "p"}}),
        ("allnav-patient-view", {"hook": "order-sign", "hookInstance": "x", "context": {"patientId": "p"}}),
        ("allnav-patient-view", {"hook": "patient-view", "hookInstance": "x", "context": {"patientId": "p"}}),
        ("nope", {"hook": "patient-view", "hookInstance": "x", "context": {"patientId": "p"}}),
        ("allnav-order-sign", {"hook": "order-sign", "hookInstance": "x", "context": {"patientId": "p"}}),
    ],
)
def test_malformed_hook_calls_get_a_clear_400(
    client: TestClient, world: World, service: str, body: dict[str, Any]
) -> None:
    r = client.post(f"/cds-services/{service}", json=body, headers=world.headers["clinician_a"])
    assert r.status_code == 400, r.text
    assert r.json()["error"]["message"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def running(app: FastAPI) -> Iterator[str]:
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_import_from_a_second_running_instance(running: str, world: World) -> None:
    token = world.headers["clinician_a"]["Authorization"].removeprefix("Bearer ")
    result = fetch_patient(f"{running}/fhir/Patient/p-a1", token=token)
    (p,) = result.patients
    assert p.id == "p-a1"
    assert (
        p.case["marrow"]["blasts_pct"] == {"value": 80.0, "unit": "%"}
        or p.case["marrow"]["blasts_pct"] == 80.0
    )
    assert json.dumps(p.case)  # a plain case file


def test_import_from_refuses_without_a_token(running: str) -> None:
    from allnav.errors import InteropError

    with pytest.raises(InteropError, match="refused"):
        fetch_patient(f"{running}/fhir/Patient/p-a1")


def test_fhir_import_endpoint_reports_and_stores(client: TestClient, world: World) -> None:
    data = Path(__file__).resolve().parents[1] / "interop" / "data"
    entries = [{"resource": json.loads(p.read_text())} for p in sorted(data.glob("*brian-l*.json"))]
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    h = world.headers["clinician_a"]
    report = client.post("/api/fhir/import", json=bundle, headers=h)
    assert report.status_code == 200, report.text
    (brian,) = report.json()["patients"]
    assert brian["inconsistent"]
    assert "stored" not in brian
    assert client.get("/api/patients/cancer-patient-brian-l", headers=h).status_code == 403
    stored = client.post("/api/fhir/import", params={"store": "true"}, json=bundle, headers=h)
    assert stored.json()["patients"][0]["stored"] == "stored"
    assert client.get("/api/patients/cancer-patient-brian-l", headers=h).status_code == 200
    again = client.post("/api/fhir/import", params={"store": "true"}, json=bundle, headers=h)
    assert again.json()["patients"][0]["stored"].startswith("not stored")
