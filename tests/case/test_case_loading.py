"""Loading: the public example cases, JSON and YAML text and files, round-trips, garbage never crashes."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any, Literal

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allnav.case import Case, load_case, load_case_file, load_case_text
from allnav.errors import CaseValidationError

DATA = Path(__file__).parent / "data"
EXAMPLES = sorted(DATA.glob("*.json"))


def test_there_are_five_examples() -> None:
    assert len(EXAMPLES) == 5


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_load(path: Path) -> None:
    case = load_case_file(path)
    raw = json.loads(path.read_text())
    assert case.patient.id == raw["patient"]["id"]
    assert case.blood.wbc == raw["blood"]["wbc"]
    assert len(case.immunophenotype) == len(raw["immunophenotype"])


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_round_trip_through_a_dump(path: Path) -> None:
    case = load_case_file(path)
    assert load_case(case.model_dump(mode="json")) == case


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_yaml_and_json_give_the_same_case(path: Path, tmp_path: Path) -> None:
    raw = json.loads(path.read_text())
    as_yaml = tmp_path / "case.yaml"
    as_yaml.write_text(yaml.safe_dump(raw))
    assert load_case_file(as_yaml) == load_case_file(path)
    assert load_case_text(yaml.safe_dump(raw)) == load_case_text(path.read_text())


def test_ph_example_details() -> None:
    case = load_case_file(DATA / "ph-positive-b-all.json")
    assert case.genetics[0].kind == "fusion"
    assert case.genetics[0].genes == ("BCR", "ABL1")
    assert case.immunophenotype["CD34"].percent == 85
    assert case.immunophenotype["cCD79a"].positive is True


def test_contract_yaml_example() -> None:
    text = """
patient: {id: demo-001, age_years: 34, sex: female, bsa_m2: 1.8}
presentation: {mediastinal_mass: false, lymphadenopathy: true, splenomegaly: true, ecog: 1}
blood: {wbc: 45.2, anc: 0.8, alc: 3.0, hemoglobin: 8.1, platelets: 32, blasts_pct: 60, rbc: 3.1}
marrow: {blasts_pct: 85, cellularity_pct: 95, fab: L1}
immunophenotype: {CD19: pos, cCD79a: pos, CD10: pos, cCD3: neg, MPO: neg, CD34: 80, CD5: dim}
reported_lineage: B
karyotype: "46,XX,t(9;22)(q34;q11.2)[18]/46,XX[2]"
genetics:
  - {finding: "BCR::ABL1", result: detected, method: RT-PCR, transcript: p190}
  - {finding: "IKZF1 deletion", result: detected, method: MLPA}
csf: {wbc_per_ul: 3, rbc_per_ul: 0, blasts: true, traumatic: false}
labs: {ldh: 900, ldh_uln: 250, uric_acid: 9.1, potassium: 4.0, phosphate: 4.2, calcium: 9.0, creatinine: 1.1}
timeline:
  - {day: 29, phase: induction, marrow: {blasts_pct: 2, trilineage_hematopoiesis: true},
     blood: {anc: 1.5, platelets: 120, hemoglobin: 9.8, blasts_pct: 0},
     mrd: {level: 0.0002, method: flow, sensitivity: 0.0001}, extramedullary_disease: false,
     vitals: {temperature_c: 38.6}, events: [fever]}
  - {day: 2, labs: {uric_acid: 8.5, potassium: 6.2, creatinine: 1.3}}
  - {day: 700, reported_status: CR}
as_of_day: 1450
medications:
  - {drug: daunorubicin, dose: 45, unit: mg/m2, day: 1}
  - {drug: methotrexate, dose: 3, unit: g/m2, day: 15, infusion_hours: 24, levels: [{hours: 42, umol_per_l: 12}]}
prior_anthracyclines: [{drug: doxorubicin, cumulative_mg_m2: 100}]
pharmacogenomics: {TPMT: normal, NUDT15: intermediate}
crs_icans:
  - {day: 3, temperature_c: 39.2, vasopressors: one, oxygen: high_flow, ice_score: 5, arousal: awakens_to_voice,
     seizure: false, motor_weakness: false, cerebral_edema: false}
"""
    case = load_case_text(text)
    assert [e.day for e in case.timeline] == [2, 29, 700]
    assert case.timeline[1].mrd is not None
    assert case.timeline[1].mrd.level == 0.0002
    assert case.immunophenotype["CD5"].intensity == "dim"
    assert case.crs_icans[0].ice_score == 5


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ('{"patient": {"id": "a"}, "patient": {"id": "b"}}', "json"),
        ("patient: {id: a}\npatient: {id: b}\n", "yaml"),
        ('{"patient": {"id": "a"}, "blood": {"wbc": NaN}}', "json"),
        ('{"patient": ', "json"),
        ("patient: [unclosed", "yaml"),
        ("- just\n- a list\n", "yaml"),
        ("42", "json"),
        ("", "yaml"),
    ],
)
def test_bad_text_is_refused_not_crashed(text: str, fmt: str) -> None:
    with pytest.raises(CaseValidationError) as info:
        load_case_text(text, fmt)  # type: ignore[arg-type]
    assert info.value.problems
    json.dumps(info.value.to_dict())


def test_deep_nesting_is_refused_not_crashed() -> None:
    with pytest.raises(CaseValidationError):
        load_case_text("[" * 100_000 + "]" * 100_000, "json")
    nested: Any = 1
    for _ in range(200):
        nested = {"a": nested}
    with pytest.raises(CaseValidationError):
        load_case({"patient": {"id": "p"}, "extra": nested})


def test_huge_numbers_are_refused_not_crashed() -> None:
    for data in (
        {"blood": {"wbc": 10**400}},
        {"as_of_day": 10**400},
        {"immunophenotype": {"CD3": 10**400}},
        {"blood": {"wbc": {"value": 10**400, "unit": "/uL"}}},
        {"medications": [{"drug": "m", "levels": [{"hours": 10**400}]}]},
        {"genetics": [{"finding": "DUX4", "probability": 10**400}]},
    ):
        with pytest.raises(CaseValidationError):
            load_case({"patient": {"id": "p"}, **data})


def test_format_is_sniffed(tmp_path: Path) -> None:
    plain = tmp_path / "case.txt"
    plain.write_text('{"patient": {"id": "a"}}')
    assert load_case_file(plain).patient.id == "a"
    plain.write_text("patient:\n  id: b\n")
    assert load_case_file(plain).patient.id == "b"


# -- robustness: any JSON-like input gives a Case or a CaseValidationError, nothing else --------------

_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from([10**400, -(10**400), 1e308, "pos", "neg", "45%", "/uL", "2024-01-01", "BCR-ABL1"])
)
_json = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
_FIELD_NAMES = ["patient", "blood", "marrow", "timeline", "immunophenotype", "genetics", "wbc", "day", "date",
                "id", "value", "unit", "finding", "medications", "dose", "route", "labs", "as_of_day", "csf"]  # fmt: skip
_shaped = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(_FIELD_NAMES), children, max_size=4)
    ),
    max_leaves=25,
)


def _only_validation_errors(data: Any) -> None:
    problems: list[Any] = []
    try:
        result: Case | None = load_case(data)
    except CaseValidationError as exc:
        result, problems = None, exc.problems
        json.dumps(exc.to_dict())
    assert isinstance(result, Case) or problems


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_json | _shaped)
def test_garbage_never_crashes(data: Any) -> None:
    _only_validation_errors(data)


@settings(max_examples=120, deadline=None)
@given(
    path=st.sampled_from(EXAMPLES),
    section=st.sampled_from(["blood", "marrow", "immunophenotype", "csf", "patient", "genetics"]),
    junk=_json,
)
def test_mutated_examples_never_crash(path: Path, section: str, junk: Any) -> None:
    raw = json.loads(path.read_text())
    target = raw.get(section)
    if isinstance(target, dict) and target:
        target[sorted(target)[0]] = junk
    elif isinstance(target, list) and target:
        target[0] = junk
    else:
        raw[section] = junk
    _only_validation_errors(raw)


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=200))
def test_garbage_text_never_crashes(text: str) -> None:
    formats: tuple[Literal["json", "yaml"] | None, ...] = ("json", "yaml", None)
    for fmt in formats:
        with contextlib.suppress(CaseValidationError):
            load_case_text(text, fmt)


def test_yaml_aliases_are_refused() -> None:
    text = "a: &a [1, 2, 3]\nb: &b [*a, *a, *a]\npatient: {id: p}\n"
    with pytest.raises(CaseValidationError) as info:
        load_case_text(text, "yaml")
    assert "aliases" in info.value.problems[0].message


def test_problem_values_are_bounded() -> None:
    nested: Any = list(range(10_000))
    with pytest.raises(CaseValidationError) as info:
        load_case({"patient": {"id": "p"}, "extra": {"x": nested, "y": "z" * 100_000}})
    assert len(json.dumps(info.value.to_dict())) < 5_000
