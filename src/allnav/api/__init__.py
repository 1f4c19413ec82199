"""The REST API: ``create_app(settings) -> FastAPI``.

``create_app`` is imported on first use, so the command line (``allnav.api.cli``) starts without loading
FastAPI and the routes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from allnav.api.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from allnav.api.app import create_app

        return create_app
    raise AttributeError(f"module 'allnav.api' has no attribute {name!r}")
