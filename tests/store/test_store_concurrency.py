"""Optimistic concurrency: of two writers that read the same version, exactly one wins; the other gets 409."""

from __future__ import annotations

import threading

from dbfixtures import FakeCore
from sqlalchemy import Engine

from allnav.errors import ConflictError
from allnav.services.patients import create_patient, current_case, write_record
from allnav.store import records
from allnav.store.audit import Actor
from allnav.store.engine import session_factory

ACTOR = Actor(None, "t@test", None, "test")


def test_two_writers_same_version(engine: Engine) -> None:
    sessions = session_factory(engine)
    core = FakeCore()
    with sessions() as session:
        create_patient(session, core, ACTOR, name="N", team_name="t", patient_id="p1")
        session.commit()
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def writer(wbc: float) -> None:
        barrier.wait()
        with sessions() as session:
            try:
                write_record(
                    session,
                    core,
                    ACTOR,
                    "p1",
                    expected_version=1,
                    kind="section",
                    section="blood",
                    payload={"wbc": wbc},
                )
                session.commit()
                outcomes.append("ok")
            except ConflictError:
                session.rollback()
                outcomes.append("conflict")

    threads = [threading.Thread(target=writer, args=(w,)) for w in (1.0, 2.0)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "ok"]
    with sessions() as session:
        patient = records.get_patient(session, "p1")
        assert patient.version == 2
        assert len([r for r in records.all_versions(session, "p1") if r.record_key == "section:blood"]) == 1
        assert current_case(session, patient)["blood"]["wbc"] in (1.0, 2.0)


def test_correction_is_a_new_version(engine: Engine) -> None:
    sessions = session_factory(engine)
    core = FakeCore()
    with sessions() as session:
        create_patient(
            session, core, ACTOR, name="N", team_name="t", patient_id="p1", case={"blood": {"wbc": 3}}
        )
        row, assessment = write_record(
            session,
            core,
            ACTOR,
            "p1",
            expected_version=1,
            kind="section",
            section="blood",
            payload={"wbc": 4},
            reason="lab corrected",
        )
        session.commit()
        history = [r for r in records.all_versions(session, "p1") if r.record_key == "section:blood"]
        assert [(r.version, r.payload) for r in history] == [(1, {"wbc": 3}), (2, {"wbc": 4})]
        assert row.supersedes_id == history[0].id
        assert assessment.case_version == 2
