"""CTCAE v5.0 haematological grades from the latest counts (clinical_rules H1, H2).

Boundaries are literal: "< 1.5 - 1.0" means 1.0 <= ANC < 1.5, so ANC 1.0 is grade 2 and 0.5 grade 3;
Hb 8.0 is grade 2. Grade 1 needs the lower limit of normal: the lab's own (``blood.*_lln``) when given,
else the H1 default, and the conclusion says which.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from allnav.case.model import Blood, Case, TimelineEntry
from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.response.timeline import dated_entries

ANC = RuleRef("safety.ctcae_anc")
PLATELETS = RuleRef("safety.ctcae_platelets")
ANEMIA = RuleRef("safety.ctcae_anemia")
FEBRILE_NEUTROPENIA = RuleRef("safety.ctcae_fn")

#: H1 default lower limits of normal (Merck ANC; Mayo platelets and haemoglobin by sex).
DEFAULT_LLN = {"anc": 1.8, "platelets": 150.0, "hemoglobin_female": 12.0, "hemoglobin_male": 13.5}
ANC_CUTS = (0.5, 1.0, 1.5)  # < 0.5 G4, < 1.0 G3, < 1.5 G2
PLT_CUTS = (25.0, 50.0, 75.0)
HB_CUTS = (8.0, 10.0)  # < 8.0 G3, < 10.0 G2; G4 is clinical (life-threatening)
FN_SINGLE_GT = 38.3
FN_SUSTAINED_GE = 38.0

#: The case's dated timeline entries (:func:`allnav.response.timeline.dated_entries`), when the caller has
#: them already (one assessment reads them once); ``None``: read them here.
Entries = list[tuple[int, int, TimelineEntry]] | None


class Latest(NamedTuple):
    """The latest value of a blood field, its day and the lab's LLN (immutable)."""

    value: float
    day: int
    lln: float | None


def latest_blood(case: Case, field: str, entries: Entries = None) -> Latest | None:
    """The latest value of a blood field as of the assessment day, with the lab's LLN when given."""
    found: tuple[float, int, Blood] | None = None
    v = getattr(case.blood, field)
    if v is not None:
        found = (v, 0, case.blood)
    if case.timeline:
        for d, _, e in dated_entries(case) if entries is None else entries:
            if e.blood is not None and (v := getattr(e.blood, field)) is not None:
                found = (v, d, e.blood)
    if found is None:
        return None
    value, day, b = found
    return Latest(value, day, getattr(b, f"{field}_lln", None))


def _band(x: float, cuts: tuple[float, ...], lln: float | None) -> int | None:
    """Grade for "lower is worse" cut-points (< cuts[0] worst). None when grade 0/1 cannot be told apart."""
    top = len(cuts) + 1
    for i, c in enumerate(cuts):
        if x < c:
            return top - i
    if lln is None:
        return None
    return 1 if x < lln else 0


def grade_anc(kb: KnowledgeBase, case: Case, entries: Entries = None) -> dict[str, Any]:
    """Neutrophil count decreased."""
    return _grade(kb, case, ANC, "anc", ANC_CUTS, DEFAULT_LLN["anc"], "x10^9/L", entries)


def grade_platelets(kb: KnowledgeBase, case: Case, entries: Entries = None) -> dict[str, Any]:
    """Platelet count decreased."""
    return _grade(kb, case, PLATELETS, "platelets", PLT_CUTS, DEFAULT_LLN["platelets"], "x10^9/L", entries)


def grade_anemia(kb: KnowledgeBase, case: Case, entries: Entries = None) -> dict[str, Any]:
    """Anaemia (grade 4 and 5 are clinical and never given from the number alone)."""
    sex = case.patient.sex
    default = DEFAULT_LLN.get(f"hemoglobin_{sex}")
    out = _grade(kb, case, ANEMIA, "hemoglobin", HB_CUTS, default, "g/dL", entries)
    out["because"].append("grade 4 (life-threatening; urgent intervention) is a clinical judgement")
    if out["value"] is None and out.get("measured") is not None and default is None:
        hb = out["measured"]
        if hb < DEFAULT_LLN["hemoglobin_female"]:
            out.update(value=1, grade=1)
            out["because"].append(f"Hb {hb:g} < 12.0, the lower of the female/male default LLNs (sex {sex})")
        else:
            out["because"].append(f"sex {sex}: grade 0 or 1 depends on the sex-specific LLN (12.0 or 13.5)")
    return out


def _grade(
    kb: KnowledgeBase,
    case: Case,
    rule: str,
    field: str,
    cuts: tuple[float, ...],
    default_lln: float | None,
    unit: str,
    entries: Entries,
) -> dict[str, Any]:
    latest = latest_blood(case, field, entries)
    if latest is None:
        return kb.conclude(rule, None, [f"no {field} result"], grade=None, measured=None, day=None)
    lln: float | None
    if latest.lln is not None:
        lln, lln_source = latest.lln, "laboratory LLN"
    else:
        lln, lln_source = (
            default_lln,
            "default LLN (clinical_rules H1)" if default_lln is not None else "LLN unknown",
        )
    g = _band(latest.value, cuts, lln)
    why = [f"{field} = {latest.value:g} {unit} on day {latest.day}"]
    why.append(
        f"LLN {lln:g} ({lln_source})" if lln is not None else "LLN unknown: grade 0 and 1 not told apart"
    )
    return kb.conclude(
        rule, g, why, grade=g, measured=latest.value, day=latest.day, lln=lln, lln_source=lln_source
    )


def grade_febrile_neutropenia(kb: KnowledgeBase, case: Case, entries: Entries = None) -> dict[str, Any]:
    """Febrile neutropenia (grade 3): ANC < 1.0 with a single temperature > 38.3 C or >= 38.0 C sustained > 1 h.

    The temperature and the ANC must come from the same day; grade 4 (life-threatening) is clinical.
    """
    dated = dated_entries(case) if entries is None else entries
    temps = [(d, e) for d, _, e in dated if e.vitals is not None and e.vitals.temperature_c is not None]
    if not temps:
        return kb.conclude(FEBRILE_NEUTROPENIA, None, ["no temperature recorded"], grade=None, day=None)
    day, e = temps[-1]
    assert e.vitals is not None
    assert e.vitals.temperature_c is not None
    t = e.vitals.temperature_c
    fever = t > FN_SINGLE_GT or (t >= FN_SUSTAINED_GE and e.vitals.temperature_sustained_1h is True)
    why = [
        f"temperature {t:g} C on day {day}"
        + (" (sustained > 1 h)" if e.vitals.temperature_sustained_1h else "")
    ]
    anc = e.blood.anc if e.blood is not None and e.blood.anc is not None else None
    if anc is None:
        same_day = latest_blood(case, "anc", dated)
        anc = same_day.value if same_day is not None and same_day.day == day else None
    if not fever:
        why.append("not a febrile neutropenia temperature (> 38.3 C once, or >= 38.0 C for > 1 h)")
        if t >= FN_SUSTAINED_GE and e.vitals.temperature_sustained_1h is None:
            why.append("duration of the >= 38.0 C temperature not recorded")
        return kb.conclude(FEBRILE_NEUTROPENIA, 0, why, grade=0, day=day, temperature_c=t, anc=anc)
    if anc is None:
        why.append("no ANC on the same day")
        return kb.conclude(FEBRILE_NEUTROPENIA, None, why, grade=None, day=day, temperature_c=t, anc=None)
    why.append(f"ANC = {anc:g} x10^9/L ({'<' if anc < 1.0 else '>='} 1.0)")
    g = 3 if anc < 1.0 else 0
    return kb.conclude(FEBRILE_NEUTROPENIA, g, why, grade=g, day=day, temperature_c=t, anc=anc)
