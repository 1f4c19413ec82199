"""The A2 decision table: 20% threshold, 25% protocol flag, LBL, peripheral-blood route, IGH::IL3."""

from __future__ import annotations

import pytest
from dx_helpers import B_ALL, T_ALL, FakeProfile, build_case
from hypothesis import given, settings
from hypothesis import strategies as st

from allnav.diagnosis import assess_diagnosis
from allnav.immunophenotype import assess_immunophenotype


@pytest.mark.parametrize(("blasts", "dx"), [(19.9, "not ALL"), (20, "B-ALL"), (20.1, "B-ALL"), (85, "B-ALL")])
def test_blast_threshold_b(run, blasts, dx) -> None:
    _, out = run(B_ALL, marrow={"blasts_pct": blasts}, presentation={"lymphoblastic_mass": False})
    assert out.diagnosis["value"] == dx
    assert out.diagnosis["rule"] == "dx.blast_threshold"
    assert out.diagnosis["protocol_dependent"] is False
    sign = "<" if blasts < 20 else ">="
    assert f"marrow.blasts_pct = {blasts:g} ({sign} 20)" in out.diagnosis["because"]


@pytest.mark.parametrize(("blasts", "dx"), [(19, "not ALL"), (20, "T-ALL")])
def test_blast_threshold_t(run, blasts, dx) -> None:
    _, out = run(T_ALL, marrow={"blasts_pct": blasts})
    assert out.diagnosis["value"] == dx


def test_below_threshold_pending(run) -> None:
    _, out = run(B_ALL, marrow={"blasts_pct": 12}, presentation={"lymphoblastic_mass": False})
    tests = [p["test"] for p in out.pending]
    assert "repeat bone marrow aspirate and biopsy with blast count" in tests
    assert "flow cytometry on peripheral blood" in tests


def test_below_threshold_with_unbiopsied_mass_asks_for_biopsy(run) -> None:
    _, out = run(T_ALL, marrow={"blasts_pct": 10}, presentation={"mediastinal_mass": True})
    assert out.diagnosis["value"] == "not ALL"
    assert any(p["test"] == "biopsy of the mass or node" for p in out.pending)


@pytest.mark.parametrize(
    ("blasts", "flag"), [(19.9, None), (20, True), (24.9, True), (25, False), (60, False)]
)
def test_protocol_25_flag_with_mass(run, blasts, flag) -> None:
    _, out = run(T_ALL, marrow={"blasts_pct": blasts}, presentation={"lymphoblastic_mass": True})
    d = out.diagnosis
    if flag is None:
        assert d["value"] == "T-LBL"
        assert d["rule"] == "dx.lymphoma_presentation"
        return
    assert d["value"] == "T-ALL"
    assert d["protocol_dependent"] is flag
    if flag:
        assert d["protocol_25"]["value"] == "T-LBL"
        assert d["protocol_25"]["rule"] == "dx.blast_protocol_25"
        assert any("25% protocol convention" in b for b in d["because"])
    else:
        assert "protocol_25" not in d


def test_20_to_25_without_mass_is_not_flagged(run) -> None:
    _, out = run(B_ALL, marrow={"blasts_pct": 22}, presentation={"lymphoblastic_mass": False})
    assert out.diagnosis["value"] == "B-ALL"
    assert out.diagnosis["protocol_dependent"] is False


@pytest.mark.parametrize(
    ("markers", "dx"), [(B_ALL, "B-LBL"), (T_ALL, "T-LBL"), ({"CD34": "pos"}, "indeterminate")]
)
def test_lymphoblastic_lymphoma(run, markers, dx) -> None:
    _, out = run(markers, marrow={"blasts_pct": 5}, presentation={"lymphoblastic_mass": True})
    assert out.diagnosis["value"] == dx


@pytest.mark.parametrize(
    ("markers", "dx"),
    [
        ({"cCD3": "pos", "MPO": "pos", "CD19": "neg"}, "MPAL"),
        (
            {"CD34": "pos", "HLA-DR": "pos", "CD19": "neg", "cCD79a": "neg", "cCD3": "neg", "MPO": "neg"},
            "AUL",
        ),
    ],
)
def test_ambiguous_lineage(run, markers, dx) -> None:
    _, out = run(markers, marrow={"blasts_pct": 60})
    assert out.diagnosis["value"] == dx


def test_myeloid_only_is_not_all(run) -> None:
    _, out = run({"MPO": "pos", "CD13": "pos", "CD19": "neg", "cCD3": "neg"}, marrow={"blasts_pct": 70})
    assert out.diagnosis["value"] == "not ALL"
    assert out.diagnosis["rule"] == "dx.myeloid_only"
    assert out.alerts[0]["severity"] == "warning"


def test_lineage_unknown_is_indeterminate(run) -> None:
    _, out = run(None, marrow={"blasts_pct": 85})
    assert out.diagnosis["value"] == "indeterminate"
    assert any(p["test"].startswith("flow cytometry") for p in out.pending)


@pytest.mark.parametrize(
    ("wbc", "pct", "dx"),
    [
        (10, 10, "B-ALL"),  # 10 x10^9/L x 10% = 1.0 x10^9/L = 1000/uL
        (9.99, 10, "indeterminate"),  # 999/uL
        (2.5, 40, "B-ALL"),  # 1000/uL
        (2, 49.9, "indeterminate"),  # 998/uL
        (0.5, 100, "indeterminate"),  # 500/uL
    ],
)
def test_peripheral_blood_route(run, wbc, pct, dx) -> None:
    _, out = run(B_ALL, blood={"wbc": wbc, "blasts_pct": pct})
    assert out.diagnosis["value"] == dx
    assert any(p["test"] == "bone marrow aspirate and biopsy with blast count" for p in out.pending)
    if dx == "B-ALL":
        assert out.diagnosis["rule"] == "dx.peripheral_blood_route"
        assert out.diagnosis["circulating_lymphoblasts_per_ul"] == pytest.approx(wbc * pct * 10)
    else:
        assert out.diagnosis["rule"] == "dx.marrow_required"


def test_peripheral_blood_route_unit_conversion_from_per_ul(run) -> None:
    _, out = run(B_ALL, blood={"wbc": {"value": 4000, "unit": "/uL"}, "blasts_pct": 25})
    assert out.diagnosis["value"] == "B-ALL"  # 4.0 x10^9/L x 25% = 1000/uL
    assert out.diagnosis["circulating_lymphoblasts_per_ul"] == 1000


def test_pb_route_not_used_when_marrow_reported(run) -> None:
    _, out = run(B_ALL, marrow={"blasts_pct": 10}, blood={"wbc": 50, "blasts_pct": 80})
    assert out.diagnosis["value"] == "not ALL"


def test_no_marrow_no_blood(run) -> None:
    _, out = run(B_ALL)
    assert out.diagnosis["value"] == "indeterminate"
    assert {
        "test": "bone marrow aspirate and biopsy with blast count",
        "why": out.pending[0]["why"],
    } == out.pending[0]


def test_mass_without_marrow_is_indeterminate(run) -> None:
    _, out = run(T_ALL, presentation={"lymphoblastic_mass": True})
    assert out.diagnosis["value"] == "indeterminate"
    assert any("leukaemia vs lymphoma" in b for b in out.diagnosis["because"])


@pytest.mark.parametrize(
    ("blasts", "lineage", "dx"), [(5, B_ALL, "B-ALL"), (None, B_ALL, "B-ALL"), (5, T_ALL, "not ALL")]
)
def test_igh_il3_exception(run, blasts, lineage, dx) -> None:
    marrow = {} if blasts is None else {"blasts_pct": blasts}
    _, out = run(lineage, genetics={"igh_il3": True}, marrow=marrow)
    assert out.diagnosis["value"] == dx
    if lineage is B_ALL:
        assert out.diagnosis["rule"] == "dx.igh_il3_exception"
        assert any("igh_il3 (test profile)" in b for b in out.diagnosis["because"])


@settings(max_examples=30, deadline=None)
@given(
    a=st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda x: round(x, 1)),
    b=st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda x: round(x, 1)),
)
def test_threshold_is_monotone(kb, a, b) -> None:
    lo, hi = sorted((a, b))

    def dx(blasts: float) -> str:
        case = build_case(B_ALL, marrow={"blasts_pct": blasts}, presentation={"lymphoblastic_mass": False})
        return str(
            assess_diagnosis(case, kb, assess_immunophenotype(case, kb), FakeProfile()).diagnosis["value"]
        )

    d_lo, d_hi = dx(lo), dx(hi)
    assert d_lo == ("B-ALL" if lo >= 20 else "not ALL")
    if d_lo == "B-ALL":
        assert d_hi == "B-ALL"
