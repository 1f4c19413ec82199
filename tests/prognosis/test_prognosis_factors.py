"""Prognostic factors at their boundaries and in both directions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from allnav.case.model import Case
from allnav.genetics import build_genetic_profile
from allnav.knowledge import KnowledgeBase
from allnav.prognosis import assess_prognosis

Make = Callable[..., Case]


def _factors(kb: KnowledgeBase, case: Case, diagnosis: str = "B-ALL", lineage: str | None = "B",
             etp: bool | None = None, b_stage: str | None = None, cns: bool | None = None,
             response: dict[str, Any] | None = None, features: dict[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
    profile = build_genetic_profile(case, kb, features)
    r = assess_prognosis(case, kb, diagnosis, lineage, etp, b_stage, cns, profile, response)
    return {f["id"]: f for f in r.factors}


@pytest.mark.parametrize(
    ("lineage", "wbc", "high"),
    [("B", 29.9, False), ("B", 30.0, True), ("B", 45.0, True), ("T", 99.9, False), ("T", 100.0, True)],
)
def test_wbc_high_boundaries(
    kb: KnowledgeBase, make_case: Make, lineage: str, wbc: float, high: bool
) -> None:
    f = _factors(kb, make_case(blood={"wbc": wbc}), f"{lineage}-ALL", lineage)
    assert ("wbc_high" in f) is high
    if high:
        assert f["wbc_high"]["direction"] == "poor"
        assert f["wbc_high"]["value"] == wbc


def test_wbc_high_uses_diagnosis_when_lineage_missing(kb: KnowledgeBase, make_case: Make) -> None:
    assert "wbc_high" in _factors(kb, make_case(blood={"wbc": 50}), "B-ALL", None)
    assert "wbc_high" not in _factors(kb, make_case(blood={"wbc": 50}), "T-ALL", None)
    assert "wbc_high" not in _factors(kb, make_case(blood={"wbc": 500}), "MPAL", "B/myeloid")


@pytest.mark.parametrize(
    ("age", "direction", "band"),
    [
        (14.9, "good", "under 15"),
        (15, "good", "AYA 15-39"),
        (35, "good", "AYA 15-39"),
        (35.5, "poor", "AYA 15-39"),
        (39, "poor", "AYA 15-39"),
        (40, "poor", "adult 40"),
    ],
)
def test_age_bands(kb: KnowledgeBase, make_case: Make, age: float, direction: str, band: str) -> None:
    case = Case.model_validate({"patient": {"id": "a", "age_years": age}})
    f = _factors(kb, case)["age"]
    assert f["direction"] == direction
    assert f["band"].startswith(band)
    assert f["value"] == age
    assert f["verify"] is True


@pytest.mark.parametrize(
    ("age", "seed_band"), [(49.9, "under 50"), (50, "50-59"), (59.9, "50-59"), (60, "60 or older")]
)
def test_age_seed_band(kb: KnowledgeBase, age: float, seed_band: str) -> None:
    case = Case.model_validate({"patient": {"id": "a", "age_years": age}})
    assert _factors(kb, case)["age"]["seed_band"] == seed_band


def test_no_age_no_factor(kb: KnowledgeBase) -> None:
    assert "age" not in _factors(kb, Case.model_validate({"patient": {"id": "a"}}))


@pytest.mark.parametrize(
    ("finding", "fid", "direction"),
    [
        ("BCR::ABL1", "ph_positive", "poor"),
        ("KMT2A rearrangement", "kmt2a_r", "poor"),
        ("KMT2A::AFF1", "t_4_11", "poor"),
        ("IGH rearrangement", "igh_r", "poor"),
        ("iAMP21", "iamp21", "poor"),
        ("complex karyotype", "complex_karyotype", "poor"),
        ("TP53 p.R248Q", "tp53", "poor"),
        ("IKZF1 deletion", "ikzf1_alteration", "poor"),
        ("IKZF1plus", "ikzf1plus", "poor"),
        ("P2RY8::CRLF2", "bcr_abl1_like", "poor"),
        ("near haploid", "hypodiploid_lt44", "poor"),
        ("high hyperdiploid", "high_hyperdiploid", "good"),
        ("ETV6::RUNX1", "t_12_21", "good"),
        ("TCF3::PBX1", "t_1_19", "good"),
        ("IGH::DUX4", "dux4_r", "good"),
    ],
)
def test_genetic_factor_present_and_absent(
    kb: KnowledgeBase, make_case: Make, finding: str, fid: str, direction: str
) -> None:
    present = _factors(kb, make_case(genetics=[{"finding": finding, "result": "detected", "method": "FISH"}]))
    assert present[fid]["direction"] == direction
    assert present[fid]["inputs"]
    absent = _factors(
        kb, make_case(genetics=[{"finding": finding, "result": "not_detected", "method": "FISH"}])
    )
    assert fid not in absent


def test_hypodiploid_factor_boundary(kb: KnowledgeBase, make_case: Make) -> None:
    def feats(m: int) -> dict[str, Any]:
        return {"input": "x", "valid": True, "modal_number": m, "recurrent": {}, "clones": []}

    f43 = _factors(kb, make_case(), features=feats(43))
    assert f43["hypodiploid_lt44"]["follows"].startswith("NCCN")
    assert {a["cut_point"] for a in f43["hypodiploid_lt44"]["alternatives"]} >= {"< 46"}
    assert "hypodiploid_lt44" not in _factors(kb, make_case(), features=feats(44))
    assert "hypodiploid_lt44" not in _factors(kb, make_case(), features=feats(45))
    assert "hypodiploid_lt44" in _factors(kb, make_case(), features=feats(70))  # near-triploid (NCCN)


def test_t_1_19_names_the_disagreement(kb: KnowledgeBase, make_case: Make) -> None:
    f = _factors(kb, make_case(genetics=[{"finding": "TCF3::PBX1"}]))["t_1_19"]
    assert f["follows"].startswith("NCCN")
    assert f["alternatives"] == [
        {"source": "GRAALL-2003/2005 (clinical_rules.md F2 [S46])", "direction": "poor"}
    ]


@pytest.mark.parametrize(
    ("ikzf1plus", "cml", "nccn"), [("detected", None, "poor"), ("not_detected", False, "standard"),
                                   ("not_detected", None, "indeterminate"), (None, True, "poor")]
)  # fmt: skip
def test_ph_positive_alternative_follows_nccn_subgroup(
    kb: KnowledgeBase, make_case: Make, ikzf1plus: str | None, cml: bool | None, nccn: str
) -> None:
    g = [{"finding": "BCR::ABL1"}] + ([{"finding": "IKZF1plus", "result": ikzf1plus}] if ikzf1plus else [])
    f = _factors(kb, make_case(genetics=g, presentation={"antecedent_cml": cml}))
    assert f["ph_positive"]["direction"] == "poor"
    assert f["ph_positive"]["alternatives"][0]["direction"] == nccn
    assert ("antecedent_cml" in f) is bool(cml)


@pytest.mark.parametrize(
    ("kw", "fid"),
    [({"etp": True, "diagnosis": "T-ALL", "lineage": "T"}, "etp"), ({"b_stage": "pro-B"}, "pro_b"),
     ({"cns": True}, "cns_disease")],
)  # fmt: skip
def test_flag_factors_both_ways(kb: KnowledgeBase, make_case: Make, kw: dict[str, Any], fid: str) -> None:
    assert _factors(kb, make_case(), **kw)[fid]["direction"] == "poor"
    off: dict[str, Any] = {
        k: (False if isinstance(v, bool) else ("common" if k == "b_stage" else v)) for k, v in kw.items()
    }
    assert fid not in _factors(kb, make_case(), **off)


@pytest.mark.parametrize(
    ("weeks", "within", "late"), [(4.0, True, False), (5.0, True, False), (5.14, False, True)]
)
def test_late_cr_reads_the_response_engine_timing(
    kb: KnowledgeBase, make_case: Make, weeks: float, within: bool, late: bool
) -> None:
    timing = {"weeks_from_treatment_start": weeks, "within_4_to_5_weeks": within}
    resp = {"value": "CR", "time_to_cr_days": round(weeks * 7), "time_to_cr": timing}
    f = _factors(kb, make_case(), response={"response": resp})
    assert ("late_cr" in f) is late


def test_late_cr_needs_the_timing_not_a_bare_day_count(kb: KnowledgeBase, make_case: Make) -> None:
    f = _factors(kb, make_case(), response={"response": {"value": "CR", "time_to_cr_days": 60}})
    assert "late_cr" not in f


def test_response_factors(kb: KnowledgeBase, make_case: Make) -> None:
    f = _factors(
        kb,
        make_case(),
        response={"response": {"value": "refractory"}, "mrd": {"status": "positive", "level": 1e-3}},
    )
    assert f["no_cr"]["direction"] == "poor"
    assert f["mrd_positive"]["level"] == 1e-3
    g = _factors(
        kb,
        make_case(),
        response={"response": {"value": "CR", "time_to_cr_days": 20}, "mrd": {"status": "negative"}},
    )
    assert not {"no_cr", "mrd_positive", "late_cr"} & g.keys()
    assert not {"no_cr", "mrd_positive", "late_cr"} & _factors(kb, make_case()).keys()


def test_not_all_has_no_factors(kb: KnowledgeBase, make_case: Make) -> None:
    assert _factors(kb, make_case(blood={"wbc": 80}), "not ALL", None) == {}
