"""Lineage assignment: WHO 2016 criteria with the WHO-HAEM5/ICC refinements (clinical_rules.md C1, C2)."""

from __future__ import annotations

import pytest

B_ALL = {"CD19": "pos", "cCD79a": "pos", "CD10": "pos", "cCD3": "neg", "MPO": "neg"}
T_ALL = {"cCD3": "pos", "CD7": "pos", "CD19": "neg", "MPO": "neg"}


@pytest.mark.parametrize(
    ("markers", "expected"),
    [
        ({"CD19": "pos", "CD10": "pos"}, True),  # strong (unqualified) CD19 + 1
        ({"CD19": "pos (strong)", "cCD79a": "pos"}, True),
        ({"CD19": "pos", "CD10": "neg", "cCD79a": "neg", "CD22": "neg"}, False),  # + 0
        ({"CD19": "dim", "CD10": "pos"}, False),  # weak CD19 needs 2
        ({"CD19": "weak", "CD10": "pos", "cCD22": "pos"}, True),
        ({"CD19": "dim", "CD10": "pos", "cCD79a": "dim"}, False),  # the second supporter is not strong
        ({"CD19": "neg", "CD10": "pos", "cCD79a": "pos"}, False),  # CD19 absent needs 3
        ({"CD19": "neg", "CD10": "pos", "cCD79a": "pos", "CD22": "pos"}, True),
        ({"CD19": "neg"}, False),  # untested supporters count as not shown
        ({"CD10": "pos", "cCD79a": "pos", "CD22": "pos"}, True),  # 3 of 3 whatever CD19
        ({"CD10": "pos"}, None),  # depends on CD19
        ({"CD10": "neg", "cCD79a": "neg"}, False),
    ],
)
def test_b_criterion(assess, markers, expected) -> None:
    out = assess(markers)
    assert out.lineage["criteria"]["B"]["value"] is expected
    assert out.lineage["criteria"]["B"]["rule"] == "lineage.who2016_b"


def test_b_lineage_because_shows_the_inputs(assess) -> None:
    out = assess({"CD19": "dim", "CD10": "pos"})
    because = " | ".join(out.lineage["criteria"]["B"]["because"])
    assert "CD19 = dim" in because
    assert "needs 2, has 1" in because


@pytest.mark.parametrize(
    ("markers", "lineage"),
    [
        (B_ALL, "B"),
        (T_ALL, "T"),
        ({"cCD3": "dim", "CD7": "pos", "CD19": "neg", "MPO": "neg"}, "T"),  # single-lineage T: no intensity
        ({"sCD3": "pos", "CD19": "neg", "MPO": "neg"}, "T"),
        ({"CD3": "pos", "CD19": "neg", "MPO": "neg"}, "T"),  # compartment not stated
        ({"MPO": "pos", "CD13": "pos", "CD19": "neg", "cCD3": "neg"}, "myeloid"),
        ({"MPO": "neg", "CD14": "pos", "CD64": "pos", "CD19": "neg", "cCD3": "neg"}, "myeloid"),
        ({"cCD3": "pos", "MPO": "pos", "CD19": "neg"}, "T/myeloid"),
        ({**B_ALL, "MPO": "pos"}, "B/myeloid"),
        ({**B_ALL, "MPO": "neg", "CD14": "pos", "CD11c": "pos"}, "B/myeloid"),
        ({**B_ALL, "cCD3": "pos (strong)"}, "B/T"),
        ({**B_ALL, "cCD3": "dim"}, "B"),  # dim cCD3 cannot be the second lineage of MPAL
    ],
)
def test_lineage(assess, markers, lineage) -> None:
    out = assess(markers)
    assert out.lineage["value"] == lineage
    assert out.lineage["basis"] == "markers"


def test_one_monocytic_marker_is_not_myeloid(assess) -> None:
    out = assess({**B_ALL, "CD14": "pos"})
    assert out.lineage["value"] == "B"
    assert out.lineage["criteria"]["myeloid"]["value"] is False


def test_trilineage_reported_as_b_t_with_alert(assess) -> None:
    out = assess({**B_ALL, "cCD3": "pos", "MPO": "pos"})
    assert out.lineage["value"] == "B/T"
    assert out.lineage["myeloid_also"] is True
    assert any(a["severity"] == "warning" and "B/T/myeloid" in a["value"] for a in out.alerts)


def test_aul(assess) -> None:
    out = assess(
        {
            "CD34": "pos",
            "HLA-DR": "pos",
            "CD7": "pos",
            "CD19": "neg",
            "cCD79a": "neg",
            "cCD3": "neg",
            "MPO": "neg",
        }
    )
    assert out.lineage["value"] == "undifferentiated"
    assert out.lineage["criteria"]["AUL"]["rule"] == "lineage.aul"


def test_two_membrane_markers_of_a_lineage_exclude_aul(assess) -> None:
    out = assess({"CD7": "pos", "CD5": "pos", "CD19": "neg", "cCD79a": "neg", "cCD3": "neg", "MPO": "neg"})
    assert out.lineage["value"] is None
    assert out.lineage["criteria"]["AUL"]["value"] is False
    assert any("ALAL, NOS" in b for b in out.lineage["because"])


def test_aul_needs_the_decisive_markers(assess) -> None:
    out = assess({"CD34": "pos", "CD19": "neg", "cCD3": "neg", "MPO": "neg"})
    assert out.lineage["value"] is None
    assert any("cCD79a" in p["test"] for p in out.pending)


def test_lineage_not_evaluable_names_the_markers(assess) -> None:
    out = assess({"CD34": "pos", "CD10": "pos"})  # no CD19, CD3 or MPO
    assert out.lineage["value"] is None
    test = out.pending[0]["test"]
    assert "CD19" in test
    assert "cCD3" in test
    assert "MPO" in test


def test_reported_lineage_used_only_without_markers(assess) -> None:
    out = assess({"CD34": "pos"}, reported_lineage="B")
    assert out.lineage["value"] == "B"
    assert out.lineage["basis"] == "reported_lineage"
    assert out.lineage["rule"] == "lineage.reported"


def test_reported_etp_reads_as_t(assess) -> None:
    out = assess(None, reported_lineage="ETP")
    assert out.lineage["value"] == "T"
    assert out.etp["value"] is True


def test_markers_win_over_reported_lineage_with_alert(assess) -> None:
    out = assess(T_ALL, reported_lineage="B")
    assert out.lineage["value"] == "T"
    alert = next(a for a in out.alerts if a["rule"] == "lineage.reported")
    assert alert["severity"] == "warning"
    assert "reported_lineage = B" in alert["because"]


def test_agreeing_reported_lineage_raises_no_alert(assess) -> None:
    assert assess(B_ALL, reported_lineage="B").alerts == []


def test_no_markers_no_report(assess) -> None:
    out = assess(None)
    assert out.lineage["value"] is None
    assert out.pending[0]["test"].startswith("flow cytometry immunophenotyping")


def test_aliases_and_unknown_markers(assess) -> None:
    out = assess(
        {
            "CD19": "pos",
            "CD79a": "pos",
            "cyCD3": "neg",
            "MPO": "neg",
            "CD999": "pos",
            "CD200": "pos",
            "FooBar": "neg",
        }
    )
    assert out.lineage["value"] == "B"
    assert out.lineage["criteria"]["T"]["value"] is False
    assert set(out.unknown_markers) == {"CD999", "FooBar"}


def test_percent_only_marker_uses_egil_convention(assess) -> None:
    out = assess({"CD19": 25, "CD10": 19, "cCD79a": 12, "cCD3": 5, "MPO": 8})
    # CD19 25% >= 20 (surface); CD10 19% < 20; cCD79a 12% >= 10 (cytoplasmic); cCD3 5%, MPO 8% < 10
    assert out.lineage["value"] == "B"


def test_weak_mpo_counts_but_is_flagged(assess) -> None:
    out = assess({"cCD3": "pos", "CD7": "pos", "MPO": "weak", "CD19": "neg"})
    assert out.lineage["value"] == "T/myeloid"
    alert = next(a for a in out.alerts if a["rule"] == "lineage.who2016_myeloid")
    assert alert["severity"] == "warning"


def test_reported_lineage_fills_in_when_markers_are_insufficient(assess) -> None:
    out = assess({"CD10": "pos", "CD34": "pos"}, reported_lineage="B")
    assert out.lineage["value"] == "B"
    assert out.lineage["basis"] == "reported_lineage"
    assert any("markers insufficient" in b for b in out.lineage["because"])
    assert any("CD19" in p["test"] for p in out.pending)
