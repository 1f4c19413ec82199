"""The hand-written clinical corpus: one small case per rule boundary, answers from the rule book.

Each file in ``data/corpus/`` probes ONE rule of ``clinical_rules.md`` (or the case-file contract) at or near
its boundary; ``data/corpus/expected.json`` holds the answers, written by hand from the rule book (never by
running allnav), each with a ``why`` that cites the section. Only what the rule book decides unambiguously is
asserted. The helpers below are tolerant of the output's *shape* (a conclusion's ``value`` or ``grade``, a
field on the conclusion or inside its ``value``) but never of the clinical answer.

The five demonstration patients in ``src/allnav/services/demo/`` are checked here too: they load, and their courses
reach the states they were written to show.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

import allnav
from allnav.case import load_case, load_case_file

CORPUS = Path(__file__).parent / "data" / "corpus"
DEMO = Path(__file__).resolve().parents[2] / "src" / "allnav" / "services" / "demo"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))

VALID = sorted(n for n, e in EXPECTED.items() if not e.get("invalid"))
INVALID = sorted(n for n, e in EXPECTED.items() if e.get("invalid"))
META_KEYS = {"why", "invalid", "error_path"}
CHECKED_KEYS = {
    "diagnosis",
    "diagnosis_in",
    "diagnosis_not",
    "flag_includes",
    "lineage",
    "who2016_icdo3",
    "ph_positive",
    "etp",
    "mpal",
    "cns_disease",
    "cns_status",
    "cns_substatus",
    "icd10cm",
    "icd10cm_prefix",
    "ploidy_class",
    "genetic_risk",
    "genetic_risk_not",
    "poor_factors_include",
    "good_factors_include",
    "factors_absent",
    "response",
    "response_not",
    "mrd_status",
    "late_relapse",
    "relapse_site",
    "ctcae",
    "crs_grade",
    "icans_grade",
    "anthracycline_doxo_equiv",
    "pending_tests_include",
    "pending_nonempty",
}
CTCAE_TERMS = {"anemia", "neutrophil_count_decreased", "platelet_count_decreased", "febrile_neutropenia"}

# ------------------------------------------------------------------------------------------- shape helpers


def _case(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CORPUS / name).read_text(encoding="utf-8"))
    return data


@cache
def _assessed(name: str) -> Mapping[str, Any]:
    """One assessment per corpus case for the whole module (allnav itself never caches)."""
    out: Mapping[str, Any] = allnav.assess(_case(name))
    return out


def _value(obj: Any) -> Any:
    """A conclusion's answer: its ``value`` (else ``grade``); anything else as it is."""
    if isinstance(obj, Mapping):
        for key in ("value", "grade"):
            if key in obj:
                return obj[key]
    return obj


def _grade(obj: Any) -> Any:
    """A grade however it is wrapped: ``{"grade": 2}``, a conclusion ``{"value": 2}``, ``{"value": {"grade": 2}}``,
    ``2`` or ``"G2"``/``"grade 2"``. Booleans are not grades."""
    for _ in range(3):
        if not isinstance(obj, Mapping):
            break
        obj = obj["grade"] if obj.get("grade") is not None else obj.get("value")
    if isinstance(obj, str):
        m = re.fullmatch(r"\s*(?:grade\s*|g)?([0-5])\s*", obj, flags=re.IGNORECASE)
        if m:
            return int(m.group(1))
    if isinstance(obj, bool):
        return f"not a grade: {obj!r}"
    if isinstance(obj, float) and obj.is_integer():
        return int(obj)
    return obj


def _field(obj: Any, key: str) -> Any:
    """``obj[key]``, or ``obj["value"][key]`` when the field sits inside the conclusion's value."""
    if isinstance(obj, Mapping):
        if key in obj:
            return obj[key]
        inner = obj.get("value")
        if isinstance(inner, Mapping) and key in inner:
            return inner[key]
    return None


def _section(out: Mapping[str, Any], *path: str) -> Any:
    obj: Any = out
    for key in path:
        obj = _field(obj, key)
        if obj is None:
            return None
    return obj


def _factors(out: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    factors = out.get("prognostic_factors") or []
    assert isinstance(factors, list), "prognostic_factors must be a list"
    return [f for f in factors if isinstance(f, Mapping)]


def _factor_ids(out: Mapping[str, Any], direction: str | None = None) -> set[str]:
    return {str(f.get("id")) for f in _factors(out) if direction is None or f.get("direction") == direction}


def _pending_tests(out: Mapping[str, Any]) -> list[str]:
    return [str(p.get("test", "")) if isinstance(p, Mapping) else str(p) for p in out.get("pending") or []]


# ------------------------------------------------------------------------------------------- the checks


def _check(out: Mapping[str, Any], key: str, exp: Any) -> None:
    if key == "diagnosis":
        assert _value(out["diagnosis"]) == exp
    elif key == "diagnosis_in":
        assert _value(out["diagnosis"]) in exp
    elif key == "diagnosis_not":
        assert _value(out["diagnosis"]) not in exp
    elif key == "flag_includes":
        text = json.dumps([out.get("diagnosis"), out.get("alerts")], default=str).lower()
        for word in exp:
            assert word.lower() in text, f"{word!r} not flagged on the diagnosis or in the alerts"
    elif key in ("lineage", "icd10cm", "genetic_risk"):
        assert _value(out[key]) == exp
    elif key == "icd10cm_prefix":
        assert str(_value(out["icd10cm"])).startswith(exp)
    elif key == "genetic_risk_not":
        assert _value(out["genetic_risk"]) not in exp
    elif key == "who2016_icdo3":
        assert _field(out["who2016"], "icdo3") == exp
    elif key in ("ph_positive", "etp", "mpal", "cns_disease"):
        assert _value(out[key]) is exp
    elif key == "cns_status":
        assert _value(out["cns_status"]) == exp
    elif key == "cns_substatus":
        assert _field(out["cns_status"], "substatus") == exp
    elif key == "ploidy_class":
        assert _field(out["ploidy"], "ploidy_class") == exp
    elif key == "poor_factors_include":
        missing = set(exp) - _factor_ids(out, "poor")
        assert not missing, f"poor factors missing: {sorted(missing)}; got {sorted(_factor_ids(out))}"
    elif key == "good_factors_include":
        missing = set(exp) - _factor_ids(out, "good")
        assert not missing, f"good factors missing: {sorted(missing)}; got {sorted(_factor_ids(out))}"
    elif key == "factors_absent":
        present = set(exp) & _factor_ids(out)
        assert not present, f"factors that must not be present: {sorted(present)}"
    elif key == "response":
        assert _value(out["response"]) == exp
    elif key == "response_not":
        assert _value(out["response"]) not in exp
    elif key in ("late_relapse", "relapse_site"):
        got = _value(_field(out["response"], key))
        assert got is exp if isinstance(exp, bool) else got == exp
    elif key == "mrd_status":
        mrd = out["mrd"]
        got = _field(mrd, "status")
        assert (got if got is not None else _value(mrd)) == exp
    elif key == "ctcae":
        for term, grade in exp.items():
            got = _grade(_section(out, "safety", "ctcae", term))
            assert got == grade, f"CTCAE {term}: expected grade {grade}, got {got!r}"
    elif key in ("crs_grade", "icans_grade"):
        got = _grade(_section(out, "safety", key))
        assert got == exp, f"{key}: expected {exp}, got {got!r}"
    elif key == "anthracycline_doxo_equiv":
        got = _section(out, "safety", "anthracycline", "doxorubicin_equivalent_mg_m2")
        assert isinstance(got, int | float), f"no number: {got!r}"
        assert not isinstance(got, bool), f"no number: {got!r}"
        assert got == pytest.approx(exp, abs=0.05)
    elif key == "pending_tests_include":
        tests = _pending_tests(out)
        for word in exp:
            assert any(word.lower() in t.lower() for t in tests), f"no pending test naming {word!r}: {tests}"
    elif key == "pending_nonempty":
        assert bool(out.get("pending")) is exp
    else:  # pragma: no cover - guarded by test_expectations_are_well_formed
        pytest.fail(f"unknown expectation key {key!r}")


CHECKS = [(name, key) for name in VALID for key in sorted(EXPECTED[name]) if key not in META_KEYS]


@pytest.mark.parametrize(("name", "key"), CHECKS, ids=[f"{n[:-5]}:{k}" for n, k in CHECKS])
def test_corpus_case(name: str, key: str) -> None:
    """Each expected key of each corpus case matches allnav's assessment (see the case's ``why``)."""
    out = _assessed(name)
    try:
        _check(out, key, EXPECTED[name][key])
    except (KeyError, TypeError) as exc:  # a missing section is a failed expectation, said plainly
        pytest.fail(f"{name}: output lacks what {key!r} needs ({exc!r}); why: {EXPECTED[name]['why']}")
    except AssertionError as exc:
        raise AssertionError(f"{name} {key}: {exc}\nwhy: {EXPECTED[name]['why']}") from None


@pytest.mark.parametrize("name", INVALID)
def test_corpus_invalid_case_is_refused_by_assess(name: str) -> None:
    """An invalid case raises CaseValidationError naming the field at fault."""
    with pytest.raises(allnav.CaseValidationError) as err:
        allnav.assess(_case(name))
    paths = [p.path for p in err.value.problems]
    assert EXPECTED[name]["error_path"] in paths, paths


# ------------------------------------------------------------------------------------------- the corpus itself


def test_every_corpus_file_has_an_expectation_and_back() -> None:
    files = {p.name for p in CORPUS.glob("*.json")} - {"expected.json"}
    assert files == set(EXPECTED)
    assert len(files) >= 40


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expectations_are_well_formed(name: str) -> None:
    exp = EXPECTED[name]
    unknown = set(exp) - CHECKED_KEYS - META_KEYS
    assert not unknown, f"unknown expectation keys {sorted(unknown)}"
    assert "clinical_rules.md" in exp["why"] or "contracts.md" in exp["why"], "the why must cite its section"
    if exp.get("invalid"):
        assert isinstance(exp.get("error_path"), str)
        assert exp["error_path"]
        assert set(exp) <= META_KEYS, "an invalid case asserts only its refusal"
    else:
        assert set(exp) - META_KEYS, "a valid case must assert something"
    assert set(exp.get("ctcae", {})) <= CTCAE_TERMS


@pytest.mark.parametrize("name", VALID)
def test_valid_corpus_case_loads(name: str) -> None:
    case = load_case_file(CORPUS / name)
    assert case.patient.id.startswith("corpus-")


@pytest.mark.parametrize("name", INVALID)
def test_invalid_corpus_case_is_refused_by_the_loader(name: str) -> None:
    with pytest.raises(allnav.CaseValidationError) as err:
        load_case(_case(name))
    assert EXPECTED[name]["error_path"] in [p.path for p in err.value.problems]


# ------------------------------------------------------------------------------------------- demo patients

DEMOS = sorted(p for p in DEMO.glob("*.yaml") if p.name != "index.yaml")

# What each demonstration course was written to show (from the rule book; see each file's header).
DEMO_EXPECTED: dict[str, dict[str, Any]] = {
    "ph.yaml": {"ph_positive": True, "response": "CR", "mrd_status": "negative"},
    "etp.yaml": {
        "etp": True,
        "lineage": "T",
        "cns_status": "CNS1",
        "mrd_status": "positive",
    },
    "relapse.yaml": {"response": "relapse", "late_relapse": True, "relapse_site": "marrow"},
    "older.yaml": {"diagnosis": "B-ALL", "ph_positive": False, "anthracycline_doxo_equiv": 240},
    "cart.yaml": {"crs_grade": 2, "icans_grade": 1},
}


def test_five_demo_patients() -> None:
    assert [p.name for p in DEMOS] == sorted(DEMO_EXPECTED)


@pytest.mark.parametrize("path", DEMOS, ids=[p.stem for p in DEMOS])
def test_demo_file_loads(path: Path) -> None:
    head = path.read_text(encoding="utf-8").splitlines()[:3]
    assert any("invented" in line.lower() for line in head if line.startswith("#")), "say it is invented"
    case = load_case_file(path)
    assert case.timeline, "a demonstration patient has a course"
    assert case.medications, "a demonstration patient has medications"
    assert case.patient.bsa_m2 is not None


DEMO_CHECKS = [(n, k) for n in sorted(DEMO_EXPECTED) for k in sorted(DEMO_EXPECTED[n])]


@cache
def _assessed_demo(name: str) -> Mapping[str, Any]:
    case = yaml.safe_load((DEMO / name).read_text(encoding="utf-8"))
    out: Mapping[str, Any] = allnav.assess(case)
    return out


@pytest.mark.parametrize(("name", "key"), DEMO_CHECKS, ids=[f"{n[:-5]}:{k}" for n, k in DEMO_CHECKS])
def test_demo_course(name: str, key: str) -> None:
    """Each demonstration course reaches the state its header describes."""
    _check(_assessed_demo(name), key, DEMO_EXPECTED[name][key])
