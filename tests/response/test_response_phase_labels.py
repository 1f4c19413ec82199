"""Response edge cases found by the whole-course corpus (tests/assessment/data/courses).

* End of induction from a phase label: only a later front-line phase says induction is over (G1 refractory);
  a salvage course after a relapse counts its own days.
* CNS relapse = new CNS3 (G2); a traumatic tap with blasts is CNS3 or CNS2 by Steinherz-Bleyer (E1).
"""

from __future__ import annotations

from typing import Any

import pytest

from allnav.case.model import Case
from allnav.knowledge import KnowledgeBase
from allnav.response import assess_response

CR29 = {
    "day": 29,
    "marrow": {"blasts_pct": 1, "trilineage_hematopoiesis": True},
    "blood": {"anc": 2, "platelets": 150, "blasts_pct": 0},
}


def _value(kb: KnowledgeBase, diag: dict[str, Any], *timeline: dict[str, Any]) -> str:
    c = Case.model_validate(
        {
            "patient": {"id": "p"},
            "marrow": {"blasts_pct": 90},
            "blood": {"wbc": 40, "blasts_pct": 50},
            "timeline": list(timeline),
        }
    )
    return str(assess_response(c, kb, diag)["response"]["value"])


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Induction (hyper-CVAD course 1A)", "not evaluable"),  # day 14 of induction: too early to call
        ("induction", "not evaluable"),
        ("late intensification", "refractory"),  # a post-induction phase: induction is over, no CR
        ("consolidation", "refractory"),
    ],
)
def test_day_14_marrow_with_a_phase_label(
    kb: KnowledgeBase, diag: dict[str, Any], label: str, expected: str
) -> None:
    entry = {"day": 14, "phase": label, "marrow": {"blasts_pct": 40}, "blood": {"anc": 0.3, "platelets": 20}}
    assert _value(kb, diag, entry) == expected


@pytest.mark.parametrize(
    ("label", "day", "expected"), [("salvage", 514, "not evaluable"), ("salvage", 528, "refractory")]
)
def test_salvage_after_relapse_counts_days_from_the_relapse(
    kb: KnowledgeBase, diag: dict[str, Any], label: str, day: int, expected: str
) -> None:
    """After a relapse on day 500 a salvage course starts; its marrow on day 14 of salvage is not yet refractory."""
    relapse = {"day": 500, "marrow": {"blasts_pct": 40}, "blood": {"anc": 1.0, "platelets": 80}}
    entry = {"day": day, "phase": label, "marrow": {"blasts_pct": 35}, "blood": {"anc": 0.3, "platelets": 20}}
    assert _value(kb, diag, CR29, relapse, entry) == expected


@pytest.mark.parametrize(
    ("csf", "blood", "expected"),
    [
        # CSF WBC 5, RBC 0: CNS3 -> isolated CNS relapse (G2)
        ({"wbc_per_ul": 5, "rbc_per_ul": 0, "blasts": True}, None, "relapse"),
        ({"wbc_per_ul": 4.9, "rbc_per_ul": 0, "blasts": True}, None, "CR"),
        # traumatic tap with blasts: Steinherz-Bleyer (E1). Blood 5 x10^9/L WBC, 4.5 x10^12/L RBC:
        # ratio 5e3/4.5e6 = 1/900; 2x = 1/450. CSF 50 WBC / 10000 RBC = 1/200 > 1/450 -> CNS3b
        ({"wbc_per_ul": 50, "rbc_per_ul": 10000, "blasts": True}, {"wbc": 5, "rbc": 4.5}, "relapse"),
        # CSF 10 WBC / 10000 RBC = 1/1000 < 1/450 -> CNS2c: not a CNS relapse
        ({"wbc_per_ul": 10, "rbc_per_ul": 10000, "blasts": True}, {"wbc": 5, "rbc": 4.5}, "CR"),
        # traumatic, blood counts not given: counted as CNS3 (conservative)
        ({"wbc_per_ul": 10, "rbc_per_ul": 10000, "blasts": True}, None, "relapse"),
    ],
)
def test_cns_relapse_uses_steinherz_bleyer_for_a_traumatic_tap(
    kb: KnowledgeBase, diag: dict[str, Any], csf: dict[str, Any], blood: dict[str, Any] | None, expected: str
) -> None:
    entry: dict[str, Any] = {"day": 400, "csf": csf}
    if blood is not None:
        entry["blood"] = {**blood, "blasts_pct": 0}
    assert _value(kb, diag, CR29, entry) == expected
