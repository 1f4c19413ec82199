"""``allnav db backup`` / ``allnav db restore``.

Two formats: a SQLite database file (made with SQLite's online backup API; SQLite only) and a portable
JSON dump (any backend: SQLite <-> PostgreSQL). A JSON restore needs a migrated, empty database.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Integer, Table, func, insert, select, text

from allnav.errors import StoreError, UsageError
from allnav.store.engine import is_sqlite
from allnav.store.migrate import current_revision, upgrade
from allnav.store.models import Assessment, AuditEntry, Base, Patient, RecordVersion, Team, User, UTCDateTime

FORMAT = "allnav-backup/1"
TABLES = (Team, Patient, User, RecordVersion, Assessment, AuditEntry)  # foreign-key order


def _table(model: type[Base]) -> Table:
    return Base.metadata.tables[model.__tablename__]


SQLITE_MAGIC = b"SQLite format 3\x00"


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def dump(engine: Engine) -> dict[str, Any]:
    """Every row of every table as JSON-ready data, with the schema revision."""
    tables: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for model in TABLES:
            table = _table(model)
            rows = conn.execute(select(table).order_by(table.c.id)).mappings()
            tables[table.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return {"format": FORMAT, "revision": current_revision(engine), "tables": tables}


def backup_database(engine: Engine, path: str | Path, fmt: str | None = None) -> str:
    """Write a backup of the database to ``path``; returns the format used (``sqlite`` or ``json``)."""
    path = Path(path)
    fmt = fmt or ("sqlite" if is_sqlite(str(engine.url)) and path.suffix != ".json" else "json")
    if fmt == "sqlite":
        if not is_sqlite(str(engine.url)):
            raise UsageError("a SQLite-file backup needs a SQLite database; use a .json path")
        raw = engine.raw_connection()
        try:
            with sqlite3.connect(path) as target:
                raw.driver_connection.backup(target)  # type: ignore[union-attr]
            target.close()
        finally:
            raw.close()
        return fmt
    if fmt != "json":
        raise UsageError(f"unknown backup format {fmt!r}")
    path.write_text(json.dumps(dump(engine), ensure_ascii=False, sort_keys=True))
    return fmt


def _parse_row(model: type[Base], row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for column in _table(model).columns:
        value = out.get(column.name)
        if isinstance(value, str) and isinstance(column.type, UTCDateTime):
            out[column.name] = datetime.fromisoformat(value)
    return out


def restore_database(engine: Engine, path: str | Path) -> str:
    """Restore a backup made by :func:`backup_database` into ``engine``'s database; returns the format."""
    path = Path(path)
    with path.open("rb") as handle:
        magic = handle.read(len(SQLITE_MAGIC))
    if magic == SQLITE_MAGIC:
        if not is_sqlite(str(engine.url)):
            raise UsageError("a SQLite-file backup restores only into SQLite; use a JSON backup")
        engine.dispose()
        raw = engine.raw_connection()
        try:
            with sqlite3.connect(path) as source:
                source.backup(raw.driver_connection)  # type: ignore[arg-type]
            source.close()
        finally:
            raw.close()
        engine.dispose()
        return "sqlite"
    data = json.loads(path.read_text())
    if data.get("format") != FORMAT:
        raise UsageError(f"{path} is not an allnav backup")
    upgrade(engine, data["revision"] or "head")
    with engine.begin() as conn:
        for model in TABLES:
            table = _table(model)
            if conn.scalar(select(func.count()).select_from(table)):
                raise StoreError(f"restore needs an empty database; table {table.name} has rows")
            rows = [_parse_row(model, r) for r in data["tables"].get(table.name, [])]
            if rows:
                conn.execute(insert(table), rows)
            if engine.dialect.name == "postgresql" and isinstance(table.c.id.type, Integer):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                    )
                )
    upgrade(engine)
    return "json"
