"""``dated_entries_as_of`` gives exactly ``dated_entries`` and ``as_of_day`` (timelines in and out of order)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allnav.case.model import Case
from allnav.response.timeline import as_of_day, dated_entries, dated_entries_as_of


def _case(days: list[int | None], as_of: int | None, med_day: int | None = None) -> Case:
    timeline: list[dict[str, Any]] = [{"day": d, "note": f"entry {i}"} for i, d in enumerate(days)]
    data: dict[str, Any] = {"patient": {"id": "tl", "diagnosis_date": "2026-01-01"}, "timeline": timeline}
    if as_of is not None:
        data["as_of_day"] = as_of
    if med_day is not None:
        data["medications"] = [{"drug": "vincristine", "dose": 1.4, "unit": "mg/m2", "day": med_day}]
    return Case.model_validate(data)


def _reference(case: Case) -> tuple[list[tuple[int, int]], int]:
    """The documented meaning: dated entries up to the as-of day, stably sorted by day."""
    limit = as_of_day(case)
    dated = [(e.day, i) for i, e in enumerate(case.timeline) if e.day is not None and e.day <= limit]
    return sorted(dated, key=lambda t: t[0]), limit


@pytest.mark.parametrize(
    ("days", "as_of", "med_day"),
    [
        ([0, 7, 14], None, None),  # in order
        ([14, 0, 7, 7], None, None),  # out of order, a repeated day keeps index order
        ([0, 7, 14], 7, None),  # as_of_day cuts the later entry
        ([14, None, 0], 10, None),  # out of order, an undated entry, a cut
        ([0, 7], None, 30),  # a later medication day sets the as-of day
        ([], None, 5),
    ],
)
def test_matches_reference(days: list[int | None], as_of: int | None, med_day: int | None) -> None:
    case = _case(days, as_of, med_day)
    entries, limit = dated_entries_as_of(case)
    assert ([(d, i) for d, i, _ in entries], limit) == _reference(case)
    assert entries == dated_entries(case)
    assert all(e is case.timeline[i] for _, i, e in entries)


def test_date_entries_count_from_diagnosis() -> None:
    case = Case.model_validate(
        {
            "patient": {"id": "tl", "diagnosis_date": "2026-01-01"},
            "timeline": [{"date": "2026-01-15"}, {"day": 3}],
        }
    )
    entries, limit = dated_entries_as_of(case)
    assert [(d, i) for d, i, _ in entries] == [(3, 1), (14, 0)]
    assert limit == as_of_day(case) == 14


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.integers(-5, 60)), max_size=8),
    st.one_of(st.none(), st.integers(-5, 60)),
    st.one_of(st.none(), st.integers(-5, 60)),
)
def test_matches_reference_property(days: list[int | None], as_of: int | None, med_day: int | None) -> None:
    case = _case(days, as_of, med_day)
    entries, limit = dated_entries_as_of(case)
    assert ([(d, i) for d, i, _ in entries], limit) == _reference(case)
