"""``GET /api/health``: 200 when the database answers."""

from __future__ import annotations

from typing import Any

from alembic.runtime.migration import MigrationContext
from fastapi import APIRouter
from sqlalchemy import text

from allnav._version import __version__
from allnav.api.deps import DB
from allnav.errors import StoreError
from allnav.store.migrate import head_revision

router = APIRouter(tags=["health"])


@router.get("/api/health")
def health(session: DB) -> dict[str, Any]:
    """Ready when the database answers and its schema is at this version's migration (else 503)."""
    session.execute(text("SELECT 1"))
    revision = MigrationContext.configure(session.connection()).get_current_revision()
    if revision != head_revision():
        raise StoreError(f"database schema at {revision}, not {head_revision()}: run `allnav db upgrade`")
    return {"status": "ok", "allnav_version": __version__, "schema": revision}
