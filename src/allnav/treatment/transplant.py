"""The allogeneic transplant question (seed lines 507-522, 555, 569; NCCN ALL-4..ALL-8, clinical_rules K1)."""

from __future__ import annotations

from typing import Any

from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.treatment.context import PlanContext
from allnav.treatment.facts import threshold

ALLO_HCT = RuleRef("tx.allohct_high_risk")
LATE_CR = RuleRef("tx.late_cr")

#: The MRD test asked for when MRD is missing or too insensitive (shared with consolidation).
MRD_PENDING = {
    "test": "MRD quantification after induction, sensitivity <= 1e-4 (NGS of IG/TCR preferred)",
    "why": "MRD decides consolidation and the transplant question (NCCN ALL-4/ALL-5)",
}

_CAUTION = (
    "transplant side effects are often too severe for older people or people with other health problems "
    "(seed 517); reduced-intensity transplant is not standard (seed 517)"
)

#: The late-CR threshold of ``pathway.yaml`` (the table is static: read once at import).
_LATE_CR_GT_DAYS = threshold("late_cr_gt_days")


def late_cr(kb: KnowledgeBase, ctx: PlanContext) -> dict[str, Any] | None:
    """Late CR: time to CR > 35 days (seed: CR within 4-5 weeks does better); None when unknown.

    The prognosis engine's ``late_cr`` factor (> 28 days, UKALL XII) is used only when the time to CR is
    not given; when both are known and differ, the difference is shown.
    """
    limit = _LATE_CR_GT_DAYS
    flagged = "late_cr" in ctx.poor_factors
    if ctx.time_to_cr_days is None:
        if flagged:
            return kb.conclude(LATE_CR, True, ["prognostic factor late_cr recorded (time to CR not given)"])
        return None
    late = ctx.time_to_cr_days > limit
    rel = ">" if late else "<="
    because = [f"time to CR = {ctx.time_to_cr_days:g} days ({rel} {limit:g}, the seed's 4-5 weeks)"]
    if flagged and not late:
        because.append(
            "the prognosis factor late_cr uses > 28 days (UKALL XII, not independently prognostic)"
        )
    return kb.conclude(LATE_CR, late, because)


def transplant_question(kb: KnowledgeBase, ctx: PlanContext) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The allogeneic HCT question: favoured / consider / not favoured / indeterminate, with reasons."""
    reasons: list[str] = []
    ids: list[str] = []
    if ctx.genetic_risk == "poor":
        reasons.append("poor-risk genetics (NCCN ALL-2): alloHCT favoured")
        ids.append("poor_genetics")
    if ctx.in_remission and (ctx.mrd_status == "positive" or "mrd_positive" in ctx.poor_factors):
        lvl = f" (level {ctx.mrd_level:g})" if ctx.mrd_level is not None else ""
        reasons.append(f"MRD persists in remission{lvl}: slow/incomplete MRD clearance favours alloHCT")
        ids.append("mrd_persistence")
    if ctx.etp or "etp" in ctx.poor_factors:
        reasons.append("ETP phenotype (NCCN ALL-6): alloHCT favoured")
        ids.append("etp")
    lc = late_cr(kb, ctx)
    if lc is not None and lc["value"]:
        reasons.append("late CR: " + "; ".join(lc["because"]))
        ids.append("late_cr")
    if ctx.lineage in ("mixed", "undifferentiated"):
        reasons.append(
            "mixed/undifferentiated lineage: intensive treatment such as transplant is often used (seed 271)"
        )
        ids.append("ambiguous_lineage")
    cr2 = ctx.in_remission and ctx.relapse_number >= 1
    pending: list[dict[str, str]] = []
    if ctx.diagnosis not in ("B-ALL", "T-ALL", "B-LBL", "T-LBL", "MPAL", "AUL"):
        return kb.conclude(ALLO_HCT, "not_applicable", [f"diagnosis = {ctx.diagnosis or 'unknown'}"]), []
    if ctx.relapsed_or_refractory:
        value = "consider_after_remission"
        because = [
            f"response = {ctx.response}: HCT may be tried once at least a partial (ideally second) remission is reached"
        ]
        if ctx.prior_hct:
            because.append("prior HCT recorded: a second HCT and/or DLI can be considered")
    elif cr2:
        value = "favoured" if not ctx.prior_hct else "consider"
        because = [
            f"in remission after relapse number {ctx.relapse_number}: consolidative alloHCT recommended if no prior HCT"
            if not ctx.prior_hct
            else "in remission after relapse following a prior HCT: second HCT and/or DLI can be considered"
        ]
    elif reasons:
        value, because = "favoured", reasons
    elif ctx.ph_positive:
        value = "consider"
        because = [
            (
                "Ph+ without another high-risk feature: in MRD-negative CR after consolidation, consider alloHCT "
                "with post-HCT TKI maintenance, or TKI maintenance (NCCN ALL-4)"
            )
        ]
    else:
        missing = []
        if ctx.genetic_risk in (None, "indeterminate"):
            missing.append("genetic risk indeterminate")
        mrd_missing = True
        if ctx.mrd_status in (None, "not done"):
            missing.append("MRD not done")
        elif ctx.mrd_status == "negative_insufficient_sensitivity":
            missing.append("MRD negative but the assay did not reach 1e-4")
        else:
            mrd_missing = False
        if missing:
            missing.append("high-risk features cannot be excluded")
            value, because = "indeterminate", missing
            if mrd_missing and ctx.in_remission:
                pending.append(dict(MRD_PENDING))
        else:
            value = "not_favoured"
            because = [
                "no high-risk feature recorded (genetics, MRD, ETP, time to CR): risks and benefits weighed individually (seed 555)"
            ]
    if value in ("favoured", "consider", "consider_after_remission"):
        pending.append(
            {
                "test": "HLA typing and donor search",
                "why": "allogeneic HCT may be needed; start early (NCCN ALL-3 work-up)",
            }
        )
    r = kb.rules.get(ALLO_HCT) or kb.rule(ALLO_HCT)  # kb.rule raises for a missing record
    # kb.conclude(ALLO_HCT, value, because, reasons=ids, caution=_CAUTION) built as one literal
    out: dict[str, Any] = {
        "value": value,
        "rule": r.id,
        "rule_version": r.version,
        "because": list(because),
        "sources": list(r.sources),
        "reasons": ids,
        "caution": _CAUTION,
    }
    if lc is not None:
        out["late_cr"] = lc
    return out, pending
