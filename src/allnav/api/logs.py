"""Request logging that carries no patient data: method, route template, status and duration only."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

log = logging.getLogger("allnav.api.access")


def install(app: FastAPI) -> None:
    """Log each request by its route *template* (``/api/patients/{patient_id}``), never its path or query."""

    @app.middleware("http")
    async def access_log(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        start = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        template = getattr(route, "path", "<unmatched>")
        ms = (time.perf_counter() - start) * 1000
        log.info("%s %s %d %.1fms", request.method, template, response.status_code, ms)
        return response
