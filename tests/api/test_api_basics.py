"""Health, login, assess, create/read patients, findings with versions, history, assessment."""

from __future__ import annotations

from pathlib import Path

from apifixtures import PASSWORD, TestClient, World
from dbfixtures import FakeCore

from allnav.api import create_app
from allnav.settings import Settings


def test_health(client: TestClient) -> None:
    r = client.get("/api/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


def test_token_login_and_me(client: TestClient, world: World) -> None:
    r = client.post("/api/token", data={"username": "doc.a@test", "password": PASSWORD})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer"
    me = client.get("/api/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["email"] == "doc.a@test"
    assert me.json()["team"] == "team-a"


def test_wrong_password_is_401_and_audited(client: TestClient, world: World) -> None:
    r = client.post("/api/token", data={"username": "doc.a@test", "password": "nope nope"})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "A401"
    audit = client.get("/api/audit", params={"action": "denied"}, headers=world.headers["admin"]).json()
    assert any(e["resource"] == "POST /api/token" for e in audit["entries"])


def test_login_rate_limit(client: TestClient, world: World) -> None:
    for _ in range(5):
        assert (
            client.post("/api/token", data={"username": "doc.a@test", "password": "bad"}).status_code == 401
        )
    r = client.post("/api/token", data={"username": "doc.a@test", "password": PASSWORD})
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "A429"
    assert int(r.headers["Retry-After"]) > 0
    # another user from the same address is not blocked
    assert client.post("/api/token", data={"username": "doc.b@test", "password": PASSWORD}).status_code == 200


def test_tampered_and_missing_token(client: TestClient, world: World) -> None:
    assert client.get("/api/me").status_code == 401
    bad = {"Authorization": world.headers["admin"]["Authorization"] + "x"}
    r = client.get("/api/me", headers=bad)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_assess_does_not_store(client: TestClient, world: World) -> None:
    case = {"patient": {"id": "adhoc", "age_years": 30}, "marrow": {"blasts_pct": 25}}
    r = client.post("/api/assess", json=case, headers=world.headers["clinician_a"])
    assert r.status_code == 200
    assert r.json()["diagnosis"]["value"] == "B-ALL"
    listed = client.get("/api/patients", headers=world.headers["clinician_a"]).json()["patients"]
    assert "adhoc" not in {p["id"] for p in listed}


def test_assess_invalid_case_gives_field_errors(client: TestClient, world: World) -> None:
    case = {"patient": {"id": "x"}, "blood": {"wbc": 3000}, "bogus": 1}
    r = client.post("/api/assess", json=case, headers=world.headers["clinician_a"])
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "V001"
    paths = {f["path"] for f in err["fields"]}
    assert paths == {"blood.wbc", "bogus"}
    wbc = next(f for f in err["fields"] if f["path"] == "blood.wbc")
    assert wbc["value"] == 3000
    assert wbc["accepted"] == "0-1000"


def test_list_search_and_team_scope(client: TestClient, world: World) -> None:
    ids = {
        p["id"] for p in client.get("/api/patients", headers=world.headers["clinician_a"]).json()["patients"]
    }
    assert ids == {"p-a1", "p-a2"}
    found = client.get("/api/patients", params={"q": "fairw"}, headers=world.headers["clinician_a"]).json()
    assert [p["id"] for p in found["patients"]] == ["p-a2"]


def test_create_read_and_version(client: TestClient, world: World) -> None:
    h = world.headers["clinician_a"]
    r = client.post(
        "/api/patients", json={"name": "New Person", "id": "p-new", "case": {"blood": {"wbc": 5}}}, headers=h
    )
    assert r.status_code == 201, r.text
    assert r.headers["ETag"] == '"1"'
    read = client.get("/api/patients/p-new", headers=h).json()
    assert read["case"] == {"patient": {"id": "p-new"}, "blood": {"wbc": 5}}
    assert read["patient"]["version"] == 1
    dup = client.post("/api/patients", json={"name": "Again", "id": "p-new"}, headers=h)
    assert dup.status_code == 409


def test_finding_correction_keeps_history_and_recomputes(client: TestClient, world: World) -> None:
    h = world.headers["clinician_a"]
    first = client.post(
        "/api/patients/p-a1/findings",
        json={"kind": "timeline", "payload": {"day": 29, "marrow": {"blasts_pct": 2}}},
        headers={**h, "If-Match": '"1"'},
    )
    assert first.status_code == 201, first.text
    key = first.json()["record"]["record_key"]
    assert first.json()["patient_version"] == 2
    assert first.json()["assessment"]["output"]["timeline_entries"] == 1
    fix = client.post(
        "/api/patients/p-a1/findings",
        json={
            "kind": "timeline",
            "record_key": key,
            "expected_version": 2,
            "reason": "typo",
            "payload": {"day": 29, "marrow": {"blasts_pct": 3}},
        },
        headers=h,
    )
    assert fix.status_code == 201, fix.text
    assert fix.json()["record"]["version"] == 2
    assert fix.json()["record"]["supersedes"] == first.json()["record"]["id"]
    case = client.get("/api/patients/p-a1", headers=h).json()["case"]
    assert case["timeline"] == [{"day": 29, "marrow": {"blasts_pct": 3}}]
    history = client.get("/api/patients/p-a1/history", headers=h).json()["records"]
    versions = [r["payload"]["marrow"]["blasts_pct"] for r in history if r["record_key"] == key]
    assert versions == [2, 3]
    stored = client.get("/api/patients/p-a1/assessment", headers=h).json()
    assert stored["case_version"] == 3
    assert stored["allnav_version"] == "test-1"
    assert stored["knowledge_version"] == "kb-test"
    text = client.get("/api/patients/p-a1/explanation", headers=h).json()
    assert text["case_version"] == 3
    assert "diagnosis" in text["text"]


def test_stale_write_is_409_and_changes_nothing(client: TestClient, world: World) -> None:
    h = world.headers["clinician_a"]
    body = {"kind": "section", "section": "blood", "payload": {"wbc": 10}, "expected_version": 1}
    assert client.post("/api/patients/p-a1/findings", json=body, headers=h).status_code == 201
    stale = client.post("/api/patients/p-a1/findings", json={**body, "payload": {"wbc": 99}}, headers=h)
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "S409"
    assert client.get("/api/patients/p-a1", headers=h).json()["case"]["blood"] == {"wbc": 10}


def test_missing_version_is_refused(client: TestClient, world: World) -> None:
    body = {"kind": "section", "section": "blood", "payload": {"wbc": 10}}
    r = client.post("/api/patients/p-a1/findings", json=body, headers=world.headers["clinician_a"])
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "X001"


def test_invalid_finding_stores_nothing(client: TestClient, world: World) -> None:
    h = world.headers["clinician_a"]
    body = {"kind": "section", "section": "blood", "payload": {"wbc": 5000}, "expected_version": 1}
    r = client.post("/api/patients/p-a1/findings", json=body, headers=h)
    assert r.status_code == 422
    assert r.json()["error"]["fields"][0]["path"] == "blood.wbc"
    read = client.get("/api/patients/p-a1", headers=h).json()
    assert read["patient"]["version"] == 1
    assert "blood" not in read["case"]


def test_medications_add_and_retract(client: TestClient, world: World) -> None:
    h = world.headers["clinician_a"]
    med = {"drug": "vincristine", "dose": 1.4, "unit": "mg/m2", "day": 8}
    r = client.post("/api/patients/p-a1/medications", json={"payload": med, "expected_version": 1}, headers=h)
    assert r.status_code == 201, r.text
    key = r.json()["record"]["record_key"]
    assert client.get("/api/patients/p-a1/medications", headers=h).json()["records"][0]["payload"] == med
    gone = client.post(
        "/api/patients/p-a1/medications",
        json={"record_key": key, "retract": True, "expected_version": 2},
        headers=h,
    )
    assert gone.status_code == 201
    assert client.get("/api/patients/p-a1/medications", headers=h).json()["records"] == []
    assert gone.json()["assessment"]["output"]["medications"] == 0


def test_patient_logs_own_temperature(client: TestClient, world: World) -> None:
    h = world.headers["patient_a1"]
    entry = {
        "kind": "timeline",
        "payload": {"day": 40, "vitals": {"temperature_c": 38.4}, "events": ["fever"]},
    }
    r = client.post("/api/patients/p-a1/findings", json={**entry, "expected_version": 1}, headers=h)
    assert r.status_code == 201, r.text
    marrow = {"kind": "timeline", "payload": {"day": 41, "marrow": {"blasts_pct": 50}}, "expected_version": 2}
    assert client.post("/api/patients/p-a1/findings", json=marrow, headers=h).status_code == 403
    section = {"kind": "section", "section": "blood", "payload": {"wbc": 3}, "expected_version": 2}
    assert client.post("/api/patients/p-a1/findings", json=section, headers=h).status_code == 403


def test_admin_creates_user(client: TestClient, world: World) -> None:
    body = {"email": "new.doc@test", "password": "long enough pw", "role": "clinician", "team": "team-a"}
    r = client.post("/api/users", json=body, headers=world.headers["admin"])
    assert r.status_code == 201, r.text
    assert "password" not in str(r.json())
    login = client.post("/api/token", data={"username": "new.doc@test", "password": "long enough pw"})
    assert login.status_code == 200


def test_registry_is_deidentified(client: TestClient, world: World) -> None:
    r = client.get("/api/registry", headers=world.headers["registrar"])
    assert r.status_code == 200
    rows = r.json()["rows"]
    assert len(rows) == 3
    text = r.text
    for pid in ("p-a1", "p-a2", "p-b1", "Zebedee", "Fairweather", "Oddfellow"):
        assert pid not in text
    assert {row["age_band"] for row in rows} == {"40-49"}
    assert all(row["pseudonym"].startswith("R-") for row in rows)


def test_health_is_503_before_migrations(tmp_path: Path) -> None:
    settings = Settings(env="development", data_dir=tmp_path)
    app = create_app(settings, core=FakeCore())
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/api/health")
    assert r.status_code == 503
    assert r.json()["error"]["code"] == "S001"
    assert "allnav db upgrade" in r.json()["error"]["message"]
