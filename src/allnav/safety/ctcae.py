"""CTCAE v5.0 haematological grades from the latest counts (clinical_rules H1, H2).

Boundaries are literal: "< 1.5 - 1.0" means 1.0 <= ANC < 1.5, so ANC 1.0 is grade 2 and 0.5 grade 3;
Hb 8.0 is grade 2. Grade 1 needs the lower limit of normal: the lab's own (``blood.*_lln``) when given,
else the H1 default, and the conclusion says which.

:func:`count_grades` grades all four from one pass over the timeline (:func:`latest_counts`); the
``grade_*`` functions grade one each, for callers that want a single grade.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from allnav.case.model import Blood, Case, TimelineEntry
from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.knowledge.rules import Rule
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
#: The latest value of a count as ``(value, day, the Blood record it came from)``; None when never measured.
Found = tuple[float, int, Blood] | None
#: The latest entry with a temperature, as ``(day, entry)``.
Temperature = tuple[int, TimelineEntry] | None


def _bands(cuts: tuple[float, ...]) -> tuple[tuple[float, int], ...]:
    """``(cut, grade)`` for "lower is worse" cut-points: below ``cuts[0]`` is the worst grade."""
    top = len(cuts) + 1
    return tuple((c, top - i) for i, c in enumerate(cuts))


_DEFAULT_SOURCE = "default LLN (clinical_rules H1)"


def _default(lln: float) -> tuple[float, str]:
    """A default LLN with the reason that shows it."""
    return lln, f"LLN {lln:g} ({_DEFAULT_SOURCE})"


#: Per count: (field, LLN attribute of Blood, bands, unit), built once from the cut-points above.
Spec = tuple[str, str, tuple[tuple[float, int], ...], str]
_ANC: Spec = ("anc", "anc_lln", _bands(ANC_CUTS), "x10^9/L")
_PLT: Spec = ("platelets", "platelets_lln", _bands(PLT_CUTS), "x10^9/L")
_HB: Spec = ("hemoglobin", "hemoglobin_lln", _bands(HB_CUTS), "g/dL")
_ANC_DEFAULT = _default(DEFAULT_LLN["anc"])
_PLT_DEFAULT = _default(DEFAULT_LLN["platelets"])
_HB_DEFAULT = {sex: _default(DEFAULT_LLN[f"hemoglobin_{sex}"]) for sex in ("female", "male")}
_NO_LLN = "LLN unknown: grade 0 and 1 not told apart"
_HB_G4 = "grade 4 (life-threatening; urgent intervention) is a clinical judgement"


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


def latest_counts(case: Case, entries: Entries = None) -> tuple[Found, Found, Found, Temperature]:
    """The latest ANC, platelets and haemoglobin (each as :data:`Found`) and the latest temperature entry,
    from one pass over the dated entries (day 0 is ``case.blood``)."""
    b = case.blood
    anc = (b.anc, 0, b) if b.anc is not None else None
    plt = (b.platelets, 0, b) if b.platelets is not None else None
    hb = (b.hemoglobin, 0, b) if b.hemoglobin is not None else None
    temp: Temperature = None
    if case.timeline:
        for d, _, e in dated_entries(case) if entries is None else entries:
            eb = e.blood
            if eb is not None:
                if (v := eb.anc) is not None:
                    anc = (v, d, eb)
                if (v := eb.platelets) is not None:
                    plt = (v, d, eb)
                if (v := eb.hemoglobin) is not None:
                    hb = (v, d, eb)
            vit = e.vitals
            if vit is not None and vit.temperature_c is not None:
                temp = (d, e)
    return anc, plt, hb, temp


def _grade(r: Rule, spec: Spec, found: Found, default: tuple[float, str] | None) -> dict[str, Any]:
    """The conclusion for one count: the band of the latest value, grade 0/1 by the LLN."""
    field, lln_attr, bands, unit = spec
    if found is None:
        return {
            "value": None,
            "rule": r.id,
            "rule_version": r.version,
            "because": [f"no {field} result"],
            "sources": [*r.sources],
            "grade": None,
            "measured": None,
            "day": None,
        }
    x, day, blood = found
    lln: float | None = getattr(blood, lln_attr)
    if lln is not None:
        source = "laboratory LLN"
        lln_why = f"LLN {lln:g} (laboratory LLN)"
    elif default is not None:
        (lln, lln_why), source = default, _DEFAULT_SOURCE
    else:
        source, lln_why = "LLN unknown", _NO_LLN
    g: int | None
    for cut, band in bands:
        if x < cut:
            g = band
            break
    else:
        g = None if lln is None else 1 if x < lln else 0
    return {
        "value": g,
        "rule": r.id,
        "rule_version": r.version,
        "because": [f"{field} = {x:g} {unit} on day {day}", lln_why],
        "sources": [*r.sources],
        "grade": g,
        "measured": x,
        "day": day,
        "lln": lln,
        "lln_source": source,
    }


def _anemia(r: Rule, found: Found, sex: str) -> dict[str, Any]:
    """Anaemia from the latest haemoglobin; the sex-specific default LLN, or the lower one when sex is unknown."""
    default = _HB_DEFAULT.get(sex)
    out = _grade(r, _HB, found, default)
    out["because"].append(_HB_G4)
    if out["value"] is None and found is not None and default is None:
        hb = found[0]
        if hb < DEFAULT_LLN["hemoglobin_female"]:
            out["value"] = out["grade"] = 1
            out["because"].append(f"Hb {hb:g} < 12.0, the lower of the female/male default LLNs (sex {sex})")
        else:
            out["because"].append(f"sex {sex}: grade 0 or 1 depends on the sex-specific LLN (12.0 or 13.5)")
    return out


def _febrile_neutropenia(r: Rule, temp: Temperature, anc_found: Found) -> dict[str, Any]:
    """Febrile neutropenia from the latest temperature entry and the ANC of that day."""
    if temp is None:
        return {
            "value": None,
            "rule": r.id,
            "rule_version": r.version,
            "because": ["no temperature recorded"],
            "sources": [*r.sources],
            "grade": None,
            "day": None,
        }
    day, e = temp
    vit = e.vitals
    assert vit is not None
    t = vit.temperature_c
    assert t is not None
    sustained = vit.temperature_sustained_1h
    fever = t > FN_SINGLE_GT or (t >= FN_SUSTAINED_GE and sustained is True)
    why = [f"temperature {t:g} C on day {day}" + (" (sustained > 1 h)" if sustained else "")]
    anc = e.blood.anc if e.blood is not None else None
    if anc is None:
        anc = anc_found[0] if anc_found is not None and anc_found[1] == day else None
    g: int | None
    if not fever:
        why.append("not a febrile neutropenia temperature (> 38.3 C once, or >= 38.0 C for > 1 h)")
        if t >= FN_SUSTAINED_GE and sustained is None:
            why.append("duration of the >= 38.0 C temperature not recorded")
        g = 0
    elif anc is None:
        why.append("no ANC on the same day")
        g = None
    else:
        why.append(f"ANC = {anc:g} x10^9/L ({'<' if anc < 1.0 else '>='} 1.0)")
        g = 3 if anc < 1.0 else 0
    return {
        "value": g,
        "rule": r.id,
        "rule_version": r.version,
        "because": why,
        "sources": [*r.sources],
        "grade": g,
        "day": day,
        "temperature_c": t,
        "anc": anc,
    }


def count_grades(
    kb: KnowledgeBase, case: Case, found: tuple[Found, Found, Found, Temperature]
) -> dict[str, dict[str, Any]]:
    """The four grades (anaemia, ANC, platelets, febrile neutropenia) from :func:`latest_counts`."""
    anc, plt, hb, temp = found
    rules = kb.rules
    return {
        "anemia": _anemia(rules[ANEMIA], hb, case.patient.sex),
        "neutrophil_count_decreased": _grade(rules[ANC], _ANC, anc, _ANC_DEFAULT),
        "platelet_count_decreased": _grade(rules[PLATELETS], _PLT, plt, _PLT_DEFAULT),
        "febrile_neutropenia": _febrile_neutropenia(rules[FEBRILE_NEUTROPENIA], temp, anc),
    }


def grade_anc(kb: KnowledgeBase, case: Case, entries: Entries = None) -> dict[str, Any]:
    """Neutrophil count decreased."""
    return _grade(kb.rule(ANC), _ANC, latest_counts(case, entries)[0], _ANC_DEFAULT)


def grade_platelets(kb: KnowledgeBase, case: Case, entries: Entries = None) -> dict[str, Any]:
    """Platelet count decreased."""
    return _grade(kb.rule(PLATELETS), _PLT, latest_counts(case, entries)[1], _PLT_DEFAULT)


def grade_anemia(kb: KnowledgeBase, case: Case, entries: Entries = None) -> dict[str, Any]:
    """Anaemia (grade 4 and 5 are clinical and never given from the number alone)."""
    return _anemia(kb.rule(ANEMIA), latest_counts(case, entries)[2], case.patient.sex)


def grade_febrile_neutropenia(kb: KnowledgeBase, case: Case, entries: Entries = None) -> dict[str, Any]:
    """Febrile neutropenia (grade 3): ANC < 1.0 with a single temperature > 38.3 C or >= 38.0 C sustained > 1 h.

    The temperature and the ANC must come from the same day; grade 4 (life-threatening) is clinical.
    """
    anc, _, _, temp = latest_counts(case, entries)
    return _febrile_neutropenia(kb.rule(FEBRILE_NEUTROPENIA), temp, anc)
