"""CTCAE v5 haematological grades at every boundary, LLN sources, febrile neutropenia, monotonicity."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allnav.case.model import Case
from allnav.knowledge import KnowledgeBase
from allnav.safety import assess_safety


def ctcae(kb: KnowledgeBase, blood: dict[str, Any], sex: str = "female", **extra: Any) -> dict[str, Any]:
    c = Case.model_validate({"patient": {"id": "s", "sex": sex}, "blood": blood, **extra})
    return assess_safety(c, kb, {})["safety"]["ctcae"]


@pytest.mark.parametrize(
    ("anc", "grade"),
    [(0.49, 4), (0.5, 3), (0.99, 3), (1.0, 2), (1.49, 2), (1.5, 1), (1.79, 1), (1.8, 0), (5.0, 0)],
)
def test_anc_grades(kb: KnowledgeBase, anc: float, grade: int) -> None:
    g = ctcae(kb, {"anc": anc})["neutrophil_count_decreased"]
    assert g["value"] == g["grade"] == grade
    assert g["lln_source"].startswith("default")


@pytest.mark.parametrize(
    ("plt", "grade"), [(24.9, 4), (25, 3), (49.9, 3), (50, 2), (74.9, 2), (75, 1), (149, 1), (150, 0)]
)
def test_platelet_grades(kb: KnowledgeBase, plt: float, grade: int) -> None:
    assert ctcae(kb, {"platelets": plt})["platelet_count_decreased"]["value"] == grade


@pytest.mark.parametrize(
    ("hb", "sex", "grade"),
    [
        (7.9, "female", 3),
        (8.0, "female", 2),
        (9.9, "female", 2),
        (10.0, "female", 1),
        (11.9, "female", 1),
        (12.0, "female", 0),
        (13.4, "male", 1),
        (13.5, "male", 0),
    ],
)
def test_anemia_grades(kb: KnowledgeBase, hb: float, sex: str, grade: int) -> None:
    assert ctcae(kb, {"hemoglobin": hb}, sex=sex)["anemia"]["value"] == grade


def test_anemia_unknown_sex(kb: KnowledgeBase) -> None:
    assert ctcae(kb, {"hemoglobin": 11.0}, sex="unknown")["anemia"]["value"] == 1
    g = ctcae(kb, {"hemoglobin": 13.0}, sex="unknown")["anemia"]
    assert g["value"] is None
    assert any("sex-specific" in b for b in g["because"])


def test_lab_lln_wins(kb: KnowledgeBase) -> None:
    g = ctcae(kb, {"anc": 1.6, "anc_lln": 1.5})["neutrophil_count_decreased"]
    assert (g["value"], g["lln"], g["lln_source"]) == (0, 1.5, "laboratory LLN")
    g = ctcae(kb, {"anc": 1.6, "anc_lln": 2.0})["neutrophil_count_decreased"]
    assert g["value"] == 1


def test_latest_value_as_of_day(kb: KnowledgeBase) -> None:
    tl = [{"day": 10, "blood": {"anc": 0.2}}, {"day": 20, "blood": {"anc": 2.5}}]
    assert ctcae(kb, {"anc": 3.0}, timeline=tl)["neutrophil_count_decreased"]["value"] == 0
    g = ctcae(kb, {"anc": 3.0}, timeline=tl, as_of_day=15)["neutrophil_count_decreased"]
    assert (g["value"], g["day"]) == (4, 10)


def test_missing_count_is_unknown(kb: KnowledgeBase) -> None:
    assert ctcae(kb, {})["platelet_count_decreased"]["value"] is None


@pytest.mark.parametrize(
    ("temp", "sustained", "anc", "grade"),
    [
        (38.3, None, 0.5, 0),
        (38.4, None, 0.5, 3),
        (38.0, True, 0.5, 3),
        (37.9, True, 0.5, 0),
        (38.0, False, 0.5, 0),
        (38.4, None, 1.0, 0),
        (38.4, None, 0.99, 3),
        (38.4, None, None, None),
    ],
)
def test_febrile_neutropenia(
    kb: KnowledgeBase, temp: float, sustained: bool | None, anc: float | None, grade: int | None
) -> None:
    entry: dict[str, Any] = {
        "day": 5,
        "vitals": {"temperature_c": temp, "temperature_sustained_1h": sustained},
    }
    if anc is not None:
        entry["blood"] = {"anc": anc}
    c = Case.model_validate({"patient": {"id": "f"}, "timeline": [entry]})
    out = assess_safety(c, kb, {})
    assert out["safety"]["ctcae"]["febrile_neutropenia"]["value"] == grade
    critical = [a for a in out["alerts"] if a["rule"] == "safety.ctcae_fn"]
    assert bool(critical) is (grade == 3)


@pytest.mark.parametrize(("later_anc", "alert"), [(0.99, True), (1.0, False), (None, True)])
def test_fn_alert_is_for_now_only(kb: KnowledgeBase, later_anc: float | None, alert: bool) -> None:
    """A fever episode stays graded in the record; the alert stops once a later ANC is back to >= 1.0."""
    tl: list[dict[str, Any]] = [{"day": 14, "vitals": {"temperature_c": 38.6}, "blood": {"anc": 0.3}}]
    if later_anc is not None:
        tl.append({"day": 29, "blood": {"anc": later_anc}})
    out = assess_safety(Case.model_validate({"patient": {"id": "f"}, "timeline": tl}), kb, {})
    assert out["safety"]["ctcae"]["febrile_neutropenia"]["value"] == 3
    assert bool([a for a in out["alerts"] if a["rule"] == "safety.ctcae_fn"]) is alert


def test_fn_uses_same_day_anc_only(kb: KnowledgeBase) -> None:
    tl = [{"day": 3, "blood": {"anc": 0.2}}, {"day": 5, "vitals": {"temperature_c": 39}}]
    c = Case.model_validate({"patient": {"id": "f"}, "timeline": tl})
    assert assess_safety(c, kb, {})["safety"]["ctcae"]["febrile_neutropenia"]["value"] is None


@settings(max_examples=40, deadline=None)
@given(st.floats(0, 10), st.floats(0, 10), st.floats(0, 400), st.floats(0, 400))
def test_grades_monotone(kb: KnowledgeBase, a1: float, a2: float, p1: float, p2: float) -> None:
    lo_a, hi_a = sorted((a1, a2))
    lo_p, hi_p = sorted((p1, p2))
    low = ctcae(kb, {"anc": lo_a, "platelets": lo_p})
    high = ctcae(kb, {"anc": hi_a, "platelets": hi_p})
    assert low["neutrophil_count_decreased"]["value"] >= high["neutrophil_count_decreased"]["value"]
    assert low["platelet_count_decreased"]["value"] >= high["platelet_count_decreased"]["value"]
