"""Parsing finding text into fusions, gene alterations, ISCN, copy numbers and subtype calls."""

from __future__ import annotations

import pytest

from allnav.case import load_case
from allnav.case.model import GeneticFinding
from allnav.genetics import build_genetic_profile, normalise_finding, parse_finding_text
from allnav.knowledge import KnowledgeBase


@pytest.mark.parametrize(
    ("text", "kind", "genes", "alteration"),
    [
        ("BCR::ABL1", "fusion", ("BCR", "ABL1"), "fusion"),
        ("BCR-ABL1", "fusion", ("BCR", "ABL1"), "fusion"),
        ("BCR/ABL1", "fusion", ("BCR", "ABL1"), "fusion"),
        ("BCR::ABL1 p190", "fusion", ("BCR", "ABL1"), "fusion"),
        ("P2RY8::CRLF2", "fusion", ("P2RY8", "CRLF2"), "fusion"),
        ("KMT2A::AFF1 fusion", "fusion", ("KMT2A", "AFF1"), "fusion"),
        ("KMT2A rearrangement", "gene_alteration", ("KMT2A",), "rearrangement"),
        ("KMT2A-r", "gene_alteration", ("KMT2A",), "rearrangement"),
        ("CRLF2 rearranged", "gene_alteration", ("CRLF2",), "rearrangement"),
        ("IKZF1 deletion", "gene_alteration", ("IKZF1",), "deletion"),
        ("IKZF1 del", "gene_alteration", ("IKZF1",), "deletion"),
        ("CDKN2A/B deletion", "gene_alteration", ("CDKN2A", "CDKN2B"), "deletion"),
        ("deletion of ERG", "gene_alteration", ("ERG",), "deletion"),
        ("TP53 p.R248Q", "gene_alteration", ("TP53",), "p.R248Q"),
        ("TP53 mutation", "gene_alteration", ("TP53",), "mutation"),
        ("NOTCH1 wild type", "gene_alteration", ("NOTCH1",), "wild_type"),
        ("RUNX1 copies", "copy_number", ("RUNX1",), "copies"),
        ("RUNX1 amplification", "copy_number", ("RUNX1",), "amplification"),
        ("CRLF2 overexpression", "gene_alteration", ("CRLF2",), "overexpression"),
    ],
)
def test_gene_findings(text: str, kind: str, genes: tuple[str, ...], alteration: str) -> None:
    pf = parse_finding_text(text)
    assert (pf.kind, pf.genes, pf.alteration) == (kind, genes, alteration)


@pytest.mark.parametrize(
    ("text", "subtype"),
    [("Ph-like", "ph_like"), ("ALLSorts: Ph-like", "ph_like"), ("BCR::ABL1-like", "ph_like"),
     ("iAMP21", "iamp21"), ("PAX5alt", "pax5alt"), ("IKZF1plus", "ikzf1plus"), ("DUX4r", "dux4_r"),
     ("masked hypodiploidy", "masked_hypodiploid")],
)  # fmt: skip
def test_subtype_calls(text: str, subtype: str) -> None:
    pf = parse_finding_text(text)
    assert (pf.kind, pf.subtype) == ("subtype", subtype)


def test_iscn_translocation_with_bands() -> None:
    pf = parse_finding_text("t(4;11)(q21;q23)")
    assert pf.kind == "iscn"
    assert pf.chromosomes == ("4", "11")
    assert pf.bands == ("4q21", "11q23")


def test_unknown_text_is_other() -> None:
    assert parse_finding_text("something unusual").kind == "other"


def test_validator_parse_is_used_when_present() -> None:
    f = GeneticFinding(finding="weird text", kind="gene_alteration", genes=("ikzf1",), alteration="Deletion")
    pf = normalise_finding(f)
    assert (pf.genes, pf.alteration) == (("IKZF1",), "deletion")


def test_validator_other_falls_back_to_own_parse() -> None:
    pf = normalise_finding(GeneticFinding(finding="TP53 p.R248Q", kind="other"))
    assert pf.genes == ("TP53",)


@pytest.mark.parametrize(
    ("finding", "method", "lesion", "present"),
    [
        ("MLL-AF4", None, "t_4_11", True),
        ("NOTCH1 wild type", "NGS", "notch1_fbxw7", None),
        ("DUX4", "ALLSorts", "dux4_r", True),
        ("ZNF384-like", "ALLSorts", "znf384_r", None),
        ("KMT2A", "ALLSorts", "kmt2a_r", True),
        ("Ph-like", "ALLSorts", "bcr_abl1_like", True),
        ("PAX5 P80R", "ALLSorts", "pax5_p80r", True),
        ("TP53 R248Q", "NGS", "tp53", True),
        ("CDKN2A/B deletion", "MLPA", "cdkn2b_deletion", True),
        ("t(9;22)(q34;q11)", "FISH", "bcr_abl1", True),
        ("iAMP21", "FISH", "iamp21", True),
        ("CDX2/UBTF", "ALLSorts", "cdx2_ubtf", True),
    ],
)
def test_findings_as_read_by_the_case_loader(
    kb: KnowledgeBase, finding: str, method: str | None, lesion: str, present: bool | None
) -> None:
    case = load_case({"patient": {"id": "x"}, "genetics": [{"finding": finding, "method": method}]})
    assert build_genetic_profile(case, kb, None).present(lesion) is present


def test_wild_type_from_the_loader_counts_as_negative(kb: KnowledgeBase) -> None:
    g = [{"finding": "NOTCH1 wild type", "method": "NGS"}, {"finding": "FBXW7 wild type", "method": "NGS"}]
    case = load_case({"patient": {"id": "x"}, "genetics": g})
    assert build_genetic_profile(case, kb, None).present("notch1_fbxw7") is False
