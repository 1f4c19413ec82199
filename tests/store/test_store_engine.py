"""SQLite engines: WAL mode and foreign keys on a file database; in-memory databases work too."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from allnav.store.engine import is_sqlite, make_engine, session_factory
from allnav.store.migrate import upgrade
from allnav.store.models import Patient, utcnow


def test_file_database_is_wal_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'db.sqlite'}")
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    with session_factory(engine)() as session:
        session.add(
            Patient(id="p", name="n", team_id=999, version=1, created_at=utcnow(), updated_at=utcnow())
        )
        with pytest.raises(IntegrityError):
            session.commit()


def test_in_memory_database() -> None:
    engine = make_engine("sqlite://")
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar() == 0


def test_backend_detection() -> None:
    assert is_sqlite("sqlite:///x.db")
    assert not is_sqlite("postgresql+psycopg://u@h/db")
