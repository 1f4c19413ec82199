"""Case validation: suggestions for misspelt fields, all problems collected, no silent coercion."""

from __future__ import annotations

import json
from typing import Any

import pytest

from allnav.case import load_case, load_case_text
from allnav.errors import CaseValidationError, ImplausibleValueError


def _problems(data: Any) -> dict[str, Any]:
    with pytest.raises(CaseValidationError) as info:
        load_case(data)
    json.dumps(info.value.to_dict())  # the error envelope is always JSON-ready
    return {p.path: p for p in info.value.problems}


@pytest.mark.parametrize(
    ("data", "path", "suggestion"),
    [
        ({"patient": {"id": "p"}, "blod": {"wbc": 3}}, "blod", "blood"),
        ({"patient": {"id": "p"}, "csf": {"wbc_per_uL": 3}}, "csf.wbc_per_uL", "wbc_per_ul"),
        ({"patient": {"id": "p", "sexx": "male"}}, "patient.sexx", "sex"),
        ({"patient": {"id": "p"}, "wbc": 3}, "wbc", "blood.wbc"),
        ({"patient": {"id": "p"}, "timeline": [{"day": 1, "marow": {}}]}, "timeline[0].marow", "marrow"),
        ({"patient": {"id": "p"}, "labs": {"uric": 5}}, "labs.uric", "uric_acid"),
        ({"patient": {"id": "p"}, "immunophenotipe": {}}, "immunophenotipe", "immunophenotype"),
        ({"patient": {"id": "p"}, "medications": [{"drug": "x", "doze": 1}]}, "medications[0].doze", "dose"),
    ],
)
def test_misspelt_fields_get_a_suggestion(data: dict[str, Any], path: str, suggestion: str) -> None:
    problems = _problems(data)
    assert problems[path].suggestion == suggestion
    assert problems[path].extra["kind"] == "unknown_field"


def test_unknown_field_without_a_close_match_lists_the_fields() -> None:
    problem = _problems({"patient": {"id": "p"}, "zzzzzz": 1})["zzzzzz"]
    assert problem.suggestion is None
    assert problem.accepted is not None
    assert "blood" in problem.accepted


def test_all_problems_are_collected() -> None:
    data = {
        "patient": {"id": "p", "age_years": 300, "sex": "fmale"},
        "blod": {},
        "blood": {"wbc": "abc", "hemoglobin": {"value": 8, "unit": "furlong"}},
        "marrow": {"blasts_pct": 140},
        "immunophenotype": {"CD19": "maybe"},
        "timeline": [
            {"day": 2},
            {"day": 3},
            {"day": 29, "marrow": {"blasts_pct": -1}},
            {"phase": "induction"},
        ],
        "as_of_day": -1,
        "medications": [{"drug": "x", "dose": 1, "unit": "spoons", "route": "nasal"}],
    }
    problems = _problems(data)
    assert set(problems) == {
        "patient.age_years",
        "patient.sex",
        "blod",
        "blood.wbc",
        "blood.hemoglobin.unit",
        "marrow.blasts_pct",
        "immunophenotype.CD19",
        "timeline[2].marrow.blasts_pct",
        "timeline[3]",
        "as_of_day",
        "medications[0].unit",
        "medications[0].route",
    }
    assert problems["patient.sex"].accepted is not None
    assert "female" in problems["patient.sex"].accepted


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"blood": {"wbc": "45.2"}}, "blood.wbc"),
        ({"blood": {"wbc": True}}, "blood.wbc"),
        ({"presentation": {"splenomegaly": "yes"}}, "presentation.splenomegaly"),
        ({"presentation": {"splenomegaly": 1}}, "presentation.splenomegaly"),
        ({"presentation": {"ecog": 1.5}}, "presentation.ecog"),
        ({"timeline": [{"day": "29"}]}, "timeline[0].day"),
        ({"karyotype": 46}, "karyotype"),
        ({"blood": {"wbc": float("nan")}}, "blood.wbc"),
        ({"blood": {"wbc": float("inf")}}, "blood.wbc"),
        ({"blood": [1, 2]}, "blood"),
        ({"timeline": {"day": 1}}, "timeline"),
        ({"genetics": [{"finding": "IKZF1 deletion", "result": "maybe"}]}, "genetics[0].result"),
    ],
)
def test_no_silent_coercion(data: dict[str, Any], path: str) -> None:
    assert path in _problems({"patient": {"id": "p"}, **data})


def test_patient_id_as_number_is_refused() -> None:
    assert "patient.id" in _problems({"patient": {"id": 1}})


def test_patient_is_required() -> None:
    assert "patient" in _problems({"blood": {"wbc": 3}})


def test_missing_stays_unknown() -> None:
    case = load_case({"patient": {"id": "p"}, "blood": {"wbc": 3, "hemoglobin": None}})
    assert case.blood.hemoglobin is None
    assert case.blood.platelets is None
    assert case.presentation.mediastinal_mass is None
    assert case.csf.wbc_per_ul is None
    assert case.patient.sex == "unknown"


def test_integral_float_is_accepted_for_an_integer() -> None:
    assert load_case({"patient": {"id": "p"}, "as_of_day": 29.0}).as_of_day == 29


def test_timeline_days_from_dates_and_sorted() -> None:
    case = load_case(
        {
            "patient": {"id": "p", "diagnosis_date": "2024-01-01"},
            "timeline": [
                {"date": "2024-01-30", "phase": "induction"},
                {"day": 2},
                {"day": 29, "date": "2024-01-30"},
            ],
            "medications": [{"drug": "vincristine", "dose": 1.4, "unit": "mg/m2", "date": "2024-01-09"}],
        }
    )
    assert [e.day for e in case.timeline] == [2, 29, 29]
    assert case.timeline[1].phase == "induction"
    assert case.medications[0].day == 8


def test_yaml_dates_are_read() -> None:
    text = "patient: {id: p, diagnosis_date: 2024-01-01}\ntimeline:\n  - {date: 2024-01-03}\n"
    case = load_case_text(text, "yaml")
    assert case.patient.diagnosis_date == "2024-01-01"
    assert case.timeline[0].day == 2


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"timeline": [{"phase": "induction"}]}, "timeline[0]"),
        ({"timeline": [{"date": "2024-01-05"}]}, "timeline[0].date"),
        ({"timeline": [{"date": "05/01/2024"}]}, "timeline[0].date"),
        ({"patient": {"id": "p", "diagnosis_date": "2024-01-01"}, "timeline": [{"day": 3, "date": "2024-01-05"}]},
         "timeline[0].day"),
        ({"patient": {"id": "p", "diagnosis_date": "2024-01-01"}, "timeline": [{"date": "2020-01-05"}]},
         "timeline[0].day"),
    ],
)  # fmt: skip
def test_bad_timeline_entries(data: dict[str, Any], path: str) -> None:
    assert path in _problems({"patient": {"id": "p"}, **data})


@pytest.mark.parametrize(
    ("route", "expected"),
    [("intrathecal", "IT"), ("IV", "IV"), ("iv", "IV"), ("oral", "PO"), ("subcutaneous", "SC"), ("IM", "IM")],
)
def test_routes_are_normalised(route: str, expected: str) -> None:
    case = load_case({"patient": {"id": "p"}, "medications": [{"drug": "x", "route": route}]})
    assert case.medications[0].route == expected


@pytest.mark.parametrize(
    ("unit", "expected"),
    [("mg/m2", "mg/m2"), ("mg/m²", "mg/m2"), ("mcg/kg", "ug/kg"), ("IU/m2", "IU/m2"), ("U/m2", "U/m2"),
     ("g/m2", "g/m2"), ("mg", "mg"), ("mg/kg", "mg/kg"), ("ug/m2", "ug/m2"), ("cells/kg", "cells/kg")],
)  # fmt: skip
def test_medication_units_are_normalised(unit: str, expected: str) -> None:
    case = load_case({"patient": {"id": "p"}, "medications": [{"drug": "x", "dose": 1, "unit": unit}]})
    assert case.medications[0].unit == expected


def test_medication_problems() -> None:
    problems = _problems(
        {
            "patient": {"id": "p"},
            "medications": [
                {"drug": "x", "dose": -1, "unit": "mg"},
                {"drug": "y", "dose": 2},
                {"drug": "z", "dose": 2, "unit": "teaspoons", "route": "rectal?"},
                {"dose": 2, "unit": "mg"},
            ],
        }
    )
    assert problems["medications[0].dose"].extra["kind"] == "implausible"
    assert problems["medications[1].unit"].extra["kind"] == "missing"
    assert problems["medications[2].unit"].extra["kind"] == "unit"
    assert "IT" in (problems["medications[2].route"].accepted or "")
    assert problems["medications[3].drug"].extra["kind"] == "missing"


def test_methotrexate_levels() -> None:
    case = load_case(
        {
            "patient": {"id": "p"},
            "medications": [{"drug": "methotrexate", "levels": [{"hours": 42, "umol_per_l": 12}]}],
        }
    )
    assert case.medications[0].levels == [{"hours": 42.0, "umol_per_l": 12.0}]
    problems = _problems(
        {"patient": {"id": "p"}, "medications": [{"drug": "m", "levels": [{"hours": 42, "umol_l": 12}]}]}
    )
    assert problems["medications[0].levels[0].umol_l"].suggestion == "umol_per_l"


def test_only_implausible_problems_raise_implausible_value_error() -> None:
    with pytest.raises(ImplausibleValueError) as info:
        load_case({"patient": {"id": "p", "age_years": 300}, "blood": {"wbc": 3000}})
    assert len(info.value.problems) == 2
    assert "age_years" in str(info.value)


def test_mrd_written_as_percent_gets_a_hint() -> None:
    problem = _problems({"patient": {"id": "p"}, "timeline": [{"day": 29, "mrd": {"level": 5}}]})[
        "timeline[0].mrd.level"
    ]
    assert problem.suggestion == "{value: 5, unit: '%'}"


def test_numeric_id_from_yaml_gets_a_quoting_hint() -> None:
    with pytest.raises(CaseValidationError) as info:
        load_case_text("patient: {id: 001}\n", "yaml")
    assert "quote" in info.value.problems[0].message


def test_effective_as_of_day() -> None:
    base = {"patient": {"id": "p"}, "timeline": [{"day": 480}, {"day": 29}]}
    assert load_case(base).effective_as_of_day == 480
    assert load_case({**base, "as_of_day": 100}).effective_as_of_day == 100
    assert load_case({"patient": {"id": "p"}}).effective_as_of_day == 0
