"""Per-drug checks speak for ``as_of_day``: a dose given later has not happened yet; an order is always checked."""

from __future__ import annotations

from typing import Any

from allnav.case.model import Case
from allnav.knowledge import KnowledgeBase
from allnav.safety import assess_safety


def _checks(kb: KnowledgeBase, meds: list[dict[str, Any]], as_of: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        "patient": {"id": "asof", "bsa_m2": 2.1},
        "labs": {"creatinine_baseline": 0.8},
        "timeline": [{"day": 16, "labs": {"creatinine": 1.6}}, {"day": 65, "labs": {"creatinine": 0.8}}],
        "medications": meds,
        "as_of_day": as_of,
    }
    return assess_safety(Case.model_validate(data), kb, {})


MTX_LATE = {
    "drug": "methotrexate",
    "dose": 3,
    "unit": "g/m2",
    "day": 64,
    "route": "IV",
    "infusion_hours": 24,
    "levels": [{"hours": 42, "umol_per_l": 12}],
}


def test_hd_mtx_given_after_as_of_day_not_checked(kb: KnowledgeBase) -> None:
    for as_of, n in ((63, 0), (64, 1)):
        out = _checks(kb, [MTX_LATE], as_of)
        got = [c for c in out["safety"]["dose_checks"] if c.get("check") == "hd_mtx_glucarpidase"]
        assert len(got) == n, as_of


def test_vincristine_given_after_as_of_day_not_checked(kb: KnowledgeBase) -> None:
    med = {"drug": "vincristine", "dose": 1.4, "unit": "mg/m2", "day": 8, "route": "IV"}
    for as_of, n in ((7, 0), (8, 1)):
        out = _checks(kb, [med], as_of)
        assert len([c for c in out["safety"]["dose_checks"] if c.get("check") == "vincristine_cap"]) == n


def test_future_order_still_checked(kb: KnowledgeBase) -> None:
    """An intrathecal vincristine ORDER for a later day is caught now (I2: fatal by any route but IV)."""
    med = {"drug": "vincristine", "dose": 2, "unit": "mg", "day": 30, "route": "IT", "status": "ordered"}
    out = _checks(kb, [med], 10)
    assert any(a["rule"] == "safety.vcr_route" and a["severity"] == "critical" for a in out["alerts"])


def test_crs_watch_not_asked_before_blinatumomab_is_given(kb: KnowledgeBase) -> None:
    """Daily CRS/ICANS grading (I7) is asked for once blinatumomab has been given, not before."""
    med = {"drug": "blinatumomab", "dose": 28, "unit": "ug/day", "day": 38, "route": "IV"}
    for as_of, asked in ((37, False), (38, True)):
        data: dict[str, Any] = {
            "patient": {"id": "crs"},
            "timeline": [{"day": 37, "phase": "salvage"}],
            "medications": [med],
            "as_of_day": as_of,
        }
        out = assess_safety(Case.model_validate(data), kb, {})
        got = any("CRS and ICANS" in p["test"] for p in out["pending"])
        assert got is asked, as_of
