"""A writer killed with SIGKILL in the middle of a multi-row write loses nothing committed, leaves nothing partial."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, func, select

from allnav.store.engine import session_factory
from allnav.store.models import Assessment, AuditEntry, Patient, RecordVersion

CHILD = Path(__file__).with_name("killed_writer.py")


def _count(engine: Engine, model: type, patient_id: str) -> int:
    with session_factory(engine)() as session:
        column = model.id if model is Patient else model.patient_id  # type: ignore[attr-defined]
        key = Patient.id if model is Patient else column
        return int(session.scalar(select(func.count()).select_from(model).where(key == patient_id)) or 0)


def test_killed_writer_leaves_no_partial_record(engine: Engine) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    url = engine.url.render_as_string(hide_password=False)
    with subprocess.Popen(
        [sys.executable, str(CHILD), url], stdout=subprocess.PIPE, text=True, env=env
    ) as proc:
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "COMMITTED"
            assert proc.stdout.readline().strip() == "MIDWAY"
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    engine.dispose()
    # Everything committed is there ...
    assert _count(engine, Patient, "p-ok") == 1
    assert _count(engine, RecordVersion, "p-ok") == 9  # patient, blood, marrow, labs + 5 timeline entries
    assert _count(engine, Assessment, "p-ok") == 1
    assert _count(engine, AuditEntry, "p-ok") == 1
    # ... and nothing of the interrupted write.
    assert _count(engine, Patient, "p-partial") == 0
    assert _count(engine, RecordVersion, "p-partial") == 0
    assert _count(engine, AuditEntry, "p-partial") == 0
    with session_factory(engine)() as session:  # the database still takes writes
        session.add(AuditEntry(action="read", resource="after-kill"))
        session.commit()
