"""Orchestrates the domain evaluators into the section-4 assessment.

The order matters and is explicit: karyotype features -> genetic profile -> immunophenotype ->
diagnosis (blast threshold, CNS) -> classification and codes -> response over time -> prognosis
(which uses the response) -> drug safety -> follow-up -> treatment pathway -> the patient's view.
No clinical rule lives here: this module only wires the evaluators and gathers their pending tests
and alerts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from allnav._version import __version__
from allnav.case import Case, load_case
from allnav.classification import classify
from allnav.cytogenetics import features_of
from allnav.diagnosis import assess_diagnosis
from allnav.followup import assess_followup
from allnav.genetics import build_genetic_profile
from allnav.immunophenotype import assess_immunophenotype
from allnav.knowledge import KnowledgeBase, load_knowledge_base
from allnav.patient_view import summarise_for_patient
from allnav.prognosis import assess_prognosis
from allnav.response import assess_response
from allnav.safety import assess_safety
from allnav.treatment import plan_treatment


def _value(conclusion: Mapping[str, Any] | None) -> Any:
    return None if conclusion is None else conclusion.get("value")


def _merge_unique(
    target: list[dict[str, Any]], seen: set[str], items: Iterable[dict[str, Any]] | None
) -> None:
    """Append the items not yet in ``target`` (same test, rule, value and reason); ``seen`` holds its keys."""
    for item in items or ():
        k = _key(item)
        if k not in seen:
            seen.add(k)
            target.append(item)


def _key(item: Mapping[str, Any]) -> str:
    return "|".join(str(item.get(k, "")) for k in ("test", "rule", "value", "why"))


def _merge_pending(
    target: list[dict[str, Any]], by_test: dict[str, dict[str, Any]], items: Iterable[dict[str, Any]] | None
) -> None:
    """One entry per test: a test asked for by several rules keeps its first reason, the others in ``also_why``.

    ``by_test`` maps each test already in ``target`` (stripped, lower case) to its entry; entries are copies,
    so the evaluators' own lists are never changed.
    """
    for item in items or ():
        name = str(item.get("test", "")).strip().lower()
        first = by_test.get(name)
        if first is None:
            entry = dict(item)
            by_test[name] = entry
            target.append(entry)
        else:
            why = item.get("why")
            if why and why != first.get("why") and why not in first.get("also_why", ()):
                first.setdefault("also_why", []).append(item["why"])


def assess(case: Mapping[str, Any] | Case, *, kb: KnowledgeBase | None = None) -> dict[str, Any]:
    """Assess one case (a case-file dict or a validated :class:`Case`) into the section-4 dict.

    Raises :class:`allnav.errors.CaseValidationError` for an invalid case. Nothing is cached.
    """
    kb = kb if kb is not None else load_knowledge_base()
    c = case if isinstance(case, Case) else load_case(case)
    pending: list[dict[str, Any]] = []
    alerts: list[dict[str, Any]] = []

    features: dict[str, Any] | None = None
    karyotype_out: dict[str, Any] | None = None
    if c.karyotype:
        karyotype_out = features_of(c.karyotype)
        features = karyotype_out if karyotype_out.get("valid") else None

    profile = build_genetic_profile(c, kb, features if features is not None else karyotype_out)
    immuno = assess_immunophenotype(c, kb)
    dx = assess_diagnosis(c, kb, immuno, profile)
    diagnosis = _value(dx.diagnosis)
    lineage = _value(immuno.lineage)
    etp = _value(immuno.etp)
    cls = classify(c, kb, diagnosis, lineage, etp, profile, features)

    out: dict[str, Any] = {
        "allnav_version": __version__,
        "knowledge_version": kb.version,
        "case_id": c.patient.id,
        "diagnosis": dx.diagnosis,
        "lineage": immuno.lineage,
        "who2016": cls.who2016,
        "who2022": cls.who2022,
        "icc2022": cls.icc2022,
        "icd10cm": cls.icd10cm,
        "ph_positive": None,
        "etp": immuno.etp,
        "mpal": immuno.mpal,
        "cns_disease": dx.cns_disease,
        "cns_status": dx.cns_status,
        "testicular": dx.testicular,
        "ploidy": cls.ploidy,
        "b_stage": immuno.b_stage,
        "t_stage": immuno.t_stage,
        "karyotype": karyotype_out,
    }

    resp = assess_response(c, kb, out)
    prog = assess_prognosis(
        c,
        kb,
        diagnosis,
        lineage,
        etp,
        _value(immuno.b_stage),
        _value(dx.cns_disease),
        profile,
        response=resp,
    )
    out["ph_positive"] = prog.ph_positive
    out["genetic_risk"] = prog.genetic_risk
    out["prognostic_factors"] = prog.factors
    out["response"] = resp.get("response")
    out["mrd"] = resp.get("mrd")
    out["response_history"] = resp.get("history", [])
    status_code = resp.get("icd10cm_status")
    if status_code is not None:
        out["icd10cm_status"] = status_code
        # The ICD-10-CM code follows the disease status (C91.00 / C91.01 / C91.02) for leukaemia; a lymphoma
        # presentation keeps its C83.5x code. The code at diagnosis stays visible.
        if diagnosis not in ("B-LBL", "T-LBL") and _value(status_code) is not None:
            out["icd10cm_at_diagnosis"] = out["icd10cm"]
            out["icd10cm"] = status_code

    safety = assess_safety(c, kb, out)
    out["safety"] = safety.get("safety")
    follow = assess_followup(c, kb, out, resp)
    out["followup"] = follow.get("followup")
    out["survivorship"] = follow.get("survivorship")
    plan = plan_treatment(c, kb, out, resp)
    out["treatment_plan"] = plan.get("treatment_plan")

    seen_alerts: set[str] = set()
    by_test: dict[str, dict[str, Any]] = {}
    for part in (immuno, dx, cls, prog):
        _merge_pending(pending, by_test, getattr(part, "pending", None))
        _merge_unique(alerts, seen_alerts, getattr(part, "alerts", None))
    for d in (resp, safety, follow, plan):
        _merge_pending(pending, by_test, d.get("pending"))
        _merge_unique(alerts, seen_alerts, d.get("alerts"))
    out["pending"] = pending
    out["alerts"] = alerts
    out["patient"] = summarise_for_patient(c, kb, out).get("patient")
    return out
