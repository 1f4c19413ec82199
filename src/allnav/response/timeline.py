"""Shared helpers for the care engine: timeline ordering, days, and defensive reads of the diagnosis.

Day 0 is the day of diagnosis. A timeline entry may give ``day`` or an ISO ``date``; a date counts from
``patient.diagnosis_date``. Entries after ``case.as_of_day`` are ignored: the assessment speaks for that day.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from operator import itemgetter
from typing import Any

from allnav.case.model import Case, TimelineEntry
from allnav.errors import CaseValidationError, FieldProblem


def diag_value(diagnostic: Mapping[str, Any], key: str) -> Any:
    """The plain value of a diagnostic key, whether stored bare or as a conclusion ``{"value": ...}``."""
    raw = diagnostic.get(key)
    if raw is None or type(raw) is str:  # the common plain values skip the isinstance checks
        return raw
    if isinstance(raw, (dict, Mapping)):  # dict first: the common case skips the ABC check
        return raw.get("value")
    return raw


def _date_day(date_text: str, case: Case, path: str) -> int:
    if case.patient.diagnosis_date is None:
        raise CaseValidationError(
            "a timeline date needs patient.diagnosis_date",
            [FieldProblem(path, "date given without patient.diagnosis_date", date_text)],
        )
    try:
        d = _dt.date.fromisoformat(date_text)
        d0 = _dt.date.fromisoformat(case.patient.diagnosis_date)
    except ValueError as exc:
        raise CaseValidationError(
            "a date is not ISO 8601", [FieldProblem(path, str(exc), date_text, accepted="YYYY-MM-DD")]
        ) from exc
    return (d - d0).days


def entry_day(entry: TimelineEntry, case: Case, index: int) -> int | None:
    """The day of a timeline entry (days since diagnosis), from ``day`` or ``date``."""
    if entry.day is not None:
        return entry.day
    if entry.date is not None:
        return _date_day(entry.date, case, f"timeline[{index}].date")
    return None


def as_of_day(case: Case) -> int:
    """The day the assessment speaks for: ``as_of_day``, else the latest dated entry, else 0.

    Without ``as_of_day`` the latest day of the timeline, the medications and the CRS/ICANS entries counts,
    so that nothing recorded is left out.
    """
    if case.as_of_day is not None:
        return case.as_of_day
    days: list[int] = []
    if case.timeline:
        days = [d for i, e in enumerate(case.timeline) if (d := entry_day(e, case, i)) is not None]
    return _latest_day(case, days)


def _latest_day(case: Case, days: list[int]) -> int:
    """:func:`as_of_day` without ``case.as_of_day``, given the timeline's entry days (extended in place)."""
    if case.medications:
        days += [m.day for m in case.medications if m.day is not None]
    if case.crs_icans:
        days += [c.day for c in case.crs_icans]
    return max(days) if days else 0


_DAY = itemgetter(0)


def dated_entries(case: Case) -> list[tuple[int, int, TimelineEntry]]:
    """``(day, index, entry)`` for every dated entry up to the as-of day, in day order (stable)."""
    if not case.timeline:
        return []
    return dated_entries_as_of(case)[0]


def dated_entries_as_of(case: Case) -> tuple[list[tuple[int, int, TimelineEntry]], int]:
    """:func:`dated_entries` and :func:`as_of_day` together, from one reading of the entries' days."""
    # each entry's day (:func:`entry_day`) read once; the as-of day comes from the same days. The latest day
    # and whether the days are already in order are noted on the way (most timelines are written in order).
    out = []
    top: int | None = None
    ordered = True
    for i, e in enumerate(case.timeline):
        d = e.day if e.day is not None else entry_day(e, case, i)
        if d is not None:
            if top is None or d >= top:
                top = d
            else:
                ordered = False
            out.append((d, i, e))
    limit = case.as_of_day
    if limit is None:
        limit = _latest_day(case, [] if top is None else [top])
    elif top is not None and top > limit:
        out = [t for t in out if t[0] <= limit]
    if not ordered:
        out.sort(key=_DAY)  # stable: entries of one day stay in index order
    return out, limit


#: The reason :func:`therapy_start_day` gives when no dated medication was given.
NO_MEDICATION_START = "no dated medication: day 0 (diagnosis) used as the start of therapy"


def therapy_start_day(case: Case) -> tuple[int, str]:
    """Day therapy started: the first given medication day, else diagnosis (day 0); with a reason."""
    if case.medications:
        days = [m.day for m in case.medications if m.day is not None and m.status == "given"]
        if days:
            first = min(days)
            return first, f"first medication given on day {first}"
    return 0, NO_MEDICATION_START


#: The reasons for a Ph status given in the diagnostic dict, built once.
_PH_GIVEN = {ph: f"diagnostic ph_positive = {ph}" for ph in (True, False)}


def ph_status(case: Case, diagnostic: Mapping[str, Any]) -> tuple[bool | None, str]:
    """Ph status from the diagnostic dict, else from the case's own genetics or karyotype (with a reason)."""
    ph = diag_value(diagnostic, "ph_positive")
    if ph is True or ph is False:
        return ph, _PH_GIVEN[ph]
    for g in case.genetics:
        if g.result != "detected":
            continue
        name = g.finding.upper().replace(" ", "")
        # "ABL1" is in the name whenever "BCR::ABL1" is once "-" and "/" are read as "::": the rest is
        # normalised only for such a name
        if "ABL1" in name and "BCR::ABL1" in name.replace("-", "::").replace("/", "::"):
            return True, "BCR::ABL1 detected in the case genetics (diagnostic Ph status not yet set)"
    if case.karyotype and "t(9;22)" in case.karyotype.replace(" ", ""):
        return True, "t(9;22) in the karyotype (diagnostic Ph status not yet set)"
    return None, "Ph status unknown"
