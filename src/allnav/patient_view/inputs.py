"""Defensive reads of the assessment and the case for the patient view (no clinical rule here)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from allnav.case.model import Case

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


def value(raw: Any) -> Any:
    """The plain value of a conclusion ``{"value": ...}`` or of a bare value."""
    return raw.get("value") if isinstance(raw, Mapping) else raw


def get(d: Any, *keys: str) -> Any:
    """Nested ``.get`` that tolerates missing levels and non-dict values."""
    cur = d
    for k in keys:
        if not isinstance(cur, Mapping):
            return None
        cur = cur.get(k)
    return cur


@dataclass(frozen=True)
class Count:
    value: float
    day: int | None
    lln: float | None


@dataclass(frozen=True)
class PatientFacts:
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
    drugs: tuple[str, ...]
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


def as_of(case: Case) -> int:
    """The as-of day: ``as_of_day``, else the latest timeline day, else 0."""
    if case.as_of_day is not None:
        return case.as_of_day
    return max((d for e in case.timeline if (d := _day(case, e.day, e.date)) is not None), default=0)


def _latest_panel(case: Case, limit: int) -> tuple[Any, int | None]:
    """The most recent blood panel up to the as-of day (values are never mixed across days)."""
    dated = sorted(
        ((d, e) for e in case.timeline if (d := _day(case, e.day, e.date)) is not None and d <= limit),
        key=lambda x: x[0],
    )
    for d, e in reversed(dated):
        if e.blood is not None:
            return e.blood, d
    return case.blood, 0


def _count(panel: Any, day: int | None, field: str) -> Count | None:
    v = getattr(panel, field)
    return None if v is None else Count(float(v), day, getattr(panel, f"{field}_lln"))


def _drugs(case: Case, limit: int) -> tuple[str, ...]:
    """Drugs of the current phase: ordered, undated, or given since the latest phase started."""
    dated = [(d, e) for e in case.timeline if (d := _day(case, e.day, e.date)) is not None and d <= limit]
    starts = [d for d, e in dated if e.phase]
    since = max(starts) if starts else None
    out: list[str] = []
    for m in case.medications:
        if m.status == "given" and m.day is not None:
            if case.as_of_day is not None and m.day > limit:
                continue
            if since is not None and m.day < since:
                continue
        for name in (m.drug, m.product):
            if name and name.strip().lower() not in out:
                out.append(name.strip().lower())
    return tuple(out)


def read_facts(case: Case, assessment: Mapping[str, Any]) -> PatientFacts:
    """Gather the facts for the patient view from the case and the (possibly partial) assessment."""
    limit = as_of(case)
    plan = assessment.get("treatment_plan")
    resp = assessment.get("response")
    mrd = assessment.get("mrd")
    level = get(mrd, "level")
    pending = assessment.get("pending")
    panel, panel_day = _latest_panel(case, limit)
    return PatientFacts(
        sex=case.patient.sex,
        diagnosis=_s(value(assessment.get("diagnosis"))),
        etp=_b(value(assessment.get("etp"))),
        ph=_b(value(assessment.get("ph_positive"))),
        cns_status=_s(value(assessment.get("cns_status"))),
        phase_now=_s(value(get(plan, "phase_now"))),
        phase_next=_s(value(get(plan, "phase_next"))),
        transplant=_s(value(get(plan, "transplant"))),
        response=_s(value(resp)),
        relapse_site=_s(get(resp, "relapse_site")),
        late_relapse=_b(get(resp, "late_relapse")),
        mrd_status=_s(get(mrd, "status")),
        mrd_level=float(level) if isinstance(level, int | float) and not isinstance(level, bool) else None,
        anc=_count(panel, panel_day, "anc"),
        platelets=_count(panel, panel_day, "platelets"),
        hemoglobin=_count(panel, panel_day, "hemoglobin"),
        drugs=_drugs(case, limit),
        crs_icans_recorded=bool(case.crs_icans),
        pending=len(pending) if isinstance(pending, list) else 0,
    )


def transplant_relevant(facts: PatientFacts) -> bool:
    """Whether the transplant question is open for the patient now (favoured, or to consider before maintenance)."""
    if facts.transplant == "favoured":
        return facts.phase_now not in ("follow_up", "palliative", "transplant")
    early = ("diagnosis", "induction", "consolidation", "relapsed_refractory", "unknown", None)
    return facts.transplant in ("consider", "consider_after_remission") and facts.phase_now in early


def has_drug(facts: PatientFacts, names: tuple[str, ...]) -> bool:
    """Whether any medication name contains one of ``names``."""
    return any(n in d for d in facts.drugs for n in names)


def _s(v: Any) -> str | None:
    return v if isinstance(v, str) and v else None


def _b(v: Any) -> bool | None:
    return v if isinstance(v, bool) else None
