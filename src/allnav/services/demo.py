"""Demo data for ``allnav serve --demo``: invented patients (``demo/*.yaml``) and one login per role."""

from __future__ import annotations

import logging
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from allnav.errors import AllnavError
from allnav.services.clinical import ClinicalCore
from allnav.services.patients import create_patient
from allnav.store.audit import Actor
from allnav.store.models import User
from allnav.store.users import create_user

DEMO_PASSWORD = "allnav-demo-password"
SYSTEM = Actor(None, "demo-seed", None, "local")
log = logging.getLogger("allnav.demo")


def demo_cases() -> list[dict[str, Any]]:
    """The demo patients shipped with the package: ``{"id", "name", "team", "case"}`` each."""
    folder = resources.files("allnav.services").joinpath("demo")
    index = yaml.safe_load(folder.joinpath("index.yaml").read_text(encoding="utf-8"))
    out: list[dict[str, Any]] = []
    for item in index["patients"]:
        case = yaml.safe_load(folder.joinpath(item["file"]).read_text(encoding="utf-8"))
        out.append({"id": case["patient"]["id"], "name": item["name"], "team": item["team"], "case": case})
    return out


def seed_demo(sessions: sessionmaker[Session], core: ClinicalCore) -> list[tuple[str, str]]:
    """Seed demo patients and users into an empty database; returns (email, role) of the demo logins."""
    logins: list[tuple[str, str]] = []
    with sessions() as session:
        if session.scalar(select(func.count()).select_from(User)):
            users = session.scalars(select(User).where(User.email.like("%@demo.allnav"))).all()
            return [(u.email, u.role) for u in users]
        seeded: list[str] = []
        for item in demo_cases():
            try:
                with session.begin_nested():
                    create_patient(
                        session,
                        core,
                        SYSTEM,
                        name=item["name"],
                        team_name=item["team"],
                        patient_id=item["id"],
                        case=item["case"],
                    )
                seeded.append(item["id"])
            except AllnavError as exc:  # a demo case the current engine refuses: skip it, say so
                log.warning("demo patient %s skipped: %s", item["id"], exc.code)
            except Exception as exc:  # an engine failure must not stop the demo server; it is logged
                log.error("demo patient %s skipped: the engine failed (%s)", item["id"], type(exc).__name__)
        accounts: list[tuple[str, str, str | None, str | None]] = [
            ("clinician@demo.allnav", "clinician", "leukaemia-team", None),
            ("cart-clinician@demo.allnav", "clinician", "cellular-therapy-team", None),
            ("admin@demo.allnav", "admin", None, None),
            ("registrar@demo.allnav", "registrar", None, None),
        ]
        accounts += [(f"{pid}@demo.allnav", "patient", None, pid) for pid in seeded[:2]]
        for email, role, team, pid in accounts:
            create_user(session, email, role, DEMO_PASSWORD, team_name=team, patient_id=pid)
            logins.append((email, role))
        session.commit()
    return logins
