"""One JSON error envelope for every error, without stack traces; no patient data in logs."""

from __future__ import annotations

import logging

import pytest
from apifixtures import PATIENT_NAMES, TestClient, World
from fastapi import FastAPI


def _is_envelope(body: dict[str, object], code: str) -> None:
    assert set(body) == {"error"}
    err = body["error"]
    assert isinstance(err, dict)
    assert err["code"] == code
    assert {"code", "type", "message"} <= set(err)
    assert "Traceback" not in str(err)


def test_404_unknown_route(client: TestClient) -> None:
    r = client.get("/api/nothing-here")
    assert r.status_code == 404
    _is_envelope(r.json(), "N404")


def test_405_wrong_method(client: TestClient) -> None:
    r = client.delete("/api/health")
    assert r.status_code == 405
    _is_envelope(r.json(), "H405")


def test_422_malformed_body_names_fields(client: TestClient, world: World) -> None:
    r = client.post("/api/patients", json={"name": "", "extra": 1}, headers=world.headers["clinician_a"])
    assert r.status_code == 422
    _is_envelope(r.json(), "V001")
    assert {f["path"] for f in r.json()["error"]["fields"]} == {"name", "extra"}


def test_422_not_json(client: TestClient, world: World) -> None:
    r = client.post(
        "/api/assess",
        content=b"{not json",
        headers={**world.headers["clinician_a"], "Content-Type": "application/json"},
    )
    assert r.status_code == 422
    _is_envelope(r.json(), "V001")


def test_401_and_403(client: TestClient, world: World) -> None:
    _is_envelope(client.get("/api/users").json(), "A401")
    _is_envelope(client.get("/api/users", headers=world.headers["clinician_a"]).json(), "A403")


def test_409(client: TestClient, world: World) -> None:
    body = {"kind": "section", "section": "labs", "payload": {"ldh": 300}, "expected_version": 0}
    r = client.post("/api/patients/p-a1/findings", json=body, headers=world.headers["clinician_a"])
    assert r.status_code == 409
    _is_envelope(r.json(), "S409")


def test_500_has_no_details(
    app: FastAPI, client: TestClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(case: object) -> dict[str, object]:
        raise RuntimeError("secret internals Zebedee")

    app.state.allnav.core.assess = boom
    r = client.post("/api/assess", json={"patient": {"id": "z"}}, headers=world.headers["clinician_a"])
    assert r.status_code == 500
    _is_envelope(r.json(), "E500")
    assert "secret" not in r.text
    assert "Zebedee" not in caplog.text


def test_no_patient_data_in_logs(client: TestClient, world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    h = world.headers["clinician_a"]
    client.get("/api/patients", params={"q": "Zebedee"}, headers=h)
    client.get("/api/patients/p-a1", headers=h)
    client.post("/api/patients", json={"name": "Hortensia Vandersloot", "id": "p-hv"}, headers=h)
    client.get("/api/patients/p-a1", headers=world.headers["patient_a2"])
    bad = {"kind": "section", "section": "blood", "payload": {"wbc": 9999}, "expected_version": 1}
    client.post("/api/patients/p-a1/findings", json=bad, headers=h)
    # The test client's own httpx log is the caller's, not the application's.
    server = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    assert "GET /api/patients/{patient_id} 200" in server  # the access log is there ...
    for secret in [*PATIENT_NAMES.values(), "Zebedee", "Hortensia", "Vandersloot", "p-a1", "p-hv", "9999"]:
        assert secret not in server  # ... but names, ids and values are not


def test_security_headers(client: TestClient, world: World) -> None:
    r = client.get("/api/patients/p-a1", headers=world.headers["clinician_a"])
    assert r.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/docs").status_code == 404  # no CDN-loaded documentation page
    assert client.get("/openapi.json").status_code == 200
