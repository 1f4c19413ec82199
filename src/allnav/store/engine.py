"""Engines and sessions. SQLite runs in WAL mode with foreign keys on and ``BEGIN IMMEDIATE`` transactions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def is_sqlite(url: str) -> bool:
    """Whether the SQLAlchemy URL names a SQLite database."""
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for a SQLite file its directory is created and WAL mode switched on."""
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True)
    database = make_url(url).database
    connect_args = {"check_same_thread": False, "timeout": 30}
    if not database or database == ":memory:":
        engine = create_engine(url, connect_args=connect_args)
    else:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        # One connection per process: every transaction takes SQLite's write lock anyway (audit rows), and
        # waiting in the pool queue is prompt where SQLite's busy handler sleeps in steps of up to 100 ms.
        engine = create_engine(url, connect_args=connect_args, pool_size=1, max_overflow=0, pool_timeout=30)
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Manage transactions ourselves (pysqlite's implicit BEGIN is deferred and can deadlock writers).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # Every allnav transaction writes (at least the audit log), so take the write lock up front.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine`` (objects stay usable after commit)."""
    return sessionmaker(engine, expire_on_commit=False)
