"""``assess_safety``: CTCAE grades, TLS, CRS/ICANS, anthracycline total and per-drug checks, with alerts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from allnav.case.model import Case
from allnav.knowledge import KnowledgeBase
from allnav.response.timeline import dated_entries_as_of
from allnav.safety.anthracycline import anthracycline_alerts, assess_anthracycline
from allnav.safety.crs_icans import CRS, ICANS, crs_grade, icans_grade
from allnav.safety.ctcae import ANC, FEBRILE_NEUTROPENIA, PLATELETS, Found, count_grades, latest_counts
from allnav.safety.dose_checks import dose_checks
from allnav.safety.tls import LAB, RISK, clinical_tls, lab_series, lab_tls, tls_risk

_TLS_PENDING = ("WBC and LDH with the laboratory ULN", "TLS risk category (Cairo 2010)")
_FN_ACTION = (
    "Febrile neutropenia: take blood cultures and start empirical broad-spectrum IV antibiotics now; "
    "assess for sepsis."
)
_ANC_ACTION = (
    "ANC < 0.5: infection precautions and antimicrobial prophylaxis per protocol; treat any fever "
    "as an emergency."
)
_PLT_ACTION = (
    "Platelets < 25: watch for bleeding; platelet transfusion per local threshold, especially before "
    "procedures such as a lumbar puncture."
)


def _alert(
    kb: KnowledgeBase, rule: str, value: str, because: list[str], severity: str, action: str
) -> dict[str, Any]:
    r = kb.rules[rule]
    return {
        "value": value,
        "rule": r.id,
        "rule_version": r.version,
        "because": list(because),
        "sources": [*r.sources],
        "severity": severity,
        "action": action,
    }


def _count_alerts(kb: KnowledgeBase, ctcae: dict[str, dict[str, Any]], anc: Found) -> list[dict[str, Any]]:
    """Alerts for febrile neutropenia (unless a later ANC >= 1.0 shows the episode is over) and grade 4
    neutropenia or thrombocytopenia; ``anc``: the latest ANC (:func:`~allnav.safety.ctcae.latest_counts`)."""
    alerts = []
    fn = ctcae["febrile_neutropenia"]
    fn_grade = fn["value"]
    if fn_grade == 3:
        day = fn.get("day")
        if anc is not None and day is not None and anc[1] > day and anc[0] >= 1.0:
            # history once a later ANC is back to >= 1.0: not an alert for now
            fn["because"].append(f"episode over: ANC {anc[0]:g} x10^9/L on day {anc[1]} (no alert for now)")
            fn["current"] = False
        else:
            alerts.append(
                _alert(kb, FEBRILE_NEUTROPENIA, "febrile neutropenia", fn["because"], "critical", _FN_ACTION)
            )
    g = ctcae["neutrophil_count_decreased"]
    if g["value"] == 4 and fn_grade != 3:
        alerts.append(_alert(kb, ANC, "grade 4 neutropenia", g["because"], "warning", _ANC_ACTION))
    g = ctcae["platelet_count_decreased"]
    if g["value"] == 4:
        alerts.append(_alert(kb, PLATELETS, "grade 4 thrombocytopenia", g["because"], "warning", _PLT_ACTION))
    return alerts


def _tls_alerts(kb: KnowledgeBase, case: Case, tls: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    alerts: list[dict[str, Any]] = []
    window = tls["laboratory"].get("window")
    as_of = case.as_of_day
    if as_of is None:
        as_of = case.effective_as_of_day if case.timeline else 0
    if isinstance(window, list) and as_of > window[1]:
        # Past the Cairo-Bishop window (3 days before to 7 days after the start of therapy): TLS is graded in
        # the record, but it is no longer something to act on now.
        tls["risk"]["because"].append(f"as of day {as_of}: past the day {window[1]} window, no alert")
        return alerts
    if tls["laboratory"]["value"] is True:
        alerts.append(
            _alert(
                kb,
                LAB,
                "laboratory tumour lysis syndrome",
                tls["laboratory"]["because"],
                "critical",
                "Tumour lysis syndrome: aggressive IV hydration, rasburicase for hyperuricaemia, correct "
                "potassium/phosphate/calcium, cardiac monitoring, and nephrology input if creatinine rises.",
            )
        )
    elif tls["risk"]["value"] == "high":
        alerts.append(
            _alert(
                kb,
                RISK,
                "high TLS risk",
                tls["risk"]["because"],
                "warning",
                "High risk of tumour lysis: IV hydration and uric-acid control (allopurinol or rasburicase) "
                "before and during induction; check electrolytes and creatinine at least daily.",
            )
        )
    return alerts


def _immune_alerts(kb: KnowledgeBase, crs: dict[str, Any], icans: dict[str, Any]) -> list[dict[str, Any]]:
    alerts = []
    cur = crs.get("current_grade")
    if isinstance(cur, int) and cur >= 1:
        alerts.append(
            _alert(
                kb,
                CRS,
                f"CRS grade {cur}",
                crs["because"],
                "critical" if cur >= 2 else "warning",
                f"Cytokine release syndrome grade {cur}: manage per the product's CRS algorithm "
                "(tocilizumab and/or corticosteroids for grade 2 or worse); monitor vital signs closely.",
            )
        )
    cur = icans.get("current_grade")
    if isinstance(cur, int) and cur >= 1:
        alerts.append(
            _alert(
                kb,
                ICANS,
                f"ICANS grade {cur}",
                icans["because"],
                "critical" if cur >= 2 else "warning",
                f"Neurotoxicity (ICANS) grade {cur}: neurological checks and ICE score at least every shift; "
                "manage per the product's ICANS algorithm (corticosteroids for grade 2 or worse).",
            )
        )
    return alerts


_SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


def _severity_rank(alert: Mapping[str, Any]) -> int:
    return _SEVERITY_ORDER.get(alert["severity"], 3)


def assess_safety(case: Case, kb: KnowledgeBase, diagnostic: Mapping[str, Any]) -> dict[str, Any]:
    """Drug-safety assessment as of ``case.as_of_day``.

    Returns ``{"safety": {"ctcae", "tls", "crs_grade", "icans_grade", "anthracycline", "dose_checks"},
    "alerts", "pending"}``. ``diagnostic`` is read for context only. Alerts come critical first, then
    warnings (each in the order the evaluators raise them); pending tests once each.
    """
    del diagnostic  # not needed yet: the grades depend on the case alone
    # the timeline is read once: its dated entries, then the counts, labs and events the evaluators need
    entries, as_of = dated_entries_as_of(case) if case.timeline else ([], None)
    counts = latest_counts(case, entries)
    ctcae = count_grades(kb, case, counts)
    series, events = lab_series(case, entries)
    lab = lab_tls(kb, case, series)
    risk = tls_risk(kb, case)
    tls = {"risk": risk, "laboratory": lab, "clinical": clinical_tls(kb, case, lab, series, events)}
    pending: list[dict[str, Any]] = []
    if risk["value"] is None:
        pending.append({"test": _TLS_PENDING[0], "why": _TLS_PENDING[1]})
    crs, icans = crs_grade(kb, case, as_of), icans_grade(kb, case, as_of)
    anth = assess_anthracycline(kb, case, pending, as_of)
    checks, dose_alerts, more_pending = dose_checks(kb, case, as_of)
    pending += more_pending
    alerts = [a for a in dose_alerts if a["severity"] == "critical"] if dose_alerts else []
    alerts += _count_alerts(kb, ctcae, counts[0])
    alerts += _tls_alerts(kb, case, tls)
    if case.crs_icans:  # a current grade needs CRS/ICANS entries
        alerts += _immune_alerts(kb, crs, icans)
    if anth["value"] or anth["not_estimable"]:  # a zero total is below every limit
        alerts += anthracycline_alerts(kb, anth)
    if dose_alerts:
        alerts += [a for a in dose_alerts if a["severity"] != "critical"]
    if len(alerts) > 1:
        alerts.sort(key=_severity_rank)  # stable: the evaluators' order within a severity
    return {
        "safety": {
            "ctcae": ctcae,
            "tls": tls,
            "crs_grade": crs,
            "icans_grade": icans,
            "anthracycline": anth,
            "dose_checks": checks,
        },
        "alerts": alerts,
        "pending": _dedupe(pending) if len(pending) > 1 else pending,
    }


def _dedupe(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for it in items:
        key = (it.get("test"), it.get("why"))
        if key not in seen:
            seen.add(key)
            out.append(it)
    return out
