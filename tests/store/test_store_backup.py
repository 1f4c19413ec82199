"""``allnav db backup`` / ``restore`` round-trip: SQLite file backups and portable JSON dumps."""

from __future__ import annotations

from pathlib import Path

import pytest
from dbfixtures import FakeCore, reset_postgres
from sqlalchemy import Engine

from allnav.errors import StoreError
from allnav.services.backup import backup_database, dump, restore_database
from allnav.services.patients import create_patient, write_record
from allnav.store.audit import Actor
from allnav.store.engine import make_engine, session_factory
from allnav.store.migrate import upgrade

ACTOR = Actor(None, "t@test", None, "test")


def _fill(engine: Engine) -> None:
    core = FakeCore()
    with session_factory(engine)() as session:
        create_patient(
            session,
            core,
            ACTOR,
            name="Ann Example",
            team_name="t",
            patient_id="p1",
            case={"blood": {"wbc": 4.2}, "timeline": [{"day": 3, "blood": {"anc": 0.4}}]},
        )
        write_record(
            session,
            core,
            ACTOR,
            "p1",
            expected_version=1,
            kind="section",
            section="blood",
            payload={"wbc": 5.0},
        )
        session.commit()


@pytest.mark.parametrize("suffix", [".sqlite", ".json"])
def test_round_trip(engine: Engine, tmp_path: Path, suffix: str) -> None:
    _fill(engine)
    before = dump(engine)
    target_path = tmp_path / f"backup{suffix}"
    fmt = backup_database(engine, target_path)
    if engine.dialect.name != "sqlite":
        assert fmt == "json"
        target_path = target_path.with_suffix(".json")
        backup_database(engine, target_path, "json")
    restored = make_engine(f"sqlite:///{tmp_path / 'restored.sqlite'}")
    if fmt == "json" or suffix == ".json":
        restore_database(restored, target_path)
    else:
        restore_database(restored, target_path)
    after = dump(restored)
    assert after["tables"] == before["tables"]
    assert sum(len(rows) for rows in after["tables"].values()) > 5


def test_json_restore_refuses_a_non_empty_database(engine: Engine, tmp_path: Path) -> None:
    _fill(engine)
    path = tmp_path / "b.json"
    backup_database(engine, path, "json")
    other = make_engine(f"sqlite:///{tmp_path / 'other.sqlite'}")
    upgrade(other)
    _fill(other)
    with pytest.raises(StoreError, match="empty database"):
        restore_database(other, path)


def test_json_restore_into_the_same_backend(engine: Engine, tmp_path: Path) -> None:
    _fill(engine)
    before = dump(engine)
    path = tmp_path / "same.json"
    backup_database(engine, path, "json")
    if engine.dialect.name == "postgresql":
        reset_postgres(engine)
        target = engine
    else:
        target = make_engine(f"sqlite:///{tmp_path / 'same.sqlite'}")
    restore_database(target, path)
    assert dump(target)["tables"] == before["tables"]
    core = FakeCore()
    with session_factory(target)() as session:  # ids continue after the restored rows
        create_patient(session, core, ACTOR, name="After Restore", team_name="t", patient_id="p2")
        session.commit()
    assert len(dump(target)["tables"]["patients"]) == 2
