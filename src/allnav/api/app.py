"""The application factory. Nothing happens at import time: ``create_app`` builds everything it needs."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from allnav._version import __version__
from allnav.api import errors, headers, logs
from allnav.api.deps import AppState
from allnav.api.routes import admin, assess, auth, cds, fhir, findings, health, patients, registry
from allnav.services.clinical import ClinicalCore, DefaultCore
from allnav.services.security import LoginLimiter, TokenSigner
from allnav.settings import Settings
from allnav.store.engine import make_engine, session_factory


def create_app(
    settings: Settings,
    *,
    core: ClinicalCore | None = None,
    engine: Engine | None = None,
    with_web: bool = True,
) -> FastAPI:
    """A ready FastAPI application on ``settings`` (the schema must be migrated: ``allnav db upgrade``)."""
    app = FastAPI(
        title="allnav",
        version=__version__,
        description="Adult ALL clinical decision support (decision support, not a medical device).",
        docs_url=None,  # the Swagger/ReDoc pages load their assets from a CDN; the document is /openapi.json
        redoc_url=None,
    )
    engine = engine if engine is not None else make_engine(settings.database_url)
    app.state.allnav = AppState(
        settings=settings,
        sessions=session_factory(engine),
        core=core if core is not None else DefaultCore(),
        signer=TokenSigner(settings.secret_key, settings.token_ttl_seconds),
        limiter=LoginLimiter(settings.login_max_failures, settings.login_window_seconds),
    )
    app.state.engine = engine
    errors.install(app)
    logs.install(app)
    headers.install(app)
    for module in (health, auth, assess, patients, findings, admin, registry, cds, fhir):
        app.include_router(module.router)
    if with_web:
        from allnav.web import install

        install(app)
    return app
