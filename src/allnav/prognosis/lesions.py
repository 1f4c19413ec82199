"""Genetic prognostic factors (contract ids) from the genetic profile, with directions and sources."""

from __future__ import annotations

import operator
from typing import Any

from allnav.genetics import GeneticProfile
from allnav.knowledge import KnowledgeBase, RuleRef

POOR_LESION = RuleRef("risk.genetic_poor")
GOOD_LESION = RuleRef("risk.genetic_good")
HYPODIPLOID = RuleRef("risk.hypodiploid_lt44")
T_1_19 = RuleRef("risk.t_1_19")
PH = RuleRef("risk.ph_positive")
CML = RuleRef("risk.antecedent_cml")

#: factor id -> lesion id, for poor-direction lesions (seed lines 280-287; NCCN ALL-2).
POOR: dict[str, str] = {
    "kmt2a_r": "kmt2a_r",
    "t_4_11": "t_4_11",
    "igh_r": "igh_r",
    "iamp21": "iamp21",
    "complex_karyotype": "complex_karyotype",
    "tp53": "tp53",
    "ikzf1_alteration": "ikzf1_alteration",
    "ikzf1plus": "ikzf1plus",
    "bcr_abl1_like": "bcr_abl1_like",
}
#: factor id -> lesion id, for good-direction lesions (seed lines 289-292; NCCN ALL-2 standard risk).
GOOD: dict[str, str] = {"high_hyperdiploid": "high_hyperdiploid", "t_12_21": "etv6_runx1", "dux4_r": "dux4_r"}
#: The calls of the POOR lesions, fetched together (one C-level look-up).
_poor_calls = operator.itemgetter(*POOR.values())
_present = operator.attrgetter("present")  # any(map(_present, ...)): the common none-present answer in C


def _factor(
    kb: KnowledgeBase, rule: str, fid: str, direction: str, profile: GeneticProfile, lesion: str, **extra: Any
) -> dict[str, Any]:
    call = profile.calls[lesion]  # a catalogue lesion id (the profile calls every one)
    return kb.conclude(
        rule, True, call.evidence, id=fid, direction=direction, inputs=list(call.inputs), **extra
    )


def genetic_factors(kb: KnowledgeBase, profile: GeneticProfile) -> list[dict[str, Any]]:
    """One factor per present lesion of the contract list; absent or unknown lesions give none."""
    out: list[dict[str, Any]] = []
    calls = profile.calls  # POOR / GOOD and the lesions named here are catalogue lesion ids (tested)
    ph = calls["bcr_abl1"].present
    if ph:
        ikzf1plus, cml = calls["ikzf1plus"].present, profile.antecedent_cml
        nccn = (
            "poor"
            if (ikzf1plus or cml)
            else ("standard" if ikzf1plus is False and cml is False else "indeterminate")
        )
        out.append(
            _factor(
                kb,
                PH,
                "ph_positive",
                "poor",
                profile,
                "bcr_abl1",
                follows="seed §Prognostic factors, line 282; UKALL XII / GRAALL (clinical_rules.md F2, L4)",
                alternatives=[
                    {
                        "source": "NCCN ALL v2.2026 ALL-2",
                        "direction": nccn,
                        "note": "standard without IKZF1plus and without antecedent CML; poor with either",
                    }
                ],
                transcript=calls["bcr_abl1"].transcript,
            )
        )
    poor_calls = _poor_calls(calls)
    if any(map(_present, poor_calls)):  # most cases have none
        for (fid, lesion), call in zip(POOR.items(), poor_calls, strict=True):
            if call.present:
                out.append(_factor(kb, POOR_LESION, fid, "poor", profile, lesion))
    hypo, masked = calls["hypodiploid_lt44"].present, calls["near_triploid_masked"].present
    if hypo or masked:
        lesion = "hypodiploid_lt44" if hypo else "near_triploid_masked"
        out.append(
            _factor(
                kb,
                HYPODIPLOID,
                "hypodiploid_lt44",
                "poor",
                profile,
                lesion,
                follows="NCCN ALL v2.2026 ALL-2 (< 44; near-triploid 60-78 counted)",
                alternatives=[
                    {
                        "source": "WHO 2016 entity (clinical_rules.md A1)",
                        "direction": "poor",
                        "cut_point": "< 46",
                    },
                    {
                        "source": "SEER HemeDB (A3)",
                        "direction": "not counted",
                        "cut_point": "44-45 usually not treated",
                    },
                ],
            )
        )
    for fid, lesion in GOOD.items():
        if calls[lesion].present:
            out.append(_factor(kb, GOOD_LESION, fid, "good", profile, lesion))
    if calls["tcf3_pbx1"].present:
        out.append(
            _factor(
                kb,
                T_1_19,
                "t_1_19",
                "good",
                profile,
                "tcf3_pbx1",
                follows="NCCN ALL v2.2026 ALL-2 (standard risk)",
                alternatives=[
                    {"source": "GRAALL-2003/2005 (clinical_rules.md F2 [S46])", "direction": "poor"}
                ],
            )
        )
    if profile.antecedent_cml:
        because = ["presentation.antecedent_cml = true"]
        inputs = [{"field": "presentation.antecedent_cml", "value": True}]
        out.append(kb.conclude(CML, True, because, id="antecedent_cml", direction="poor", inputs=inputs))
    return out


def ph_status(kb: KnowledgeBase, profile: GeneticProfile) -> dict[str, Any]:
    """``ph_positive``: True / False / None (unknown) from the BCR::ABL1 call."""
    call = profile.calls["bcr_abl1"]  # a catalogue lesion id (the profile calls every one)
    because = call.evidence or ["no karyotype or BCR::ABL1 test reported"]
    return kb.conclude(PH, call.present, because, inputs=list(call.inputs), transcript=call.transcript)
