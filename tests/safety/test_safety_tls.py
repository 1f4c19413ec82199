"""TLS risk (Cairo 2010), laboratory and clinical TLS (Cairo-Bishop) at their boundaries."""

from __future__ import annotations

from typing import Any

import pytest

from allnav.case.model import Case
from allnav.knowledge import KnowledgeBase
from allnav.safety import assess_safety

NORMAL = {"uric_acid": 5.0, "potassium": 4.0, "phosphate": 3.5, "calcium": 9.0}


def tls(kb: KnowledgeBase, **data: Any) -> dict[str, Any]:
    c = Case.model_validate({"patient": {"id": "t"}, **data})
    return assess_safety(c, kb, {})["safety"]["tls"]


@pytest.mark.parametrize(
    ("wbc", "ldh", "risk"),
    [(99.9, 499, "intermediate"), (100, 499, "high"), (99.9, 500, "high"), (None, 100, None)],
)
def test_tls_risk(kb: KnowledgeBase, wbc: float | None, ldh: float, risk: str | None) -> None:
    out = tls(kb, blood={"wbc": wbc}, labs={"ldh": ldh, "ldh_uln": 250, **NORMAL})
    assert out["risk"]["value"] == risk


@pytest.mark.parametrize(
    ("labs", "risk"),
    [
        ({"uric_acid": 8.0}, "high"),
        ({"uric_acid": 7.9}, "intermediate"),
        ({"creatinine": 1.3, "creatinine_uln": 1.2}, "high"),
        ({"creatinine": 1.2, "creatinine_uln": 1.2}, "intermediate"),
    ],
)
def test_tls_risk_modifiers(kb: KnowledgeBase, labs: dict[str, float], risk: str) -> None:
    out = tls(kb, blood={"wbc": 20}, labs={"ldh": 300, "ldh_uln": 250, **NORMAL, **labs})
    assert out["risk"]["value"] == risk


def test_high_risk_alert(kb: KnowledgeBase) -> None:
    c = Case.model_validate({"patient": {"id": "t"}, "blood": {"wbc": 150}})
    alerts = assess_safety(c, kb, {})["alerts"]
    assert any(a["rule"] == "safety.tls_risk" and a["severity"] == "warning" for a in alerts)


@pytest.mark.parametrize(
    ("day2", "lab_tls"),
    [
        ({"uric_acid": 8.0, "potassium": 6.0}, True),
        ({"uric_acid": 7.9, "potassium": 6.0}, True),  # 7.9 >= 1.25 x 5.0 baseline
        ({"uric_acid": 6.2, "potassium": 6.0}, False),  # 6.2 < 6.25 = +25 %
        ({"uric_acid": 6.25, "potassium": 5.9}, True),  # +25 % and 5.9 >= 1.25 x 4.0
        ({"phosphate": 4.5, "calcium": 7.0}, True),
        ({"phosphate": 4.4, "calcium": 6.75}, True),  # 4.4 >= 1.25 x 3.5; 6.75 = 9.0 - 25 %
        ({"phosphate": 4.3, "calcium": 6.76}, False),
        ({"phosphate": 4.5, "calcium": 7.01}, False),
        ({"calcium": 6.75}, False),  # one criterion (-25 % from 9.0) is not enough
    ],
)
def test_laboratory_tls(kb: KnowledgeBase, day2: dict[str, float], lab_tls: bool) -> None:
    out = tls(kb, labs=NORMAL, timeline=[{"day": 2, "labs": day2}])
    assert out["laboratory"]["value"] is lab_tls


@pytest.mark.parametrize(("day", "inside"), [(7, True), (8, False)])
def test_window_after_start(kb: KnowledgeBase, day: int, inside: bool) -> None:
    out = tls(kb, labs=NORMAL, timeline=[{"day": day, "labs": {"uric_acid": 9, "potassium": 6.5}}])
    assert out["laboratory"]["value"] is inside


def test_window_starts_three_days_before_therapy(kb: KnowledgeBase) -> None:
    meds = [{"drug": "prednisone", "dose": 60, "unit": "mg/m2", "day": 5}]
    tl = [{"day": 1, "labs": {"uric_acid": 9}}, {"day": 2, "labs": {"potassium": 6.5}}]
    out = tls(kb, labs=NORMAL, timeline=tl, medications=meds)
    assert out["laboratory"]["window"] == [2, 12]
    assert out["laboratory"]["value"] is not True  # the day-1 uric acid is outside the window
    tl[0]["day"] = 2
    assert tls(kb, labs=NORMAL, timeline=tl, medications=meds)["laboratory"]["value"] is True


def test_too_few_analytes_is_unknown(kb: KnowledgeBase) -> None:
    assert tls(kb, labs={"uric_acid": 9.0})["laboratory"]["value"] is None


@pytest.mark.parametrize(
    ("creat", "grade"), [(1.49, None), (1.5, 1), (1.51, 2), (3.0, 2), (3.01, 3), (6.0, 3), (6.01, 4)]
)
def test_clinical_tls_creatinine_grades(kb: KnowledgeBase, creat: float, grade: int | None) -> None:
    labs = {**NORMAL, "creatinine": 0.8, "creatinine_uln": 1.0}
    out = tls(
        kb, labs=labs, timeline=[{"day": 2, "labs": {"uric_acid": 9, "potassium": 6.5, "creatinine": creat}}]
    )
    assert out["clinical"]["value"] is (grade is not None)
    assert out["clinical"]["grade"] == grade
    assert out["clinical"]["reference"] == "ULN"


def test_clinical_tls_baseline_when_uln_unknown(kb: KnowledgeBase) -> None:
    labs = {**NORMAL, "creatinine": 0.8, "creatinine_baseline": 0.8}
    out = tls(
        kb, labs=labs, timeline=[{"day": 2, "labs": {"uric_acid": 9, "potassium": 6.5, "creatinine": 1.2}}]
    )
    assert out["clinical"]["value"] is True
    assert out["clinical"]["reference"].startswith("baseline")


def test_clinical_tls_by_seizure(kb: KnowledgeBase) -> None:
    tl = [{"day": 2, "labs": {"uric_acid": 9, "potassium": 6.5}, "events": ["seizure"]}]
    out = tls(kb, labs=NORMAL, timeline=tl)
    assert (out["clinical"]["value"], out["clinical"]["grade"]) == (True, 2)


def test_no_clinical_tls_without_laboratory_tls(kb: KnowledgeBase) -> None:
    tl = [{"day": 2, "labs": {"creatinine": 5.0}}]
    out = tls(kb, labs={**NORMAL, "creatinine_uln": 1.0}, timeline=tl)
    assert out["laboratory"]["value"] is False
    assert out["clinical"]["value"] is False


@pytest.mark.parametrize(("as_of", "alert"), [(8, True), (9, False)])
def test_high_tls_risk_is_an_alert_only_inside_the_window(kb: KnowledgeBase, as_of: int, alert: bool) -> None:
    """Cairo-Bishop window: 3 days before to 7 days after the start of therapy (day 1 here: up to day 8)."""
    case = Case.model_validate(
        {
            "patient": {"id": "t"},
            "blood": {"wbc": 150},
            "medications": [{"drug": "vincristine", "dose": 1.4, "unit": "mg/m2", "day": 1, "route": "IV"}],
            "timeline": [{"day": as_of, "blood": {"anc": 2.0}}],
        }
    )
    out = assess_safety(case, kb, {})
    assert out["safety"]["tls"]["risk"]["value"] == "high"
    assert bool([a for a in out["alerts"] if a["rule"] == "safety.tls_risk"]) is alert
