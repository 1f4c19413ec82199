"""Each recurrent lesion from findings and from the karyotype; unknown stays unknown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from allnav.case.model import Case
from allnav.errors import UsageError
from allnav.genetics import build_genetic_profile
from allnav.knowledge import KnowledgeBase

Make = Callable[..., Case]
Feat = Callable[[str], dict[str, Any]]


@pytest.mark.parametrize(
    ("finding", "lesions"),
    [
        ("BCR::ABL1", ["bcr_abl1"]),
        ("KMT2A::AFF1", ["kmt2a_r", "t_4_11"]),
        ("KMT2A::MLLT1", ["kmt2a_r"]),
        ("KMT2A rearrangement", ["kmt2a_r"]),
        ("t(4;11)(q21;q23)", ["t_4_11", "kmt2a_r"]),
        ("ETV6::RUNX1", ["etv6_runx1"]),
        ("TCF3::PBX1", ["tcf3_pbx1"]),
        ("IGH::IL3", ["igh_il3", "igh_r"]),
        ("IGH rearrangement", ["igh_r"]),
        ("IGH::MYC", ["t_8_14", "myc_r", "igh_r"]),
        ("MYC rearrangement", ["myc_r"]),
        ("iAMP21", ["iamp21"]),
        ("TP53 p.R248Q", ["tp53"]),
        ("IKZF1 deletion", ["ikzf1_alteration", "ikzf1_deletion"]),
        ("IKZF1 p.N159Y", ["ikzf1_alteration", "ikzf1_n159y"]),
        ("CDKN2A deletion", ["cdkn2a_deletion"]),
        ("P2RY8::CRLF2", ["bcr_abl1_like"]),
        ("ABL1::NUP214", ["bcr_abl1_like"]),
        ("EBF1::PDGFRB", ["bcr_abl1_like"]),
        ("JAK2 p.R683G", ["bcr_abl1_like"]),
        ("IL7R mutation", ["bcr_abl1_like"]),
        ("ALLSorts: Ph-like", ["bcr_abl1_like"]),
        ("IGH::DUX4", ["dux4_r"]),
        ("PAX5 p.P80R", ["pax5_p80r"]),
        ("PAX5alt", ["pax5alt"]),
        ("TCF3::HLF", ["hlf_r"]),
        ("EP300::ZNF384", ["znf384_r"]),
        ("TCF3::ZNF384", ["znf384_r"]),
        ("MEF2D::BCL9", ["mef2d_r"]),
        ("NOTCH1 p.L1601P", ["notch1_fbxw7"]),
        ("NRAS p.G12D", ["ras_pten"]),
        ("PTEN deletion", ["ras_pten"]),
        ("complex karyotype", ["complex_karyotype"]),
    ],
)
def test_finding_to_lesion(kb: KnowledgeBase, make_case: Make, finding: str, lesions: list[str]) -> None:
    case = make_case(genetics=[{"finding": finding, "result": "detected", "method": "NGS"}])
    p = build_genetic_profile(case, kb, None)
    for lesion in lesions:
        call = p.call(lesion)
        assert call.present is True, lesion
        assert call.inputs[0]["field"] == "genetics[0]"


def test_not_detected_is_false_and_untested_is_none(kb: KnowledgeBase, make_case: Make) -> None:
    case = make_case(genetics=[{"finding": "BCR::ABL1", "result": "not_detected", "method": "RT-PCR"}])
    p = build_genetic_profile(case, kb, None)
    assert p.present("bcr_abl1") is False
    assert p.present("tp53") is None
    assert p.present("kmt2a_r") is None


def test_igh_dux4_is_not_counted_as_igh_rearrangement(kb: KnowledgeBase, make_case: Make) -> None:
    p = build_genetic_profile(make_case(genetics=[{"finding": "IGH::DUX4"}]), kb, None)
    assert p.present("dux4_r") is True
    assert p.present("igh_r") is None


def test_bcr_abl1_excludes_bcr_abl1_like(kb: KnowledgeBase, make_case: Make) -> None:
    case = make_case(genetics=[{"finding": "BCR::ABL1"}, {"finding": "JAK2 p.R683G"}])
    p = build_genetic_profile(case, kb, None)
    assert p.present("bcr_abl1") is True
    assert p.present("bcr_abl1_like") is False


@pytest.mark.parametrize(
    ("karyotype", "present", "absent"),
    [
        ("46,XX,t(9;22)(q34;q11.2)[20]", ["bcr_abl1"], ["t_4_11"]),
        ("46,XX,t(4;11)(q21;q23)[20]", ["t_4_11", "kmt2a_r"], ["bcr_abl1"]),
        ("46,XX,t(9;11)(p22;q23)[20]", ["kmt2a_r"], ["t_4_11"]),
        ("46,XY,t(12;21)(p13;q22)[15]/46,XY[5]", ["etv6_runx1"], []),
        ("46,XX,der(19)t(1;19)(q23;p13.3)[20]", ["tcf3_pbx1"], []),
        ("47,XY,+X,t(5;14)(q31;q32)[10]", ["igh_il3", "igh_r"], []),
        ("46,XY,t(8;14)(q24;q32)[20]", ["t_8_14", "myc_r", "igh_r"], ["bcr_abl1"]),
        ("46,XX,t(17;19)(q22;p13)[20]", ["hlf_r"], ["bcr_abl1"]),
    ],
)
def test_karyotype_to_lesion(
    kb: KnowledgeBase, make_case: Make, kfeat: Feat, karyotype: str, present: list[str], absent: list[str]
) -> None:
    p = build_genetic_profile(make_case(karyotype=karyotype), kb, kfeat(karyotype))
    for lesion in present:
        assert p.present(lesion) is True, lesion
        assert any(i.get("field") == "karyotype" and i.get("span") for i in p.call(lesion).inputs)
    for lesion in absent:
        assert p.present(lesion) is False, lesion


def test_karyotype_span_is_kept(kb: KnowledgeBase, make_case: Make, kfeat: Feat) -> None:
    text = "46,XY,t(9;22)(q34.1;q11.2)[17]/46,XY[3]"
    call = build_genetic_profile(make_case(karyotype=text), kb, kfeat(text)).call("bcr_abl1")
    span = call.inputs[0]["span"]
    assert text[span[0] : span[1]] == "t(9;22)(q34.1;q11.2)"


def test_normal_karyotype_does_not_exclude_cryptic_lesions(
    kb: KnowledgeBase, make_case: Make, kfeat: Feat
) -> None:
    p = build_genetic_profile(make_case(karyotype="46,XX[20]"), kb, kfeat("46,XX[20]"))
    assert p.present("bcr_abl1") is False  # G-banding excludes the Ph chromosome itself
    assert p.present("etv6_runx1") is None  # cryptic on G-banding
    assert any("G-banding" in e for e in p.call("etv6_runx1").evidence)
    assert p.present("kmt2a_r") is None
    assert p.present("complex_karyotype") is False


def test_unknown_lesion_id_is_a_usage_error(kb: KnowledgeBase, make_case: Make) -> None:
    p = build_genetic_profile(make_case(), kb, None)
    with pytest.raises(UsageError):
        p.call("not_a_lesion")


def test_unmatched_findings_are_listed(kb: KnowledgeBase, make_case: Make) -> None:
    p = build_genetic_profile(make_case(genetics=[{"finding": "ABC1 frobnication"}]), kb, None)
    assert p.unmatched_findings == ("ABC1 frobnication",)


def test_nothing_tested(kb: KnowledgeBase, make_case: Make) -> None:
    p = build_genetic_profile(make_case(), kb, None)
    assert p.tested is False
    assert all(c.present is None for c in p.calls.values())
    assert any(item["test"].startswith("karyotype") for item in p.pending)


def test_rule_names_the_implication_when_it_decided(kb: KnowledgeBase, make_case: Make) -> None:
    implied = build_genetic_profile(make_case(genetics=[{"finding": "t(4;11)"}]), kb, None)
    assert implied.call("kmt2a_r").rule == "gen.implied_lesions"
    assert implied.call("t_4_11").rule == "gen.lesion_call"
    direct = build_genetic_profile(make_case(genetics=[{"finding": "KMT2A rearrangement"}]), kb, None)
    assert direct.call("kmt2a_r").rule == "gen.lesion_call"


@pytest.mark.parametrize("karyotype", ["46,XX,del(11)(q23)[20]", "46,XY,add(14)(q32)[20]"])
def test_deletions_at_a_gene_band_are_not_rearrangements(
    kb: KnowledgeBase, make_case: Make, kfeat: Feat, karyotype: str
) -> None:
    # clinical_rules.md A1: an 11q23 deletion without KMT2A rearrangement does not qualify.
    p = build_genetic_profile(make_case(karyotype=karyotype), kb, kfeat(karyotype))
    assert p.present("kmt2a_r") is None
    assert p.present("igh_r") is None


def test_deletion_finding_at_11q23_is_not_kmt2a(kb: KnowledgeBase, make_case: Make) -> None:
    p = build_genetic_profile(make_case(genetics=[{"finding": "del(11)(q23)", "method": "FISH"}]), kb, None)
    assert p.present("kmt2a_r") is None


def test_derivative_translocation(kb: KnowledgeBase, make_case: Make, kfeat: Feat) -> None:
    text = "47,XX,+8,der(22)t(9;22)(q34;q11.2)[20]"
    assert build_genetic_profile(make_case(karyotype=text), kb, kfeat(text)).present("bcr_abl1") is True
