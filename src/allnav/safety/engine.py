"""``assess_safety``: CTCAE grades, TLS, CRS/ICANS, anthracycline total and per-drug checks, with alerts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from allnav.case.model import Case
from allnav.knowledge import KnowledgeBase
from allnav.response.timeline import dated_entries
from allnav.safety.anthracycline import anthracycline_alerts, assess_anthracycline
from allnav.safety.crs_icans import CRS, ICANS, crs_grade, icans_grade
from allnav.safety.ctcae import (
    ANC,
    FEBRILE_NEUTROPENIA,
    PLATELETS,
    Entries,
    grade_anc,
    grade_anemia,
    grade_febrile_neutropenia,
    grade_platelets,
    latest_blood,
)
from allnav.safety.dose_checks import dose_checks
from allnav.safety.tls import LAB, RISK, tls_clinical, tls_lab, tls_risk


def _alert(
    kb: KnowledgeBase, rule: str, value: str, because: list[str], severity: str, action: str
) -> dict[str, Any]:
    return kb.conclude(rule, value, because, severity=severity, action=action)


def _fn_resolved(case: Case, fn: Mapping[str, Any], entries: Entries = None) -> bool:
    """A febrile-neutropenia episode is history once a later ANC is back to >= 1.0 (not an alert for now)."""
    later = latest_blood(case, "anc", entries)
    day = fn.get("day")
    return later is not None and day is not None and later.day > day and later.value >= 1.0


def _count_alerts(
    kb: KnowledgeBase, case: Case, ctcae: dict[str, dict[str, Any]], entries: Entries = None
) -> list[dict[str, Any]]:
    alerts = []
    fn = ctcae["febrile_neutropenia"]
    if fn["value"] == 3 and _fn_resolved(case, fn, entries):
        later = latest_blood(case, "anc", entries)
        assert later is not None
        fn["because"].append(
            f"episode over: ANC {later.value:g} x10^9/L on day {later.day} (no alert for now)"
        )
        fn["current"] = False
    elif fn["value"] == 3:
        alerts.append(
            _alert(
                kb,
                FEBRILE_NEUTROPENIA,
                "febrile neutropenia",
                fn["because"],
                "critical",
                "Febrile neutropenia: take blood cultures and start empirical broad-spectrum IV antibiotics now; "
                "assess for sepsis.",
            )
        )
    anc = ctcae["neutrophil_count_decreased"]
    if anc["value"] == 4 and fn["value"] != 3:
        alerts.append(
            _alert(
                kb,
                ANC,
                "grade 4 neutropenia",
                anc["because"],
                "warning",
                "ANC < 0.5: infection precautions and antimicrobial prophylaxis per protocol; treat any fever "
                "as an emergency.",
            )
        )
    plt = ctcae["platelet_count_decreased"]
    if plt["value"] == 4:
        alerts.append(
            _alert(
                kb,
                PLATELETS,
                "grade 4 thrombocytopenia",
                plt["because"],
                "warning",
                "Platelets < 25: watch for bleeding; platelet transfusion per local threshold, especially before "
                "procedures such as a lumbar puncture.",
            )
        )
    return alerts


def _tls_alerts(kb: KnowledgeBase, case: Case, tls: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    alerts: list[dict[str, Any]] = []
    window = tls["laboratory"].get("window")
    if isinstance(window, list) and case.effective_as_of_day > window[1]:
        # Past the Cairo-Bishop window (3 days before to 7 days after the start of therapy): TLS is graded in
        # the record, but it is no longer something to act on now.
        tls["risk"]["because"].append(
            f"as of day {case.effective_as_of_day}: past the day {window[1]} window, no alert"
        )
        return alerts
    if tls["laboratory"]["value"] is True:
        sev = "critical"
        alerts.append(
            _alert(
                kb,
                LAB,
                "laboratory tumour lysis syndrome",
                tls["laboratory"]["because"],
                sev,
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


def assess_safety(case: Case, kb: KnowledgeBase, diagnostic: Mapping[str, Any]) -> dict[str, Any]:
    """Drug-safety assessment as of ``case.as_of_day``.

    Returns ``{"safety": {"ctcae", "tls", "crs_grade", "icans_grade", "anthracycline", "dose_checks"},
    "alerts", "pending"}``. ``diagnostic`` is read for context only.
    """
    del diagnostic  # not needed yet: the grades depend on the case alone
    pending: list[dict[str, Any]] = []
    entries = dated_entries(case)  # read once for the evaluators below
    ctcae = {
        "anemia": grade_anemia(kb, case, entries),
        "neutrophil_count_decreased": grade_anc(kb, case, entries),
        "platelet_count_decreased": grade_platelets(kb, case, entries),
        "febrile_neutropenia": grade_febrile_neutropenia(kb, case, entries),
    }
    lab = tls_lab(kb, case, entries)
    tls = {"risk": tls_risk(kb, case), "laboratory": lab, "clinical": tls_clinical(kb, case, lab, entries)}
    if tls["risk"]["value"] is None:
        pending.append(
            {"test": "WBC and LDH with the laboratory ULN", "why": "TLS risk category (Cairo 2010)"}
        )
    crs, icans = crs_grade(kb, case), icans_grade(kb, case)
    anth = assess_anthracycline(kb, case, pending)
    checks, alerts, more_pending = dose_checks(kb, case)
    pending += more_pending
    alerts = (
        [a for a in alerts if a["severity"] == "critical"]
        + _count_alerts(kb, case, ctcae, entries)
        + _tls_alerts(kb, case, tls)
        + _immune_alerts(kb, crs, icans)
        + anthracycline_alerts(kb, anth)
        + [a for a in alerts if a["severity"] != "critical"]
    )
    order = {"critical": 0, "warning": 1, "info": 2}
    alerts.sort(key=lambda a: order.get(a["severity"], 3))
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
        "pending": _dedupe(pending),
    }


def _dedupe(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for it in items:
        key = (it.get("test"), it.get("why"))
        if key not in seen:
            seen.add(key)
            out.append(it)
    return out
