"""Unit conversion: known values for every required UCUM unit, round-trips, refused units."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allnav.case import accepted_units, convert, convert_between, default_unit, load_case
from allnav.case.tables import units_table
from allnav.case.units import normalise_unit
from allnav.errors import CaseValidationError, UnitError

# (field, value, unit, expected value in the default unit): reference values from standard SI factors.
KNOWN = [
    ("blood.wbc", 45200, "/uL", 45.2),
    ("blood.wbc", 45.2, "10*3/uL", 45.2),
    ("blood.wbc", 45.2, "10*9/L", 45.2),
    ("blood.wbc", 45200, "/mm3", 45.2),
    ("blood.wbc", 45200, "10*6/L", 45.2),
    ("blood.wbc", 45.2, "10*3/mm3", 45.2),
    ("blood.wbc", 45200, "cells/uL", 45.2),
    ("blood.wbc", 45.2, "10^9/L", 45.2),
    ("blood.wbc", 45.2, "K/uL", 45.2),
    ("blood.platelets", 32000, "/uL", 32.0),
    ("blood.rbc", 3.1, "10*6/uL", 3.1),
    ("blood.rbc", 3.1, "10*12/L", 3.1),
    ("blood.rbc", 3.1e6, "/uL", 3.1),
    ("blood.hemoglobin", 81, "g/L", 8.1),
    ("blood.hemoglobin", 8.1, "g/dL", 8.1),
    ("blood.hemoglobin", 8100, "mg/dL", 8.1),
    ("labs.creatinine", 1.1, "mg/dL", 1.1),
    ("blood.hemoglobin", 5.0, "mmol/L", 5.0 * 1.61145),
    ("labs.uric_acid", 476, "umol/L", 476 / 59.48),
    ("labs.uric_acid", 476, "µmol/L", 476 / 59.48),
    ("labs.uric_acid", 0.476, "mmol/L", 476 / 59.48),
    ("labs.uric_acid", 80, "mg/L", 8.0),
    ("labs.creatinine", 88.4, "umol/L", 1.0),
    ("labs.phosphate", 1.45, "mmol/L", 1.45 / 0.3229),
    ("labs.calcium", 1.75, "mmol/L", 1.75 / 0.2495),
    ("labs.calcium", 3.5, "meq/L", 1.75 / 0.2495),
    ("labs.calcium", 3.5, "mEq/L", 1.75 / 0.2495),
    ("labs.glucose", 5.55, "mmol/L", 100.0),
    ("labs.bilirubin", 17.1, "umol/L", 1.0),
    ("labs.potassium", 6.0, "mEq/L", 6.0),
    ("labs.potassium", 6.0, "mmol/L", 6.0),
    ("labs.fibrinogen", 2.0, "g/L", 200.0),
    ("labs.ldh", 900, "U/L", 900.0),
    ("labs.ldh", 900, "IU/L", 900.0),
    ("labs.ldh", 1.0, "ukat/L", 60.0),
    ("blood.blasts_pct", 0.85, "1", 85.0),
    ("blood.blasts_pct", 85, "%", 85.0),
    ("mrd.level", 0.01, "%", 1e-4),
    ("vitals.temperature_c", 101.3, "[degF]", 38.5),
    ("vitals.temperature_c", 98.6, "°F", 37.0),
    ("vitals.temperature_c", 310.15, "K", 37.0),
    ("vitals.temperature_c", 38.5, "Cel", 38.5),
    ("patient.bsa_m2", 18000, "cm2", 1.8),
    ("patient.bsa_m2", 1.8, "m2", 1.8),
    ("patient.weight_kg", 70000, "g", 70.0),
    ("patient.weight_kg", 70, "kg", 70.0),
    ("patient.weight_kg", 154.324, "[lb_av]", 70.0),
    ("patient.age_years", 34, "a", 34.0),
    ("patient.age_years", 18, "mo", 1.5),
    ("medications.infusion_hours", 1, "d", 24.0),
]


@pytest.mark.parametrize(("key", "value", "unit", "expected"), KNOWN)
def test_known_conversions(key: str, value: float, unit: str, expected: float) -> None:
    assert convert(key, value, unit) == pytest.approx(expected, rel=2e-3)


REQUIRED = ["10*3/uL", "10*9/L", "/uL", "/mm3", "10*6/L", "10*12/L", "10*6/uL", "g/dL", "g/L", "mmol/L",
            "mg/dL", "umol/L", "meq/L", "U/L", "%", "Cel", "[degF]", "m2", "kg", "a"]  # fmt: skip


def test_every_required_unit_is_accepted_somewhere() -> None:
    everywhere = {u for key in units_table().fields for u in accepted_units(key)}
    assert set(REQUIRED) <= everywhere


def test_required_units_have_a_known_conversion() -> None:
    tested = {normalise_unit(unit) for _, _, unit, _ in KNOWN}
    assert set(REQUIRED) <= tested


PAIRS = [(key, unit) for key in units_table().fields for unit in accepted_units(key)]


@settings(max_examples=150, deadline=None)
@given(pair=st.sampled_from(PAIRS), value=st.floats(min_value=1e-6, max_value=1e6))
def test_round_trip_through_default_unit(pair: tuple[str, str], value: float) -> None:
    key, unit = pair
    there = convert(key, value, unit)
    back = convert_between(key, there, default_unit(key), unit)
    assert math.isclose(back, value, rel_tol=1e-9, abs_tol=1e-9)


def test_wrong_dimension_is_refused_with_accepted_units() -> None:
    with pytest.raises(UnitError) as info:
        convert("blood.wbc", 8, "g/dL")
    assert "/uL" in info.value.accepted
    assert info.value.path == "blood.wbc"


def test_unknown_unit_is_refused() -> None:
    with pytest.raises(UnitError, match="unknown unit"):
        convert("blood.wbc", 8, "furlongs")


def test_meq_needs_a_valence() -> None:
    assert "meq/L" not in accepted_units("labs.uric_acid")
    with pytest.raises(UnitError):
        convert("labs.uric_acid", 1, "mEq/L")


def test_non_finite_value_is_refused() -> None:
    with pytest.raises(UnitError):
        convert("blood.wbc", math.nan, "/uL")


def test_quantity_in_a_case_is_converted() -> None:
    case = load_case({"patient": {"id": "u"}, "blood": {"wbc": {"value": 45200, "unit": "/uL"}}})
    assert case.blood.wbc == pytest.approx(45.2)


@pytest.mark.parametrize(
    ("quantity", "path", "fragment"),
    [
        ({"value": 8, "unit": "g/dL"}, "blood.wbc.unit", "wrong dimension"),
        ({"value": 8, "unit": "bananas"}, "blood.wbc.unit", "unknown unit"),
        ({"value": "8", "unit": "/uL"}, "blood.wbc.value", "number"),
        ({"value": 8}, "blood.wbc", "{value, unit}"),
        ({"value": 8, "unit": "/uL", "units": "x"}, "blood.wbc", "{value, unit}"),
    ],
)
def test_bad_quantities_in_a_case(quantity: dict[str, object], path: str, fragment: str) -> None:
    with pytest.raises(CaseValidationError) as info:
        load_case({"patient": {"id": "u"}, "blood": {"wbc": quantity}})
    (problem,) = info.value.problems
    assert problem.path == path
    assert fragment in problem.message
    if path.endswith(".unit"):
        assert problem.accepted is not None
        assert "/uL" in problem.accepted


@pytest.mark.parametrize(
    ("section", "field", "bare", "hint_unit"),
    [
        ("blood", "wbc", 45200, "/uL"),
        ("blood", "platelets", 32000, "/uL"),
        ("blood", "hemoglobin", 81, "g/L"),
        ("labs", "creatinine", 97, "umol/L"),
        ("labs", "uric_acid", 476, "umol/L"),
    ],
)
def test_unit_mixup_gets_a_hint(section: str, field: str, bare: float, hint_unit: str) -> None:
    with pytest.raises(CaseValidationError) as info:
        load_case({"patient": {"id": "u"}, section: {field: bare}})
    (problem,) = info.value.problems
    assert problem.suggestion == f"{{value: {bare}, unit: '{hint_unit}'}}"
    assert problem.extra["kind"] == "implausible"


def test_no_hint_when_no_unit_makes_sense() -> None:
    with pytest.raises(CaseValidationError) as info:
        load_case({"patient": {"id": "u"}, "blood": {"wbc": 5e9}})
    assert info.value.problems[0].suggestion is None


def test_temperature_in_fahrenheit_written_as_celsius_gets_a_hint() -> None:
    with pytest.raises(CaseValidationError) as info:
        load_case({"patient": {"id": "u"}, "timeline": [{"day": 3, "vitals": {"temperature_c": 101.3}}]})
    (problem,) = info.value.problems
    assert problem.path == "timeline[0].vitals.temperature_c"
    assert problem.suggestion == "{value: 101.3, unit: '[degF]'}"
