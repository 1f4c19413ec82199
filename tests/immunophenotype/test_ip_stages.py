"""B and T maturation stages (C5), mature B / Burkitt phenotype (R-A9), CD19/CD22 expression."""

from __future__ import annotations

import pytest

B = {"CD19": "pos", "cCD79a": "pos", "cCD3": "neg", "MPO": "neg"}
T = {"cCD3": "pos", "CD7": "pos", "CD19": "neg", "MPO": "neg"}


@pytest.mark.parametrize(
    ("extra", "stage"),
    [
        ({"CD10": "pos"}, "common"),
        ({"CD10": "neg", "TdT": "pos"}, "pro-B"),
        ({"CD10": "pos", "cIgM": "pos"}, "pre-B"),
        ({"CD10": "neg", "cIgM": "pos"}, "pre-B"),
        ({"CD10": "neg", "kappa": "pos", "lambda": "neg", "TdT": "neg"}, "mature-B"),
        ({}, None),
    ],
)
def test_b_stage(assess, extra, stage) -> None:
    out = assess({**B, **extra})
    assert out.b_stage is not None
    assert out.b_stage["value"] == stage
    assert out.t_stage is None
    assert any("B maturation stage" in p["why"] for p in out.pending) is (stage is None)


def test_common_mentions_that_pre_b_is_not_excluded(assess) -> None:
    out = assess({**B, "CD10": "pos"})
    assert any("cIgM not reported" in b for b in out.b_stage["because"])


@pytest.mark.parametrize(
    ("extra", "stage"),
    [
        ({"CD1a": "neg", "sCD3": "neg", "CD2": "neg", "CD5": "neg", "CD8": "neg"}, "T-I"),
        ({"CD1a": "neg", "sCD3": "neg", "CD2": "pos", "CD5": "neg", "CD8": "neg"}, "T-II"),
        ({"CD1a": "neg", "sCD3": "neg", "CD5": "pos"}, "T-II"),
        ({"CD1a": "pos"}, "T-III"),
        ({"CD1a": "pos", "sCD3": "pos"}, "T-III"),
        ({"CD1a": "neg", "sCD3": "pos"}, "T-IV"),
        ({"sCD3": "pos"}, None),  # CD1a needed
        ({"CD1a": "neg", "sCD3": "neg", "CD2": "neg"}, None),  # CD5, CD8 needed for T-I
    ],
)
def test_t_stage(assess, extra, stage) -> None:
    out = assess({**T, **extra})
    assert out.t_stage is not None
    assert out.t_stage["value"] == stage
    assert out.b_stage is None


@pytest.mark.parametrize(
    ("extra", "mature"),
    [
        ({"kappa": "pos", "lambda": "neg", "TdT": "neg"}, True),
        ({"sIg": "pos", "TdT": "neg"}, True),
        ({"lambda": "pos", "TdT": "neg"}, True),
        ({"kappa": "pos", "lambda": "pos", "TdT": "neg"}, False),  # polytypic
        ({"kappa": "pos", "lambda": "neg", "TdT": "pos"}, False),  # precursor
        ({"sIg": "neg"}, False),
        ({"TdT": "neg"}, None),
        ({"kappa": "pos", "lambda": "neg"}, None),
        ({}, None),
    ],
)
def test_mature_b(assess, extra, mature) -> None:
    out = assess({**B, "CD10": "neg", **extra})
    assert out.mature_b["value"] is mature
    if mature is None:
        assert any("Burkitt" in p["why"] for p in out.pending)


def test_t_lineage_is_not_mature_b(assess) -> None:
    assert assess(T).mature_b["value"] is False


@pytest.mark.parametrize(
    ("markers", "cd19", "cd22"),
    [
        ({"CD19": "pos", "CD22": "dim"}, "positive", "dim"),
        ({"CD19": "neg", "cCD22": "pos"}, "negative", "positive"),
        ({"CD19": "weak"}, "dim", None),
        ({"CD19": 85, "CD22": "neg (2%)"}, "positive", "negative"),
    ],
)
def test_expression(assess, markers, cd19, cd22) -> None:
    out = assess(markers)
    assert out.cd19["value"] == cd19
    assert out.cd22["value"] == cd22


def test_expression_keeps_percent_and_compartment(assess) -> None:
    out = assess({"CD19": 85, "cCD22": 40})
    assert out.cd19["percent"] == 85
    assert out.cd22["marker"] == "cCD22"
    assert out.cd22["compartment"] == "cytoplasmic"
