"""Database fixtures shared by the store and API tests: SQLite always, PostgreSQL when configured."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from allnav.store.engine import make_engine
from allnav.store.migrate import downgrade, upgrade

PG_ENV = "ALLNAV_TEST_DATABASE_URL"
BACKENDS = ["sqlite", "postgresql"]


def backend_url(backend: str, tmp_path: Path) -> str:
    """The URL of a fresh database for ``backend``; skips PostgreSQL when it is not configured."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'allnav.sqlite'}"
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"PostgreSQL tests skipped: {PG_ENV} is not set (CI sets it)")
    return url


def reset_postgres(engine: Engine) -> None:
    """Drop everything in the PostgreSQL test database (alembic's table included)."""
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database of each backend."""
    engine = make_engine(backend_url(request.param, tmp_path))
    if engine.dialect.name == "postgresql":
        reset_postgres(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """An engine on a migrated, empty database of each backend."""
    upgrade(empty_engine)
    return empty_engine


__all__ = ["downgrade"]
