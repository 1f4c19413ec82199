"""The end of therapy is read from the same phase labels as the treatment pathway (K2 years count from it)."""

from __future__ import annotations

from typing import Any

import pytest

from allnav.case.model import Case
from allnav.followup import assess_followup
from allnav.knowledge import KnowledgeBase
from allnav.response import assess_response

CR = {
    "day": 29,
    "marrow": {"blasts_pct": 1, "trilineage_hematopoiesis": True},
    "blood": {"anc": 2, "platelets": 150, "blasts_pct": 0},
}


def _follow(kb: KnowledgeBase, diag: dict[str, Any], *timeline: dict[str, Any], as_of: int) -> dict[str, Any]:
    c = Case.model_validate({"patient": {"id": "f"}, "timeline": [CR, *timeline], "as_of_day": as_of})
    return assess_followup(c, kb, diag, assess_response(c, kb, diag))["followup"]


@pytest.mark.parametrize(
    "label", ["off_therapy", "Off therapy", "off treatment", "end of therapy", "surveillance"]
)
def test_end_of_therapy_labels(kb: KnowledgeBase, diag: dict[str, Any], label: str) -> None:
    f = _follow(kb, diag, {"day": 800, "phase": label}, as_of=1165)
    assert f["status"] == "surveillance"
    assert f["interval_months"] == [3, 6]


def test_follow_up_visit_label_does_not_restart_therapy(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    f = _follow(
        kb, diag, {"day": 800, "phase": "off_therapy"}, {"day": 1000, "phase": "follow-up visit"}, as_of=1530
    )
    assert f["status"] == "surveillance"
    assert f["interval_months"] == [6, 12]  # years still count from day 800 (the latest end-of-therapy label)


def test_treatment_phase_after_end_of_therapy_restarts(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    f = _follow(kb, diag, {"day": 800, "phase": "off_therapy"}, {"day": 1000, "phase": "salvage"}, as_of=1100)
    assert f["status"] == "on therapy"
