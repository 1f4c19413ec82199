"""Child process for test_durability: commits one patient, then is killed in the middle of writing another.

Usage: python killed_writer.py DATABASE_URL. Prints COMMITTED after the first commit and MIDWAY after the
third row of the second (multi-row) write, then waits to be killed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dbfixtures import FakeCore

from allnav.services.patients import create_patient
from allnav.store.audit import Actor
from allnav.store.engine import make_engine, session_factory

CASE: dict[str, Any] = {
    "patient": {"age_years": 50},
    "blood": {"wbc": 12},
    "marrow": {"blasts_pct": 70},
    "labs": {"ldh": 400},
    "timeline": [{"day": d, "blood": {"anc": 1.0}} for d in (1, 8, 15, 22, 29)],
}


def main(url: str) -> None:
    engine = make_engine(url)
    sessions = session_factory(engine)
    actor = Actor(None, "writer@test", None, "test")
    core = FakeCore()
    with sessions() as session:
        create_patient(
            session, core, actor, name="Committed Person", team_name="t", patient_id="p-ok", case=CASE
        )
        session.commit()
    print("COMMITTED", flush=True)
    inserts = 0

    def pause(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        nonlocal inserts
        if statement.startswith("INSERT INTO record_versions"):
            inserts += 1
            if inserts == 3:
                print("MIDWAY", flush=True)
                time.sleep(120)

    event.listen(engine, "before_cursor_execute", pause)
    with sessions() as session:
        create_patient(
            session, core, actor, name="Partial Person", team_name="t", patient_id="p-partial", case=CASE
        )
        session.commit()
    print("NOT KILLED", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
