"""Helpers for the treatment tests: a knowledge base from this package's rules, case and input builders."""

from __future__ import annotations

from typing import Any

import allnav.treatment.frontline
import allnav.treatment.labels
import allnav.treatment.phase
import allnav.treatment.plan
import allnav.treatment.relapse
import allnav.treatment.transplant  # noqa: F401  (registers RuleRefs)
from allnav.case.model import Case
from allnav.knowledge import KnowledgeBase, knowledge_base_for


def tx_kb() -> KnowledgeBase:
    """The treatment rules as a checked knowledge base."""
    return knowledge_base_for(["allnav.treatment"])


def marker(positive: bool | None, percent: float | None = None) -> dict[str, Any]:
    raw = "pos" if positive else "neg" if positive is False else "equivocal"
    return {"raw": raw, "positive": positive, "percent": percent}


def make_case(age: float | None = 40, **extra: Any) -> Case:
    data: dict[str, Any] = {"patient": {"id": "t", "age_years": age}}
    data.update(extra)
    return Case.model_validate(data)


def dx(
    diagnosis: str = "B-ALL",
    ph: bool | None = False,
    cns: str | None = "CNS1",
    risk: str | None = "standard",
    etp: bool | None = None,
    factors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "diagnosis": {"value": diagnosis},
        "lineage": {"value": "T" if diagnosis.startswith("T") else "B"},
        "ph_positive": {"value": ph},
        "etp": {"value": etp},
        "cns_status": {"value": cns},
        "genetic_risk": {"value": risk},
        "prognostic_factors": factors or [],
    }


def resp(
    value: str | None = None,
    day: int | None = None,
    mrd: str | None = None,
    level: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    r: dict[str, Any] = {"value": value, "timepoint": day}
    r.update(extra)
    return {"response": r if value is not None else None, "mrd": {"status": mrd, "level": level}}


def full_kb() -> KnowledgeBase:
    """Treatment and patient-view rules together (for the patient view)."""
    return knowledge_base_for(["allnav.treatment", "allnav.patient_view"])


def context(
    age: float | None = 40,
    diagnostic: dict[str, Any] | None = None,
    response: dict[str, Any] | None = None,
    **case_extra: Any,
) -> Any:
    """A PlanContext from simple inputs."""
    from allnav.treatment.context import build_context

    return build_context(make_case(age, **case_extra), diagnostic or dx(), response or resp())


CD19_POS = {"CD19": marker(True), "CD22": marker(True)}
