"""Migrations shipped in the package: upgrade, downgrade and upgrade again on each backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from allnav.store.migrate import current_revision, downgrade, head_revision, upgrade
from allnav.store.models import Base

TABLES = {"teams", "users", "patients", "record_versions", "assessments", "audit_log"}


def test_upgrade_downgrade_round_trip(empty_engine: Engine) -> None:
    assert current_revision(empty_engine) is None
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revision()
    assert set(inspect(empty_engine).get_table_names()) >= TABLES
    downgrade(empty_engine, "base")
    assert current_revision(empty_engine) is None
    assert not TABLES & set(inspect(empty_engine).get_table_names())
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revision()


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        migrated = {c["name"] for c in inspector.get_columns(table.name)}
        assert migrated == {c.name for c in table.columns}, table.name
