"""API fixtures and helpers: an app per backend with the stand-in core, seeded users and patients, tokens.

Test modules import helpers from here as ``apifixtures``; conftest.py re-exports the fixtures."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from sqlalchemy import Engine

with warnings.catch_warnings():
    # starlette 1.x deprecates httpx in its TestClient in favour of httpx2 (not in our lock yet).
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "store"))

from dbfixtures import FakeCore, empty_engine, engine

from allnav.api import create_app
from allnav.api.deps import AppState
from allnav.services import patients
from allnav.settings import Settings
from allnav.store import users
from allnav.store.audit import Actor
from allnav.store.engine import session_factory

__all__ = ["World", "_fast_hashes", "app", "client", "empty_engine", "engine", "world"]

PASSWORD = "correct horse battery"
SYSTEM = Actor(None, "system@test", None, "test")
PATIENT_NAMES = {"p-a1": "Zebedee Quartermain", "p-a2": "Ottoline Fairweather", "p-b1": "Barnaby Oddfellow"}


@pytest.fixture(autouse=True)
def _fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def app(engine: Engine, tmp_path: Path) -> FastAPI:
    settings = Settings(env="development", data_dir=tmp_path, database_url=str(engine.url))
    return create_app(settings, core=FakeCore(), engine=engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@dataclass
class World:
    """Seeded users (email -> token headers) and patients: team A has p-a1, p-a2; team B has p-b1."""

    app: FastAPI
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def state(self) -> AppState:
        state: AppState = self.app.state.allnav
        return state


ROLES = {
    "admin": ("admin@test", "admin", None, None),
    "clinician_a": ("doc.a@test", "clinician", "team-a", None),
    "clinician_b": ("doc.b@test", "clinician", "team-b", None),
    "registrar": ("reg@test", "registrar", None, None),
    "patient_a1": ("pat.a1@test", "patient", None, "p-a1"),
    "patient_a2": ("pat.a2@test", "patient", None, "p-a2"),
}


@pytest.fixture
def world(app: FastAPI, engine: Engine) -> World:
    w = World(app)
    state = w.state()
    with session_factory(engine)() as session:
        for pid, name in PATIENT_NAMES.items():
            team = "team-b" if pid.startswith("p-b") else "team-a"
            case = {"patient": {"age_years": 45, "sex": "female"}, "marrow": {"blasts_pct": 80}}
            patients.create_patient(
                session, state.core, SYSTEM, name=name, team_name=team, patient_id=pid, case=case
            )
        for key, (email, role, team, pid) in ROLES.items():
            user = users.create_user(session, email, role, PASSWORD, team_name=team, patient_id=pid)
            w.headers[key] = {"Authorization": f"Bearer {state.signer.issue(user.id)}"}
        session.commit()
    return w
