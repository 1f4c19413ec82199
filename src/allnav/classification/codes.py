"""ICD-10-CM status code and the ploidy summary (clinical_rules.md G5, R-A3, A3; contracts.md section 2)."""

from __future__ import annotations

from typing import Any

from allnav.knowledge import KnowledgeBase, RuleRef

ICD10CM = RuleRef("cls.icd10cm_status")
ICD10CM_LYMPHOMA = RuleRef("cls.icd10cm_lymphoma")
PLOIDY = RuleRef("cls.ploidy")

_STATUS = {"CR": ("C91.01", "in remission"), "relapse": ("C91.02", "in relapse")}


def icd10cm(kb: KnowledgeBase, diagnosis: str, response: dict[str, Any] | None = None) -> dict[str, Any]:
    """C91.00 at diagnosis (C91.01 in remission, C91.02 in relapse); C83.5x for lymphoblastic lymphoma."""
    if diagnosis in ("B-LBL", "T-LBL"):
        return kb.conclude(
            ICD10CM_LYMPHOMA,
            "C83.5x",
            [f"diagnosis = {diagnosis} (lymphomatous presentation)", "x = site digit: needs the site"],
            needs_site=True,
        )
    if diagnosis not in ("B-ALL", "T-ALL"):
        return kb.conclude(
            ICD10CM,
            None,
            [f"diagnosis = {diagnosis}: no ICD-10-CM code for it in the sources (G5 covers ALL only)"],
        )
    status = None
    if response:
        resp = response.get("response", response)
        status = resp.get("value") if isinstance(resp, dict) else None
    if status in _STATUS:
        code, words = _STATUS[status]
        because = [f"diagnosis = {diagnosis}", f"response = {status}: ALL {words}"]
        verify = code == "C91.01"
        note = "C91.01 vs Z85.6 (history of leukaemia) depends on provider documentation" if verify else None
        return kb.conclude(ICD10CM, code, because, verify=verify, note=note)
    because = [f"diagnosis = {diagnosis}: ALL not having achieved remission (at diagnosis)"]
    if status is not None:
        because.append(f"response = {status}")
    r = kb.rules[ICD10CM]  # the usual conclusion, built in kb.conclude's key order
    return {
        "value": "C91.00",
        "rule": r.id,
        "rule_version": r.version,
        "because": because,
        "sources": list(r.sources),
        "verify": False,
    }


def ploidy(kb: KnowledgeBase, features: dict[str, Any] | None) -> dict[str, Any]:
    """``modal_number`` and ``ploidy_class`` from the karyotype features (None when unavailable)."""
    r = kb.rules[PLOIDY]  # built in kb.conclude's key order
    if not features or features.get("valid") is False:
        modal = pclass = None
        because = ["no karyotype" if not features else "karyotype invalid"]
    else:
        modal = features.get("modal_number")
        pclass = features.get("ploidy_class")
        because = [f"karyotype stemline modal number = {modal} -> {pclass}"]
    return {
        "value": pclass,
        "rule": r.id,
        "rule_version": r.version,
        "because": because,
        "sources": list(r.sources),
        "modal_number": modal,
        "ploidy_class": pclass,
    }
