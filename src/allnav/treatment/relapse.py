"""Relapsed or refractory disease: options with label checks (seed lines 563-574; NCCN ALL-8; clinical_rules J).

Every agent is checked (lineage, CD19/CD22, Ph, age, relapse count, prior regimens); agents that cannot
apply are listed apart as ``excluded`` with the reason, never silently dropped.
"""

from __future__ import annotations

from typing import Any

from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.treatment.context import PlanContext
from allnav.treatment.facts import TKI_IDS, drug, threshold
from allnav.treatment.frontline import phase_dict, regimen
from allnav.treatment.labels import Crit, check, checked_option, option

RR_TRIAL = RuleRef("tx.rr_clinical_trial")
RR_CHEMO = RuleRef("tx.rr_reinduction")
LATE_RELAPSE = RuleRef("tx.rr_late_relapse")
TKI_SWITCH = RuleRef("tx.rr_tki_switch")
PONATINIB_T315I = RuleRef("tx.rr_ponatinib_t315i")
ISOLATED_EM = RuleRef("tx.rr_isolated_extramedullary")
HCT_CR2 = RuleRef("tx.rr_hct_cr2")
PALLIATIVE = RuleRef("tx.palliative")

IMMUNO_B = (
    "blinatumomab",
    "inotuzumab_ozogamicin",
    "tisagenlecleucel",
    "brexucabtagene_autoleucel",
    "obecabtagene_autoleucel",
)
DAYS_PER_YEAR = 365.25
#: The late-relapse threshold of ``pathway.yaml`` (the table is static: read once at import).
_LATE_RELAPSE_GT_YEARS = threshold("late_relapse_gt_years")


def approach_option(kb: KnowledgeBase, rule: str, approach_id: str, why: list[str]) -> dict[str, Any]:
    """A non-drug R/R option (trial, re-induction, HCT, palliative care): guideline-only by nature."""
    o = regimen(approach_id, why)
    r = kb.rules.get(rule) or kb.rule(rule)  # kb.rule raises for a missing record
    key = (approach_id, r.sources)
    merged = _MERGED.get(key)
    if merged is None:  # the approach's sources, then the rule's (duplicates dropped): static, merged once
        merged = _MERGED[key] = tuple(dict.fromkeys([*o["sources"], *r.sources]))
    o["sources"] = list(merged)
    o["label_status"] = "guideline_only"
    o["rule"] = r.id
    o["rule_version"] = r.version
    return o


#: Merged sources by (approach, rule sources): both come from static tables.
_MERGED: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}


def is_late_relapse(kb: KnowledgeBase, ctx: PlanContext) -> dict[str, Any] | None:
    """Late relapse (> 3 years from diagnosis): from the response engine, else from the relapse day."""
    if ctx.response != "relapse":
        return None
    years = _LATE_RELAPSE_GT_YEARS
    if ctx.late_relapse is not None:
        return kb.conclude(LATE_RELAPSE, ctx.late_relapse, [f"response.late_relapse = {ctx.late_relapse}"])
    if ctx.response_day is None:
        return None
    late = ctx.response_day > years * DAYS_PER_YEAR
    rel = ">" if late else "<="
    return kb.conclude(
        LATE_RELAPSE,
        late,
        [f"relapse on day {ctx.response_day} ({rel} {years:g} years = {years * DAYS_PER_YEAR:g} days)"],
    )


def relapsed_refractory(
    kb: KnowledgeBase, ctx: PlanContext
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, str]]]:
    """The R/R phase, its options (with label status), the excluded agents and pending tests."""
    reasons = [
        f"response = {ctx.response}"
        + (f", relapse number {ctx.relapse_number}" if ctx.relapse_number else "")
    ]
    opts: list[dict[str, Any]] = [
        approach_option(kb, RR_TRIAL, "clinical_trial", ["clinical trial at every relapse or refractoriness"])
    ]
    excluded: list[dict[str, Any]] = []
    pending: list[dict[str, str]] = []
    late = is_late_relapse(kb, ctx)
    if late is not None and late["value"]:
        reasons.append("late relapse (> 3 years): the front-line regimen may be repeated")
        o = approach_option(kb, LATE_RELAPSE, "rr_frontline_again", late["because"])
        opts.append(o)
    elif ctx.in_remission:
        reasons.append(f"second remission reached (response = {ctx.response})")
    else:
        why = (
            ["refractory: newer or more intensive chemotherapy (less likely to work)"]
            if ctx.response != "relapse"
            else [
                "early relapse (<= 3 years): more aggressive chemotherapy with other drugs"
                if late is not None
                else "relapse timing unknown"
            ]
        )
        opts.append(approach_option(kb, RR_CHEMO, "rr_chemo", why))
    if ctx.relapse_site in ("isolated CNS", "isolated extramedullary"):
        reasons.append(f"{ctx.relapse_site} relapse: systemic therapy is required to prevent marrow relapse")
        opts.append(
            approach_option(kb, ISOLATED_EM, "rr_systemic_for_em", [f"relapse site = {ctx.relapse_site}"])
        )
    if ctx.relapse_site not in ("isolated CNS", "combined"):
        reasons.append(
            "consider CNS prophylaxis for relapsed/refractory disease (its role with cellular therapy is being studied)"
        )
    agents: list[str] = [*IMMUNO_B, "nelarabine"]
    if ctx.age_years is not None and ctx.age_years <= 21:
        agents.append("clofarabine")
    if ctx.ph_positive is not False:
        agents.extend(TKI_IDS)
    reqs: dict[str, Crit] = {}  # requirement criteria, shared by this patient's checks
    for agent in agents:
        status, o, pend = checked_option(kb, agent, "relapsed_refractory", ctx, reqs)
        if agent == ctx.current_tki and agent in TKI_IDS:
            o["label_status"] = "excluded"
            o["why"].insert(0, f"on {agent} at relapse: switch to a different TKI (seed 567)")
            excluded.append(o)
            continue
        (excluded if status == "excluded" else opts).append(o)
        if pend:
            pending.extend(pend)
    if ctx.ph_positive:
        sw = kb.rule(TKI_SWITCH)
        reasons.append(f"Ph+: ABL1 kinase-domain testing guides the TKI; switch TKI ({sw.id})")
        if not ctx.abl1_kd_tested:
            pending.append(
                {
                    "test": "ABL1 kinase-domain mutation testing",
                    "why": "Ph+ relapsed/refractory disease: guides the choice of TKI (NCCN ALL-4/ALL-8)",
                }
            )
        if ctx.t315i:
            p = kb.rule(PONATINIB_T315I)
            reasons.append(
                f"ABL1 T315I detected: ponatinib is the TKI labelled for T315I-positive Ph+ ALL ({p.id})"
            )
    elif ctx.ph_positive is False and ctx.lineage == "B":
        pending.append(
            {
                "test": "molecular analysis and MRD assessment (if not previously done)",
                "why": "Ph-negative B-ALL relapse work-up (NCCN ALL-8)",
            }
        )
    if (
        ctx.ph_positive is False
        and ctx.lineage == "B"
        and ctx.relapse_number >= 2
        and (ctx.age_years or 0) >= 18
    ):
        mq = check(kb, drug("vincristine_liposome"), "relapsed_refractory", ctx)
        excluded.append(option(kb, mq) | {"label_status": "excluded"})
    hct_rule = kb.rule(HCT_CR2)
    if ctx.prior_hct:
        opts.append(approach_option(kb, HCT_CR2, "rr_second_hct", ["prior allogeneic HCT recorded"]))
    else:
        opts.append(approach_option(kb, HCT_CR2, "rr_hct_cr2", [f"no prior HCT recorded ({hct_rule.id})"]))
    opts.append(
        approach_option(
            kb,
            PALLIATIVE,
            "palliative",
            ["when further treatment, even in trials, is extremely unlikely to cure (seed 572)"],
        )
    )
    phase = phase_dict(kb, RR_TRIAL, "relapsed_refractory", reasons, list(opts))
    return phase, opts, excluded, pending


def palliative_phase(kb: KnowledgeBase, now: bool) -> dict[str, Any]:
    """Palliative treatment and supportive care (seed 571-574)."""
    why = (
        ["palliative care recorded as the current phase"]
        if now
        else [
            "if further treatment becomes extremely unlikely to cure, the focus shifts to comfort and control"
        ]
    )
    return phase_dict(kb, PALLIATIVE, "palliative", why, [regimen("palliative", why)])
