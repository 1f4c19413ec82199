"""Boundaries and composite rules: iAMP21 copies, ploidy cut-points, masked hypodiploidy, IKZF1plus,
T-ALL genes, conflicts between tests, CML alerts, missing or invalid karyotypes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from allnav.case.model import Case
from allnav.genetics import build_genetic_profile, karyotype_features_for
from allnav.knowledge import KnowledgeBase

Make = Callable[..., Case]
Feat = Callable[[str], dict[str, Any]]


def _modal_features(modal: int | list[int], clones: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Hand-written section-2 features for ploidy tests (independent of the karyotype engine)."""
    return {"input": f"{modal},XX", "valid": True, "modal_number": modal, "ploidy_class": None,
            "complex": False, "recurrent": {}, "clones": clones or []}  # fmt: skip


# --- iAMP21 by RUNX1 FISH (B1: >= 5 signals) ------------------------------------------------------------
@pytest.mark.parametrize(("copies", "present"), [(3, False), (4, False), (5, True), (6, True)])
def test_iamp21_runx1_copy_boundary(kb: KnowledgeBase, make_case: Make, copies: int, present: bool) -> None:
    case = make_case(genetics=[{"finding": "RUNX1 copies", "method": "FISH", "copies": copies}])
    call = build_genetic_profile(case, kb, None).call("iamp21")
    assert call.present is present
    assert call.inputs[0]["copies"] == copies


def test_iamp21_copies_by_other_method_do_not_count(kb: KnowledgeBase, make_case: Make) -> None:
    case = make_case(genetics=[{"finding": "RUNX1 copies", "method": "MLPA", "copies": 6}])
    p = build_genetic_profile(case, kb, None)
    assert p.present("iamp21") is None


def test_iamp21_copies_explained_by_polysomy_21(kb: KnowledgeBase, make_case: Make, kfeat: Feat) -> None:
    text = "52,XX,+4,+6,+21,+21,+21,+X[20]"
    case = make_case(karyotype=text, genetics=[{"finding": "RUNX1 copies", "method": "FISH", "copies": 5}])
    p = build_genetic_profile(case, kb, kfeat(text))
    assert p.present("iamp21") is None
    assert any("polysomy 21" in a["value"] for a in p.alerts)


# --- ploidy cut-points ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("modal", "present"), [(42, True), (43, True), (44, False), (45, False), (46, False)]
)
def test_hypodiploid_lt44_boundary(kb: KnowledgeBase, make_case: Make, modal: int, present: bool) -> None:
    p = build_genetic_profile(make_case(), kb, _modal_features(modal))
    assert p.present("hypodiploid_lt44") is present


@pytest.mark.parametrize(("modal", "present"), [([43, 45], None), ([40, 43], True), ([44, 47], False)])
def test_hypodiploid_lt44_with_modal_range(
    kb: KnowledgeBase, make_case: Make, modal: list[int], present: bool | None
) -> None:
    p = build_genetic_profile(make_case(), kb, _modal_features(modal))
    assert p.present("hypodiploid_lt44") is present


@pytest.mark.parametrize(
    ("lesion", "below", "lo", "hi", "above"),
    [("near_haploid", 23, 24, 31, 32), ("low_hypodiploid", 31, 32, 39, 40), ("high_hyperdiploid", 50, 51, 67, 68)],
)  # fmt: skip
def test_ploidy_group_boundaries(
    kb: KnowledgeBase, make_case: Make, lesion: str, below: int, lo: int, hi: int, above: int
) -> None:
    def call(m: int) -> bool | None:
        return build_genetic_profile(make_case(), kb, _modal_features(m)).present(lesion)

    assert (call(below), call(lo), call(hi), call(above)) == (False, True, True, False)


@pytest.mark.parametrize(
    ("modal", "present"), [(59, False), (60, None), (67, None), (68, True), (78, True), (79, False)]
)
def test_masked_hypodiploidy_by_modal(
    kb: KnowledgeBase, make_case: Make, modal: int, present: bool | None
) -> None:
    p = build_genetic_profile(make_case(), kb, _modal_features(modal))
    assert p.present("near_triploid_masked") is present


def test_masked_hypodiploidy_from_clone_pair(kb: KnowledgeBase, make_case: Make) -> None:
    clones = [{"text": "62,XX,...", "chromosome_count": 62, "role": "stemline"},
              {"text": "31,X,...", "chromosome_count": 31, "role": "sideline"},
              {"text": "33,X,...", "chromosome_count": 33, "role": "sideline"}]  # fmt: skip
    p = build_genetic_profile(make_case(), kb, _modal_features(62, clones))
    assert p.present("near_triploid_masked") is True
    assert p.present("high_hyperdiploid") is False


def test_ploidy_uses_the_engine_span(kb: KnowledgeBase, make_case: Make, kfeat: Feat) -> None:
    text = "55,XY,+X,+4,+6,+10,+14,+17,+18,+21,+21[20]"
    call = build_genetic_profile(make_case(karyotype=text), kb, kfeat(text)).call("high_hyperdiploid")
    assert call.present is True
    assert call.inputs[0]["span"] == [0, 2]


# --- IKZF1plus (B5) ------------------------------------------------------------------------------------
def _mlpa(*items: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"finding": f, "result": r, "method": "MLPA"} for f, r in items]


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        ([("IKZF1 deletion", "detected"), ("CDKN2A deletion", "detected"), ("ERG deletion", "not_detected")], True),
        ([("IKZF1 deletion", "detected"), ("PAX5 deletion", "detected"), ("ERG deletion", "not_detected")], True),
        ([("IKZF1 deletion", "detected"), ("PAR1 deletion", "detected"), ("ERG deletion", "not_detected")], True),
        ([("IKZF1 deletion", "detected"), ("CDKN2B deletion", "detected"), ("ERG deletion", "detected")], False),
        ([("IKZF1 deletion", "not_detected"), ("CDKN2A deletion", "detected")], False),
        ([("IKZF1 deletion", "detected"), ("CDKN2A deletion", "detected")], None),
        ([("IKZF1 deletion", "detected")], None),
        ([("CDKN2A deletion", "detected")], None),
        ([("IKZF1 deletion", "detected"), ("CDKN2A deletion", "not_detected"), ("CDKN2B deletion", "not_detected"),
          ("PAX5 deletion", "not_detected"), ("PAR1 deletion", "not_detected"), ("ERG deletion", "not_detected")], False),
        ([("IKZF1plus", "detected")], True),
    ],
)  # fmt: skip
def test_ikzf1plus(
    kb: KnowledgeBase, make_case: Make, findings: list[tuple[str, str]], expected: bool | None
) -> None:
    p = build_genetic_profile(make_case(genetics=_mlpa(*findings)), kb, None)
    assert p.present("ikzf1plus") is expected


def test_ikzf1plus_unknown_component_is_pending(kb: KnowledgeBase, make_case: Make) -> None:
    p = build_genetic_profile(make_case(genetics=_mlpa(("IKZF1 deletion", "detected"))), kb, None)
    assert any("IKZF1plus" in item["test"] for item in p.pending)


# --- T-ALL genes ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("findings", "notch", "ras"),
    [
        ([("NOTCH1 mutation", "detected")], True, None),
        ([("NOTCH1 mutation", "not_detected")], None, None),
        ([("NOTCH1 mutation", "not_detected"), ("FBXW7 mutation", "not_detected")], False, None),
        ([("NOTCH1 wild type", "detected"), ("FBXW7 wild type", "detected")], False, None),
        ([("NRAS mutation", "not_detected"), ("KRAS mutation", "not_detected"), ("PTEN mutation", "not_detected")],
         None, False),
        ([("KRAS p.G12D", "detected")], None, True),
    ],
)  # fmt: skip
def test_t_all_genes(
    kb: KnowledgeBase, make_case: Make, findings: list[tuple[str, str]], notch: bool | None, ras: bool | None
) -> None:
    g = [{"finding": f, "result": r, "method": "NGS"} for f, r in findings]
    p = build_genetic_profile(make_case(genetics=g), kb, None)
    assert (p.present("notch1_fbxw7"), p.present("ras_pten")) == (notch, ras)


# --- conflicts between tests ---------------------------------------------------------------------------
def test_karyotype_vs_pcr_conflict_decided_by_pcr(kb: KnowledgeBase, make_case: Make, kfeat: Feat) -> None:
    text = "46,XY,t(9;22)(q34.1;q11.2)[20]"
    case = make_case(
        karyotype=text, genetics=[{"finding": "BCR::ABL1", "result": "not_detected", "method": "RT-PCR"}]
    )
    p = build_genetic_profile(case, kb, kfeat(text))
    call = p.call("bcr_abl1")
    assert call.present is False
    assert call.conflict
    alert = next(a for a in p.alerts if a.get("lesion") == "bcr_abl1")
    assert alert["rule"] == "gen.method_precedence"
    assert any("RT-PCR" in b for b in alert["because"])
    assert alert["decided_by"]["field"] == "genetics[0]"


def test_fish_vs_pcr_conflict_decided_by_pcr(kb: KnowledgeBase, make_case: Make) -> None:
    g = [{"finding": "BCR::ABL1", "result": "detected", "method": "FISH"},
         {"finding": "BCR::ABL1", "result": "not_detected", "method": "RT-PCR"}]  # fmt: skip
    p = build_genetic_profile(make_case(genetics=g), kb, None)
    assert p.present("bcr_abl1") is False
    assert any(a.get("lesion") == "bcr_abl1" for a in p.alerts)


def test_equal_rank_conflict_is_unknown_and_pending(kb: KnowledgeBase, make_case: Make) -> None:
    g = [{"finding": "BCR::ABL1", "result": "detected", "method": "RT-PCR"},
         {"finding": "BCR::ABL1", "result": "not_detected", "method": "NGS"}]  # fmt: skip
    p = build_genetic_profile(make_case(genetics=g), kb, None)
    assert p.present("bcr_abl1") is None
    assert any("BCR::ABL1" in item["test"] for item in p.pending)


def test_cryptic_fusion_is_not_a_conflict(kb: KnowledgeBase, make_case: Make, kfeat: Feat) -> None:
    case = make_case(karyotype="46,XX[20]", genetics=[{"finding": "BCR::ABL1", "method": "RT-PCR"}])
    p = build_genetic_profile(case, kb, kfeat("46,XX[20]"))
    assert p.present("bcr_abl1") is True
    assert not p.call("bcr_abl1").conflict
    assert not [a for a in p.alerts if a.get("lesion") == "bcr_abl1"]


def test_indeterminate_result_is_unknown_and_pending(kb: KnowledgeBase, make_case: Make) -> None:
    g = [{"finding": "TP53 mutation", "result": "indeterminate", "method": "NGS"}]
    p = build_genetic_profile(make_case(genetics=g), kb, None)
    assert p.present("tp53") is None
    assert any("TP53" in item["test"] for item in p.pending)


# --- CML ------------------------------------------------------------------------------------------------
def test_p210_raises_cml_alert_and_keeps_transcript(kb: KnowledgeBase, make_case: Make) -> None:
    g = [{"finding": "BCR::ABL1", "method": "RT-PCR", "transcript": "p210"}]
    p = build_genetic_profile(make_case(genetics=g), kb, None)
    assert p.call("bcr_abl1").transcript == "p210"
    alert = next(a for a in p.alerts if a["rule"] == "gen.cml_lymphoid_blast_phase")
    assert "p210" in alert["value"]
    assert alert["severity"] == "warning"


def test_p190_raises_no_cml_alert(kb: KnowledgeBase, make_case: Make) -> None:
    g = [{"finding": "BCR::ABL1", "method": "RT-PCR", "transcript": "p190"}]
    p = build_genetic_profile(make_case(genetics=g), kb, None)
    assert p.call("bcr_abl1").transcript == "p190"
    assert not [a for a in p.alerts if a["rule"] == "gen.cml_lymphoid_blast_phase"]


def test_antecedent_cml_is_flagged(kb: KnowledgeBase, make_case: Make) -> None:
    case = make_case(presentation={"antecedent_cml": True}, genetics=[{"finding": "BCR::ABL1"}])
    p = build_genetic_profile(case, kb, None)
    assert p.antecedent_cml is True
    assert any("antecedent CML" in a["value"] for a in p.alerts)


# --- karyotype missing / invalid ----------------------------------------------------------------------
def test_invalid_karyotype_alert_names_the_error(kb: KnowledgeBase, make_case: Make) -> None:
    case = make_case(karyotype="46,XY,t(9;22)(q34;q11.2")
    features = karyotype_features_for(case)
    assert features is not None
    assert features["valid"] is False
    p = build_genetic_profile(case, kb, features)
    alert = next(a for a in p.alerts if a["rule"] == "gen.karyotype_status")
    assert "position" in alert["value"]
    assert p.karyotype_valid is False
    assert p.present("bcr_abl1") is None
    assert any("corrected" in item["test"] for item in p.pending)


def test_invalid_karyotype_passed_as_none(kb: KnowledgeBase, make_case: Make) -> None:
    p = build_genetic_profile(make_case(karyotype="garbage"), kb, None)
    assert any(a["rule"] == "gen.karyotype_status" for a in p.alerts)


def test_features_for_valid_karyotype(make_case: Make) -> None:
    features = karyotype_features_for(make_case(karyotype="46,XX[20]"))
    assert features is not None
    assert features["valid"] is True
    assert karyotype_features_for(make_case()) is None
