"""End to end: the public example cases give the expected answers (shared/eval/public/cases)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from allnav import assess

DATA = Path(__file__).parent / "data"
EXPECTED: dict[str, dict[str, Any]] = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))


def _value(obj: Any) -> Any:
    return obj.get("value") if isinstance(obj, dict) and "rule" in obj else obj


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_public_case(name: str) -> None:
    case = json.loads((DATA / name).read_text(encoding="utf-8"))
    out = assess(case)
    exp = EXPECTED[name]
    if "diagnosis" in exp:
        assert _value(out["diagnosis"]) == exp["diagnosis"]
    if "lineage" in exp:
        assert _value(out["lineage"]) == exp["lineage"]
    if "who2016_icdo3" in exp:
        assert out["who2016"]["icdo3"] == exp["who2016_icdo3"]
    for key in ("ph_positive", "etp", "mpal"):
        if key in exp:
            assert _value(out[key]) is exp[key], key
    if "cns_status" in exp:
        assert _value(out["cns_status"]) == exp["cns_status"]
    if "icd10cm" in exp:
        assert _value(out["icd10cm"]) == exp["icd10cm"]
    if "ploidy_class" in exp:
        assert out["ploidy"]["ploidy_class"] == exp["ploidy_class"]
    if "genetic_risk" in exp:
        assert _value(out["genetic_risk"]) == exp["genetic_risk"]
    poor = {f["id"] for f in out["prognostic_factors"] if f["direction"] == "poor"}
    good = {f["id"] for f in out["prognostic_factors"] if f["direction"] == "good"}
    assert set(exp.get("poor_factors_include", [])) <= poor
    assert set(exp.get("good_factors_include", [])) <= good


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_conclusion_is_explained(name: str) -> None:
    out = assess(json.loads((DATA / name).read_text(encoding="utf-8")))
    assert out["allnav_version"]
    assert out["knowledge_version"]

    def walk(obj: Any, path: str) -> None:
        if isinstance(obj, dict):
            if "rule" in obj and "value" in obj:
                assert obj["rule_version"], path
                assert isinstance(obj["because"], list), path
                assert obj["sources"], f"{path}: a conclusion without sources"
            for k, v in obj.items():
                walk(v, f"{path}.{k}")
        elif isinstance(obj, list):
            for i, v in enumerate(obj):
                walk(v, f"{path}[{i}]")

    walk(out, name)


def test_below_threshold_names_what_would_settle_it() -> None:
    out = assess(json.loads((DATA / "below-threshold.json").read_text(encoding="utf-8")))
    assert _value(out["diagnosis"]) == "not ALL"
    assert out["pending"], "a below-threshold case must say which test would settle it"


def test_ph_positive_factor_says_which_source_it_follows() -> None:
    out = assess(json.loads((DATA / "ph-positive-b-all.json").read_text(encoding="utf-8")))
    ph = next(f for f in out["prognostic_factors"] if f["id"] == "ph_positive")
    assert len(ph["sources"]) >= 2
    assert any("pending" in str(out["pending"]).lower() or "IKZF1" in p["test"] for p in out["pending"])
