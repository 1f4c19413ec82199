"""The facts the treatment pathway needs, read defensively from the case, diagnosis and response.

Nothing clinical is decided here; this module only gathers inputs (age, lineage, Ph, CD19/CD22 on the
latest sample, recorded phase, relapse count, drugs given, prior transplant, T315I) into an immutable
:class:`PlanContext`. ``None`` always means unknown.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import operator
import re
from collections.abc import Iterable, Mapping, Sequence
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
_RELAPSED = ("relapse", "refractory", "progressive")


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
    hit = PHASE_ALIASES.get(label)  # most labels are written as an alias already (normalised form)
    if hit is not None:
        return hit
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
    genetic_findings: Sequence[GeneticFinding]  # the case's and the timeline's (read by t315i)
    in_remission: bool  # the latest response is CR or CRi
    relapsed_or_refractory: bool  # the latest response is relapse, refractory or progressive

    # ABL1 T315I is read only for Ph+ relapsed/refractory disease: worked out from the findings when asked
    @property
    def t315i(self) -> bool | None:
        """ABL1 T315I detected (True), tested and not detected (False), or unknown (None)."""
        return _t315i(self.genetic_findings)[0]

    @property
    def abl1_kd_tested(self) -> bool:
        """An ABL1 kinase-domain (or T315I) test is among the findings."""
        return _t315i(self.genetic_findings)[1]


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


def _entries(case: Case) -> tuple[int, list[tuple[int, TimelineEntry]]]:
    """The as-of day and the dated timeline entries up to it, in day order (stable)."""
    dated: list[tuple[int, TimelineEntry]] = []
    for e in case.timeline:
        d = e.day if e.day is not None else _day(e, case)  # the entry's day, else from its date
        if d is not None:
            dated.append((d, e))
    as_of = case.as_of_day
    if as_of is None:
        as_of = max([d for d, _ in dated], default=0)
    else:
        dated = [x for x in dated if x[0] <= as_of]
    dated.sort(key=_first)
    return as_of, dated


_first = operator.itemgetter(0)


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
    ip = case.immunophenotype
    if ip:
        for name in names:
            mv = ip.get(name)
            if mv is not None:
                found = (0, "diagnostic sample", mv)
                break
    for day, entry in entries:
        eip = entry.immunophenotype
        if not eip:
            continue
        for name in names:
            mv = eip.get(name)
            if mv is not None:
                where = "relapse sample" if since is not None and day >= since else "timeline sample"
                found = (day, f"{where} (day {day})", mv)
                break
    if found is None:
        return _NOT_MEASURED.get(names[0]) or Marker(names[0], None, "not measured", None)
    found_day, where, mv = found
    return Marker(names[0], mv.positive, where, found_day, mv.percent)


#: The unmeasured markers (immutable: built once).
_NOT_MEASURED = {name: Marker(name, None, "not measured", None) for name in ("CD19", "CD22")}


def _t315i(findings: Iterable[GeneticFinding]) -> tuple[bool | None, bool]:
    result: bool | None = None
    tested = False
    for f in findings:
        text = f"{f.finding} {f.alteration or ''}".upper()
        if "T315I" in text:
            tested = True
            if f.result == "detected":
                result = True
            elif f.result == "not_detected" and result is None:
                result = False
        elif "ABL1" in text and ("KINASE" in text or "KD" in text.split()):
            tested = True
    return result, tested


def _history_relapses(response: Mapping[str, Any]) -> tuple[int, bool]:
    hist = response.get("history")
    if not isinstance(hist, list) or not hist:
        return 0, False
    values = [h.get("value") for h in hist if isinstance(h, (dict, Mapping))]
    return values.count("relapse"), any(v in _REMISSION for v in values)


class _Timeline(NamedTuple):
    """What the pathway reads from the timeline entries up to the as-of day (one pass)."""

    phase_label: str | None
    phase_day: int | None
    relapses: int
    ever_remission: bool
    prior_hct: bool
    genetics: Sequence[GeneticFinding]


def _read_timeline(entries: list[tuple[int, TimelineEntry]]) -> _Timeline:
    """The latest phase label, the relapse episodes and any remission (from reported statuses, events and
    marrow blasts: a fallback count), a prior transplant (a transplant phase or a transplant word among the
    events) and the genetic findings, in one pass over the entries."""
    phase_label, phase_day = None, None
    count, in_rem, ever, hct = 0, False, False, False
    genetics: list[GeneticFinding] = []
    for day, e in entries:
        if e.phase:
            phase_label, phase_day = e.phase, day
            if not hct and canonical_phase(e.phase) == "transplant":
                hct = True
        events = " ".join(e.events).lower() if e.events else ""
        if events and not hct and not _HCT_WORDS.isdisjoint(events.split()):
            hct = True
        status = (e.reported_status or "").strip()
        blasts = e.marrow.blasts_pct if e.marrow is not None else None
        relapse_now = (
            status.lower() == "relapse" or "relapse" in events or (blasts is not None and blasts > 5)
        )
        if in_rem and relapse_now:
            count += 1
            in_rem = False
        elif status in _REMISSION or (blasts is not None and blasts < 5):
            in_rem, ever = True, True
        if e.genetics:
            genetics.extend(e.genetics)
    return _Timeline(phase_label, phase_day, count, ever, hct, genetics)


_NO_TIMELINE = _Timeline(None, None, 0, False, False, ())


def build_context(case: Case, diagnostic: Mapping[str, Any], response: Mapping[str, Any]) -> PlanContext:
    """Gather the pathway's inputs; reads ``diagnostic`` and ``response`` defensively."""
    if case.timeline:
        as_of, entries = _entries(case)
        tl = _read_timeline(entries) if entries else _NO_TIMELINE
    else:
        as_of, entries, tl = (case.as_of_day if case.as_of_day is not None else 0), [], _NO_TIMELINE
    get = diagnostic.get
    # each field is a conclusion dict (its "value") or a bare value: _value() inline, dicts first
    diagnosis = v.get("value") if type(v := get("diagnosis")) is dict else _value(v)
    lineage = v.get("value") if type(v := get("lineage")) is dict else _value(v)
    ph = v.get("value") if type(v := get("ph_positive")) is dict else _value(v)
    etp = v.get("value") if type(v := get("etp")) is dict else _value(v)
    cns = v.get("value") if type(v := get("cns_status")) is dict else _value(v)
    risk = v.get("value") if type(v := get("genetic_risk")) is dict else _value(v)
    resp_raw = response.get("response")
    resp = resp_raw if isinstance(resp_raw, (dict, Mapping)) else {"value": resp_raw}
    mrd_raw = response.get("mrd")
    mrd = mrd_raw if isinstance(mrd_raw, (dict, Mapping)) else {}
    factors = diagnostic.get("prognostic_factors")
    poor = (
        tuple(
            [
                str(f.get("id"))
                for f in factors
                if isinstance(f, (dict, Mapping)) and f.get("direction") == "poor" and f.get("id")
            ]
        )
        if factors
        else ()
    )
    resp_value = resp.get("value")
    resp_day = resp.get("timepoint", resp.get("day"))
    resp_day = resp_day if isinstance(resp_day, int) else None
    n_hist, rem_hist = _history_relapses(response)
    relapse_number = resp.get("relapse_number")
    if not isinstance(relapse_number, int):
        relapse_number = max(n_hist, tl.relapses, 1 if resp_value == "relapse" else 0)
    since = resp_day if resp_value in _RELAPSED else None
    given: list[str] = []
    current_tki = None
    if case.medications:
        for m in _meds(case):
            for name in (m.drug, m.product):
                n = normalise_drug(name)
                if n and n not in given:
                    given.append(n)
                if n in TKI_IDS:
                    current_tki = n
    genetics = case.genetics
    findings = [*genetics, *tl.genetics] if tl.genetics else genetics
    ttc = resp.get("time_to_cr_days")
    late = resp.get("late_relapse")
    lv = mrd.get("level")
    phase_label = tl.phase_label
    resp_value = resp_value if isinstance(resp_value, str) and resp_value else None
    # positional, in field order (the cheapest way to build a NamedTuple of 29 fields)
    return PlanContext(
        case.patient.age_years,  # age_years
        diagnosis if isinstance(diagnosis, str) else None,  # diagnosis
        _lineage(diagnosis, lineage),  # lineage
        ph if isinstance(ph, bool) else None,  # ph_positive
        etp if isinstance(etp, bool) else None,  # etp
        cns if isinstance(cns, str) and cns else None,  # cns_status
        risk if isinstance(risk, str) and risk else None,  # genetic_risk
        poor,  # poor_factors
        resp_value,  # response
        resp_day,  # response_day
        float(ttc)
        if isinstance(ttc, (int, float)) and not isinstance(ttc, bool)
        else None,  # time_to_cr_days
        site if isinstance(site := resp.get("relapse_site"), str) and site else None,  # relapse_site
        late if isinstance(late, bool) else None,  # late_relapse
        mst if isinstance(mst := mrd.get("status"), str) and mst else None,  # mrd_status
        float(lv) if isinstance(lv, (int, float)) and not isinstance(lv, bool) else None,  # mrd_level
        case.presentation.ecog,  # ecog
        as_of,  # as_of_day
        phase_label,  # phase_label
        canonical_phase(phase_label) if phase_label else None,  # phase_recorded
        tl.phase_day,  # phase_day
        relapse_number,  # relapse_number
        rem_hist or tl.ever_remission or resp_value in _REMISSION or relapse_number > 0,  # ever_remission
        _marker(case, ("CD19", "sCD19"), since, entries),  # cd19
        _marker(case, ("CD22", "sCD22"), since, entries),  # cd22
        tuple(given),  # drugs_given
        current_tki,  # current_tki
        tl.prior_hct,  # prior_hct
        findings,  # genetic_findings
        resp_value in _REMISSION,  # in_remission
        resp_value in _RELAPSED,  # relapsed_or_refractory
    )


def _meds(case: Case) -> list[Medication]:
    """The medications up to ``as_of_day`` (undated ones kept), in day order (undated first)."""
    if not case.medications:
        return []
    as_of = case.as_of_day
    meds = [m for m in case.medications if m.day is None or as_of is None or m.day <= as_of]
    meds.sort(key=_med_day)
    return meds


def _med_day(m: Medication) -> int:
    return m.day if m.day is not None else -1
