"""Ph+ ALL in remission: ABL1 kinase-domain testing when MRD persists or rises (clinical_rules G4).

NCCN (via clinical_rules.md G4): ABL1 kinase-domain mutation testing "when response is < marrow CR, when MRD
persists/rises, or at relapse". The relapse/refractory case is tested in test_response_mrd.py; these tests pin
the in-remission case at its boundaries (a single result, a fall, a rise to exactly 1e-4, persistence).
"""

from __future__ import annotations

from typing import Any

import pytest

from allnav.case.model import Case
from allnav.knowledge import KnowledgeBase
from allnav.response import assess_response

CR = {
    "marrow": {"blasts_pct": 1, "trilineage_hematopoiesis": True},
    "blood": {"anc": 2, "platelets": 150, "blasts_pct": 0},
}


def _kd_pending(kb: KnowledgeBase, diag: dict[str, Any], *levels: float) -> bool:
    timeline = [
        {
            "day": 29 + 30 * i,
            "mrd": {
                "level": lv,
                "method": "rt-qpcr",
                "sensitivity": 1e-5,
                "target": "BCR::ABL1",
                "transcript": "p190",
            },
            **CR,
        }
        for i, lv in enumerate(levels)
    ]
    out = assess_response(Case.model_validate({"patient": {"id": "kd"}, "timeline": timeline}), kb, diag)
    assert out["response"]["value"] == "CR"
    return any("kinase-domain" in p["test"] for p in out["pending"])


@pytest.mark.parametrize(
    ("levels", "asked"),
    [
        ((1e-3,), False),  # a single positive result: neither persisting nor rising yet
        ((4e-5, 9.9e-5), False),  # a rise that stays below 1e-4 (MRD negative)
        ((4e-5, 1e-4), True),  # rise to exactly 1e-4 (positive: negative only below 1e-4)
        ((4e-5, 6e-4), True),  # negative -> positive
        ((6e-4, 3e-3), True),  # rising while positive
        ((3e-3, 1e-3), True),  # falling but still >= 1e-4: MRD persists
        ((3e-3, 9e-5), False),  # cleared below 1e-4
        ((1e-4, 1e-4), True),  # persists exactly at the threshold
    ],
)
def test_ph_in_remission_kd_testing_when_mrd_persists_or_rises(
    kb: KnowledgeBase, diag: dict[str, Any], levels: tuple[float, ...], asked: bool
) -> None:
    diag["ph_positive"] = True
    assert _kd_pending(kb, diag, *levels) is asked


def test_ph_negative_rising_mrd_asks_no_kd_testing(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    assert _kd_pending(kb, diag, 4e-5, 6e-4) is False


@pytest.mark.parametrize(("ph", "tki"), [(True, True), (False, False)])
def test_mrd_positive_alert_names_tki_for_ph_positive(
    kb: KnowledgeBase, diag: dict[str, Any], ph: bool, tki: bool
) -> None:
    """K1: Ph+ CR + MRD+ -> blinatumomab + TKI (preferred); Ph- CR + MRD+ -> blinatumomab + continued therapy."""
    diag["ph_positive"] = ph
    timeline = [{"day": 29, "mrd": {"level": 1e-3, "method": "flow", "sensitivity": 1e-4}, **CR}]
    out = assess_response(Case.model_validate({"patient": {"id": "a"}, "timeline": timeline}), kb, diag)
    alert = next(a for a in out["alerts"] if a["value"] == "MRD positive in remission")
    assert "blinatumomab" in alert["action"]
    assert ("TKI" in alert["action"]) is tki
