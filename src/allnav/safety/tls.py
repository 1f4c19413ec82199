"""Tumour lysis syndrome: risk (Cairo 2010, F4), laboratory and clinical TLS (Cairo-Bishop 2004, I6).

Operators (clinical_rules L5): the original Cairo-Bishop table's ``>=`` / ``<=`` is used, for the absolute
values and for the 25 % change from baseline; Howard 2011's strict operators and its rule that the two
criteria fall on the same day are kept as history and reported (``same_day``).
"""

from __future__ import annotations

from typing import Any

from allnav.case.model import Case, Labs
from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.response.timeline import dated_entries, therapy_start_day
from allnav.safety.ctcae import Entries

RISK = RuleRef("safety.tls_risk")
LAB = RuleRef("safety.tls_lab")
CLINICAL = RuleRef("safety.tls_clinical")

WBC_HIGH = 100.0
LDH_X_ULN = 2.0
WINDOW = (-3, 7)  # days around the start of therapy
#: analyte -> (absolute threshold, direction): "up" means >= threshold, "down" means <= threshold.
CRITERIA: dict[str, tuple[float, str]] = {
    "uric_acid": (8.0, "up"),
    "potassium": (6.0, "up"),
    "phosphate": (4.5, "up"),  # adults (children >= 6.5)
    "calcium": (7.0, "down"),
}
CHANGE = 0.25
CREAT_X_ULN = 1.5
#: The analytes read for the baseline (the criteria and creatinine), built once.
_BASELINE_FIELDS = (*CRITERIA, "creatinine")
#: Each criterion as ``(analyte, threshold, "up"?, operator text)``, built once from :data:`CRITERIA`.
_CRITERIA_ROWS = tuple(
    (name, cut, direction == "up", f"{'>=' if direction == 'up' else '<='} {cut:g}")
    for name, (cut, direction) in CRITERIA.items()
)


def tls_risk(kb: KnowledgeBase, case: Case) -> dict[str, Any]:
    """TLS risk at diagnosis: high for WBC >= 100 or LDH >= 2 x ULN, else intermediate (+ modifiers)."""
    wbc, labs = case.blood.wbc, case.labs
    why: list[str] = []
    high = False
    if wbc is not None:
        why.append(f"WBC = {wbc:g} x10^9/L ({'>=' if wbc >= WBC_HIGH else '<'} 100)")
        high |= wbc >= WBC_HIGH
    ldh_known = labs.ldh is not None and labs.ldh_uln is not None
    if labs.ldh is not None and labs.ldh_uln is not None:
        ratio = labs.ldh / labs.ldh_uln
        why.append(f"LDH = {labs.ldh:g} U/L = {ratio:.2f} x ULN ({'>=' if ratio >= LDH_X_ULN else '<'} 2)")
        high |= ratio >= LDH_X_ULN
    if high:
        return kb.conclude(RISK, "high", why, modifiers=[])
    if wbc is None or not ldh_known:
        why.append("WBC and LDH with its ULN are both needed to call intermediate risk")
        return kb.conclude(RISK, None, why, modifiers=[])
    mods = []
    if (
        labs.creatinine is not None
        and labs.creatinine_uln is not None
        and labs.creatinine > labs.creatinine_uln
    ):
        mods.append(f"renal dysfunction: creatinine {labs.creatinine:g} > ULN {labs.creatinine_uln:g}")
    for name, (cut, direction) in CRITERIA.items():
        v = getattr(labs, name)
        if direction == "up" and v is not None and v >= cut:
            mods.append(f"{name} = {v:g} (at or above the Cairo-Bishop value {cut:g}, so above any ULN)")
    if mods:
        why += mods
        return kb.conclude(RISK, "high", why, modifiers=mods)
    why.append(
        "no modifier found; uric acid/potassium/phosphate between the ULN and the Cairo-Bishop values are "
        "not detectable without the laboratory ULN"
    )
    return kb.conclude(RISK, "intermediate", why, modifiers=[])


def _lab_series(case: Case, entries: Entries = None) -> list[tuple[int, Labs]]:
    dated = dated_entries(case) if entries is None else entries
    return [(0, case.labs)] + [(d, e.labs) for d, _, e in dated if e.labs is not None]


def _baseline(case: Case, start: int, series: list[tuple[int, Labs]]) -> dict[str, float]:
    base: dict[str, float] = {}
    for day, labs in series:
        if day > start:
            break
        for name in _BASELINE_FIELDS:
            v = getattr(labs, name)
            if v is not None:
                base[name] = v
    if case.labs.creatinine_baseline is not None:
        base["creatinine"] = case.labs.creatinine_baseline
    return base


def tls_lab(kb: KnowledgeBase, case: Case, entries: Entries = None) -> dict[str, Any]:
    """Laboratory TLS: >= 2 Cairo-Bishop criteria from 3 days before to 7 days after the start of therapy."""
    start, start_why = therapy_start_day(case)
    lo, hi = start + WINDOW[0], start + WINDOW[1]
    series = _lab_series(case, entries)
    base = _baseline(case, start, series)
    met: dict[str, list[int]] = {}
    why = [f"window day {lo} to day {hi} ({start_why})"]
    measured: set[str] = set()
    for day, labs in series:
        if not lo <= day <= hi:
            continue
        for name, cut, up, op_text in _CRITERIA_ROWS:
            v = getattr(labs, name)
            if v is None:
                continue
            measured.add(name)
            b = base.get(name)
            if up:
                hit_abs = v >= cut
                hit_chg = b is not None and day > start and b > 0 and v >= b * (1 + CHANGE)
            else:
                hit_abs = v <= cut
                hit_chg = b is not None and day > start and v <= b * (1 - CHANGE)
            if hit_abs or hit_chg:
                if name not in met:
                    how = op_text if hit_abs else f"25% change from {b:g}"
                    why.append(f"{name} = {v:g} on day {day} ({how})")
                met.setdefault(name, []).append(day)
    days_sets = [set(d) for d in met.values()]
    same_day = any(len([s for s in days_sets if d in s]) >= 2 for s in days_sets for d in s)
    value: bool | None
    unmeasured = len(CRITERIA) - len(measured)
    if len(met) >= 2:
        value = True
    elif len(met) + unmeasured < 2:
        value = False
    else:
        value = None
        why.append(f"only {len(measured)} of 4 analytes measured in the window")
    why.append(f"{len(met)} criterion/criteria met (>= 2 needed; Cairo-Bishop operators >= / <=)")
    return kb.conclude(LAB, value, why, criteria_met=sorted(met), same_day=same_day, window=[lo, hi])


def _creat_grade(ratio: float) -> int:
    r = round(ratio, 6)
    if r > 6.0:
        return 4
    if r > 3.0:
        return 3
    if r > CREAT_X_ULN:
        return 2
    return 1 if r >= CREAT_X_ULN else 0


def tls_clinical(
    kb: KnowledgeBase, case: Case, lab: dict[str, Any], entries: Entries = None
) -> dict[str, Any]:
    """Clinical TLS: laboratory TLS plus creatinine >= 1.5 x ULN (else baseline), arrhythmia or seizure."""
    lo, hi = lab["window"]
    dated = dated_entries(case) if entries is None else entries
    series = _lab_series(case, dated)
    creat = [(d, lb.creatinine) for d, lb in series if lb.creatinine is not None and lo <= d <= hi]
    events = [ev.lower() for d, _, e in dated if lo <= d <= hi for ev in (e.events or [])]
    uln = case.labs.creatinine_uln
    ref, ref_name = (
        (uln, "ULN") if uln is not None else (case.labs.creatinine_baseline, "baseline [ULN unknown]")
    )
    if ref is None and creat:
        ref, ref_name = creat[0][1], "first creatinine in the window [ULN and baseline unknown]"
    why: list[str] = []
    grade = 0
    if creat and ref:
        day, worst = max(creat, key=lambda t: t[1] or 0.0)
        assert worst is not None
        ratio = worst / ref
        grade = _creat_grade(ratio)
        why.append(f"creatinine {worst:g} mg/dL on day {day} = {ratio:.2f} x {ref_name}")
    else:
        why.append("no creatinine with a reference in the window")
    arrhythmia = any("arrhythm" in ev for ev in events)
    seizure = any("seizure" in ev for ev in events)
    if arrhythmia:
        grade = max(grade, 1)
        why.append("arrhythmia recorded (grade >= 1; the grade depends on the intervention needed)")
    if seizure:
        grade = max(grade, 2)
        why.append("seizure recorded (grade >= 2)")
    if lab["value"] is not True:
        why.insert(0, "no laboratory TLS" if lab["value"] is False else "laboratory TLS not established")
        return kb.conclude(
            CLINICAL, False if lab["value"] is False else None, why, grade=None, reference=ref_name
        )
    value = grade >= 1
    return kb.conclude(CLINICAL, value, why, grade=grade if value else None, reference=ref_name)
