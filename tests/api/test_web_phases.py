"""The phase timeline layout and the form-field mapping of validation problems (no server needed)."""

from __future__ import annotations

from typing import Any

import pytest

from allnav.web import forms, phases


def _plan(now: str | None, nxt: str | None) -> dict[str, Any]:
    return {"treatment_plan": {"phase_now": {"value": now}, "phase_next": {"value": nxt}}}


CASE = {
    "timeline": [
        {"day": 1, "phase": "induction"},
        {"day": 29, "marrow": {"blasts_pct": 1}},
        {"day": 36, "phase": "consolidation"},
        {"day": 180, "phase": "maintenance"},
        {"day": 365, "mrd": {"level": 0}},
    ]
}


def test_recorded_phases_with_now_and_next() -> None:
    out = {
        **_plan("maintenance", "follow_up"),
        "response_history": [{"timepoint": 29, "value": "CR"}, {"timepoint": 365, "value": "CR"}],
        "mrd": {"history": [{"day": 29, "status": "positive"}, {"day": 365, "status": "negative"}]},
    }
    segs = phases.phase_timeline(CASE, out)
    assert [(s.phase, s.start, s.end, s.state) for s in segs] == [
        ("induction", 1, 35, "past"),
        ("consolidation", 36, 179, "past"),
        ("maintenance", 180, 365, "now"),
        ("follow_up", None, None, "next"),
    ]
    assert [(m.day, m.value) for m in segs[0].marks] == [(29, "CR"), (29, "MRD positive")]  # response first
    assert [(m.day, m.value) for m in segs[2].marks] == [(365, "CR"), (365, "MRD negative")]
    assert segs[3].label == "follow up"
    assert segs[3].source == "assessment"


def test_boundary_day_belongs_to_the_new_phase() -> None:
    out = {**_plan("consolidation", "maintenance"), "response_history": [{"timepoint": 36, "value": "CR"}]}
    segs = phases.phase_timeline({"timeline": CASE["timeline"][:3]}, out)
    assert segs[0].marks == ()
    assert [m.day for m in segs[1].marks] == [36]
    out35 = {**out, "response_history": [{"timepoint": 35, "value": "CR"}]}
    assert [m.day for m in phases.phase_timeline({"timeline": CASE["timeline"][:3]}, out35)[0].marks] == [35]


def test_engine_phase_now_differs_from_the_recorded_one() -> None:
    case = {
        "timeline": [{"day": 1, "phase": "induction"}, {"day": 900, "phase": "off_therapy"}, {"day": 1400}]
    }
    out = {
        **_plan("relapsed_refractory", "relapsed_refractory"),
        "response_history": [{"timepoint": 1400, "value": "relapse"}],
    }
    segs = phases.phase_timeline(case, out)
    assert [(s.phase, s.state, s.source) for s in segs] == [
        ("induction", "past", "timeline"),
        ("off_therapy", "past", "timeline"),
        ("relapsed_refractory", "now", "assessment"),
        ("relapsed_refractory", "next", "assessment"),
    ]
    assert [m.value for m in segs[1].marks] == ["relapse"]


@pytest.mark.parametrize("now", ["unknown", None])
def test_unknown_phase_now_highlights_nothing(now: str | None) -> None:
    segs = phases.phase_timeline(CASE, _plan(now, "unknown"))
    assert [s.state for s in segs] == ["past", "past", "past"]


def test_no_phase_recorded_still_shows_responses() -> None:
    out = {"response_history": [{"timepoint": 28, "value": "CR"}]}
    segs = phases.phase_timeline({"timeline": [{"day": 28}]}, out)
    assert [(s.label, [m.value for m in s.marks]) for s in segs] == [("no phase recorded", ["CR"])]
    assert phases.phase_timeline({}, {}) == []


def test_responses_before_the_first_phase() -> None:
    case = {"timeline": [{"day": 5}, {"day": 10, "phase": "induction"}]}
    segs = phases.phase_timeline(case, {"response_history": [{"timepoint": 5, "value": "PR"}]})
    assert (segs[0].label, segs[0].end, [m.value for m in segs[0].marks]) == ("before treatment", 9, ["PR"])


@pytest.mark.parametrize(
    ("kind", "path", "field"),
    [
        ("timeline", "timeline[9].marrow.blasts_pct", "marrow_blasts_pct"),
        ("timeline", "timeline[0].blood.anc", "anc"),
        ("timeline", "blood.platelets", "platelets"),
        ("timeline", "timeline[12].vitals.temperature_c", "temperature_c"),
        ("timeline", "day", "day"),
        ("timeline", "timeline[3].mrd.method", "mrd_method"),
        ("timeline", "timeline[3].cytogenetics", None),
        ("medication", "medications[9].unit", "unit"),
        ("medication", "medications[0].dose", "dose"),
        ("medication", "blood.anc", None),
    ],
)
def test_problem_paths_map_to_form_fields(kind: str, path: str, field: str | None) -> None:
    assert forms.field_of(kind, path) == field


def test_field_errors_grouped() -> None:
    problems = [{"path": "timeline[1].blood.anc", "message": "x"}, {"path": "form", "message": "empty"}]
    assert forms.field_errors("timeline", problems) == {"anc": [problems[0]], "": [problems[1]]}


@pytest.mark.parametrize(
    ("phase", "shown"),
    [
        ("car_t", "CAR T"),
        ("follow_up", "follow up"),
        ("relapsed_refractory", "relapsed/refractory"),
        ("x", "x"),
    ],
)
def test_phase_labels(phase: str, shown: str) -> None:
    assert phases.label(phase) == shown
