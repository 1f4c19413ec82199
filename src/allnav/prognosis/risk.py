"""Genetic risk group: NCCN ALL v2.2026 ALL-2 for B-ALL; NCCN T-ALL genetics for T-ALL."""

from __future__ import annotations

import operator
from typing import Any

from allnav.genetics import GeneticProfile, LesionCall
from allnav.genetics.ploidy import ploidy_bounds
from allnav.knowledge import KnowledgeBase, RuleRef

NCCN_B = RuleRef("risk.nccn_genetic_group")
NCCN_T = RuleRef("risk.nccn_t_all_genetics")
SCHEME_B = "NCCN ALL v2.2026 ALL-2 (B-ALL)"
SCHEME_T = "NCCN ALL v2.2026 T-ALL genetics (via BMJ Best Practice; GRAALL oncogenetic model)"

#: NCCN ALL-2 poor-risk lesions (clinical_rules.md F1).
NCCN_POOR = (
    "hypodiploid_lt44",
    "near_triploid_masked",
    "tp53",
    "kmt2a_r",
    "igh_r",
    "hlf_r",
    "znf384_r",
    "mef2d_r",
    "myc_r",
    "bcr_abl1_like",
    "pax5alt",
    "iamp21",
    "ikzf1_alteration",
    "complex_karyotype",
)
#: NCCN ALL-2 standard-risk lesions other than Ph+ and high hyperdiploidy.
NCCN_STANDARD = ("etv6_runx1", "tcf3_pbx1", "dux4_r", "pax5_p80r")
NCCN_HEH = (51, 65)
#: The calls of those lesions, fetched together (one C-level look-up per list).
_poor_calls = operator.itemgetter(*NCCN_POOR)
_standard_calls = operator.itemgetter(*NCCN_STANDARD)


_present = operator.attrgetter("present")


def _present_labels(lesions: tuple[str, ...], calls: tuple[LesionCall, ...]) -> list[str]:
    """'<label> present' for each present lesion (in order); the common none-present answer in C."""
    if not any(map(_present, calls)):
        return []
    return [f"{c.label or x} present" for x, c in zip(lesions, calls, strict=True) if c.present]


def b_risk(kb: KnowledgeBase, profile: GeneticProfile) -> dict[str, Any]:
    """Any poor lesion -> poor; Ph+ sub-risk by IKZF1plus/antecedent CML; standard lesions -> standard."""
    if not profile.tested:
        why = ["no karyotype and no genetics findings"]
        return kb.conclude(NCCN_B, "indeterminate", why, scheme=SCHEME_B)
    calls = profile.calls  # NCCN_POOR / NCCN_STANDARD are catalogue lesion ids (tested)
    poor = _present_labels(NCCN_POOR, _poor_calls(calls))
    standard = _present_labels(NCCN_STANDARD, _standard_calls(calls))
    if calls["high_hyperdiploid"].present:
        b = ploidy_bounds(profile.modal_number)
        if b is not None and NCCN_HEH[0] <= b[0] and b[1] <= NCCN_HEH[1]:
            standard.append(f"high hyperdiploidy, modal {profile.modal_number} (51-65)")
    sub = None
    if calls["bcr_abl1"].present:
        ikzf1plus, cml = calls["ikzf1plus"].present, profile.antecedent_cml
        if ikzf1plus or cml:
            poor.append(f"Ph+ with IKZF1plus ({ikzf1plus}) / antecedent CML ({cml})")
        elif ikzf1plus is False and cml is False:
            standard.append("Ph+ without IKZF1plus and without antecedent CML")
        else:
            sub = f"IKZF1plus = {ikzf1plus}, antecedent CML = {cml}"
    if poor:
        return kb.conclude(NCCN_B, "poor", poor, scheme=SCHEME_B, standard_lesions=standard)
    if sub is not None:
        return kb.conclude(
            NCCN_B,
            "indeterminate",
            [f"Ph+, sub-risk indeterminate: {sub}"],
            scheme=SCHEME_B,
            sub_risk="Ph+, sub-risk indeterminate",
        )
    if standard:
        return kb.conclude(NCCN_B, "standard", standard, scheme=SCHEME_B)
    why = ["no NCCN ALL-2 standard- or poor-risk lesion identified; ALL-2 names no group for other B-ALL"]
    return kb.conclude(NCCN_B, "indeterminate", why, scheme=SCHEME_B)


def t_risk(kb: KnowledgeBase, profile: GeneticProfile, etp: bool | None) -> dict[str, Any]:
    """T-ALL: NOTCH1/FBXW7 mutated without RAS/PTEN -> standard; RAS/PTEN or NOTCH1/FBXW7 wild type -> poor."""
    calls = profile.calls  # catalogue lesion ids (the profile calls every one)
    notch, ras = calls["notch1_fbxw7"].present, calls["ras_pten"].present
    extra: dict[str, Any] = {"scheme": SCHEME_T}
    if etp:
        extra["etp_note"] = "ETP phenotype is a high-risk feature favouring allogeneic HCT (NCCN ALL-6)"
    if ras:
        return kb.conclude(NCCN_T, "poor", ["N/K-RAS mutation or PTEN alteration present"], **extra)
    if notch is False:
        return kb.conclude(NCCN_T, "poor", ["NOTCH1/FBXW7 wild type"], **extra)
    if notch and ras is False:
        return kb.conclude(NCCN_T, "standard", ["NOTCH1/FBXW7 mutated, no RAS/PTEN alteration"], **extra)
    why = [f"NOTCH1/FBXW7 mutated = {notch}, RAS/PTEN altered = {ras}: incomplete"]
    return kb.conclude(NCCN_T, "indeterminate", why, **extra)


def genetic_risk(
    kb: KnowledgeBase, diagnosis: str, etp: bool | None, profile: GeneticProfile
) -> dict[str, Any]:
    """The genetic risk conclusion for the diagnosis (null value when the diagnosis is not ALL)."""
    if diagnosis in ("B-ALL", "B-LBL"):
        return b_risk(kb, profile)
    if diagnosis in ("T-ALL", "T-LBL"):
        return t_risk(kb, profile, etp)
    if diagnosis in ("MPAL", "AUL"):
        why = [
            f"diagnosis = {diagnosis}: NCCN ALL-2 genetic groups are defined for B-ALL (and T-ALL genetics)"
        ]
        return kb.conclude(NCCN_B, "indeterminate", why, scheme=SCHEME_B)
    return kb.conclude(NCCN_B, None, [f"diagnosis = {diagnosis}: not applicable"], scheme=SCHEME_B)
