"""Every plausibility range at its boundaries: just inside accepted, just outside refused."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from allnav.case import load_case
from allnav.case import model as m
from allnav.case.fields import field_kinds, section_of
from allnav.case.model import Case
from allnav.case.tables import plausibility_table, units_table
from allnav.errors import CaseValidationError, ImplausibleValueError

RANGES = plausibility_table().ranges
MODELS: list[type[BaseModel]] = [m.Case, m.Patient, m.Presentation, m.Blood, m.Marrow, m.CSF, m.Labs, m.MRD, m.Vitals, m.TimelineEntry,
          m.Medication, m.PriorAnthracycline, m.CrsIcansEntry, m.GeneticFinding]  # fmt: skip
INTEGER_KEYS = {key for key in RANGES if key.endswith(("day", "ecog", "ice_score", "copies"))}


def _case_with(key: str, value: float) -> tuple[dict[str, Any], str]:
    """A minimal case holding ``value`` at ``key``, and the path the validator reports."""
    case: dict[str, Any] = {"patient": {"id": "p"}}
    section, _, field = key.partition(".")
    if not field:
        case[section] = value
        return case, section
    if section == "patient":
        case["patient"][field] = value
        return case, key
    if section in ("mrd", "vitals"):
        case["timeline"] = [{"day": 5, section: {field: value}}]
        return case, f"timeline[0].{key}"
    if section == "timeline":
        case["timeline"] = [{field: value}]
        return case, f"timeline[0].{field}"
    if section == "medications":
        if field.startswith("levels."):
            level = field.removeprefix("levels.")
            case["medications"] = [{"drug": "methotrexate", "levels": [{level: value}]}]
            return case, f"medications[0].levels[0].{level}"
        case["medications"] = [{"drug": "x", field: value, "unit": "mg"}]
        return case, f"medications[0].{field}"
    if section == "genetics":
        case["genetics"] = [{"finding": "RUNX1 copies", field: value}]
        return case, f"genetics[0].{field}"
    if section == "crs_icans":
        case["crs_icans"] = [{"day": 1, field: value}]
        return case, f"crs_icans[0].{field}"
    if section == "prior_anthracyclines":
        case["prior_anthracyclines"] = [{"drug": "doxorubicin", field: value}]
        return case, f"prior_anthracyclines[0].{field}"
    case[section] = {field: value}
    return case, key


def _step(key: str, bound: float) -> float:
    return 1 if key in INTEGER_KEYS else max(abs(bound) * 1e-6, 1e-9)


@pytest.mark.parametrize("key", sorted(RANGES))
def test_bounds_are_accepted(key: str) -> None:
    r = RANGES[key]
    for value in (r.min, r.max):
        v = int(value) if key in INTEGER_KEYS else value
        load_case(_case_with(key, v)[0])


@pytest.mark.parametrize("key", sorted(RANGES))
def test_just_outside_is_refused_with_field_value_and_range(key: str) -> None:
    r = RANGES[key]
    for value in (r.min - _step(key, r.min), r.max + _step(key, r.max)):
        v = int(value) if key in INTEGER_KEYS else value
        data, path = _case_with(key, v)
        with pytest.raises(ImplausibleValueError) as info:
            load_case(data)
        (problem,) = info.value.problems
        assert problem.path == path
        assert problem.value == v
        assert problem.accepted is not None
        assert problem.accepted.startswith(f"{r.min:g}-{r.max:g}")


def test_every_range_names_a_real_field() -> None:
    by_section = {section_of(cls): cls for cls in MODELS}
    for key in RANGES:
        section, _, field = key.partition(".")
        if not field:
            assert key in Case.model_fields
        elif section == "medications" and field.startswith("levels."):
            assert field.removeprefix("levels.") in ("hours", "umol_per_l")
        else:
            assert field in field_kinds(by_section[section]), key


def test_every_unit_field_names_a_real_field() -> None:
    by_section = {section_of(cls): cls for cls in MODELS}
    for key in units_table().fields:
        section, _, field = key.partition(".")
        assert field_kinds(by_section[section])[field].kind == "float", key


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"blood": {"wbc": 3000}}, "blood.wbc"),
        ({"marrow": {"blasts_pct": 140}}, "marrow.blasts_pct"),
        ({"patient": {"id": "p", "age_years": 300}}, "patient.age_years"),
        ({"as_of_day": -1}, "as_of_day"),
        ({"timeline": [{"day": 29, "marrow": {"blasts_pct": 101}}]}, "timeline[0].marrow.blasts_pct"),
    ],
)
def test_contract_examples_are_refused(data: dict[str, Any], path: str) -> None:
    case = {"patient": {"id": "p"}, **data}
    with pytest.raises(ImplausibleValueError) as info:
        load_case(case)
    assert [p.path for p in info.value.problems] == [path]
    assert info.value.code == "V002"


def test_a_child_is_accepted() -> None:
    assert load_case({"patient": {"id": "p", "age_years": 8}}).patient.age_years == 8


def test_implausible_after_conversion_is_refused() -> None:
    with pytest.raises(ImplausibleValueError) as info:
        load_case({"patient": {"id": "p"}, "blood": {"wbc": {"value": 3_000_000, "unit": "/uL"}}})
    assert info.value.problems[0].path == "blood.wbc"


def test_mixed_problems_raise_the_general_error() -> None:
    with pytest.raises(CaseValidationError) as info:
        load_case({"patient": {"id": "p", "age_years": 300}, "blod": {}})
    assert type(info.value) is CaseValidationError
    assert {p.extra["kind"] for p in info.value.problems} == {"implausible", "unknown_field"}
