"""The facts the treatment pathway needs, read defensively from the case, diagnosis and response.

Nothing clinical is decided here; this module only gathers inputs (age, lineage, Ph, CD19/CD22 on the
latest sample, recorded phase, relapse count, drugs given, prior transplant, T315I) into an immutable
:class:`PlanContext`. ``None`` always means unknown.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from allnav.case.model import Case, GeneticFinding, MarkerValue, Medication, TimelineEntry
from allnav.treatment.facts import TKI_IDS, normalise_drug

#: Canonical phase names for the free-text ``timeline[].phase`` labels of case files.
PHASE_ALIASES: dict[str, str] = {
    "diagnosis": "diagnosis",
    "pre_treatment": "diagnosis",
    "pretreatment": "diagnosis",
    "prephase": "induction",
    "pre_phase": "induction",
    "induction": "induction",
    "remission_induction": "induction",
    "consolidation": "consolidation",
    "intensification": "consolidation",
    "post_remission": "consolidation",
    "maintenance": "maintenance",
    "pomp": "maintenance",
    "post_consolidation": "maintenance",
    "off_therapy": "follow_up",
    "off_treatment": "follow_up",
    "follow_up": "follow_up",
    "followup": "follow_up",
    "surveillance": "follow_up",
    "completed": "follow_up",
    "end_of_therapy": "follow_up",
    "end_of_treatment": "follow_up",
    "therapy_completed": "follow_up",
    "treatment_completed": "follow_up",
    "relapse": "relapsed_refractory",
    "relapsed_refractory": "relapsed_refractory",
    "salvage": "relapsed_refractory",
    "reinduction": "relapsed_refractory",
    "re_induction": "relapsed_refractory",
    "car_t": "relapsed_refractory",
    "cart": "relapsed_refractory",
    "cellular_therapy": "relapsed_refractory",
    "transplant": "transplant",
    "hct": "transplant",
    "allohct": "transplant",
    "allo_hct": "transplant",
    "sct": "transplant",
    "hsct": "transplant",
    "allogeneic_hct": "transplant",
    "allogeneic_transplant": "transplant",
    "stem_cell_transplant": "transplant",
    "allogeneic_stem_cell_transplant": "transplant",
    "palliative": "palliative",
    "supportive_care": "palliative",
    "best_supportive_care": "palliative",
}

_HCT_WORDS = frozenset(("transplant", "hct", "hsct", "sct", "allohct", "allo-hct"))
_REMISSION = ("CR", "CRi")


#: Keyword fallback for labels that are not an exact alias ("salvage blinatumomab", "post-transplant
#: maintenance", "late intensification"): the first group with a word in the label wins, so a relapse or
#: end-of-therapy word outranks a phase word, and maintenance outranks transplant ("post-HCT maintenance").
PHASE_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("relapsed_refractory", ("salvage", "reinduction", "re_induction", "relapse", "relapsed", "refractory")),
    ("follow_up", ("off_therapy", "off_treatment", "follow_up", "followup", "surveillance")),
    ("palliative", ("palliative", "supportive")),
    ("maintenance", ("maintenance", "pomp")),
    ("consolidation", ("consolidation", "intensification")),
    ("transplant", ("transplant", "transplantation", "hct", "hsct", "sct", "allohct")),
    ("induction", ("induction", "prephase", "pre_phase")),
)
_KEYWORD_SETS = tuple((phase, frozenset(keys)) for phase, keys in PHASE_KEYWORDS)
_NON_WORD = re.compile(r"[^a-z0-9]+")


def canonical_phase(label: str | None) -> str | None:
    """The canonical phase for a timeline label, or ``None`` when the label is not recognised.

    An exact alias wins; otherwise a keyword of :data:`PHASE_KEYWORDS` found in the label (as a word or a
    ``_``-joined pair of words) decides. A label with none of them (e.g. "chemo block B") is not recognised.
    """
    if not label:
        return None
    key = label.strip().lower().replace("-", "_").replace(" ", "_").replace("/", "_")
    if key in PHASE_ALIASES:
        return PHASE_ALIASES[key]
    words = [w for w in _NON_WORD.split(key.replace("_", " ")) if w]
    tokens = set(words) | {f"{a}_{b}" for a, b in itertools.pairwise(words)}
    for phase, keys in _KEYWORD_SETS:
        if not keys.isdisjoint(tokens):
            return phase
    return None


class Marker(NamedTuple):
    """A target marker as last measured: positive True/False/None, and where it was read."""

    name: str
    positive: bool | None
    where: str
    day: int | None
    percent: float | None = None


class PlanContext(NamedTuple):
    """Inputs for the pathway, each ``None`` when unknown."""

    age_years: float | None
    diagnosis: str | None
    lineage: str | None  # "B", "T", "mixed", "undifferentiated" or None
    ph_positive: bool | None
    etp: bool | None
    cns_status: str | None
    genetic_risk: str | None
    poor_factors: tuple[str, ...]
    response: str | None
    response_day: int | None
    time_to_cr_days: float | None
    relapse_site: str | None
    late_relapse: bool | None
    mrd_status: str | None
    mrd_level: float | None
    ecog: int | None
    as_of_day: int
    phase_label: str | None
    phase_recorded: str | None
    phase_day: int | None
    relapse_number: int
    ever_remission: bool
    cd19: Marker
    cd22: Marker
    drugs_given: tuple[str, ...]
    current_tki: str | None
    prior_hct: bool
    t315i: bool | None
    abl1_kd_tested: bool

    @property
    def in_remission(self) -> bool:
        """The latest response is CR or CRi."""
        return self.response in _REMISSION

    @property
    def relapsed_or_refractory(self) -> bool:
        """The latest response is relapse, refractory or progressive."""
        return self.response in ("relapse", "refractory", "progressive")


def _value(raw: Any) -> Any:
    return raw.get("value") if isinstance(raw, (dict, Mapping)) else raw


def _day(entry: TimelineEntry, case: Case) -> int | None:
    if entry.day is not None:
        return entry.day
    if entry.date and case.patient.diagnosis_date:
        try:
            d = _dt.date.fromisoformat(entry.date) - _dt.date.fromisoformat(case.patient.diagnosis_date)
        except ValueError:
            return None
        return d.days
    return None


def _dated(case: Case) -> list[tuple[int, TimelineEntry]]:
    """Every dated timeline entry with its day, in timeline order."""
    return [(d, e) for e in case.timeline if (d := _day(e, case)) is not None]


def _as_of(case: Case, dated: list[tuple[int, TimelineEntry]]) -> int:
    if case.as_of_day is not None:
        return case.as_of_day
    return max((d for d, _ in dated), default=0)


def _entries(dated: list[tuple[int, TimelineEntry]], as_of: int) -> list[tuple[int, TimelineEntry]]:
    """The dated entries up to ``as_of``, in day order (stable)."""
    return sorted([x for x in dated if x[0] <= as_of], key=_first)


def _first(x: tuple[int, TimelineEntry]) -> int:
    return x[0]


def _lineage(diagnosis: str | None, lineage: Any) -> str | None:
    if diagnosis in ("B-ALL", "B-LBL"):
        return "B"
    if diagnosis in ("T-ALL", "T-LBL"):
        return "T"
    if diagnosis == "MPAL":
        return "mixed"
    if diagnosis == "AUL":
        return "undifferentiated"
    if lineage in ("B", "T"):
        return str(lineage)
    if isinstance(lineage, str) and "/" in lineage:
        return "mixed"
    return None


def _marker(
    case: Case, names: tuple[str, ...], since: int | None, entries: list[tuple[int, TimelineEntry]]
) -> Marker:
    """The latest reading of a marker; a reading on or after ``since`` is a relapse-sample reading."""
    found: tuple[int | None, str, MarkerValue] | None = None
    for name in names:
        if name in case.immunophenotype:
            found = (0, "diagnostic sample", case.immunophenotype[name])
            break
    for day, entry in entries:
        if not entry.immunophenotype:
            continue
        for name in names:
            if name in entry.immunophenotype:
                where = "relapse sample" if since is not None and day >= since else "timeline sample"
                found = (day, f"{where} (day {day})", entry.immunophenotype[name])
                break
    if found is None:
        return Marker(names[0], None, "not measured", None)
    found_day, where, mv = found
    return Marker(names[0], mv.positive, where, found_day, mv.percent)


def _genetics(case: Case, entries: list[tuple[int, TimelineEntry]]) -> list[GeneticFinding]:
    out = list(case.genetics)
    for _, entry in entries:
        out.extend(entry.genetics or [])
    return out


def _t315i(findings: list[GeneticFinding]) -> tuple[bool | None, bool]:
    result: bool | None = None
    tested = False
    for f in findings:
        text = f"{f.finding} {f.alteration or ''}".upper()
        if "ABL1" in text and ("KINASE" in text or "T315I" in text or "KD" in text.split()):
            tested = True
        if "T315I" in text:
            tested = True
            if f.result == "detected":
                result = True
            elif f.result == "not_detected" and result is None:
                result = False
    return result, tested


def _history_relapses(response: Mapping[str, Any]) -> tuple[int, bool]:
    hist = response.get("history")
    if not isinstance(hist, list):
        return 0, False
    values = [_value(h) for h in hist if isinstance(h, Mapping)]
    return sum(1 for v in values if v == "relapse"), any(v in _REMISSION for v in values)


def _timeline_relapses(entries: list[tuple[int, TimelineEntry]]) -> tuple[int, bool]:
    """Relapse episodes and any remission, from reported statuses and events (fallback count)."""
    count, in_rem, ever = 0, False, False
    for _, e in entries:
        status = (e.reported_status or "").strip()
        events = " ".join(e.events or []).lower()
        blasts = e.marrow.blasts_pct if e.marrow is not None else None
        relapse_now = (
            status.lower() == "relapse" or "relapse" in events or (blasts is not None and blasts > 5)
        )
        if in_rem and relapse_now:
            count += 1
            in_rem = False
        elif status in _REMISSION or (blasts is not None and blasts < 5):
            in_rem, ever = True, True
    return count, ever


def build_context(case: Case, diagnostic: Mapping[str, Any], response: Mapping[str, Any]) -> PlanContext:
    """Gather the pathway's inputs; reads ``diagnostic`` and ``response`` defensively."""
    dated = _dated(case)
    as_of = _as_of(case, dated)
    entries = _entries(dated, as_of)
    diagnosis = _value(diagnostic.get("diagnosis"))
    resp_raw = response.get("response")
    resp = resp_raw if isinstance(resp_raw, (dict, Mapping)) else {"value": resp_raw}
    mrd_raw = response.get("mrd")
    mrd = mrd_raw if isinstance(mrd_raw, (dict, Mapping)) else {}
    factors = diagnostic.get("prognostic_factors") or []
    poor = tuple(
        [
            str(f.get("id"))
            for f in factors
            if isinstance(f, (dict, Mapping)) and f.get("direction") == "poor" and f.get("id")
        ]
    )
    resp_value = resp.get("value")
    resp_day = resp.get("timepoint", resp.get("day"))
    resp_day = resp_day if isinstance(resp_day, int) else None
    phase_label, phase_day = None, None
    for day, e in entries:
        if e.phase:
            phase_label, phase_day = e.phase, day
    n_hist, rem_hist = _history_relapses(response)
    n_tl, rem_tl = _timeline_relapses(entries) if entries else (0, False)
    relapse_number = resp.get("relapse_number")
    if not isinstance(relapse_number, int):
        relapse_number = max(n_hist, n_tl, 1 if resp_value == "relapse" else 0)
    since = resp_day if resp_value in ("relapse", "refractory", "progressive") else None
    given: list[str] = []
    current_tki = None
    for m in _meds(case):
        for name in (m.drug, m.product):
            n = normalise_drug(name)
            if n and n not in given:
                given.append(n)
            if n in TKI_IDS:
                current_tki = n
    prior_hct = _prior_hct(entries) if entries else False
    t315i, kd_tested = _t315i(_genetics(case, entries) if entries else case.genetics)
    ttc = resp.get("time_to_cr_days")
    late = resp.get("late_relapse")
    return PlanContext(
        age_years=case.patient.age_years,
        diagnosis=diagnosis if isinstance(diagnosis, str) else None,
        lineage=_lineage(diagnosis, _value(diagnostic.get("lineage"))),
        ph_positive=_bool(_value(diagnostic.get("ph_positive"))),
        etp=_bool(_value(diagnostic.get("etp"))),
        cns_status=_str(_value(diagnostic.get("cns_status"))),
        genetic_risk=_str(_value(diagnostic.get("genetic_risk"))),
        poor_factors=poor,
        response=_str(resp_value),
        response_day=resp_day,
        time_to_cr_days=float(ttc) if isinstance(ttc, (int, float)) and not isinstance(ttc, bool) else None,
        relapse_site=_str(resp.get("relapse_site")),
        late_relapse=late if isinstance(late, bool) else None,
        mrd_status=_str(mrd.get("status")),
        mrd_level=float(lv)
        if isinstance(lv := mrd.get("level"), (int, float)) and not isinstance(lv, bool)
        else None,
        ecog=case.presentation.ecog,
        as_of_day=as_of,
        phase_label=phase_label,
        phase_recorded=canonical_phase(phase_label) if phase_label else None,
        phase_day=phase_day,
        relapse_number=relapse_number,
        ever_remission=rem_hist or rem_tl or resp_value in _REMISSION or relapse_number > 0,
        cd19=_marker(case, ("CD19", "sCD19"), since, entries),
        cd22=_marker(case, ("CD22", "sCD22"), since, entries),
        drugs_given=tuple(given),
        current_tki=current_tki,
        prior_hct=prior_hct,
        t315i=t315i,
        abl1_kd_tested=kd_tested,
    )


def _meds(case: Case) -> list[Medication]:
    """The medications up to ``as_of_day`` (undated ones kept), in day order (undated first)."""
    if not case.medications:
        return []
    return sorted(
        (m for m in case.medications if m.day is None or case.as_of_day is None or m.day <= case.as_of_day),
        key=lambda m: m.day if m.day is not None else -1,
    )


def _prior_hct(entries: list[tuple[int, TimelineEntry]]) -> bool:
    """A transplant phase or a transplant word among the events of the timeline."""
    phases_seen = [canonical_phase(e.phase) for _, e in entries]
    events = " ".join(" ".join(e.events or []) for _, e in entries).lower()
    return "transplant" in phases_seen or not _HCT_WORDS.isdisjoint(events.split())


def _bool(v: Any) -> bool | None:
    return v if isinstance(v, bool) else None


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) and v else None
