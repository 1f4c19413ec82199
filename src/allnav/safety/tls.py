"""Tumour lysis syndrome: risk (Cairo 2010, F4), laboratory and clinical TLS (Cairo-Bishop 2004, I6).

Operators (clinical_rules L5): the original Cairo-Bishop table's ``>=`` / ``<=`` is used, for the absolute
values and for the 25 % change from baseline; Howard 2011's strict operators and its rule that the two
criteria fall on the same day are kept as history and reported (``same_day``).

The assessment reads the lab series (:func:`lab_series`) and the timeline events once and passes them to
:func:`lab_tls` and :func:`clinical_tls`; :func:`tls_lab` and :func:`tls_clinical` read them themselves.
"""

from __future__ import annotations

from typing import Any

from allnav.case.model import Case, Labs
from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.response.timeline import NO_MEDICATION_START, dated_entries, therapy_start_day
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
_UP, _DOWN = 1 + CHANGE, 1 - CHANGE
#: The texts that depend only on a count, built once.
_ONLY_MEASURED = tuple(f"only {n} of 4 analytes measured in the window" for n in range(len(CRITERIA) + 1))
_MET = tuple(
    f"{n} criterion/criteria met (>= 2 needed; Cairo-Bishop operators >= / <=)"
    for n in range(len(CRITERIA) + 1)
)
#: The window text without a dated medication (day 0 is the start), built once.
_WINDOW_DAY0 = f"window day {WINDOW[0]} to day {WINDOW[1]} ({NO_MEDICATION_START})"
_NO_MODIFIER = (
    "no modifier found; uric acid/potassium/phosphate between the ULN and the Cairo-Bishop values are "
    "not detectable without the laboratory ULN"
)
_NEED_BOTH = "WBC and LDH with its ULN are both needed to call intermediate risk"
#: Series and events as read by :func:`lab_series`: ``(day, labs)`` with day 0 the case's own labs, and
#: ``(day, events)`` of the dated entries that record events.
Series = list[tuple[int, Labs]]
Events = list[tuple[int, list[str]]]


def tls_risk(kb: KnowledgeBase, case: Case) -> dict[str, Any]:
    """TLS risk at diagnosis: high for WBC >= 100 or LDH >= 2 x ULN, else intermediate (+ modifiers)."""
    r = kb.rules[RISK]
    wbc, labs = case.blood.wbc, case.labs
    why: list[str] = []
    high = False
    if wbc is not None:
        high = wbc >= WBC_HIGH
        why.append(f"WBC = {wbc:g} x10^9/L ({'>=' if high else '<'} 100)")
    ldh, ldh_uln = labs.ldh, labs.ldh_uln
    ldh_known = False
    if ldh is not None and ldh_uln is not None:
        ldh_known = True
        ratio = ldh / ldh_uln
        why.append(f"LDH = {ldh:g} U/L = {ratio:.2f} x ULN ({'>=' if ratio >= LDH_X_ULN else '<'} 2)")
        high |= ratio >= LDH_X_ULN
    value: str | None
    mods: list[str] = []
    if high:
        value = "high"
    elif wbc is None or not ldh_known:
        why.append(_NEED_BOTH)
        value = None
    else:
        if (
            labs.creatinine is not None
            and labs.creatinine_uln is not None
            and labs.creatinine > labs.creatinine_uln
        ):
            mods.append(f"renal dysfunction: creatinine {labs.creatinine:g} > ULN {labs.creatinine_uln:g}")
        for name, cut, up, _ in _CRITERIA_ROWS:
            v = getattr(labs, name)
            if up and v is not None and v >= cut:
                mods.append(f"{name} = {v:g} (at or above the Cairo-Bishop value {cut:g}, so above any ULN)")
        if mods:
            why += mods
            value = "high"
        else:
            why.append(_NO_MODIFIER)
            value = "intermediate"
    return {
        "value": value,
        "rule": r.id,
        "rule_version": r.version,
        "because": why,
        "sources": [*r.sources],
        "modifiers": mods,
    }


def lab_series(case: Case, entries: Entries = None) -> tuple[Series, Events]:
    """The labs by day (day 0: ``case.labs``; then the dated entries with labs) and the dated events."""
    series: Series = [(0, case.labs)]
    events: Events = []
    if case.timeline:
        for d, _, e in dated_entries(case) if entries is None else entries:
            if e.labs is not None:
                series.append((d, e.labs))
            if e.events:
                events.append((d, e.events))
    return series, events


def _baseline(case: Case, start: int, series: Series) -> dict[str, float]:
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


def lab_tls(kb: KnowledgeBase, case: Case, series: Series) -> dict[str, Any]:
    """:func:`tls_lab` from the series of :func:`lab_series`."""
    r = kb.rules[LAB]
    if case.medications:
        start, start_why = therapy_start_day(case)
        lo, hi = start + WINDOW[0], start + WINDOW[1]
        why = [f"window day {lo} to day {hi} ({start_why})"]
    else:  # the usual case at diagnosis: day 0, the window text known
        start, lo, hi = 0, WINDOW[0], WINDOW[1]
        why = [_WINDOW_DAY0]
    met: dict[str, list[int]] = {}
    measured: set[str] = set()
    base: dict[str, float] | None = None  # read only when a change from baseline is asked about
    for day, labs in series:
        if not lo <= day <= hi:
            continue
        for name, cut, up, op_text in _CRITERIA_ROWS:
            v = getattr(labs, name)
            if v is None:
                continue
            measured.add(name)
            if v >= cut if up else v <= cut:
                how = op_text
            elif day > start:
                if base is None:
                    base = _baseline(case, start, series)
                b = base.get(name)
                if b is None or not (b > 0 and v >= b * _UP if up else v <= b * _DOWN):
                    continue
                how = f"25% change from {b:g}"
            else:
                continue
            days = met.get(name)
            if days is None:
                why.append(f"{name} = {v:g} on day {day} ({how})")
                met[name] = [day]
            else:
                days.append(day)
    same_day = False
    if len(met) >= 2:  # a day on which two criteria are met
        seen: set[int] = set()
        for days in met.values():
            s = set(days)
            if seen & s:
                same_day = True
                break
            seen |= s
    value: bool | None
    if len(met) >= 2:
        value = True
    elif len(met) + len(CRITERIA) - len(measured) < 2:
        value = False
    else:
        value = None
        why.append(_ONLY_MEASURED[len(measured)])
    why.append(_MET[len(met)])
    return {
        "value": value,
        "rule": r.id,
        "rule_version": r.version,
        "because": why,
        "sources": [*r.sources],
        "criteria_met": sorted(met),
        "same_day": same_day,
        "window": [lo, hi],
    }


def tls_lab(kb: KnowledgeBase, case: Case, entries: Entries = None) -> dict[str, Any]:
    """Laboratory TLS: >= 2 Cairo-Bishop criteria from 3 days before to 7 days after the start of therapy."""
    return lab_tls(kb, case, lab_series(case, entries)[0])


def _creat_grade(ratio: float) -> int:
    r = round(ratio, 6)
    if r > 6.0:
        return 4
    if r > 3.0:
        return 3
    if r > CREAT_X_ULN:
        return 2
    return 1 if r >= CREAT_X_ULN else 0


def clinical_tls(
    kb: KnowledgeBase, case: Case, lab: dict[str, Any], series: Series, events: Events
) -> dict[str, Any]:
    """:func:`tls_clinical` from the series and events of :func:`lab_series`."""
    r = kb.rules[CLINICAL]
    lo, hi = lab["window"]
    first: float | None = None  # the first creatinine in the window
    top, day = 0.0, 0  # the highest (the first of equal ones) and its day, once ``first`` is set
    for d, lb in series:
        c = lb.creatinine
        if c is not None and lo <= d <= hi:
            if first is None:
                first = top = c
                day = d
            elif c > top:
                top, day = c, d
    uln = case.labs.creatinine_uln
    ref, ref_name = (
        (uln, "ULN") if uln is not None else (case.labs.creatinine_baseline, "baseline [ULN unknown]")
    )
    if ref is None and first is not None:
        ref, ref_name = first, "first creatinine in the window [ULN and baseline unknown]"
    why: list[str] = []
    grade = 0
    if first is not None and ref:
        ratio = top / ref
        grade = _creat_grade(ratio)
        why.append(f"creatinine {top:g} mg/dL on day {day} = {ratio:.2f} x {ref_name}")
    else:
        why.append("no creatinine with a reference in the window")
    if events:
        texts = [ev.lower() for d, evs in events if lo <= d <= hi for ev in evs]
        if any("arrhythm" in ev for ev in texts):
            grade = max(grade, 1)
            why.append("arrhythmia recorded (grade >= 1; the grade depends on the intervention needed)")
        if any("seizure" in ev for ev in texts):
            grade = max(grade, 2)
            why.append("seizure recorded (grade >= 2)")
    lab_value = lab["value"]
    value: bool | None
    if lab_value is not True:
        why.insert(0, "no laboratory TLS" if lab_value is False else "laboratory TLS not established")
        value, shown = (False if lab_value is False else None), None
    else:
        value = grade >= 1
        shown = grade if value else None
    return {
        "value": value,
        "rule": r.id,
        "rule_version": r.version,
        "because": why,
        "sources": [*r.sources],
        "grade": shown,
        "reference": ref_name,
    }


def tls_clinical(
    kb: KnowledgeBase, case: Case, lab: dict[str, Any], entries: Entries = None
) -> dict[str, Any]:
    """Clinical TLS: laboratory TLS plus creatinine >= 1.5 x ULN (else baseline), arrhythmia or seizure."""
    series, events = lab_series(case, entries)
    return clinical_tls(kb, case, lab, series, events)
