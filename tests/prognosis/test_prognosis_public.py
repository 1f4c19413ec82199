"""The public example cases: prognosis keys of expected.json (cases copied in tests/classification/data)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from allnav.case import load_case
from allnav.genetics import build_genetic_profile, karyotype_features_for
from allnav.knowledge import KnowledgeBase
from allnav.prognosis import assess_prognosis

DATA = Path(__file__).parent.parent / "classification" / "data"
EXPECTED: dict[str, dict[str, Any]] = json.loads((DATA / "expected.json").read_text())
CNS = {"CNS3": True, "CNS1": False}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_public_case(kb: KnowledgeBase, name: str) -> None:
    exp = EXPECTED[name]
    case = load_case(json.loads((DATA / name).read_text()))
    profile = build_genetic_profile(case, kb, karyotype_features_for(case))
    cns = CNS.get(exp.get("cns_status", ""))
    r = assess_prognosis(case, kb, exp["diagnosis"], exp.get("lineage"), exp.get("etp"), None, cns, profile)
    poor = {f["id"] for f in r.factors if f["direction"] == "poor"}
    good = {f["id"] for f in r.factors if f["direction"] == "good"}
    assert set(exp.get("poor_factors_include", [])) <= poor
    assert set(exp.get("good_factors_include", [])) <= good
    if "genetic_risk" in exp:
        assert r.genetic_risk["value"] == exp["genetic_risk"]
    if "ph_positive" in exp:
        assert r.ph_positive["value"] is exp["ph_positive"]
    if exp["diagnosis"] == "not ALL":
        assert r.factors == []
        assert r.genetic_risk["value"] is None


def test_ph_case_says_which_source_it_follows(kb: KnowledgeBase) -> None:
    case = load_case(json.loads((DATA / "ph-positive-b-all.json").read_text()))
    profile = build_genetic_profile(case, kb, karyotype_features_for(case))
    r = assess_prognosis(case, kb, "B-ALL", "B", None, None, False, profile)
    ph = next(f for f in r.factors if f["id"] == "ph_positive")
    assert "seed" in ph["follows"]
    assert ph["alternatives"][0]["source"].startswith("NCCN")
    assert r.genetic_risk["sub_risk"] == "Ph+, sub-risk indeterminate"
    assert r.genetic_risk["scheme"] == "NCCN ALL v2.2026 ALL-2 (B-ALL)"
    tests = [p["test"] for p in r.pending]
    assert "IKZF1 status (MLPA/array) for Ph+" in tests
    assert not any(t.startswith("BCR::ABL1") for t in tests)
