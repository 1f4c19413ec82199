"""Immunophenotype: marker names to canonical spelling, marker texts to MarkerValue."""

from __future__ import annotations

import pytest

from allnav.case import load_case, unknown_markers
from allnav.case.markers import MarkerTextError, canonical_marker, compartment, parse_marker_value
from allnav.errors import CaseValidationError


@pytest.mark.parametrize(
    ("name", "canonical", "known"),
    [
        ("HLA-DR", "HLA-DR", True),
        ("HLADR", "HLA-DR", True),
        ("hla dr", "HLA-DR", True),
        ("cyCD3", "cCD3", True),
        ("CD3c", "cCD3", True),
        ("cytoplasmic CD3", "cCD3", True),
        ("cCD3", "cCD3", True),
        ("sCD3", "sCD3", True),
        ("surface CD3", "sCD3", True),
        ("CD3", "CD3", True),
        ("CD79a", "cCD79a", True),
        ("cyCD79a", "cCD79a", True),
        ("CD22", "CD22", True),
        ("cyCD22", "cCD22", True),
        ("cMPO", "MPO", True),
        ("TdT", "TdT", True),
        ("cmu", "cIgM", True),
        ("cd117", "CD117", True),
        ("CD1A", "CD1a", True),
        ("7.1", "NG2", True),
        ("CD999", "CD999", False),
        ("cyCD19", "cCD19", False),
        ("FooBar", "FooBar", False),
    ],
)
def test_canonical_names(name: str, canonical: str, known: bool) -> None:
    assert canonical_marker(name) == (canonical, known)


@pytest.mark.parametrize(
    ("text", "positive", "percent", "intensity"),
    [
        ("pos", True, None, None),
        ("positive", True, None, None),
        ("+", True, None, None),
        ("neg", False, None, None),
        ("-", False, None, None),
        ("dim", True, None, "dim"),
        ("partial", True, None, "partial"),
        ("weak", True, None, "weak"),
        ("bright", True, None, "bright"),
        ("strong", True, None, "strong"),
        ("pos (strong)", True, None, "strong"),
        ("neg (2%)", False, 2.0, None),
        ("dim (30%)", True, 30.0, "dim"),
        ("40%", True, 40.0, None),
        ("19.9%", False, 19.9, None),
        ("equivocal", None, None, None),
        ("not done", None, None, None),
        ("neg (25%)", False, 25.0, None),
        ("40", True, 40.0, None),
        ("pos on 60% of blasts", True, 60.0, None),
        ("dim, 30% of blasts", True, 30.0, "dim"),
        (40, True, 40.0, None),
        (True, True, None, None),
        (False, False, None, None),
    ],
)
def test_marker_values(
    text: object, positive: bool | None, percent: float | None, intensity: str | None
) -> None:
    mv = parse_marker_value("CD34", text)
    assert mv is not None
    assert (mv.positive, mv.percent, mv.intensity) == (positive, percent, intensity)


@pytest.mark.parametrize(
    ("marker", "below", "at"),
    [
        ("CD34", 19.9, 20),
        ("CD19", 19.99, 20),
        ("cCD3", 9.9, 10),
        ("MPO", 9.99, 10),
        ("TdT", 9.9, 10),
        ("CD3", 19.9, 20),
    ],
)
def test_percent_thresholds_by_compartment(marker: str, below: float, at: float) -> None:
    low, high = parse_marker_value(marker, below), parse_marker_value(marker, at)
    assert low is not None
    assert high is not None
    assert (low.positive, high.positive) == (False, True)
    assert low.percent == below


def test_compartments() -> None:
    assert compartment("cCD3") == "cytoplasmic"
    assert compartment("TdT") == "nuclear"
    assert compartment("CD19") == "surface"
    assert compartment("CD3") == "unspecified"
    assert compartment("cCD19") == "cytoplasmic"


@pytest.mark.parametrize("text", ["maybe", "pos neg", "150%", "10% 20%", "", "of blasts", {"raw": 1}, [1]])
def test_unreadable_values_are_refused(text: object) -> None:
    with pytest.raises((MarkerTextError, ValueError)):
        parse_marker_value("CD19", text)


def test_panel_in_a_case() -> None:
    case = load_case(
        {
            "patient": {"id": "p"},
            "immunophenotype": {"cyCD3": "pos", "HLADR": 50, "CD999": "neg", "CD19": None, "CD7": "pos"},
            "timeline": [{"day": 29, "immunophenotype": {"CD19": "neg", "CDX2": "pos"}}],
        }
    )
    assert set(case.immunophenotype) == {"cCD3", "HLA-DR", "CD999", "CD7"}
    assert case.immunophenotype["HLA-DR"].percent == 50
    assert unknown_markers(case) == ["CD999", "CDX2"]


def test_two_spellings_that_disagree_are_refused() -> None:
    with pytest.raises(CaseValidationError) as info:
        load_case({"patient": {"id": "p"}, "immunophenotype": {"HLA-DR": "pos", "HLADR": "neg"}})
    assert info.value.problems[0].path == "immunophenotype.HLADR"


def test_two_spellings_that_agree_are_merged() -> None:
    case = load_case({"patient": {"id": "p"}, "immunophenotype": {"HLA-DR": "pos", "HLADR": "pos"}})
    assert list(case.immunophenotype) == ["HLA-DR"]


def test_percent_over_100_is_implausible() -> None:
    with pytest.raises(CaseValidationError) as info:
        load_case({"patient": {"id": "p"}, "immunophenotype": {"CD34": 140}})
    (problem,) = info.value.problems
    assert problem.path == "immunophenotype.CD34"
    assert problem.extra["kind"] == "implausible"
