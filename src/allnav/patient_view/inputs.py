"""Defensive reads of the assessment and the case for the patient view (no clinical rule here)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from allnav.case.model import Case, TimelineEntry

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


_NOTHING: Mapping[str, Any] = MappingProxyType({})
_new = tuple.__new__


def _mapping(x: Any) -> Mapping[str, Any]:
    """``x`` when it is a mapping, else an empty one."""
    return x if _is_mapping(x) else _NOTHING


def read_facts(case: Case, assessment: Mapping[str, Any]) -> PatientFacts:
    """Gather the facts for the patient view from the case and the (possibly partial) assessment."""
    # one pass over the timeline entries with a known day, up to the as-of day (without ``as_of_day``, the
    # latest day: every dated entry); the latest blood panel, and the start of the latest phase
    limit = case.as_of_day
    panel, panel_day = case.blood, 0
    best: int | None = None
    since: int | None = None
    dx_date = case.patient.diagnosis_date
    for e in case.timeline:
        d = e.day
        if d is None:
            if not (e.date and dx_date):
                continue
            d = _day(case, None, e.date)
            if d is None:
                continue
        if limit is not None and d > limit:
            continue
        if e.blood is not None and (best is None or d >= best):
            best = panel_day = d
            panel = e.blood
        if e.phase and (since is None or d > since):
            since = d
    drugs: list[str] = []
    for m in case.medications:
        if m.status == "given" and m.day is not None:
            if limit is not None and m.day > limit:
                continue
            if since is not None and m.day < since:
                continue
        for name in (m.drug, m.product):
            if name and (n := name.strip().lower()) not in drugs:
                drugs.append(n)
    get = assessment.get
    plan, resp, mrd = get("treatment_plan"), get("response"), get("mrd")
    # (a dict is the usual form: no call for it)
    plan = plan if type(plan) is dict else _mapping(plan)
    resp_map = resp if type(resp) is dict else _mapping(resp)
    mrd = mrd if type(mrd) is dict else _mapping(mrd)
    level = mrd.get("level")
    pending = get("pending")
    dx, cns, phase_now, phase_next, transplant, response, etp, ph = _values_of(
        get("diagnosis"),
        get("cns_status"),
        plan.get("phase_now"),
        plan.get("phase_next"),
        plan.get("transplant"),
        resp,
        get("etp"),
        get("ph_positive"),
    )
    relapse_site, late, mrd_status = (
        resp_map.get("relapse_site"),
        resp_map.get("late_relapse"),
        mrd.get("status"),
    )
    anc, platelets, hemoglobin = panel.anc, panel.platelets, panel.hemoglobin
    return _new(  # (a NamedTuple made without its __new__, a Python function: the hot path of every case)
        PatientFacts,
        (
            case.patient.sex,
            dx if isinstance(dx, str) and dx else None,
            etp if isinstance(etp, bool) else None,
            ph if isinstance(ph, bool) else None,
            cns if isinstance(cns, str) and cns else None,
            phase_now if isinstance(phase_now, str) and phase_now else None,
            phase_next if isinstance(phase_next, str) and phase_next else None,
            transplant if isinstance(transplant, str) and transplant else None,
            response if isinstance(response, str) and response else None,
            relapse_site if isinstance(relapse_site, str) and relapse_site else None,
            late if isinstance(late, bool) else None,
            mrd_status if isinstance(mrd_status, str) and mrd_status else None,
            float(level) if isinstance(level, int | float) and not isinstance(level, bool) else None,
            None if anc is None else _new(Count, (float(anc), panel_day, panel.anc_lln)),
            None if platelets is None else _new(Count, (float(platelets), panel_day, panel.platelets_lln)),
            None if hemoglobin is None else _new(Count, (float(hemoglobin), panel_day, panel.hemoglobin_lln)),
            "\n".join(drugs),
            bool(case.crs_icans),
            len(pending) if isinstance(pending, list) else 0,
        ),
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


def _values_of(*raws: Any) -> list[Any]:
    """:func:`value` of each (one call for the many read per patient)."""
    return [
        raw.get("value") if raw is not None and (type(raw) is dict or isinstance(raw, Mapping)) else raw
        for raw in raws
    ]
