"""Label checks: is an agent on label, guideline-only or off label for this patient, or excluded?

Each agent's uses (``drugs.yaml``) are checked against the patient: lineage, target marker (CD19/CD22)
on the latest sample, Ph status, age limits and situational criteria (remission, MRD level, relapse
count, prior regimens, T315I). Status, in order:

* ``excluded``: the agent cannot work or is not for this disease (B-only agent in T-ALL, target marker
  negative, TKI in Ph-negative disease, withdrawn approval) - listed apart, with the reason;
* ``on_label``: every criterion of a labelled use is met;
* ``guideline_only``: a guideline/seed use is met, or a criterion could not be checked (unknown age,
  marker or count) - with a pending test;
* ``off_label``: every labelled and guideline use fails on a known criterion.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any, Literal

from allnav.errors import KnowledgeBaseError
from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.treatment.context import Marker, PlanContext
from allnav.treatment.facts import AgeBounds, Drug, Setting, Use, drug_table

LINEAGE = RuleRef("tx.label_lineage")
MARKER = RuleRef("tx.label_marker")
PH = RuleRef("tx.label_ph")
WITHDRAWN = RuleRef("tx.withdrawn_marqibo")

#: The rule that records each agent's label check (``drugs.yaml`` names it; checked at import).
DRUG_RULES: dict[str, RuleRef] = {
    r: RuleRef(r)
    for r in (
        "tx.label_tki",
        "tx.label_ponatinib",
        "tx.rr_blinatumomab_label",
        "tx.rr_inotuzumab_label",
        "tx.label_age_tisacel",
        "tx.label_age_brexucel",
        "tx.label_age_obecel",
        "tx.rr_nelarabine_label",
        "tx.rr_clofarabine_label",
    )
}
DRUG_RULES[WITHDRAWN] = WITHDRAWN

State = Literal["met", "failed", "unknown"]
Status = Literal["on_label", "guideline_only", "off_label", "excluded"]


@dataclass(frozen=True)
class Criterion:
    state: State
    text: str


@dataclass(frozen=True)
class LabelCheck:
    """The outcome of checking one agent in one setting."""

    drug: Drug
    status: Status
    why: tuple[str, ...]
    sources: tuple[str, ...]
    rule: str
    pending: tuple[dict[str, str], ...] = field(default_factory=tuple)
    use: Use | None = None


def check_rules_declared() -> None:
    """Fail at start-up when ``drugs.yaml`` names a rule no code declares."""
    for d in drug_table().drugs:
        if d.rule not in DRUG_RULES:
            raise KnowledgeBaseError(f"drugs.yaml: drug {d.id} names undeclared rule {d.rule!r}")


check_rules_declared()


def _fmt_age(age: float) -> str:
    return f"{age:g} y"


def age_criteria(bounds: AgeBounds, age: float | None) -> list[Criterion]:
    """Check age limits (``min`` inclusive, ``below`` exclusive, ``max`` on completed years)."""
    out: list[Criterion] = []
    limits = [
        (bounds.min_age_years, "min"),
        (bounds.min_age_months, "months"),
        (bounds.below_age_years, "below"),
        (float(bounds.max_age_years) if bounds.max_age_years is not None else None, "max"),
    ]
    for limit, kind in limits:
        if limit is None:
            continue
        if age is None:
            out.append(Criterion("unknown", f"age unknown (limit: {kind} {limit:g})"))
            continue
        if kind == "min":
            ok, rel = age >= limit, f">= {limit:g} y"
        elif kind == "months":
            ok, rel = age * 12 >= limit, f">= {limit:g} month(s)"
        elif kind == "below":
            ok, rel = age < limit, f"< {limit:g} y"
        else:
            ok, rel = math.floor(age) <= limit, f"up to {limit:g} y (completed years)"
        out.append(Criterion("met" if ok else "failed", f"age {_fmt_age(age)}: label/guideline limit {rel}"))
    return out


def prior_regimens(ctx: PlanContext) -> int:
    """Regimens given before the current relapsed/refractory episode (front-line + earlier salvage)."""
    return 1 + ctx.relapse_number - (1 if ctx.response == "relapse" else 0)


def _requirement(req: str, ctx: PlanContext) -> Criterion:
    if req == "in_remission":
        if ctx.response is None:
            return Criterion("unknown", "remission status unknown")
        return Criterion("met" if ctx.in_remission else "failed", f"response = {ctx.response}")
    if req == "mrd_ge_1e3":
        if ctx.mrd_level is None:
            return Criterion("unknown", "MRD level unknown (label: >= 0.1%)")
        ok = ctx.mrd_level >= 1e-3
        return Criterion("met" if ok else "failed", f"MRD {ctx.mrd_level:g} ({'>=' if ok else '<'} 1e-3)")
    if req == "refractory_or_second_relapse":
        if ctx.response in ("refractory", "progressive") and ctx.relapse_number == 0:
            return Criterion("met", f"primary refractory disease (response = {ctx.response})")
        if ctx.response == "relapse" and ctx.relapse_number >= 2:
            return Criterion("met", f"relapse number {ctx.relapse_number} (>= 2)")
        if ctx.response in ("refractory", "progressive"):
            return Criterion("met", f"refractory after relapse (relapse number {ctx.relapse_number})")
        return Criterion(
            "failed", f"relapse number {ctx.relapse_number}: label needs refractory or 2nd+ relapse"
        )
    if req == "two_prior_regimens":
        n = prior_regimens(ctx)
        return Criterion(
            "met" if n >= 2 else "failed",
            f"{n} prior regimen(s) estimated from the timeline (front-line + earlier salvage); label >= 2",
        )
    if req == "t315i_positive":
        if ctx.t315i is None:
            return Criterion("unknown", "ABL1 T315I status unknown")
        return Criterion(
            "met" if ctx.t315i else "failed", f"ABL1 T315I {'detected' if ctx.t315i else 'not detected'}"
        )
    raise KnowledgeBaseError(f"unknown requirement {req!r}")  # pragma: no cover - validated by the model


def _ph(use: Use, ctx: PlanContext) -> list[Criterion]:
    if use.ph == "any":
        return []
    want = use.ph == "positive"
    if ctx.ph_positive is None:
        return [Criterion("unknown", f"Ph status unknown (use needs Ph-{use.ph})")]
    ok = ctx.ph_positive == want
    return [Criterion("met" if ok else "failed", f"Ph{'+' if ctx.ph_positive else '-'} (use: Ph-{use.ph})")]


def _lineage(d: Drug, ctx: PlanContext) -> tuple[Criterion | None, str | None]:
    """A lineage criterion, or an exclusion reason."""
    if d.lineage == "any":
        return None, None
    other = "T" if d.lineage == "B" else "B"
    if ctx.lineage == other:
        what = "B-cell precursor ALL" if d.lineage == "B" else "T-cell ALL/LBL"
        return None, f"{ctx.lineage}-lineage disease: {d.name} is only for {what}"
    if ctx.lineage is None:
        return Criterion("unknown", "lineage unknown"), None
    if ctx.lineage == d.lineage:
        return Criterion("met", f"lineage {ctx.lineage} matches"), None
    return Criterion("failed", f"lineage {ctx.lineage}: the label names {d.lineage}-lineage ALL only"), None


def _target(
    d: Drug, ctx: PlanContext, setting: Setting
) -> tuple[Criterion | None, str | None, list[dict[str, str]]]:
    if d.target is None:
        return None, None, []
    m: Marker = ctx.cd19 if d.target == "CD19" else ctx.cd22
    pend: list[dict[str, str]] = []
    rr = setting == "relapsed_refractory"
    sample = "relapse sample" if rr else "current sample"
    # after a relapse, a reading from before it may be out of date (primary refractory: still current)
    stale = rr and ctx.relapse_number > 0 and not m.where.startswith("relapse")
    if m.positive is False and stale:
        pend.append(
            {
                "test": f"{d.target} flow cytometry on the relapse sample",
                "why": f"{d.target} was negative on the {m.where}; re-check before ruling out {d.name}",
            }
        )
        return Criterion("unknown", f"{d.target} negative on the {m.where}, not on this relapse"), None, pend
    if m.positive is False:
        return None, f"{d.target} negative on {m.where}: {d.name} targets {d.target}", []
    if m.positive is None:
        pend.append(
            {
                "test": f"{d.target} flow cytometry on the {sample}",
                "why": f"{d.name} requires {d.target}+ blasts",
            }
        )
        return Criterion("unknown", f"{d.target} expression unknown ({m.where})"), None, pend
    pct = f" ({m.percent:g}% of blasts)" if m.percent is not None else ""
    if stale:
        pend.append(
            {
                "test": f"{d.target} flow cytometry on the relapse sample",
                "why": f"{d.target} last measured on the {m.where}; confirm before {d.name}",
            }
        )
    return Criterion("met", f"{d.target} positive{pct} on {m.where}"), None, pend


def check(kb: KnowledgeBase, drug_id_or_drug: str | Drug, setting: Setting, ctx: PlanContext) -> LabelCheck:
    """Check one agent in one setting for this patient."""
    d = drug_id_or_drug if isinstance(drug_id_or_drug, Drug) else _drug(drug_id_or_drug)
    rule = DRUG_RULES[d.rule]
    if d.status == "withdrawn":
        gone = (f"{d.label}: FDA approval withdrawn {d.withdrawn}", *d.notes)
        return LabelCheck(d, "excluded", gone, tuple(kb.rule(WITHDRAWN).sources), WITHDRAWN)
    lin, lin_excl = _lineage(d, ctx)
    if lin_excl:
        return LabelCheck(d, "excluded", (lin_excl,), tuple(kb.rule(LINEAGE).sources), LINEAGE)
    tgt, tgt_excl, pend = _target(d, ctx, setting)
    if tgt_excl:
        return LabelCheck(d, "excluded", (tgt_excl,), tuple(kb.rule(MARKER).sources), MARKER)
    base: list[Criterion] = [c for c in (lin, tgt) if c is not None]
    if d.ph_required:
        if ctx.ph_positive is False:
            no_target = (f"Ph-negative: {d.name} acts on BCR::ABL1, absent here",)
            return LabelCheck(d, "excluded", no_target, tuple(kb.rule(PH).sources), PH)
        base.append(
            Criterion("unknown", "Ph status unknown") if ctx.ph_positive is None else Criterion("met", "Ph+")
        )
    uses = [u for u in d.uses if u.setting == setting]
    scored: list[tuple[Use, State, list[Criterion]]] = []
    for u in uses:
        crit = (
            base + _ph(u, ctx) + age_criteria(u, ctx.age_years) + [_requirement(r, ctx) for r in u.requires]
        )
        states = {c.state for c in crit}
        state: State = "failed" if "failed" in states else "unknown" if "unknown" in states else "met"
        scored.append((u, state, crit))
    status, chosen = _decide(scored)
    why: list[str] = []
    if chosen is not None:
        u, _, crit = chosen
        approved = f", approved {u.approved}" if u.approved else ""
        verify = " [VERIFY]" if u.verify else ""
        why.append(f"{u.basis}: {u.text}{approved}{verify}")
        why.extend(c.text + ("" if c.state == "met" else f" ({c.state})") for c in crit)
    else:
        why.extend(c.text for c in base)
        why.append(
            f"no labelled or guideline use of {d.name} in {setting.replace('_', '/')} in the knowledge base"
        )
    if status in ("off_label", "guideline_only"):
        for u, _, crit in scored:
            if u.basis == "label" and (chosen is None or u is not chosen[0]):
                failed = "; ".join(c.text for c in crit if c.state != "met")
                if failed:
                    why.append(f"not within label '{u.text}': {failed}")
    why.extend(d.notes)
    sources = list(kb.rule(rule).sources)
    if chosen is not None:
        sources.extend(s for s in chosen[0].sources if s not in sources)
    if status == "guideline_only" and chosen is not None and chosen[1] == "unknown":
        pend.extend(_unknown_pending(chosen[2], d))
    return LabelCheck(d, status, tuple(why), tuple(sources), rule, tuple(pend), chosen[0] if chosen else None)


def _decide(
    scored: list[tuple[Use, State, list[Criterion]]],
) -> tuple[Status, tuple[Use, State, list[Criterion]] | None]:
    for basis, state, status in (
        ("label", "met", "on_label"),
        ("guideline", "met", "guideline_only"),
        ("label", "unknown", "guideline_only"),
        ("guideline", "unknown", "guideline_only"),
    ):
        for s in scored:
            if s[0].basis == basis and s[1] == state:
                return status, s  # type: ignore[return-value]
    labels = [s for s in scored if s[0].basis == "label"]
    return "off_label", (labels[0] if labels else (scored[0] if scored else None))


def _unknown_pending(crit: list[Criterion], d: Drug) -> list[dict[str, str]]:
    out = []
    for c in crit:
        if c.state != "unknown":
            continue
        if c.text.startswith("Ph"):
            out.append(
                {"test": "BCR::ABL1 (FISH or RT-PCR)", "why": f"Ph status decides whether {d.name} applies"}
            )
        elif c.text.startswith("ABL1 T315I"):
            out.append(
                {"test": "ABL1 kinase-domain mutation testing", "why": f"T315I decides the {d.name} label"}
            )
        elif c.text.startswith("age"):
            out.append({"test": "patient age", "why": f"{d.name} label has an age limit"})
        elif c.text.startswith("MRD"):
            out.append({"test": "MRD quantification", "why": f"{d.name} label depends on the MRD level"})
    return out


@functools.cache
def _drugs_by_id() -> dict[str, Drug]:
    """The drug table by id (ids are unique: checked when the table is read)."""
    return {d.id: d for d in drug_table().drugs}


def _drug(drug_id: str) -> Drug:
    try:
        return _drugs_by_id()[drug_id]
    except KeyError:
        raise KnowledgeBaseError(f"drugs.yaml has no drug {drug_id!r}") from None


def option(kb: KnowledgeBase, lc: LabelCheck) -> dict[str, Any]:
    """The JSON option for a label check (``drug`` or, for CAR T, ``product``)."""
    r = kb.rule(lc.rule)
    key = "product" if lc.drug.kind == "car_t" else "drug"
    out: dict[str, Any] = {
        key: lc.drug.label,
        "drug_id": lc.drug.id,
        "label_status": lc.status,
        "why": list(lc.why),
        "sources": list(lc.sources),
        "rule": r.id,
        "rule_version": r.version,
    }
    if lc.use is not None and lc.use.approved:
        out["approved"] = lc.use.approved
    if lc.drug.safety:
        out["safety"] = list(lc.drug.safety)
    return out
