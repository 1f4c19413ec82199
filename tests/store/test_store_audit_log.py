"""The audit log is append-only: the database itself refuses UPDATE and DELETE."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from allnav.store import audit
from allnav.store.audit import Actor
from allnav.store.engine import session_factory


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET action = 'write'", "DELETE FROM audit_log"])
def test_audit_rows_cannot_be_changed(engine: Engine, statement: str) -> None:
    sessions = session_factory(engine)
    with sessions() as session:
        audit.record(session, Actor(1, "a@test", "admin", "127.0.0.1"), "read", "x", patient_id="p1")
        session.commit()
    with sessions() as session, pytest.raises(DBAPIError, match="append-only"):
        session.execute(text(statement))
    with sessions() as session:
        rows = audit.entries(session)
        assert [(r.action, r.patient_id) for r in rows] == [("read", "p1")]


def test_unknown_action_refused(engine: Engine) -> None:
    with session_factory(engine)() as session, pytest.raises(ValueError, match="unknown audit action"):
        audit.record(session, Actor(None, None, None), "erase", "x")
