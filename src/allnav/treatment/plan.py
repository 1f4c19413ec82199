"""The treatment pathway: ``plan_treatment(case, kb, diagnostic, response)`` (contracts.md section 4)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from allnav.case.model import Case
from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.treatment import frontline
from allnav.treatment.context import PlanContext, build_context
from allnav.treatment.facts import TKI_IDS, drugs_by_id
from allnav.treatment.labels import LINEAGE, WITHDRAWN
from allnav.treatment.phase import ALL_DIAGNOSES, phase_next, phase_now
from allnav.treatment.relapse import palliative_phase, relapsed_refractory
from allnav.treatment.transplant import transplant_question

PH_NO_TKI = RuleRef("tx.ph_pos_no_tki")

_FRONTLINE = ("induction", "consolidation", "maintenance")


def _status(phase: str, now: str) -> str:
    if now in ("follow_up", "transplant") or (
        now in _FRONTLINE and _FRONTLINE.index(phase) < _FRONTLINE.index(now)
    ):
        return "completed"
    if phase == now:
        return "current"
    if now in _FRONTLINE and _FRONTLINE.index(phase) == _FRONTLINE.index(now) + 1:
        return "next"
    if now == "diagnosis" and phase == "induction":
        return "next"
    return "planned"


#: The phases a plan can be in now (``phase_now`` values) and, by phase now, the status of each front-line
#: phase (built once from :func:`_status`).
_NOW_VALUES = (
    "diagnosis",
    "induction",
    "consolidation",
    "maintenance",
    "transplant",
    "follow_up",
    "unknown",
    "relapsed_refractory",
    "palliative",
)


def _statuses(now: str) -> tuple[str, str, str, str]:
    """The status of induction, consolidation, maintenance and CNS therapy by the phase now."""
    return (
        _status("induction", now),
        _status("consolidation", now),
        _status("maintenance", now),
        "completed" if now == "follow_up" else "current" if now in _FRONTLINE else "planned",
    )


_STATUSES: dict[str, tuple[str, str, str, str]] = {now: _statuses(now) for now in _NOW_VALUES}


def _merge(target: list[dict[str, str]], items: list[dict[str, str]]) -> None:
    if not items:
        return
    seen = {(p.get("test"), p.get("why")) for p in target}
    for p in items:
        key = (p.get("test"), p.get("why"))
        if key not in seen:
            seen.add(key)
            target.append(p)


def _alerts(kb: KnowledgeBase, case: Case, ctx: PlanContext, now: str) -> list[dict[str, Any]]:
    alerts: list[dict[str, Any]] = []
    if not ctx.drugs_given and not ctx.ph_positive:
        return alerts  # no drug to check and no Ph+ TKI question
    by_id = drugs_by_id()
    for name in ctx.drugs_given:
        d = by_id.get(name)
        if d is None:
            continue
        if d.status == "withdrawn":
            alerts.append(
                kb.conclude(
                    WITHDRAWN,
                    f"{d.label} on the medication list",
                    [f"FDA approval withdrawn {d.withdrawn}"],
                    severity="warning",
                    action="use conventional vincristine (IV only, dose capped) or another agent",
                )
            )
        other = {"B": "T", "T": "B"}.get(d.lineage)
        if other is not None and ctx.lineage == other:
            alerts.append(
                kb.conclude(
                    LINEAGE,
                    f"{d.name} recorded for {ctx.lineage}-lineage disease",
                    [f"{d.name} is only for {d.lineage}-lineage ALL; diagnosis = {ctx.diagnosis}"],
                    severity="warning",
                    action="check the order against the diagnosis",
                )
            )
    if (
        ctx.ph_positive
        and now in _FRONTLINE
        and any(m.status == "given" or m.status == "ordered" for m in case.medications)
        and not any(t in ctx.drugs_given for t in TKI_IDS)
    ):
        alerts.append(
            kb.conclude(
                PH_NO_TKI,
                "Ph+ ALL with no TKI on the medication list",
                [f"ph_positive = true; phase now = {now}; medications recorded: none is a TKI"],
                severity="warning",
                action="add a TKI to systemic therapy unless there is a documented reason",
            )
        )
    return alerts


def plan_treatment(
    case: Case, kb: KnowledgeBase, diagnostic: Mapping[str, Any], response: Mapping[str, Any]
) -> dict[str, Any]:
    """The treatment pathway: phase now and next, options per phase, transplant question, R/R options.

    Returns ``{"treatment_plan": {...}, "pending": [...], "alerts": [...]}``. ``diagnostic`` is the
    section-4 dict so far; ``response`` is the response engine's output (both read defensively).
    """
    ctx = build_context(case, diagnostic, response)
    now_c = phase_now(kb, ctx)
    now = str(now_c["value"])
    pending: list[dict[str, str]] = []
    excluded: list[dict[str, Any]] = []
    phases: list[dict[str, Any]] = []
    rr_options: list[dict[str, Any]] = []
    transplant, tx_pending = transplant_question(kb, ctx)
    if ctx.diagnosis not in ALL_DIAGNOSES:
        pending.append(
            {"test": "complete the diagnostic work-up", "why": "no ALL treatment pathway without a diagnosis"}
        )
    elif now in ("relapsed_refractory", "palliative"):
        if now == "relapsed_refractory":
            ph, rr_options, exc, pend = relapsed_refractory(kb, ctx)
            ph["status"] = "current"
            phases.append(ph)
            excluded.extend(exc)
            _merge(pending, pend)
            if ctx.relapse_site in ("isolated CNS", "combined"):
                cns_ph, _ = frontline.cns(kb, ctx)
                cns_ph["status"] = "current"
                phases.append(cns_ph)
        pal = palliative_phase(kb, now == "palliative")
        pal["status"] = "current" if now == "palliative" else "planned"
        phases.append(pal)
    else:
        ind, exc, pend = frontline.induction(kb, ctx)
        con, exc2, pend2 = frontline.consolidation(kb, ctx)
        pgx = case.pharmacogenomics
        pgx_known = pgx.TPMT not in (None, "unknown") and pgx.NUDT15 not in (None, "unknown")
        mai, exc3, pend3 = frontline.maintenance(kb, ctx, pgx_known)
        cns_ph, pend4 = frontline.cns(kb, ctx)
        statuses = _STATUSES.get(now) or _statuses(now)
        ind["status"], con["status"], mai["status"], cns_ph["status"] = statuses
        phases.extend((ind, cns_ph, con, mai))
        for e in (exc, exc2, exc3):
            if e:
                excluded.extend(x for x in e if x not in excluded)
        relevant: list[dict[str, str]] = list(pend4)
        if now in ("diagnosis", "induction", "unknown"):
            relevant += pend
        if now in ("induction", "consolidation") or (now == "unknown" and ctx.in_remission):
            relevant += pend2
        if now in ("consolidation", "maintenance", "transplant"):
            relevant += pend3
        if now != "follow_up":
            _merge(pending, relevant)
    early = now in ("diagnosis", "induction", "consolidation", "relapsed_refractory", "unknown")
    favoured = transplant["value"] == "favoured" and now not in ("follow_up", "palliative", "transplant")
    to_consider = transplant["value"] in ("consider", "consider_after_remission") and early
    undecided = transplant["value"] == "indeterminate" and now in ("induction", "consolidation")
    if favoured or to_consider or undecided:
        _merge(pending, tx_pending)
    nxt = phase_next(kb, ctx, now, str(transplant["value"]))
    plan: dict[str, Any] = {
        "phase_now": now_c,
        "phase_next": nxt,
        "phases": phases,
        "transplant": transplant,
        "options": rr_options,
        "excluded": excluded,
    }
    return {"treatment_plan": plan, "pending": pending, "alerts": _alerts(kb, case, ctx, now)}
