"""Anthracycline equivalents, vincristine cap and route, 6-MP by TPMT/NUDT15, HD-MTX, watch lists, units."""

from __future__ import annotations

from typing import Any

import pytest

from allnav.case.model import Case
from allnav.errors import UnitError
from allnav.knowledge import KnowledgeBase
from allnav.safety import assess_safety
from allnav.safety.drugs import canonical, drug_table


def safety(kb: KnowledgeBase, meds: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"patient": {"id": "d", "bsa_m2": 1.8}, "medications": meds}
    data.update(extra)
    return assess_safety(Case.model_validate(data), kb, {})


def check(out: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in out["safety"]["dose_checks"] if c.get("check") == name)


@pytest.mark.parametrize(
    ("written", "generic"),
    [
        ("Adriamycin", "doxorubicin"),
        ("Oncovin", "vincristine"),
        ("6-MP", "mercaptopurine"),
        ("6mp", "mercaptopurine"),
        ("Oncaspar", "pegaspargase"),
        ("Kymriah", "tisagenlecleucel"),
        ("MTX", "methotrexate"),
    ],
)
def test_synonyms(written: str, generic: str) -> None:
    assert canonical(written) == generic


def test_drug_table_states_source() -> None:
    t = drug_table()
    assert all((t.source, t.version, t.date))


# -- anthracyclines --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("drug", "dose", "current", "legacy"),
    [
        ("doxorubicin", 100, 100.0, [100.0, 100.0]),
        ("daunorubicin", 100, 60.0, [100.0, 100.0]),
        ("epirubicin", 100, 80.0, [100.0, 100.0]),
        ("mitoxantrone", 10, 105.0, [40.0, 50.0]),
        ("idarubicin", 10, 0.0, [40.0, 50.0]),
    ],
)
def test_ratio_sets(kb: KnowledgeBase, drug: str, dose: float, current: float, legacy: list[float]) -> None:
    a = safety(kb, [{"drug": drug, "dose": dose, "unit": "mg/m2", "day": 1}])["safety"]["anthracycline"]
    assert a["doxorubicin_equivalent_mg_m2"] == current
    assert a["legacy"]["doxorubicin_equivalent_mg_m2"] == legacy
    assert a["ratio_set"] == "current"
    assert (a["not_estimable"] == ["idarubicin"]) is (drug == "idarubicin")


def test_idarubicin_flagged(kb: KnowledgeBase) -> None:
    out = safety(kb, [{"drug": "idarubicin", "dose": 12, "unit": "mg/m2", "day": 1}])
    assert any(a["value"] == "anthracycline total incomplete" for a in out["alerts"])


def test_mg_dose_converted_with_bsa_and_prior_added(kb: KnowledgeBase) -> None:
    meds = [{"drug": "daunorubicin", "dose": 90, "unit": "mg", "day": 1}]
    a = safety(kb, meds, prior_anthracyclines=[{"drug": "adriamycin", "cumulative_mg_m2": 100}])["safety"][
        "anthracycline"
    ]
    assert a["by_drug"] == {"daunorubicin": 50.0, "doxorubicin": 100.0}
    assert a["doxorubicin_equivalent_mg_m2"] == 130.0
    assert a["fraction_of_limit"] == 0.325
    assert a["limit_mg_m2"] == {"warning": 400.0, "cap": [450.0, 500.0]}


def test_ordered_and_future_doses_not_counted(kb: KnowledgeBase) -> None:
    meds = [
        {"drug": "doxorubicin", "dose": 50, "unit": "mg/m2", "day": 1},
        {"drug": "doxorubicin", "dose": 50, "unit": "mg/m2", "day": 2, "status": "ordered"},
        {"drug": "doxorubicin", "dose": 50, "unit": "mg/m2", "day": 90},
    ]
    a = safety(kb, meds, as_of_day=30)["safety"]["anthracycline"]
    assert a["doxorubicin_equivalent_mg_m2"] == 50.0


@pytest.mark.parametrize(
    ("prior", "alert"), [(399.9, None), (400, "warning"), (449.9, "warning"), (450, "critical")]
)
def test_anthracycline_limits(kb: KnowledgeBase, prior: float, alert: str | None) -> None:
    out = safety(kb, [], prior_anthracyclines=[{"drug": "doxorubicin", "cumulative_mg_m2": prior}])
    got = [a["severity"] for a in out["alerts"] if a["rule"] == "safety.anthracycline_limit"]
    assert got == ([alert] if alert else [])


def test_anthracycline_wrong_unit_refused(kb: KnowledgeBase) -> None:
    with pytest.raises(UnitError) as exc:
        safety(kb, [{"drug": "daunorubicin", "dose": 45, "unit": "U/m2", "day": 1}])
    assert exc.value.path == "medications[0].unit"


def test_echo_pending_with_anthracycline(kb: KnowledgeBase) -> None:
    out = safety(kb, [{"drug": "daunorubicin", "dose": 45, "unit": "mg/m2", "day": 1}])
    assert any(p["test"] == "echocardiogram or MUGA" for p in out["pending"])


# -- vincristine ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("bsa", "dose_mg", "value"), [(1.4, 1.96, "within cap"), (1.43, 2.0, "capped"), (2.0, 2.0, "capped")]
)
def test_vincristine_cap(kb: KnowledgeBase, bsa: float, dose_mg: float, value: str) -> None:
    meds = [{"drug": "vincristine", "dose": 1.4, "unit": "mg/m2", "day": 8, "route": "IV"}]
    c = check(safety(kb, meds, patient={"id": "v", "bsa_m2": bsa}), "vincristine_cap")
    assert (c["dose_mg"], c["value"]) == (dose_mg, value)


@pytest.mark.parametrize(("dose", "alert"), [(2.0, False), (2.1, True)])
def test_vincristine_mg_dose(kb: KnowledgeBase, dose: float, alert: bool) -> None:
    out = safety(kb, [{"drug": "VCR", "dose": dose, "unit": "mg", "day": 8, "route": "IV"}])
    assert any(a["rule"] == "safety.vcr_cap" for a in out["alerts"]) is alert


@pytest.mark.parametrize(
    ("route", "critical"),
    [("IV", False), ("intravenous", False), ("IT", True), ("intrathecal", True), ("IM", True)],
)
def test_vincristine_route(kb: KnowledgeBase, route: str, critical: bool) -> None:
    out = safety(
        kb, [{"drug": "Oncovin", "dose": 1.4, "unit": "mg/m2", "day": 8, "route": route, "status": "ordered"}]
    )
    hits = [a for a in out["alerts"] if a["rule"] == "safety.vcr_route"]
    assert bool(hits) is critical
    if critical:
        assert hits[0]["severity"] == "critical"
        assert "fatal if given intrathecally" in hits[0]["action"]
        assert out["alerts"][0] is hits[0]  # critical alerts first


def test_vincristine_needs_bsa(kb: KnowledgeBase) -> None:
    out = safety(
        kb, [{"drug": "vincristine", "dose": 1.4, "unit": "mg/m2", "route": "IV"}], patient={"id": "n"}
    )
    assert any(p["test"] == "body surface area" for p in out["pending"])


# -- 6-MP ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("tpmt", "nudt15", "start", "dose", "alert"),
    [
        ("normal", "normal", "full dose", 75, False),
        ("intermediate", "normal", "30-80%", 60, False),
        ("intermediate", "normal", "30-80%", 61, True),
        ("normal", "intermediate", "30-80%", 75, True),
        ("intermediate", "intermediate", "20-50%", 37.5, False),
        ("intermediate", "intermediate", "20-50%", 38, True),
        ("poor", "normal", "10-fold lower", 10, True),
        ("normal", "poor", "10 mg/m2/day", 10, True),
    ],
)
def test_mercaptopurine_start(
    kb: KnowledgeBase, tpmt: str, nudt15: str, start: str, dose: float, alert: bool
) -> None:
    meds = [{"drug": "6-MP", "dose": dose, "unit": "mg/m2", "day": 200}]
    out = safety(kb, meds, pharmacogenomics={"TPMT": tpmt, "NUDT15": nudt15})
    assert start in check(out, "mercaptopurine_start")["value"]
    assert any(a["rule"] == "safety.mp6_start" for a in out["alerts"]) is alert


def test_mercaptopurine_unknown_phenotype_pending(kb: KnowledgeBase) -> None:
    out = safety(
        kb, [{"drug": "mercaptopurine", "dose": 75, "unit": "mg/m2"}], pharmacogenomics={"TPMT": "normal"}
    )
    assert check(out, "mercaptopurine_start")["value"] == "phenotype needed"
    tests = [p["test"] for p in out["pending"]]
    assert "NUDT15 genotype" in tests
    assert not any(t.startswith("TPMT") for t in tests)


# -- HD-MTX ----------------------------------------------------------------------------------
def mtx(
    levels: list[dict[str, float]], hours: float | None = 24, dose: float = 3, **extra: Any
) -> dict[str, Any]:
    return {
        "drug": "methotrexate",
        "dose": dose,
        "unit": "g/m2",
        "day": 15,
        "infusion_hours": hours,
        "levels": levels,
        **extra,
    }


CREAT_UP = {"labs": {"creatinine_baseline": 0.8}, "timeline": [{"day": 16, "labs": {"creatinine": 1.6}}]}


@pytest.mark.parametrize(
    ("hours", "level", "value"),
    [
        (36, 30, "not indicated"),
        (36, 30.1, "indicated"),
        (42, 10, "not indicated"),
        (42, 10.1, "indicated"),
        (48, 5, "not indicated"),
        (48, 5.1, "indicated"),
    ],
)
def test_glucarpidase_short_infusion(kb: KnowledgeBase, hours: float, level: float, value: str) -> None:
    out = safety(kb, [mtx([{"hours": hours, "umol_per_l": level}])], **CREAT_UP)
    c = check(out, "hd_mtx_glucarpidase")
    assert c["value"] == value
    if value == "indicated":
        assert any("[VERIFY]" in b for b in c["because"])
        assert any(
            a["rule"] == "safety.mtx_glucarpidase" and a["severity"] == "critical" for a in out["alerts"]
        )


def test_glucarpidase_short_infusion_needs_creatinine_rise(kb: KnowledgeBase) -> None:
    flat = {"labs": {"creatinine_baseline": 0.8}, "timeline": [{"day": 16, "labs": {"creatinine": 0.8}}]}
    out = safety(kb, [mtx([{"hours": 42, "umol_per_l": 12}])], **flat)
    assert check(out, "hd_mtx_glucarpidase")["value"] == "not indicated"
    out = safety(kb, [mtx([{"hours": 42, "umol_per_l": 12}])])
    assert check(out, "hd_mtx_glucarpidase")["value"] == "insufficient data"


@pytest.mark.parametrize(("level", "value"), [(5, "not indicated"), (5.1, "indicated")])
def test_glucarpidase_long_infusion(kb: KnowledgeBase, level: float, value: str) -> None:
    out = safety(kb, [mtx([{"hours": 48, "umol_per_l": level}], hours=36)])
    assert check(out, "hd_mtx_glucarpidase")["value"] == value


@pytest.mark.parametrize(("dose_mg_m2", "checked"), [(499, False), (500, True)])
def test_high_dose_threshold(kb: KnowledgeBase, dose_mg_m2: float, checked: bool) -> None:
    med = mtx([{"hours": 48, "umol_per_l": 1}], dose=dose_mg_m2) | {"unit": "mg/m2"}
    out = safety(kb, [med])
    assert any(c.get("check") == "hd_mtx_glucarpidase" for c in out["safety"]["dose_checks"]) is checked


def test_intrathecal_methotrexate_not_hd(kb: KnowledgeBase) -> None:
    out = safety(kb, [{"drug": "methotrexate", "dose": 12, "unit": "mg", "route": "IT", "day": 1}])
    assert not out["safety"]["dose_checks"]


def test_mtx_other_infusion_length(kb: KnowledgeBase) -> None:
    out = safety(kb, [mtx([{"hours": 48, "umol_per_l": 9}], hours=30)])
    assert check(out, "hd_mtx_glucarpidase")["value"] == "no consensus threshold"


# -- watch lists ---------------------------------------------------------------------------
def test_asparaginase_watch(kb: KnowledgeBase) -> None:
    out = safety(kb, [{"drug": "Rylaze", "dose": 25, "unit": "mg/m2"}])
    items = check(out, "asparaginase_watch")["value"]
    assert any("pancreatitis" in i for i in items)
    assert any("thrombosis" in i for i in items)


def test_agent_watch(kb: KnowledgeBase) -> None:
    meds = [
        {"drug": "blinatumomab"},
        {"drug": "Besponsa"},
        {"drug": "nelarabine"},
        {"drug": "methotrexate", "dose": 12, "unit": "mg", "route": "IT"},
    ]
    out = safety(kb, meds)
    names = {c["check"] for c in out["safety"]["dose_checks"]}
    assert {"t_cell_engager_watch", "inotuzumab_watch", "nelarabine_watch"} <= names
    assert any("daily CRS" in p["test"] for p in out["pending"])
    assert any(a["value"].startswith("nelarabine with") for a in out["alerts"])


def test_vincristine_wrong_unit_refused(kb: KnowledgeBase) -> None:
    with pytest.raises(UnitError) as exc:
        safety(kb, [{"drug": "vincristine", "dose": 1.4, "unit": "g/m2", "route": "IV"}])
    assert exc.value.path == "medications[0].unit"


def test_dose_without_unit_is_pending_not_refused(kb: KnowledgeBase) -> None:
    out = safety(
        kb,
        [{"drug": "vincristine", "dose": 1.4, "route": "IV"}, {"drug": "daunorubicin", "dose": 45, "day": 1}],
    )
    tests = {p["test"] for p in out["pending"]}
    assert {"vincristine dose unit", "body surface area / dose unit"} <= tests


@pytest.mark.parametrize(("weight", "expected"), [(72, 40.0), (None, 0.0)])
def test_mg_per_kg_needs_weight(kb: KnowledgeBase, weight: float | None, expected: float) -> None:
    meds = [{"drug": "doxorubicin", "dose": 1, "unit": "mg/kg", "day": 1}]
    a = safety(kb, meds, patient={"id": "w", "bsa_m2": 1.8, "weight_kg": weight})["safety"]["anthracycline"]
    assert a["doxorubicin_equivalent_mg_m2"] == expected


def test_tls_risk_unknown_is_pending(kb: KnowledgeBase) -> None:
    out = safety(kb, [])
    assert any(p["why"].startswith("TLS risk") for p in out["pending"])


@pytest.mark.parametrize(("maintenance_day", "asked"), [(None, True), (60, False)])
def test_daily_crs_grading_is_asked_only_in_the_phase_of_the_drug(
    kb: KnowledgeBase, maintenance_day: int | None, asked: bool
) -> None:
    timeline: list[dict[str, Any]] = [{"day": 30, "phase": "consolidation"}]
    if maintenance_day is not None:
        timeline.append({"day": maintenance_day, "phase": "maintenance"})
    case = Case.model_validate(
        {
            "patient": {"id": "t", "bsa_m2": 1.8},
            "timeline": timeline,
            "medications": [{"drug": "blinatumomab", "dose": 28, "unit": "ug", "day": 31, "route": "IV"}],
        }
    )
    pending = assess_safety(case, kb, {})["pending"]
    assert any("CRS and ICANS" in p["test"] for p in pending) is asked
