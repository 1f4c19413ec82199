"""The REST API: ``create_app(settings) -> FastAPI``."""

from allnav.api.app import create_app

__all__ = ["create_app"]
