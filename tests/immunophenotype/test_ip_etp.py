"""ETP-ALL and near-ETP by the exact percentage rules (clinical_rules.md C4), boundaries both sides."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ip_helpers import build_case

from allnav.immunophenotype import assess_immunophenotype

ETP = {
    "cCD3": "pos",
    "CD7": "pos",
    "CD1a": "neg",
    "CD8": "neg",
    "CD5": 30,
    "CD34": 60,
    "CD117": 40,
    "MPO": "neg",
    "CD19": "neg",
}


ALL_STEM_NEG = dict.fromkeys(("CD117", "CD34", "HLA-DR", "CD13", "CD33", "CD11b", "CD65"), "neg")


def test_etp_example(assess) -> None:
    out = assess(ETP)
    assert out.etp["value"] is True
    assert out.etp["near_etp"] is False
    assert out.etp["rule"] == "lineage.etp"
    assert any("CD5 = 30 (< 75)" in b for b in out.etp["because"])


@pytest.mark.parametrize(
    ("cd5", "etp", "near"), [(74, True, False), (74.9, True, False), (75, False, True), (76, False, True)]
)
def test_cd5_boundary(assess, cd5, etp, near) -> None:
    out = assess({**ETP, "CD5": cd5})
    assert out.etp["value"] is etp
    assert out.etp["near_etp"] is near


@pytest.mark.parametrize(("pct", "etp"), [(24.9, False), (25, True)])
def test_stem_marker_boundary(assess, pct, etp) -> None:
    out = assess({**ETP, **ALL_STEM_NEG, "CD34": pct})
    assert out.etp["value"] is etp


def test_untested_stem_markers_leave_etp_open(assess) -> None:
    out = assess({**ETP, "CD34": 24.9, "CD117": "neg"})  # HLA-DR, CD13, CD33, CD11b, CD65 not reported
    assert out.etp["value"] is None
    test = next(p["test"] for p in out.pending if "ETP" in p["why"])
    assert "HLA-DR" in test
    assert "CD65" in test


@pytest.mark.parametrize("marker", ["CD117", "CD34", "HLA-DR", "CD13", "CD33", "CD11b", "CD65"])
def test_each_stem_myeloid_marker_counts(assess, marker) -> None:
    base = {**ETP, **ALL_STEM_NEG}
    assert assess({**base, marker: 25}).etp["value"] is True


@pytest.mark.parametrize("marker", ["CD1a", "CD8"])
@pytest.mark.parametrize(("pct", "etp"), [(4.9, True), (5, False)])
def test_cd1a_cd8_boundary(assess, marker, pct, etp) -> None:
    assert assess({**ETP, marker: pct}).etp["value"] is etp


def test_cd1a_positive_without_percent_is_not_etp(assess) -> None:
    assert assess({**ETP, "CD1a": "pos"}).etp["value"] is False


@pytest.mark.parametrize(("mpo", "etp"), [(2.9, True), (3, False)])
def test_mpo_boundary(assess, mpo, etp) -> None:
    out = assess({**ETP, "MPO": mpo})
    assert out.lineage["value"] == "T"  # below the 10% positivity convention: not myeloid lineage
    assert out.etp["value"] is etp


def test_mpo_positive_is_t_myeloid_not_etp(assess) -> None:
    out = assess({**ETP, "MPO": "pos"})
    assert out.lineage["value"] == "T/myeloid"
    assert out.etp["value"] is False


def test_cd5_dim_without_percent_meets(assess) -> None:
    assert assess({**ETP, "CD5": "dim"}).etp["value"] is True


def test_cd5_pos_without_percent_is_open(assess) -> None:
    out = assess({**ETP, "CD5": "pos"})
    assert out.etp["value"] is None
    assert out.etp["near_etp"] is None
    assert any("CD5" in p["test"] for p in out.pending)


def test_stem_markers_pos_without_percent_are_open(assess) -> None:
    out = assess({**ETP, "CD34": "pos", "CD117": "pos"})
    assert out.etp["value"] is None
    assert any("CD34" in p["test"] for p in out.pending)


def test_missing_cd1a_and_cd7(assess) -> None:
    markers = {k: v for k, v in ETP.items() if k not in ("CD1a", "CD7")}
    out = assess(markers)
    assert out.etp["value"] is None
    test = next(p["test"] for p in out.pending if "ETP" in p["why"])
    assert "CD1a" in test
    assert "CD7" in test


def test_cd7_negative_is_not_etp(assess) -> None:
    assert assess({**ETP, "CD7": "neg"}).etp["value"] is False


def test_b_lineage_gives_none(assess) -> None:
    out = assess({"CD19": "pos", "CD10": "pos", "cCD3": "neg", "MPO": "neg"})
    assert out.etp["value"] is None
    assert not any("ETP" in p["why"] for p in out.pending)


@settings(max_examples=40, deadline=None)
@given(cd5=st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda x: round(x, 1)))
def test_cd5_partition(kb, cd5) -> None:
    out = assess_immunophenotype(build_case({**ETP, "CD5": cd5}), kb)
    assert out.etp["value"] is (cd5 < 75)
    assert out.etp["near_etp"] is (cd5 >= 75)
