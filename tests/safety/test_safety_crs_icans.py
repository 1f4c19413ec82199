"""ASTCT 2019 CRS and ICANS grades: fever gate, hypotension/hypoxia, every ICANS domain."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allnav.case.model import Case
from allnav.knowledge import KnowledgeBase
from allnav.safety import assess_safety


def grades(kb: KnowledgeBase, *entries: dict[str, Any], age: float = 40) -> dict[str, Any]:
    c = Case.model_validate({"patient": {"id": "c", "age_years": age}, "crs_icans": list(entries)})
    return assess_safety(c, kb, {})


@pytest.mark.parametrize(
    ("entry", "grade"),
    [
        ({"temperature_c": 37.9, "vasopressors": "multiple", "oxygen": "positive_pressure"}, 0),
        ({"temperature_c": 38.0}, 1),
        ({"temperature_c": 38.0, "vasopressors": "none", "oxygen": "none"}, 1),
        ({"temperature_c": 38.5, "oxygen": "low_flow"}, 2),
        ({"temperature_c": 38.5, "oxygen": "high_flow"}, 3),
        ({"temperature_c": 38.5, "vasopressors": "one", "oxygen": "low_flow"}, 3),
        ({"temperature_c": 38.5, "vasopressors": "multiple"}, 4),
        ({"temperature_c": 38.5, "oxygen": "positive_pressure"}, 4),
        ({"temperature_c": 37.0, "antipyretic_or_anticytokine": True, "oxygen": "high_flow"}, 3),
        ({"oxygen": "high_flow"}, None),
    ],
)
def test_crs_grade(kb: KnowledgeBase, entry: dict[str, Any], grade: int | None) -> None:
    crs = grades(kb, {"day": 2, **entry})["safety"]["crs_grade"]
    assert crs["value"] == grade


@pytest.mark.parametrize(
    ("entry", "grade"),
    [
        ({"ice_score": 10}, 0),
        ({"ice_score": 9}, 1),
        ({"ice_score": 7}, 1),
        ({"ice_score": 6}, 2),
        ({"ice_score": 3}, 2),
        ({"ice_score": 2}, 3),
        ({"ice_score": 0}, 3),
        ({"ice_score": 0, "arousal": "unarousable"}, 4),
        ({"ice_score": 10, "arousal": "awakens_to_voice"}, 2),
        ({"ice_score": 10, "arousal": "awakens_to_touch"}, 3),
        ({"ice_score": 10, "seizure": True}, 3),
        ({"ice_score": 10, "seizure": True, "seizure_prolonged": True}, 4),
        ({"ice_score": 10, "motor_weakness": True}, 4),
        ({"ice_score": 10, "cerebral_edema": "focal"}, 3),
        ({"ice_score": 10, "cerebral_edema": "diffuse"}, 4),
        ({"ice_score": 10, "cerebral_edema": False, "seizure": False, "motor_weakness": False}, 0),
        ({"temperature_c": 39}, None),
    ],
)
def test_icans_grade(kb: KnowledgeBase, entry: dict[str, Any], grade: int | None) -> None:
    assert grades(kb, {"day": 2, **entry})["safety"]["icans_grade"]["value"] == grade


def test_worst_and_current_grade_over_days(kb: KnowledgeBase) -> None:
    out = grades(
        kb,
        {"day": 1, "temperature_c": 39.0, "oxygen": "high_flow", "ice_score": 4},
        {"day": 4, "temperature_c": 37.0, "ice_score": 10},
    )
    crs, icans = out["safety"]["crs_grade"], out["safety"]["icans_grade"]
    assert (crs["value"], crs["day"], crs["current_grade"]) == (3, 1, 0)
    assert (icans["value"], icans["current_grade"]) == (2, 0)
    assert not [a for a in out["alerts"] if a["rule"] in ("safety.crs_grade", "safety.icans_grade")]


def test_current_grade_alerts(kb: KnowledgeBase) -> None:
    out = grades(kb, {"day": 1, "temperature_c": 39.0, "oxygen": "low_flow", "ice_score": 8})
    sev = {a["rule"]: a["severity"] for a in out["alerts"]}
    assert sev == {"safety.crs_grade": "critical", "safety.icans_grade": "warning"}


def test_child_icans_note(kb: KnowledgeBase) -> None:
    icans = grades(kb, {"day": 1, "ice_score": 8}, age=8)["safety"]["icans_grade"]
    assert any("CAPD" in b for b in icans["because"])


def test_entries_after_as_of_day_ignored(kb: KnowledgeBase) -> None:
    c = Case.model_validate(
        {
            "patient": {"id": "c"},
            "as_of_day": 3,
            "crs_icans": [{"day": 5, "temperature_c": 40, "vasopressors": "one"}],
        }
    )
    assert assess_safety(c, kb, {})["safety"]["crs_grade"]["value"] is None


_VASO = ["none", "one", "multiple"]
_OXY = ["none", "low_flow", "high_flow", "positive_pressure"]


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 2),
    st.integers(0, 2),
    st.integers(0, 3),
    st.integers(0, 3),
    st.integers(0, 10),
    st.integers(0, 10),
)
def test_grades_monotone_in_support_and_ice(
    kb: KnowledgeBase, v1: int, v2: int, o1: int, o2: int, ice1: int, ice2: int
) -> None:
    lo = {
        "day": 1,
        "temperature_c": 39.0,
        "vasopressors": _VASO[min(v1, v2)],
        "oxygen": _OXY[min(o1, o2)],
        "ice_score": max(ice1, ice2),
    }
    hi = {
        "day": 1,
        "temperature_c": 39.0,
        "vasopressors": _VASO[max(v1, v2)],
        "oxygen": _OXY[max(o1, o2)],
        "ice_score": min(ice1, ice2),
    }
    a, b = grades(kb, lo)["safety"], grades(kb, hi)["safety"]
    assert a["crs_grade"]["value"] <= b["crs_grade"]["value"]
    assert a["icans_grade"]["value"] <= b["icans_grade"]["value"]
