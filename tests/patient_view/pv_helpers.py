"""Helpers for the patient-view tests: a knowledge base of the treatment and patient-view rules, and
assessments built through the real treatment pathway."""

from __future__ import annotations

from typing import Any

from allnav.case.model import Case
from allnav.knowledge import KnowledgeBase, knowledge_base_for
from allnav.patient_view import summarise_for_patient
from allnav.treatment import plan_treatment

PACKAGES = ("allnav.treatment", "allnav.patient_view")


def pv_kb() -> KnowledgeBase:
    """Records of the treatment and patient-view packages, checked against their RuleRefs."""
    return knowledge_base_for(PACKAGES)


def marker(positive: bool | None) -> dict[str, Any]:
    return {"raw": "pos" if positive else "neg", "positive": positive}


def make_case(age: float | None = 40, sex: str = "female", **extra: Any) -> Case:
    data: dict[str, Any] = {"patient": {"id": "p", "age_years": age, "sex": sex}}
    data.update(extra)
    return Case.model_validate(data)


def assessment(
    kb: KnowledgeBase,
    case: Case,
    diagnosis: str = "B-ALL",
    ph: bool | None = False,
    cns: str | None = "CNS1",
    risk: str = "standard",
    etp: bool | None = None,
    response: dict[str, Any] | None = None,
    mrd: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A section-4-like assessment with the treatment plan computed by plan_treatment."""
    a: dict[str, Any] = {
        "diagnosis": {"value": diagnosis},
        "ph_positive": {"value": ph},
        "etp": {"value": etp},
        "cns_status": {"value": cns},
        "genetic_risk": {"value": risk},
        "prognostic_factors": [],
        "response": response,
        "mrd": mrd or {"status": None},
    }
    plan = plan_treatment(case, kb, a, {"response": response, "mrd": a["mrd"]})
    a["treatment_plan"] = plan["treatment_plan"]
    a["pending"] = plan["pending"]
    a["alerts"] = plan["alerts"]
    return a


def patient(kb: KnowledgeBase, case: Case, **kw: Any) -> dict[str, Any]:
    """The patient view for a case through the real pathway."""
    out: dict[str, Any] = summarise_for_patient(case, kb, assessment(kb, case, **kw))["patient"]
    return out


def texts(p: dict[str, Any]) -> list[str]:
    """Every text shown to the patient."""
    out = [s["text"] for s in p["summary"]]
    out += [r["text"] for r in p["report_right_away"]] + [
        r.get("your_numbers", "") for r in p["report_right_away"]
    ]
    out += [q["text"] for q in p["questions"]]
    return out


def report_ids(p: dict[str, Any]) -> list[str]:
    return [r["id"] for r in p["report_right_away"]]


def question_ids(p: dict[str, Any]) -> list[str]:
    return [q["id"] for q in p["questions"]]
