"""``POST /api/assess``: a case file in, the section-4 assessment out; nothing stored."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends

from allnav.api.deps import Core
from allnav.api.policy import Action, Grant, require

router = APIRouter(tags=["assess"])

CaseBody = Annotated[
    dict[str, Any],
    Body(
        description="a case file (contract section 3)",
        examples=[{"patient": {"id": "demo", "age_years": 40}}],
    ),
]


@router.post("/api/assess")
def assess(
    case: CaseBody, core: Core, _: Annotated[Grant, Depends(require(Action.ASSESS))]
) -> dict[str, Any]:
    """The same output as ``allnav assess --json``; invalid cases give 422 with the field paths."""
    return core.assess(case)
