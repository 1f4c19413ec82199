"""``GET /api/health``: 200 when the database answers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import text

from allnav._version import __version__
from allnav.api.deps import DB

router = APIRouter(tags=["health"])


@router.get("/api/health")
def health(session: DB) -> dict[str, Any]:
    """Ready when the database answers a query."""
    session.execute(text("SELECT 1"))
    return {"status": "ok", "allnav_version": __version__}
