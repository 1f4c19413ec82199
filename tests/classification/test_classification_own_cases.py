"""Our own case files (tests/classification/data/own), each citing its source in expected.json.

Diagnosis, lineage and ETP are given by expected.json (they come from other engines); the genetics,
classification and prognosis of each case are checked end to end from the case file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from allnav.case import load_case
from allnav.classification import classify
from allnav.genetics import build_genetic_profile, karyotype_features_for
from allnav.knowledge import KnowledgeBase
from allnav.prognosis import assess_prognosis

OWN = Path(__file__).parent / "data" / "own"
EXPECTED: dict[str, dict[str, Any]] = json.loads((OWN / "expected.json").read_text())


def test_every_case_file_has_expectations_and_a_source() -> None:
    files = {p.stem for p in OWN.glob("*.json") if p.name != "expected.json"}
    assert files == set(EXPECTED)
    assert all(e["source"] for e in EXPECTED.values())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_own_case(kb: KnowledgeBase, name: str) -> None:
    exp = EXPECTED[name]
    case = load_case(json.loads((OWN / f"{name}.json").read_text()))
    features = karyotype_features_for(case)
    profile = build_genetic_profile(case, kb, features)
    dx, lineage, etp = exp["diagnosis"], exp["lineage"], exp.get("etp")
    cls = classify(case, kb, dx, lineage, etp, profile, features)
    prog = assess_prognosis(case, kb, dx, lineage, etp, None, None, profile)
    factors = {f["id"]: f["direction"] for f in prog.factors}
    if "who2016_icdo3" in exp:
        assert cls.who2016["icdo3"] == exp["who2016_icdo3"]
    if "who2016_verify" in exp:
        assert cls.who2016["verify"] is exp["who2016_verify"]
    if "icc2022" in exp:
        assert cls.icc2022["value"] == exp["icc2022"]
    if "icd10cm" in exp:
        assert cls.icd10cm["value"] == exp["icd10cm"]
    if "ph_positive" in exp:
        assert prog.ph_positive["value"] is exp["ph_positive"]
    if "genetic_risk" in exp:
        assert prog.genetic_risk["value"] == exp["genetic_risk"]
    for fid in exp.get("poor_factors_include", []):
        assert factors.get(fid) == "poor", fid
    for fid in exp.get("good_factors_include", []):
        assert factors.get(fid) == "good", fid
    for fid in exp.get("factors_exclude", []):
        assert fid not in factors, fid
    rules = {a["rule"] for a in prog.alerts}
    assert set(exp.get("alerts_rules_include", [])) <= rules
    tests = [p["test"] for p in prog.pending]
    for wanted in exp.get("pending_include", []):
        assert any(t.startswith(wanted) for t in tests), wanted
