"""Surveillance by year after therapy (NCCN ALL-7) at the year edges, and the survivorship plan."""

from __future__ import annotations

from typing import Any

import pytest

from allnav.case.model import Case
from allnav.followup import assess_followup
from allnav.followup.data_model import followup_table
from allnav.knowledge import KnowledgeBase
from allnav.response import assess_response

CR = {
    "day": 29,
    "marrow": {"blasts_pct": 1, "trilineage_hematopoiesis": True},
    "blood": {"anc": 2, "platelets": 150, "blasts_pct": 0},
}


def follow(
    kb: KnowledgeBase, diag: dict[str, Any], *timeline: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    c = Case.model_validate({"patient": {"id": "f"}, "timeline": [CR, *timeline], **extra})
    return assess_followup(c, kb, diag, assess_response(c, kb, diag))


@pytest.mark.parametrize(
    ("days_after", "interval", "year"),
    [
        (0, [1, 3], 1),
        (364, [1, 3], 1),
        (365, [3, 6], 2),
        (729, [3, 6], 2),
        (730, [6, 12], 3),
        (3000, [6, 12], 9),
    ],
)
def test_year_edges(
    kb: KnowledgeBase, diag: dict[str, Any], days_after: int, interval: list[int], year: int
) -> None:
    out = follow(kb, diag, {"day": 800, "phase": "off_therapy"}, as_of_day=800 + days_after)["followup"]
    assert out["interval_months"] == interval
    assert out["schedule"]["year"] == year
    assert out["years_after_therapy"] == round(days_after / 365, 2)
    lfts = "liver function tests until normal"
    assert (lfts in out["tests"]) is (year == 1)
    assert "CBC with differential" in out["tests"]


def test_on_therapy(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    out = follow(kb, diag, {"day": 200, "phase": "maintenance"})["followup"]
    assert out["status"] == "on therapy"
    assert out["interval_months"] is None
    assert out["marrow"] is None


def test_relapse_after_end_of_therapy_stops_surveillance(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    relapse = {"day": 1000, "marrow": {"blasts_pct": 40}}
    out = follow(kb, diag, {"day": 800, "phase": "off_therapy"}, relapse)["followup"]
    assert out["status"] == "on therapy"
    assert "relapse" in out["schedule"]["because"][0]


def test_new_phase_after_end_of_therapy(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    out = follow(kb, diag, {"day": 800, "phase": "off_therapy"}, {"day": 900, "phase": "salvage"})["followup"]
    assert out["status"] == "on therapy"


def test_ph_positive_adds_bcr_abl1(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    diag["ph_positive"] = {"value": True}
    out = follow(kb, diag, {"day": 800, "phase": "off_therapy"}, as_of_day=900)["followup"]
    assert out["ph_monitoring"] is True
    assert any("BCR::ABL1" in t for t in out["tests"])


@pytest.mark.parametrize(("days_after", "within"), [(1824, True), (1825, False)])
def test_marrow_five_years(kb: KnowledgeBase, diag: dict[str, Any], days_after: int, within: bool) -> None:
    out = follow(kb, diag, {"day": 800, "phase": "off_therapy"}, as_of_day=800 + days_after)["followup"]
    assert ("3-6 months" in out["marrow"]["value"]) is within


def test_late_effects_only_for_drugs_given(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    meds = [
        {"drug": "vincristine", "dose": 1.4, "unit": "mg/m2", "day": 1, "route": "IV"},
        {"drug": "dexamethasone", "dose": 10, "unit": "mg/m2", "day": 1},
        {"drug": "cytarabine", "dose": 3, "unit": "g/m2", "day": 100, "status": "ordered"},
    ]
    s = follow(
        kb, diag, medications=meds, prior_anthracyclines=[{"drug": "doxorubicin", "cumulative_mg_m2": 50}]
    )["survivorship"]
    effects = " ".join(e["effect"] for e in s["late_effects"])
    for word in ("heart", "nerve", "second cancers"):
        assert word in effects
    assert "coordination" not in effects  # cytarabine was only ordered
    assert any("corticosteroid" in g and "COG" in g for g in s["gaps"])
    assert all(e["sources"] for e in s["late_effects"])


def test_survivorship_plan_contents(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    s = follow(kb, diag)["survivorship"]
    assert s["late_effects"] == []
    assert any("supplement" in x for x in s["lifestyle"])
    assert any("physical activity" in x for x in s["lifestyle"])
    assert [r["interval_months"] for r in s["schedule"]] == [[1, 3], [3, 6], [6, 12]]
    assert any("line 58" in src or "lines 58" in src for src in s["data_sources"])


def test_followup_table_states_source() -> None:
    t = followup_table()
    assert all((t.source, t.version, t.date))
