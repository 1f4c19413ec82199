"""MPAL by WHO criteria; aberrant myeloid antigens; EGIL kept for history only (C1-C3, L9)."""

from __future__ import annotations

B_ALL = {"CD19": "pos", "cCD79a": "pos", "CD10": "pos", "cCD3": "neg", "MPO": "neg"}


def test_aberrant_cd13_cd33_without_mpo_is_not_mpal(assess) -> None:
    out = assess({**B_ALL, "CD13": "pos", "CD33": "pos"})
    assert out.mpal["value"] is False
    assert any("do not make MPAL" in b for b in out.mpal["because"])
    alert = next(a for a in out.alerts if a["rule"] == "lineage.aberrant_myeloid")
    assert alert["severity"] == "info"


def test_mpal_true_for_two_lineages(assess) -> None:
    out = assess({"cCD3": "pos", "CD7": "pos", "MPO": "pos", "CD19": "neg"})
    assert out.mpal["value"] is True
    assert out.mpal["rule"] == "lineage.mpal_who"


def test_mpal_unknown_when_second_lineage_not_tested(assess) -> None:
    out = assess({"CD19": "pos", "CD10": "pos", "MPO": "neg"})  # no cCD3
    assert out.lineage["value"] == "B"
    assert out.mpal["value"] is None
    assert any(p["test"] == "cCD3" for p in out.pending)


def test_mpal_unknown_without_mpo(assess) -> None:
    out = assess({"CD19": "pos", "CD10": "pos", "cCD3": "neg"})
    assert out.mpal["value"] is None
    assert any(p["test"] == "MPO" for p in out.pending)


def test_egil_over_calls_but_is_history_only(assess) -> None:
    # B: CD19 1 + CD10 1 + cCD79a 2 = 4; myeloid: CD13, CD33, CD117, CD65 = 4 -> EGIL biphenotypic.
    out = assess({**B_ALL, "CD13": "pos", "CD33": "pos", "CD117": "pos", "CD65": "pos"})
    egil = out.mpal["egil"]
    assert egil["value"] is True
    assert egil["scores"]["B"] == 4
    assert egil["scores"]["myeloid"] == 4
    assert "history only" in egil["role"]
    assert out.mpal["value"] is False  # WHO decides


def test_egil_not_biphenotypic_at_two_points(assess) -> None:
    # myeloid exactly 2 (MPO only would make WHO MPAL; use CD13 + CD33 = 2): not > 2
    out = assess({**B_ALL, "CD13": "pos", "CD33": "pos"})
    assert out.mpal["egil"]["scores"]["myeloid"] == 2
    assert out.mpal["egil"]["value"] is False


def test_mpal_from_reported_lineage(assess) -> None:
    out = assess(None, reported_lineage="T/myeloid")
    assert out.mpal["value"] is True
    assert "from the reported lineage" in out.mpal["because"]
