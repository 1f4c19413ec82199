"""MRD recurrence during maintenance: blinatumomab for MRD+ in CR (clinical_rules F3, K1, J).

NCCN (K1): CR + MRD+ -> blinatumomab (Ph-: with continued multi-agent therapy, ALL-5; Ph+: + TKI, ALL-4).
The 2018 blinatumomab MRD label (CR1/CR2 with MRD >= 0.1%, J) is not tied to a treatment phase.
"""

from __future__ import annotations

from typing import Any

import pytest
from tx_helpers import CD19_POS, dx, make_case, resp

from allnav.knowledge import KnowledgeBase
from allnav.treatment import plan_treatment


def _maintenance(kb: KnowledgeBase, ph: bool, mrd: str, level: float) -> dict[str, Any]:
    case = make_case(40, immunophenotype=CD19_POS, timeline=[{"day": 200, "phase": "maintenance"}])
    out = plan_treatment(case, kb, dx(ph=ph), resp("CR", 29, mrd, level))
    return next(p for p in out["treatment_plan"]["phases"] if p["phase"] == "maintenance")


def _blina(phase: dict[str, Any]) -> dict[str, Any] | None:
    return next((o for o in phase["options"] if o.get("drug_id") == "blinatumomab"), None)


@pytest.mark.parametrize(
    ("level", "status"),
    [(9.9e-4, "guideline_only"), (1e-3, "on_label")],  # the MRD label starts at exactly 0.1%
)
def test_ph_negative_mrd_positive_in_maintenance(kb: KnowledgeBase, level: float, status: str) -> None:
    ph = _maintenance(kb, False, "positive", level)
    blina = _blina(ph)
    assert blina is not None
    assert blina["label_status"] == status
    assert any("MRD positive" in r and "blinatumomab" in r for r in ph["reasons"])


def test_ph_negative_mrd_negative_maintenance_unchanged(kb: KnowledgeBase) -> None:
    ph = _maintenance(kb, False, "negative", 1e-5)
    blina = _blina(ph)
    assert blina is not None
    assert blina["label_status"] == "guideline_only"
    assert not any("MRD positive" in r for r in ph["reasons"])


@pytest.mark.parametrize(("mrd", "level", "offered"), [("positive", 3e-3, True), ("negative", 4e-5, False)])
def test_ph_positive_maintenance_offers_blinatumomab_only_when_mrd_positive(
    kb: KnowledgeBase, mrd: str, level: float, offered: bool
) -> None:
    ph = _maintenance(kb, True, mrd, level)
    assert (_blina(ph) is not None) is offered
    assert any("TKI" in r for r in ph["reasons"])
    if offered:
        assert any("blinatumomab + TKI" in r for r in ph["reasons"])
