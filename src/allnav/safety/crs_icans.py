"""CRS and ICANS grades (ASTCT 2019, Lee et al.; clinical_rules I7) from the ``crs_icans`` entries.

CRS needs fever >= 38.0 C unless antipyretic or anticytokine therapy was given; its grade is the worse of
hypotension (vasopressors) and hypoxia (oxygen). Hypotension without vasopressors (grade 2) is not a case
field and is said so. ICANS takes the worst domain: ICE 7-9 G1, 3-6 G2, 0-2 G3, 0 and unrousable G4;
consciousness, seizure, motor findings and cerebral oedema as in the table.
"""

from __future__ import annotations

from typing import Any

from allnav.case.model import Case, CrsIcansEntry
from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.response.timeline import as_of_day

CRS = RuleRef("safety.crs_grade")
ICANS = RuleRef("safety.icans_grade")

FEVER_C = 38.0
VASO = {"none": 1, "one": 3, "multiple": 4}
OXY = {"none": 1, "low_flow": 2, "high_flow": 3, "positive_pressure": 4}
AROUSAL = {"awake": 0, "awakens_to_voice": 2, "awakens_to_touch": 3, "unarousable": 4}
ICE_ADULT_MIN_AGE = 12


def crs_entry(e: CrsIcansEntry) -> tuple[int | None, list[str]]:
    """CRS grade of one day (0 = no CRS, None = cannot tell)."""
    masked = e.antipyretic_or_anticytokine is True
    if e.temperature_c is None and not masked:
        return None, [f"day {e.day}: temperature not recorded"]
    fever = e.temperature_c is not None and e.temperature_c >= FEVER_C
    if not fever and not masked:
        return 0, [f"day {e.day}: temperature {e.temperature_c:g} C (< 38.0): no CRS"]
    why = [
        f"day {e.day}: "
        + (f"fever {e.temperature_c:g} C" if fever else "fever masked by antipyretic/anticytokine therapy")
    ]
    g = 1
    if e.vasopressors is not None:
        g = max(g, VASO[e.vasopressors])
        why.append(f"vasopressors: {e.vasopressors}")
    if e.oxygen is not None:
        g = max(g, OXY[e.oxygen])
        why.append(f"oxygen: {e.oxygen}")
    return g, why


def icans_entry(e: CrsIcansEntry) -> tuple[int | None, list[str]]:
    """ICANS grade of one day: the most severe domain (None when no domain was assessed)."""
    grades: list[int] = []
    why: list[str] = []
    if e.ice_score is not None:
        ice = e.ice_score
        g = 0 if ice >= 10 else 1 if ice >= 7 else 2 if ice >= 3 else 3
        if ice == 0 and e.arousal == "unarousable":
            g = 4
        grades.append(g)
        why.append(f"ICE {ice} -> grade {g}")
    if e.arousal is not None:
        grades.append(AROUSAL[e.arousal])
        why.append(f"consciousness: {e.arousal} -> grade {AROUSAL[e.arousal]}")
    if e.seizure is not None or e.seizure_prolonged:
        g = 4 if e.seizure_prolonged else 3 if e.seizure else 0
        grades.append(g)
        if g:
            why.append(f"seizure{' (prolonged/repetitive)' if e.seizure_prolonged else ''} -> grade {g}")
    if e.motor_weakness is not None:
        grades.append(4 if e.motor_weakness else 0)
        if e.motor_weakness:
            why.append("deep focal motor weakness -> grade 4")
    edema = e.cerebral_edema
    if edema is not None:
        g = 4 if edema in (True, "diffuse") else 3 if edema == "focal" else 0
        grades.append(g)
        if g:
            why.append(f"cerebral oedema ({edema}) -> grade {g}")
    if not grades:
        return None, []
    return max(grades), [f"day {e.day}: " + "; ".join(why or ["no abnormal domain"])]


def _none(kb: KnowledgeBase, rule: str) -> dict[str, Any]:
    """The conclusion without any CRS/ICANS entry up to the assessment day (the usual case), built directly."""
    r = kb.rules[rule]
    return {
        "value": None,
        "rule": r.id,
        "rule_version": r.version,
        "because": ["no CRS/ICANS assessments recorded"],
        "sources": [*r.sources],
        "grade": None,
        "day": None,
        "by_day": [],
    }


def _worst(
    kb: KnowledgeBase, rule: str, case: Case, fn: Any, extra_why: list[str], as_of: int | None
) -> dict[str, Any]:
    limit = as_of_day(case) if as_of is None else as_of
    entries = [e for e in case.crs_icans if e.day <= limit]
    if not entries:
        return _none(kb, rule)
    by_day = []
    worst: tuple[int, int] | None = None
    why_worst: list[str] = []
    for e in sorted(entries, key=_day) if len(entries) > 1 else entries:
        g, why = fn(e)
        by_day.append({"day": e.day, "grade": g})
        if g is not None and (worst is None or g > worst[0]):
            worst, why_worst = (g, e.day), why
    r = kb.rules[rule]
    if worst is None:
        return {
            "value": None,
            "rule": r.id,
            "rule_version": r.version,
            "because": ["no gradable assessment", *extra_why],
            "sources": [*r.sources],
            "grade": None,
            "day": None,
            "by_day": by_day,
        }
    return {
        "value": worst[0],
        "rule": r.id,
        "rule_version": r.version,
        "because": why_worst + extra_why,
        "sources": [*r.sources],
        "grade": worst[0],
        "day": worst[1],
        "current_grade": by_day[-1]["grade"],
        "by_day": by_day,
    }


def _day(e: CrsIcansEntry) -> int:
    return e.day


def crs_grade(kb: KnowledgeBase, case: Case, as_of: int | None = None) -> dict[str, Any]:
    """The worst CRS grade to date (with the latest day's grade and each day's).

    ``as_of``: the assessment day (:func:`~allnav.response.timeline.as_of_day`) when the caller has it.
    """
    if not case.crs_icans:
        return _none(kb, CRS)
    note = ["hypotension not needing vasopressors (grade 2) is not a case field: check the chart"]
    return _worst(kb, CRS, case, crs_entry, note, as_of)


def icans_grade(kb: KnowledgeBase, case: Case, as_of: int | None = None) -> dict[str, Any]:
    """The worst ICANS grade to date (adult ICE-based grading); ``as_of`` as for :func:`crs_grade`."""
    if not case.crs_icans:
        return _none(kb, ICANS)
    age = case.patient.age_years
    note = []
    if age is not None and age < ICE_ADULT_MIN_AGE:
        note.append(f"age {age:g} < 12: ASTCT grades children with CAPD, not ICE")
    return _worst(kb, ICANS, case, icans_entry, note, as_of)
