"""The five public example cases (copied from shared/eval/public/cases) against expected.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from dx_helpers import FakeProfile

from allnav.case import load_case
from allnav.diagnosis import assess_diagnosis
from allnav.immunophenotype import assess_immunophenotype

DATA = Path(__file__).parent / "data"
EXPECTED: dict[str, dict[str, Any]] = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example(kb, name) -> None:
    case = load_case(json.loads((DATA / name).read_text(encoding="utf-8")))
    immuno = assess_immunophenotype(case, kb)
    dx = assess_diagnosis(case, kb, immuno, FakeProfile())
    exp = EXPECTED[name]
    assert dx.diagnosis["value"] == exp["diagnosis"]
    if "lineage" in exp:
        assert immuno.lineage["value"] == exp["lineage"]
    for key in ("etp", "mpal"):
        if key in exp:
            assert getattr(immuno, key)["value"] is exp[key], key
    if "cns_status" in exp:
        assert dx.cns_status["value"] == exp["cns_status"]


def test_below_threshold_names_what_would_settle_it(kb) -> None:
    case = load_case(json.loads((DATA / "below-threshold.json").read_text(encoding="utf-8")))
    dx = assess_diagnosis(case, kb, assess_immunophenotype(case, kb), FakeProfile())
    tests = {p["test"] for p in dx.pending}
    assert "repeat bone marrow aspirate and biopsy with blast count" in tests
    assert "flow cytometry on peripheral blood" in tests
    assert "marrow.blasts_pct = 12 (< 20)" in dx.diagnosis["because"]


def test_etp_example_explains_cd13_without_mpo(kb) -> None:
    case = load_case(json.loads((DATA / "etp-t-all.json").read_text(encoding="utf-8")))
    immuno = assess_immunophenotype(case, kb)
    assert any("CD13 positive without MPO" in b for b in immuno.mpal["because"])
    assert immuno.etp["near_etp"] is False


def test_mpal_example_cns3a(kb) -> None:
    case = load_case(json.loads((DATA / "mpal-t-myeloid.json").read_text(encoding="utf-8")))
    dx = assess_diagnosis(case, kb, assess_immunophenotype(case, kb), FakeProfile())
    assert dx.cns_status["substatus"] == "CNS3a"


BOUNDARIES = DATA / "boundaries"
BOUNDARY_EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (BOUNDARIES / "expected.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("name", sorted(BOUNDARY_EXPECTED))
def test_boundary_case(kb, name) -> None:
    """Guideline-boundary case files (each cites the rule it probes in expected.json)."""
    exp = BOUNDARY_EXPECTED[name]
    assert exp["source"]
    case = load_case(json.loads((BOUNDARIES / name).read_text(encoding="utf-8")))
    immuno = assess_immunophenotype(case, kb)
    dx = assess_diagnosis(case, kb, immuno, FakeProfile(**exp.get("genetics_fake", {})))
    assert dx.diagnosis["value"] == exp["diagnosis"]
    checks = {
        "lineage": immuno.lineage["value"],
        "mpal": immuno.mpal["value"],
        "etp": immuno.etp["value"],
        "near_etp": immuno.etp.get("near_etp"),
        "mature_b": immuno.mature_b["value"],
        "protocol_dependent": dx.diagnosis.get("protocol_dependent"),
        "cns_status": dx.cns_status["value"],
        "substatus": dx.cns_status.get("substatus"),
    }
    for key, got in checks.items():
        if key in exp:
            assert got == exp[key], key
