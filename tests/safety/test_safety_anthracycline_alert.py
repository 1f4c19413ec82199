"""The anthracycline limit alerts name the ratio set they were computed with (clinical_rules I1, L8)."""

from __future__ import annotations

from typing import Any

import pytest

from allnav.case.model import Case
from allnav.knowledge import KnowledgeBase
from allnav.safety import assess_safety


def _alerts(kb: KnowledgeBase, dauno_mg_m2: float) -> list[dict[str, Any]]:
    data: dict[str, Any] = {
        "patient": {"id": "anth", "bsa_m2": 2.0},
        "prior_anthracyclines": [{"drug": "doxorubicin", "cumulative_mg_m2": 250}],
        "medications": [
            {"drug": "daunorubicin", "dose": dauno_mg_m2, "unit": "mg/m2", "day": 1, "route": "IV"}
        ],
    }
    out = assess_safety(Case.model_validate(data), kb, {})
    return [a for a in out["alerts"] if a["rule"] == "safety.anthracycline_limit"]


@pytest.mark.parametrize(
    ("dauno", "value"),
    [
        (249, None),  # 250 + 249 x 0.6 = 399.4 < 400
        (250, "anthracycline warning point"),  # 250 + 150 = 400 (>= 400)
        (333, "anthracycline warning point"),  # 449.8 < 450
        (334, "anthracycline cap reached"),  # 450.4 >= 450
    ],
)
def test_limit_alert_names_ratio_set(kb: KnowledgeBase, dauno: float, value: str | None) -> None:
    alerts = _alerts(kb, dauno)
    if value is None:
        assert not alerts
        return
    (alert,) = alerts
    assert alert["value"] == value
    assert "Feijen" in alert["ratio_set_name"]
    assert "Feijen" in alert["action"]
    assert any("legacy" in b and "COG" in b for b in alert["because"])
