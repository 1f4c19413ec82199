"""CDS Hooks 2.0: ``GET /cds-services`` (discovery) and ``POST /cds-services/{id}``.

A malformed request is a 400 with the JSON error envelope; the services themselves live in
:mod:`allnav.interop.cds_hooks` and call the one assessment core.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request

from allnav.api.deps import Core
from allnav.api.policy import Action, Grant, require
from allnav.interop import cds_hooks

router = APIRouter(tags=["cds-hooks"])


@router.get("/cds-services")
def discovery() -> dict[str, Any]:
    """The services this server offers."""
    return cds_hooks.discovery()


@router.post("/cds-services/{service_id}")
def call_service(
    service_id: str,
    request: Request,
    core: Core,
    _: Annotated[Grant, Depends(require(Action.ASSESS))],
    body: Annotated[dict[str, Any], Body()],
) -> dict[str, Any]:
    """Answer a hook call with cards."""
    base = str(request.base_url).rstrip("/")
    return cds_hooks.handle(service_id, body, core.assess, base)
