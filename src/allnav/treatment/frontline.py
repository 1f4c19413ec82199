"""Front-line phases: induction, CNS prophylaxis or treatment, consolidation and maintenance.

Which options apply is decided here (each decision a rule in ``rules.yaml``); what each option is, and
where it is written, comes from ``pathway.yaml`` and ``drugs.yaml``.
"""

from __future__ import annotations

from typing import Any

from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.treatment.context import PlanContext
from allnav.treatment.facts import approach, band, pathway_table, threshold
from allnav.treatment.labels import add_options
from allnav.treatment.transplant import MRD_PENDING

INDUCTION_PH_POS = RuleRef("tx.induction_ph_pos")
INDUCTION_PH_NEG_B = RuleRef("tx.induction_ph_neg_b")
INDUCTION_T = RuleRef("tx.induction_t")
INDUCTION_MIXED = RuleRef("tx.induction_mixed")
REDUCED = RuleRef("tx.induction_reduced_intensity")
FITNESS = RuleRef("tx.fitness_input")
CNS_PROPHYLAXIS = RuleRef("tx.cns_prophylaxis")
CNS_TREATMENT = RuleRef("tx.cns_treatment")
CONSOLIDATION_PH_NEG = RuleRef("tx.consolidation_ph_neg_blinatumomab")
CONSOLIDATION_PH_POS = RuleRef("tx.consolidation_ph_pos")
CONSOLIDATION_T = RuleRef("tx.consolidation_t_nelarabine")
MAINTENANCE = RuleRef("tx.maintenance_pomp")
MAINTENANCE_TKI = RuleRef("tx.maintenance_tki")

Found = tuple[dict[str, Any], list[dict[str, str]]]

#: The agents checked in each front-line phase (in the order they are listed).
_INDUCTION_TKIS = ("ponatinib", "dasatinib", "imatinib")
_CONSOLIDATION_PH_POS = ("blinatumomab", "ponatinib", "dasatinib", "imatinib")
_MAINTENANCE_TKIS = ("imatinib", "dasatinib", "ponatinib")

#: The age thresholds of ``pathway.yaml`` and their texts (the table is static: read once at import).
_OLDER_GT = threshold("older_age_gt_years")
_AYA = band("aya_years")
_OLDER_TEXT = f"{_OLDER_GT:g}"
_AYA_TEXT = f"AYA ({_AYA[0]:g}-{_AYA[1]:g} y, NCCN definition)"


#: Each approach's text and sources (the table is static: read once at import).
_APPROACHES: dict[str, tuple[str, tuple[str, ...]]] = {
    k: (a.text, a.sources) for k, a in pathway_table().approaches.items()
}


def regimen(approach_id: str, why: list[str]) -> dict[str, Any]:
    """An option that is an approach (not a single labelled drug)."""
    parts = _APPROACHES.get(approach_id)
    if parts is None:
        a = approach(approach_id)  # raises KnowledgeBaseError for an unknown id
        parts = (a.text, a.sources)
    return {"regimen": parts[0], "approach": approach_id, "why": why, "sources": list(parts[1])}


def phase_dict(
    kb: KnowledgeBase, rule: str, name: str, reasons: list[str], options: list[dict[str, Any]]
) -> dict[str, Any]:
    """One phase of the plan as a conclusion carrying ``phase``, ``options`` and ``reasons``."""
    r = kb.rules.get(rule) or kb.rule(rule)  # kb.rule raises for a missing record
    # kb.conclude(rule, name, reasons) with the three keys added, built as one literal
    return {
        "value": name,
        "rule": r.id,
        "rule_version": r.version,
        "because": list(reasons),
        "sources": list(r.sources),
        "phase": name,
        "options": options,
        "reasons": reasons,
    }


#: The fitness notes and the age notes that do not depend on the patient (rule ids are the records' ids).
_AGE_UNKNOWN = "age unknown: cannot apply the seed's 'older (typically over 65)'"
_AGE_NOT_BARRIER = "advanced age by itself is not a barrier to chemotherapy (seed 345)"
_ECOG_TAIL = (
    " recorded: fitness for intensive therapy is a clinician judgement; "
    f"no source in the knowledge base maps an ECOG value to reduced intensity ({FITNESS})"
)
_FITNESS_UNKNOWN = (
    f"fitness (serious health conditions, ECOG) not recorded: a clinician judgement input ({FITNESS})"
)


def older_or_unfit(kb: KnowledgeBase, ctx: PlanContext) -> tuple[bool, list[str]]:
    """Reduced-intensity flag by age (> 65, seed 543) and the fitness note (ECOG is a clinician input)."""
    age = ctx.age_years
    older = False
    if age is None:
        why = [_AGE_UNKNOWN, _AGE_NOT_BARRIER]
    elif age > _OLDER_GT:
        older = True
        why = [f"age {age:g} y > {_OLDER_TEXT}: older patient, doses may need to be reduced (seed 543)"]
        why.append(_AGE_NOT_BARRIER)
    else:
        why = [
            f"age {age:g} y (not > {_OLDER_TEXT}): full-intensity induction unless health conditions say otherwise"
        ]
        if _AYA[0] <= age <= _AYA[1]:
            why.append(_AYA_TEXT)
        why.append(_AGE_NOT_BARRIER)
    why.append(f"ECOG {ctx.ecog}{_ECOG_TAIL}" if ctx.ecog is not None else _FITNESS_UNKNOWN)
    return older, why


def induction(
    kb: KnowledgeBase, ctx: PlanContext
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, str]]]:
    """The induction phase: options by subtype and fitness; returns (phase, excluded, pending)."""
    opts: list[dict[str, Any]] = [regimen("clinical_trial", ["preferred by NCCN for induction"])]
    excluded: list[dict[str, Any]] = []
    pending: list[dict[str, str]] = []
    reasons: list[str] = []
    if ctx.lineage in ("mixed", "undifferentiated"):
        rule = INDUCTION_MIXED
        reasons.append(f"diagnosis = {ctx.diagnosis}: ambiguous lineage, no single agreed regimen")
        opts.append(regimen("induction_mixed", reasons[:]))
        if ctx.ph_positive:
            add_options(kb, _INDUCTION_TKIS, "frontline", ctx, opts, excluded, pending)
    elif ctx.ph_positive:
        rule = INDUCTION_PH_POS
        reasons.append("Ph+ (BCR::ABL1): systemic therapy + TKI")
        opts.append(regimen("induction_tki", ["Ph+"]))
        add_options(kb, _INDUCTION_TKIS, "frontline", ctx, opts, excluded, pending)
    elif ctx.lineage == "T":
        rule = INDUCTION_T
        reasons.append(f"{ctx.diagnosis}: multi-agent systemic therapy with CNS prophylaxis")
        opts.append(regimen("induction_multiagent", ["T-lineage"]))
    else:
        rule = INDUCTION_PH_NEG_B
        if ctx.ph_positive is None:
            reasons.append("Ph status unknown: multi-agent therapy; a TKI is added if BCR::ABL1 is found")
            pending.append(
                {
                    "test": "BCR::ABL1 (FISH or RT-PCR)",
                    "why": "Ph+ ALL needs a TKI from induction (NCCN ALL-4)",
                }
            )
        else:
            reasons.append("Ph-negative B-lineage: multi-agent systemic therapy including CNS prophylaxis")
        opts.append(regimen("induction_multiagent", [f"lineage {ctx.lineage or 'unknown'}"]))
    if ctx.diagnosis in ("B-LBL", "T-LBL"):
        reasons.append(
            f"{ctx.diagnosis}: the knowledge base holds no separate lymphoma pathway; the ALL pathway is shown "
            "(the nelarabine and erwinia asparaginase labels name LBL with ALL, clinical_rules.md J)"
        )
    older, fit_why = older_or_unfit(kb, ctx)
    red = kb.rules.get(REDUCED) or kb.rule(REDUCED)  # kb.rule raises for a missing record
    if older:
        reduced = regimen("induction_reduced", fit_why[:1])
        reduced["rule"] = red.id
        opts.append(reduced)
    fit_why[0] = f"{fit_why[0]} ({red.id})"  # the age note carries the reduced-intensity rule
    reasons.extend(fit_why)
    return phase_dict(kb, rule, "induction", reasons, opts), excluded, pending


def cns(kb: KnowledgeBase, ctx: PlanContext) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """CNS prophylaxis (CNS1 or unknown) or CNS treatment (CNS2/CNS3, or an isolated CNS relapse)."""
    status = ctx.cns_status
    pending: list[dict[str, str]] = []
    if (status or "").startswith(("CNS2", "CNS3")) or (
        ctx.relapse_site in ("isolated CNS", "combined") and ctx.relapsed_or_refractory
    ):
        reasons = [
            f"CNS status = {status}" if status else f"relapse site = {ctx.relapse_site}",
            "leukaemia cells in the CSF: CNS-directed treatment (seed 531, 546)",
        ]
        if (status or "").startswith("CNS2"):
            reasons.append("CNS2 intensity is protocol-dependent; no source in the knowledge base sets it")
        return phase_dict(
            kb, CNS_TREATMENT, "cns_treatment", reasons, [regimen("cns_treatment", reasons[:1])]
        ), pending
    reasons = [
        f"CNS status = {status}" if status else "CNS status unknown",
        "CNS prophylaxis started in induction and continued through all phases (seed 532, 546, 559)",
    ]
    if status is None:
        pending.append(
            {
                "test": "lumbar puncture with CSF cytospin at the first intrathecal dose",
                "why": "CNS status decides prophylaxis vs treatment (NCCN ALL-3)",
            }
        )
    return phase_dict(
        kb, CNS_PROPHYLAXIS, "cns_prophylaxis", reasons, [regimen("cns_prophylaxis", reasons[:1])]
    ), pending


def consolidation(
    kb: KnowledgeBase, ctx: PlanContext
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, str]]]:
    """Consolidation by subtype; blinatumomab label checked (2024 Ph- label irrespective of MRD)."""
    mrd = ctx.mrd_status or "unknown"
    opts: list[dict[str, Any]] = []
    excluded: list[dict[str, Any]] = []
    pending: list[dict[str, str]] = []
    if ctx.ph_positive and ctx.lineage != "T":
        rule = CONSOLIDATION_PH_POS
        reasons = [
            f"Ph+ in CR, MRD {mrd}: "
            + (
                "blinatumomab + TKI preferred"
                if mrd == "positive"
                else "blinatumomab + TKI, multi-agent + TKI, TKI, or alloHCT"
            )
        ]
        opts.append(regimen("consolidation_ph_pos", reasons[:]))
        add_options(kb, _CONSOLIDATION_PH_POS, "consolidation", ctx, opts, excluded, pending)
    elif ctx.lineage == "T":
        rule = CONSOLIDATION_T
        reasons = [
            f"{ctx.diagnosis}: consolidation with CNS prophylaxis; nelarabine may be added (NCCN ALL-6)"
        ]
        opts.append(regimen("consolidation_t", reasons[:]))
        add_options(kb, ("nelarabine",), "consolidation", ctx, opts, excluded, pending)
    else:
        rule = CONSOLIDATION_PH_NEG
        reasons = [
            (
                f"B-lineage, Ph {'negative' if ctx.ph_positive is False else 'unknown'}, MRD {mrd}: "
                "blinatumomab (preferred) + continued multi-agent therapy, irrespective of MRD"
            )
        ]
        opts.append(regimen("consolidation_ph_neg", reasons[:]))
        add_options(kb, ("blinatumomab",), "consolidation", ctx, opts, excluded, pending)
    opts.append(regimen("consolidation_chemo", ["consolidation follows remission (seed 553)"]))
    if ctx.mrd_status in (None, "not done", "negative_insufficient_sensitivity"):
        pending.append(dict(MRD_PENDING))
    if ctx.response == "CRi":
        reasons.append(
            "CRi: confirm adequate count recovery before post-remission therapy, even if MRD-negative"
        )
    return phase_dict(kb, rule, "consolidation", reasons, opts), excluded, pending


def maintenance(
    kb: KnowledgeBase, ctx: PlanContext, pgx_known: bool
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, str]]]:
    """POMP maintenance (~2 years); TKI for Ph+; 6-MP start by TPMT/NUDT15 (safety section)."""
    reasons = [
        "after consolidation: 6-MP and methotrexate, sometimes vincristine and prednisone (POMP), about 2 years"
    ]
    opts = [regimen("maintenance_pomp", reasons[:])]
    excluded: list[dict[str, Any]] = []
    pending: list[dict[str, str]] = []
    rule = MAINTENANCE
    mrd_positive = ctx.in_remission and ctx.mrd_status == "positive" and ctx.lineage == "B"
    if mrd_positive:
        level = f" (level {ctx.mrd_level:g})" if ctx.mrd_level is not None else ""
        reasons.append(
            f"MRD positive in {ctx.response}{level}: NCCN prefers blinatumomab"
            + (" + TKI (ALL-4)" if ctx.ph_positive else " with continued therapy (ALL-5)")
            + "; slow or incomplete MRD clearance favours allogeneic HCT (clinical_rules F3, K1)"
        )
    if ctx.ph_positive:
        rule = MAINTENANCE_TKI
        reasons.append("Ph+: TKI maintenance (with or after POMP; after HCT: post-HCT TKI)")
        opts.append(regimen("maintenance_tki", ["Ph+"]))
        ids = ("blinatumomab", *_MAINTENANCE_TKIS) if mrd_positive else _MAINTENANCE_TKIS
        add_options(kb, ids, "maintenance", ctx, opts, excluded, pending)
    elif ctx.lineage == "B":
        add_options(kb, ("blinatumomab",), "maintenance", ctx, opts, excluded, pending)
    reasons.append("6-MP starting dose by TPMT/NUDT15 (see safety.dose_checks)")
    if not pgx_known:
        reasons.append("TPMT/NUDT15 status not recorded: needed before 6-MP (the safety section asks for it)")
    return phase_dict(kb, rule, "maintenance", reasons, opts), excluded, pending
