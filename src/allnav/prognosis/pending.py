"""Tests that would settle the open prognostic questions."""

from __future__ import annotations

from typing import Any

from allnav.genetics import GeneticProfile
from allnav.knowledge import KnowledgeBase, RuleRef

PENDING = RuleRef("risk.pending_tests")


def _molecular(profile: GeneticProfile, lesion: str) -> bool:
    inputs = profile.calls[lesion].inputs  # a catalogue lesion id (the profile calls every one)
    return any(str(i.get("field", "")).startswith("genetics") for i in inputs)


def prognosis_pending(kb: KnowledgeBase, diagnosis: str, profile: GeneticProfile) -> list[dict[str, Any]]:
    """Pending tests by diagnosis: BCR::ABL1, IKZF1, CML history, Ph-like screening, TP53, T-ALL panel."""
    items: list[tuple[str, str]] = []
    calls = profile.calls  # the lesions named here are catalogue lesion ids (the profile calls every one)
    if diagnosis in ("B-ALL", "B-LBL"):
        ph = calls["bcr_abl1"].present
        if not _molecular(profile, "bcr_abl1") and ph is not True:
            items.append(
                ("BCR::ABL1 RT-PCR/FISH", "Ph status not settled by a molecular test (cryptic fusions)")
            )
        if ph:
            if calls["ikzf1_deletion"].present is None and calls["ikzf1plus"].present is None:
                items.append(
                    ("IKZF1 status (MLPA/array) for Ph+", "Ph+ sub-risk depends on IKZF1plus (NCCN ALL-2)")
                )
            if profile.antecedent_cml is None:
                items.append(
                    (
                        "history of CML (and BCR::ABL1 in non-blast lineages)",
                        "Ph+ with antecedent CML is poor risk (NCCN ALL-2)",
                    )
                )
        else:
            if calls["bcr_abl1_like"].present is None:
                items.append(
                    (
                        "Ph-like screening (low-density array / NGS / FISH for CRLF2, ABL-class, JAK2)",
                        "BCR::ABL1-like ALL is poor risk and needs targeted testing",
                    )
                )
            if calls["ikzf1_alteration"].present is None:
                items.append(("IKZF1 status (MLPA/array)", "IKZF1 alterations are poor risk (NCCN ALL-2)"))
        if calls["tp53"].present is None:
            items.append(("TP53 sequencing", "TP53 mutation is poor risk (NCCN ALL-2)"))
    if diagnosis in ("T-ALL", "T-LBL") and None in (
        calls["notch1_fbxw7"].present,
        calls["ras_pten"].present,
    ):
        items.append(
            (
                "NOTCH1/FBXW7 and N/K-RAS/PTEN mutation testing (NGS)",
                "T-ALL genetic risk depends on them (NCCN via BMJ Best Practice; GRAALL)",
            )
        )
    sources = list(kb.rule(PENDING).sources)
    return [{"test": t, "why": w, "rule": PENDING, "sources": sources} for t, w in items]
