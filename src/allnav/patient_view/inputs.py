"""Defensive reads of the assessment and the case for the patient view (no clinical rule here)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from allnav.case.model import Blood, Case, TimelineEntry

ASPARAGINASE = (
    "asparaginase",
    "pegaspargase",
    "oncaspar",
    "calaspargase",
    "asparlas",
    "rylaze",
    "erwinase",
    "erwinia",
)
CAR_T = (
    "tisagenlecleucel",
    "kymriah",
    "brexucabtagene",
    "tecartus",
    "obecabtagene",
    "aucatzyl",
    "car t",
    "car-t",
)


def _is_mapping(x: Any) -> bool:
    return x is not None and (type(x) is dict or isinstance(x, Mapping))


def value(raw: Any) -> Any:
    """The plain value of a conclusion ``{"value": ...}`` or of a bare value."""
    return raw.get("value") if _is_mapping(raw) else raw


def get(d: Any, *keys: str) -> Any:
    """Nested ``.get`` that tolerates missing levels and non-dict values."""
    cur = d
    for k in keys:
        if not _is_mapping(cur):
            return None
        cur = cur.get(k)
    return cur


class Count(NamedTuple):
    value: float
    day: int | None
    lln: float | None


class PatientFacts(NamedTuple):
    """What the patient view needs, each ``None`` when unknown."""

    sex: str
    diagnosis: str | None
    etp: bool | None
    ph: bool | None
    cns_status: str | None
    phase_now: str | None
    phase_next: str | None
    transplant: str | None
    response: str | None
    relapse_site: str | None
    late_relapse: bool | None
    mrd_status: str | None
    mrd_level: float | None
    anc: Count | None
    platelets: Count | None
    hemoglobin: Count | None
    #: the names of the current phase's drugs (lower case, each once) joined by newlines
    drugs: str
    crs_icans_recorded: bool
    pending: int


def _day(case: Case, day: int | None, date: str | None) -> int | None:
    if day is not None:
        return day
    if date and case.patient.diagnosis_date:
        try:
            return (_dt.date.fromisoformat(date) - _dt.date.fromisoformat(case.patient.diagnosis_date)).days
        except ValueError:
            return None
    return None


def _dated(case: Case) -> list[tuple[int, TimelineEntry]]:
    """The timeline entries with a known day (given, or from the date and the diagnosis date), in order."""
    out = []
    for e in case.timeline:
        d = e.day if e.day is not None else _day(case, None, e.date)
        if d is not None:
            out.append((d, e))
    return out


def as_of(case: Case) -> int:
    """The as-of day: ``as_of_day``, else the latest timeline day, else 0."""
    return _as_of(case, _dated(case))


def _as_of(case: Case, dated: list[tuple[int, TimelineEntry]]) -> int:
    if case.as_of_day is not None:
        return case.as_of_day
    return max((d for d, _ in dated), default=0)


def _latest_panel(case: Case, dated: list[tuple[int, TimelineEntry]], limit: int) -> tuple[Blood, int | None]:
    """The most recent blood panel up to the as-of day (values are never mixed across days; of entries
    on the same day, the later one)."""
    best: tuple[int, Blood] | None = None
    for d, e in dated:
        if d <= limit and e.blood is not None and (best is None or d >= best[0]):
            best = (d, e.blood)
    if best is None:
        return case.blood, 0
    return best[1], best[0]


def _drugs(case: Case, dated: list[tuple[int, TimelineEntry]], limit: int) -> tuple[str, ...]:
    """Drugs of the current phase: ordered, undated, or given since the latest phase started."""
    since = max((d for d, e in dated if d <= limit and e.phase), default=None)
    out: list[str] = []
    for m in case.medications:
        if m.status == "given" and m.day is not None:
            if case.as_of_day is not None and m.day > limit:
                continue
            if since is not None and m.day < since:
                continue
        for name in (m.drug, m.product):
            if name and (n := name.strip().lower()) not in out:
                out.append(n)
    return tuple(out)


_NOTHING: Mapping[str, Any] = MappingProxyType({})


def _mapping(x: Any) -> Mapping[str, Any]:
    """``x`` when it is a mapping, else an empty one."""
    return x if _is_mapping(x) else _NOTHING


def read_facts(case: Case, assessment: Mapping[str, Any]) -> PatientFacts:
    """Gather the facts for the patient view from the case and the (possibly partial) assessment."""
    dated = _dated(case)
    limit = _as_of(case, dated)
    get = assessment.get
    plan = _mapping(get("treatment_plan"))
    resp = get("response")
    resp_map = _mapping(resp)
    mrd = _mapping(get("mrd"))
    level = mrd.get("level")
    pending = get("pending")
    panel, panel_day = _latest_panel(case, dated, limit)
    anc, platelets, hemoglobin = panel.anc, panel.platelets, panel.hemoglobin
    return PatientFacts(
        case.patient.sex,
        _str_of(get("diagnosis")),
        _bool_of(get("etp")),
        _bool_of(get("ph_positive")),
        _str_of(get("cns_status")),
        _str_of(plan.get("phase_now")),
        _str_of(plan.get("phase_next")),
        _str_of(plan.get("transplant")),
        _str_of(resp),
        _s(resp_map.get("relapse_site")),
        _b(resp_map.get("late_relapse")),
        _s(mrd.get("status")),
        float(level) if isinstance(level, int | float) and not isinstance(level, bool) else None,
        None if anc is None else Count(float(anc), panel_day, panel.anc_lln),
        None if platelets is None else Count(float(platelets), panel_day, panel.platelets_lln),
        None if hemoglobin is None else Count(float(hemoglobin), panel_day, panel.hemoglobin_lln),
        "\n".join(_drugs(case, dated, limit)),
        bool(case.crs_icans),
        len(pending) if isinstance(pending, list) else 0,
    )


def transplant_relevant(facts: PatientFacts) -> bool:
    """Whether the transplant question is open for the patient now (favoured, or to consider before maintenance)."""
    if facts.transplant == "favoured":
        return facts.phase_now not in ("follow_up", "palliative", "transplant")
    early = ("diagnosis", "induction", "consolidation", "relapsed_refractory", "unknown", None)
    return facts.transplant in ("consider", "consider_after_remission") and facts.phase_now in early


def has_drug(facts: PatientFacts, names: tuple[str, ...]) -> bool:
    """Whether any medication name contains one of ``names``."""
    drugs = facts.drugs  # the names hold no newline: a match lies within one drug
    if drugs:
        for n in names:
            if n in drugs:
                return True
    return False


def _str_of(raw: Any) -> str | None:
    """:func:`_s` of :func:`value`."""
    if raw is not None and (type(raw) is dict or isinstance(raw, Mapping)):
        raw = raw.get("value")
    return raw if isinstance(raw, str) and raw else None


def _bool_of(raw: Any) -> bool | None:
    """:func:`_b` of :func:`value`."""
    if raw is not None and (type(raw) is dict or isinstance(raw, Mapping)):
        raw = raw.get("value")
    return raw if isinstance(raw, bool) else None


def _s(v: Any) -> str | None:
    return v if isinstance(v, str) and v else None


def _b(v: Any) -> bool | None:
    return v if isinstance(v, bool) else None
