"""Cumulative anthracycline dose as doxorubicin equivalents (clinical_rules I1, L8).

Both ratio sets are computed: the current cardiotoxicity ratios (Feijen 2019 / IGHG; idarubicin not
estimable, flagged) are followed; the older COG haematological substitution is reported alongside.
"""

from __future__ import annotations

import functools
from typing import Any

from allnav.case.model import Case
from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.response.timeline import as_of_day
from allnav.safety.drugs import DrugTable, RatioSet, canonical, dose_mg_m2, drug_table, resolve

DOXO_EQUIV = RuleRef("safety.anthracycline_dose")
LIMIT = RuleRef("safety.anthracycline_limit")


def cumulative_by_drug(
    case: Case, pending: list[dict[str, Any]], as_of: int | None = None
) -> dict[str, float]:
    """mg/m2 per anthracycline: doses given up to the assessment day plus ``prior_anthracyclines``.

    ``as_of``: the assessment day (:func:`~allnav.response.timeline.as_of_day`) when the caller has it.
    """
    totals: dict[str, float] = {}
    if not case.medications and not case.prior_anthracyclines:
        return totals
    limit = as_of_day(case) if as_of is None else as_of
    for p in case.prior_anthracyclines:
        name = canonical(p.drug)
        totals[name] = totals.get(name, 0.0) + p.cumulative_mg_m2
    for i, m in enumerate(case.medications):
        if m.status != "given" or (m.day is not None and m.day > limit):
            continue
        drug = resolve(m.drug)
        if drug is None or "anthracycline" not in drug.classes:
            continue
        d = dose_mg_m2(case, m, i)
        if d is None:
            pending.append(
                {
                    "test": "body surface area / dose unit",
                    "why": f"medications[{i}] {m.drug}: dose not convertible to mg/m2",
                }
            )
            continue
        totals[drug.name] = totals.get(drug.name, 0.0) + d
    return totals


def _total(ratios: RatioSet, totals: dict[str, float], bound: int) -> tuple[float, list[str]]:
    out, missing = 0.0, []
    for drug, mg in totals.items():
        r = ratios.ratios.get(drug)
        if r is None:
            missing.append(drug)
            continue
        out += mg * r[bound]
    return out, missing


def assess_anthracycline(
    kb: KnowledgeBase, case: Case, pending: list[dict[str, Any]], as_of: int | None = None
) -> dict[str, Any]:
    """Doxorubicin-equivalent total (current set followed, legacy shown), against the 400 / 450-500 limits.

    ``as_of`` as for :func:`cumulative_by_drug`.
    """
    table = drug_table()
    totals = cumulative_by_drug(case, pending, as_of)
    if not totals:
        return _none_given(kb, table)
    cur, leg_lo, leg_hi = 0.0, 0.0, 0.0
    cur_missing: list[str] = []
    leg_missing: list[str] = []
    if totals:
        cur, cur_missing = _total(table.anthracycline_ratios.current, totals, 0)
        leg_lo, leg_missing = _total(table.anthracycline_ratios.legacy, totals, 0)
        leg_hi, _ = _total(table.anthracycline_ratios.legacy, totals, 1)
    lim = table.anthracycline_limits
    by_drug = sorted(totals.items())
    why = [f"{d}: {mg:g} mg/m2" for d, mg in by_drug] or ["no anthracycline given or recorded"]
    why.append(
        f"current ratios ({table.anthracycline_ratios.current.name}): {cur:.1f} mg/m2 doxorubicin-equivalent"
    )
    if cur_missing:
        why.append(
            f"{', '.join(cur_missing)}: no current cardiotoxicity ratio (not estimable); legacy set gives "
            f"{leg_lo:.1f}-{leg_hi:.1f} mg/m2 including it"
        )
    frac = cur / lim.warning_mg_m2
    total = _round(cur, 1)
    return kb.conclude(
        DOXO_EQUIV,
        total,
        why,
        doxorubicin_equivalent_mg_m2=total,
        ratio_set="current",
        ratio_set_name=table.anthracycline_ratios.current.name,
        by_drug={d: round(v, 1) for d, v in by_drug},
        not_estimable=cur_missing,
        legacy={
            "ratio_set_name": table.anthracycline_ratios.legacy.name,
            "doxorubicin_equivalent_mg_m2": [_round(leg_lo, 1), _round(leg_hi, 1)],
            "not_estimable": leg_missing,
        },
        limit_mg_m2={"warning": lim.warning_mg_m2, "cap": list(lim.cap_mg_m2)},
        fraction_of_limit=_round(frac, 3),
        fraction_of_cap=_round(cur / lim.cap_mg_m2[0], 3),
        limit_sources=[*lim.sources],
    )


@functools.cache
def _none_given_why(current_name: str) -> str:
    """The ratio line of a zero total (built once per ratio set)."""
    return f"current ratios ({current_name}): {0.0:.1f} mg/m2 doxorubicin-equivalent"


def _none_given(kb: KnowledgeBase, table: DrugTable) -> dict[str, Any]:
    """:func:`assess_anthracycline` when no anthracycline was given or recorded (the usual case): a zero
    total, built directly in the key order of the general case."""
    r = kb.rules[DOXO_EQUIV]
    ratios, lim = table.anthracycline_ratios, table.anthracycline_limits
    return {
        "value": 0.0,
        "rule": r.id,
        "rule_version": r.version,
        "because": ["no anthracycline given or recorded", _none_given_why(ratios.current.name)],
        "sources": [*r.sources],
        "doxorubicin_equivalent_mg_m2": 0.0,
        "ratio_set": "current",
        "ratio_set_name": ratios.current.name,
        "by_drug": {},
        "not_estimable": [],
        "legacy": {
            "ratio_set_name": ratios.legacy.name,
            "doxorubicin_equivalent_mg_m2": [0.0, 0.0],
            "not_estimable": [],
        },
        "limit_mg_m2": {"warning": lim.warning_mg_m2, "cap": list(lim.cap_mg_m2)},
        "fraction_of_limit": 0.0,
        "fraction_of_cap": 0.0,
        "limit_sources": [*lim.sources],
    }


def _round(x: float, digits: int) -> float:
    """``round(x, digits)``, with a zero (the usual total: no anthracycline) returned as it is: rounding a
    float to digits is slow, and it leaves a zero unchanged."""
    return x if x == 0.0 else round(x, digits)


def _ratios_text(result: dict[str, Any]) -> str:
    return (
        f"ratio set: {result['ratio_set_name']} (followed); legacy {result['legacy']['ratio_set_name']}: "
        f"{'-'.join(f'{v:g}' for v in dict.fromkeys(result['legacy']['doxorubicin_equivalent_mg_m2']))} mg/m2"
    )


def anthracycline_alerts(kb: KnowledgeBase, result: dict[str, Any]) -> list[dict[str, Any]]:
    """Alerts at the 400 mg/m2 warning point and the 450-500 mg/m2 protocol cap; and for a non-estimable drug."""
    lim = drug_table().anthracycline_limits
    total = result["doxorubicin_equivalent_mg_m2"]
    alerts = []
    if total >= lim.cap_mg_m2[0]:
        ratios = _ratios_text(result)
        alerts.append(
            kb.conclude(
                LIMIT,
                "anthracycline cap reached",
                [
                    f"{total:g} mg/m2 doxorubicin-equivalent >= {lim.cap_mg_m2[0]:g} (protocol caps 450-500)",
                    ratios,
                ],
                severity="critical",
                ratio_set_name=result["ratio_set_name"],
                action=f"Cumulative anthracycline {total:g} mg/m2 doxorubicin-equivalent ({result['ratio_set_name']}) "
                "is at the usual protocol cap (450-500 mg/m2): do not give more without cardiology review and a "
                "current echo/MUGA.",
            )
        )
    elif total >= lim.warning_mg_m2:
        ratios = _ratios_text(result)
        alerts.append(
            kb.conclude(
                LIMIT,
                "anthracycline warning point",
                [
                    f"{total:g} mg/m2 doxorubicin-equivalent >= {lim.warning_mg_m2:g} (heart-failure risk ~5%)",
                    ratios,
                ],
                severity="warning",
                ratio_set_name=result["ratio_set_name"],
                action=f"Cumulative anthracycline {total:g} mg/m2 doxorubicin-equivalent ({result['ratio_set_name']}) "
                "is >= 400 mg/m2 (about 5% heart-failure risk): check LVEF (echo/MUGA) before any further "
                "anthracycline.",
            )
        )
    if result["not_estimable"]:
        alerts.append(
            kb.conclude(
                DOXO_EQUIV,
                "anthracycline total incomplete",
                [f"{', '.join(result['not_estimable'])}: no current cardiotoxicity equivalence ratio"],
                severity="warning",
                action="The doxorubicin-equivalent total leaves out "
                f"{', '.join(result['not_estimable'])}; use the legacy estimate "
                f"{result['legacy']['doxorubicin_equivalent_mg_m2']} mg/m2 as a guide and monitor cardiac function.",
            )
        )
    return alerts
