"""Where the patient is in treatment now, and what comes next (seed lines 347-351, 524-530; NCCN ALL-4..8)."""

from __future__ import annotations

from typing import Any

from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.treatment.context import PlanContext

PHASE_NOW = RuleRef("tx.phase_now")
PHASE_NEXT = RuleRef("tx.phase_next")

ALL_DIAGNOSES = ("B-ALL", "T-ALL", "B-LBL", "T-LBL", "MPAL", "AUL")
_AFTER_RR = ("palliative", "transplant", "relapsed_refractory")


def phase_now(kb: KnowledgeBase, ctx: PlanContext) -> dict[str, Any]:
    """The phase now: the latest recorded ``timeline[].phase``, overridden by a relapse/refractory status."""
    if ctx.diagnosis not in ALL_DIAGNOSES:
        return kb.conclude(
            PHASE_NOW,
            "diagnosis",
            [f"diagnosis = {ctx.diagnosis or 'unknown'}: no ALL treatment phase applies"],
        )
    rec, label, pday = ctx.phase_recorded, ctx.phase_label, ctx.phase_day
    if ctx.relapsed_or_refractory:
        rday = ctx.response_day
        if rec in _AFTER_RR and pday is not None and (rday is None or pday >= rday):
            return kb.conclude(
                PHASE_NOW,
                rec,
                [f"timeline phase '{label}' on day {pday}, on or after the {ctx.response} status"],
            )
        at = f" on day {rday}" if rday is not None else ""
        after = f" (recorded phase '{label}' on day {pday})" if label else ""
        return kb.conclude(PHASE_NOW, "relapsed_refractory", [f"latest response = {ctx.response}{at}{after}"])
    if rec is not None:
        return kb.conclude(
            PHASE_NOW, rec, [f"timeline phase '{label}' on day {pday} (latest up to day {ctx.as_of_day})"]
        )
    if label is not None:
        return kb.conclude(PHASE_NOW, "unknown", [f"timeline phase '{label}' is not a recognised phase name"])
    if ctx.response is None or ctx.response == "not evaluable":
        return kb.conclude(
            PHASE_NOW, "diagnosis", ["no treatment phase or evaluable response recorded: before induction"]
        )
    return kb.conclude(PHASE_NOW, "unknown", [f"response = {ctx.response} but no treatment phase recorded"])


def phase_next(kb: KnowledgeBase, ctx: PlanContext, now: str, transplant: str | None) -> dict[str, Any]:
    """The next phase from the phase now, the response and the transplant question."""
    why: list[str] = [f"phase now = {now}"]
    nxt: str
    if now == "diagnosis":
        nxt = "induction" if ctx.diagnosis in ALL_DIAGNOSES else "diagnosis"
        if nxt == "diagnosis":
            why.append("settle the diagnosis before treatment")
    elif now == "induction":
        if ctx.in_remission:
            nxt = "consolidation"
            why.append(f"response = {ctx.response}: post-remission therapy (confirm count recovery first)")
        else:
            nxt = "response_assessment"
            why.append(
                "end-of-induction marrow and MRD decide: CR -> consolidation; less than CR -> relapsed/refractory"
            )
    elif now == "consolidation":
        nxt = "transplant" if transplant == "favoured" else "maintenance"
        why.append(f"allogeneic HCT question = {transplant}")
    elif now == "maintenance":
        nxt = "follow_up"
        why.append("maintenance lasts about 2 years, then surveillance")
    elif now == "transplant":
        nxt = "maintenance" if ctx.ph_positive else "follow_up"
        why.append("Ph+: post-HCT TKI maintenance" if ctx.ph_positive else "surveillance after HCT")
    elif now == "relapsed_refractory":
        if ctx.in_remission and ctx.prior_hct:
            nxt = "transplant"
            why.append("second remission after a prior HCT: second HCT and/or DLI can be considered")
        elif ctx.in_remission:
            nxt = "transplant"
            why.append("second remission without prior HCT: consolidative allogeneic HCT is recommended")
        else:
            nxt = "relapsed_refractory"
            why.append("aim for a second remission, then consolidative allogeneic HCT if possible")
    elif now == "follow_up":
        nxt = "follow_up"
        why.append("surveillance continues (visits less often over the years)")
    elif now == "palliative":
        nxt = "palliative"
        why.append("focus on comfort and symptom control")
    else:
        nxt = "unknown"
        why.append("record the current phase in the timeline")
    return kb.conclude(PHASE_NEXT, nxt, why)
