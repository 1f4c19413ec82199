"""The profile's shortcuts give what the general path gives: the hit tables for validator-parsed
findings, and the calls made on the spot for the karyotype's only-input lesions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from allnav.case import load_case
from allnav.case.model import Case, GeneticFinding
from allnav.genetics import build_genetic_profile, normalise_finding
from allnav.genetics import profile as profile_module
from allnav.genetics.evidence import _table_hits, catalog_index, finding_hits, hit_tables
from allnav.knowledge import KnowledgeBase

Make = Callable[..., Case]
Feat = Callable[[str], dict[str, Any]]


def _findings() -> list[GeneticFinding]:
    """Validator-shaped findings: every catalogue gene with every alteration spelling, fusions of
    catalogue genes with each other and with an unknown gene, and odd spellings.
    """
    index = catalog_index()
    genes = sorted(index.by_gene)
    spellings = ["deletion", " Deletion ", "DEL", "rearrangement", "r", "fusion", "mutation", "p.R248Q",
                 "p.P80R", "c.1A>G", "wild type", "wild_type", "amplification", "overexpression", "copies",
                 "ITD", "Loss", "   "]  # fmt: skip
    out = [
        GeneticFinding(
            finding=f"{g} x", kind="gene_alteration", genes=(g.lower() if n % 3 else g,), alteration=alt
        )
        for n, g in enumerate(genes)
        for alt in spellings
    ]
    for variant_gene, variant in [(g, v) for d in index.lesions for g, v in d.variants]:
        out.append(
            GeneticFinding(finding="v", kind="gene_alteration", genes=(variant_gene,), alteration=variant)
        )
    partners = [*genes, "NOTAGENE", "P2RY8"]
    out += [
        GeneticFinding(finding=f"{a}::{b}", kind="fusion", genes=(a, b), alteration="fusion")
        for a in partners
        for b in partners
        if a != b
    ]
    out += [
        GeneticFinding(finding="CDKN2A/B deletion", kind="gene_alteration", genes=("CDKN2A", "CDKN2B"), alteration="deletion"),
        GeneticFinding(finding="KMT2A::AFF1 t(4;11)", kind="fusion", genes=("KMT2A", "AFF1"), alteration="fusion"),
        GeneticFinding(finding="RUNX1 copies", kind="copy_number", genes=("RUNX1",), alteration="copies", copies=5),
        GeneticFinding(finding="IKZF1 deletion", kind="gene_alteration", genes=("IKZF1",), alteration=None),
        GeneticFinding(finding="ABL1 fusion", kind="fusion", genes=("ABL1",), alteration="fusion"),
    ]  # fmt: skip
    return out


def test_hit_tables_match_the_general_path() -> None:
    tables, index = hit_tables(), catalog_index()
    checked = 0
    for f in _findings():
        fast = _table_hits(f, tables)
        if fast is None:
            continue
        pf = normalise_finding(f)
        assert fast == (pf.alteration, finding_hits(pf, index)), f
        checked += 1
    assert checked > 2000  # the tables answered nearly all of them


def _no_shortcuts() -> Any:
    """The karyotype plans with no lesion final: every call goes through the evidence lists."""
    flags, ploidy = profile_module._karyotype_plans()
    flags = {k: tuple(p._replace(final=(False, False, False)) for p in v) for k, v in flags.items()}
    ranges = tuple((*r[:6], (False, False)) for r in ploidy.ranges)
    return flags, ploidy._replace(ranges=ranges, masked=(*ploidy.masked[:2], (False, False)))


KARYOTYPES = [
    "46,XX[20]",
    "46,XY,t(9;22)(q34;q11.2)[20]",
    "46,XY,t(4;11)(q21;q23)[20]",
    "46,XX,t(8;14)(q24;q32)[10]/46,XX[10]",
    "46,XY,del(11)(q23)[20]",
    "26,X,+21[15]/52,XX,+21,+21[5]",
    "34,XY,-3,-7,-15,-16,-17,-20,-22,-22,-22,-22,-22,-22[10]",
    "55,XX,+4,+6,+10,+14,+17,+18,+21,+21,+X[20]",
    "46,XX,t(1;19)(q23;p13.3),t(12;21)(p13;q22)[20]",
]
GENETICS = [
    [],
    [{"finding": "BCR::ABL1", "result": "not_detected", "method": "RT-PCR"}],
    [{"finding": "BCR::ABL1 p210", "method": "RT-PCR", "transcript": "p210"}, {"finding": "IKZF1 deletion", "method": "MLPA"}],
    [{"finding": "KMT2A::AFF1", "method": "FISH"}, {"finding": "ETV6::RUNX1", "result": "indeterminate", "method": "FISH"}],
    [{"finding": "near haploid", "method": "SNP array"}, {"finding": "TP53 p.R248Q", "method": "NGS"}],
    [{"finding": "IGH::MYC", "method": "FISH"}, {"finding": "RUNX1 copies", "method": "FISH", "copies": 6}],
]  # fmt: skip


def _features(modal: int, recurrent: dict[str, bool], abnormalities: list[dict[str, Any]]) -> dict[str, Any]:
    """Hand-written section-2 features (flags and abnormalities the engine would not combine)."""
    clone = {"text": "c", "role": "stemline", "chromosome_count": modal, "abnormalities": abnormalities}
    spans = {k: [{"span": [0, 5], "text": k}] for k, v in recurrent.items() if v}
    return {"input": "k", "valid": True, "modal_number": modal, "complex": False, "recurrent": recurrent,
            "recurrent_evidence": spans, "clones": [clone]}  # fmt: skip


T_9_22 = {
    "type": "t",
    "chromosomes": ["9", "22"],
    "breakpoints": ["9q34", "22q11.2"],
    "text": "t(9;22)",
    "span": [3, 9],
}
HAND_WRITTEN = [
    _features(46, {"kmt2a_11q23": False, "t_4_11": True, "t_9_22": False}, []),  # a flag implies a noted lesion
    _features(46, {"t_9_22": False, "igh_14q32": False}, [T_9_22]),  # an abnormality the flags missed
    _features(26, {"t_9_22": False}, []),  # near-haploid implies hypodiploid < 44
    _features(35, {}, []),
]  # fmt: skip


def _check(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, case: Case, features: dict[str, Any]) -> None:
    fast = build_genetic_profile(case, kb, features)
    plans = _no_shortcuts()
    monkeypatch.setattr(profile_module, "_karyotype_plans", lambda: plans)
    slow = build_genetic_profile(case, kb, features)
    assert repr(fast) == repr(slow)  # same calls, alerts and pending, in the same order


@pytest.mark.parametrize("karyotype", KARYOTYPES)
@pytest.mark.parametrize("genetics", GENETICS)
def test_calls_made_on_the_spot_match_the_evidence_path(
    kb: KnowledgeBase, kfeat: Feat, monkeypatch: pytest.MonkeyPatch, karyotype: str, genetics: list[Any]
) -> None:
    case = load_case({"patient": {"id": "t", "age_years": 30}, "karyotype": karyotype, "genetics": genetics})
    _check(kb, monkeypatch, case, kfeat(karyotype))


@pytest.mark.parametrize("features", HAND_WRITTEN)
@pytest.mark.parametrize("genetics", GENETICS[:3])
def test_calls_made_on_the_spot_when_later_inputs_speak(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, features: dict[str, Any], genetics: list[Any]
) -> None:
    case = load_case(
        {"patient": {"id": "t", "age_years": 30}, "karyotype": "46,XX[20]", "genetics": genetics}
    )
    _check(kb, monkeypatch, case, features)
