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

import math
from typing import Any, Literal, NamedTuple

from allnav.errors import KnowledgeBaseError
from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.treatment.context import Marker, PlanContext
from allnav.treatment.facts import AgeBounds, Drug, Setting, Use, drug_table, drugs_by_id

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


class Criterion(NamedTuple):
    state: State
    text: str


#: A criterion inside :func:`check`: a plain ``(state, text)`` pair (built many times per case, and a plain
#: tuple is the cheapest object to build; :class:`Criterion` is the same pair with names).
Crit = tuple[State, str]


class LabelCheck(NamedTuple):
    """The outcome of checking one agent in one setting (immutable)."""

    drug: Drug
    status: Status
    why: tuple[str, ...]
    sources: tuple[str, ...]
    rule: str
    pending: tuple[dict[str, str], ...] = ()
    use: Use | None = None


def check_rules_declared() -> None:
    """Fail at start-up when ``drugs.yaml`` names a rule no code declares."""
    for d in drug_table().drugs:
        if d.rule not in DRUG_RULES:
            raise KnowledgeBaseError(f"drugs.yaml: drug {d.id} names undeclared rule {d.rule!r}")


check_rules_declared()


def _fmt_age(age: float) -> str:
    return f"{age:g} y"


class _Limit(NamedTuple):
    """One age limit of a use, with its texts built once: ``(limit, kind, relation, unknown-age text)``."""

    limit: float
    kind: str
    rel: str
    unknown: Crit


def _limits(bounds: AgeBounds) -> tuple[_Limit, ...]:
    """The age limits of a use or schedule, in the order they are reported."""
    out: list[_Limit] = []
    limits = [
        (bounds.min_age_years, "min"),
        (bounds.min_age_months, "months"),
        (bounds.below_age_years, "below"),
        (float(bounds.max_age_years) if bounds.max_age_years is not None else None, "max"),
    ]
    for limit, kind in limits:
        if limit is None:
            continue
        if kind == "min":
            rel = f">= {limit:g} y"
        elif kind == "months":
            rel = f">= {limit:g} month(s)"
        elif kind == "below":
            rel = f"< {limit:g} y"
        else:
            rel = f"up to {limit:g} y (completed years)"
        out.append(_Limit(limit, kind, rel, ("unknown", f"age unknown (limit: {kind} {limit:g})")))
    return tuple(out)


def _age(limits: tuple[_Limit, ...], age: float | None) -> list[Crit]:
    if age is None:
        return [lim.unknown for lim in limits]
    prefix = f"age {_fmt_age(age)}: label/guideline limit "
    return [("met" if _within(lim, age) else "failed", prefix + lim.rel) for lim in limits]


def _within(lim: _Limit, age: float) -> bool:
    kind, limit = lim.kind, lim.limit
    if kind == "min":
        return age >= limit
    if kind == "months":
        return age * 12 >= limit
    if kind == "below":
        return age < limit
    return math.floor(age) <= limit


def age_criteria(bounds: AgeBounds, age: float | None) -> list[Criterion]:
    """Check age limits (``min`` inclusive, ``below`` exclusive, ``max`` on completed years)."""
    return [Criterion(*c) for c in _age(_limits(bounds), age)]


def prior_regimens(ctx: PlanContext) -> int:
    """Regimens given before the current relapsed/refractory episode (front-line + earlier salvage)."""
    return 1 + ctx.relapse_number - (1 if ctx.response == "relapse" else 0)


def _requirement(req: str, ctx: PlanContext) -> Crit:
    if req == "in_remission":
        if ctx.response is None:
            return ("unknown", "remission status unknown")
        return ("met" if ctx.in_remission else "failed", f"response = {ctx.response}")
    if req == "mrd_ge_1e3":
        if ctx.mrd_level is None:
            return ("unknown", "MRD level unknown (label: >= 0.1%)")
        ok = ctx.mrd_level >= 1e-3
        return ("met" if ok else "failed", f"MRD {ctx.mrd_level:g} ({'>=' if ok else '<'} 1e-3)")
    if req == "refractory_or_second_relapse":
        if ctx.response in ("refractory", "progressive") and ctx.relapse_number == 0:
            return ("met", f"primary refractory disease (response = {ctx.response})")
        if ctx.response == "relapse" and ctx.relapse_number >= 2:
            return ("met", f"relapse number {ctx.relapse_number} (>= 2)")
        if ctx.response in ("refractory", "progressive"):
            return ("met", f"refractory after relapse (relapse number {ctx.relapse_number})")
        return ("failed", f"relapse number {ctx.relapse_number}: label needs refractory or 2nd+ relapse")
    if req == "two_prior_regimens":
        n = prior_regimens(ctx)
        return (
            "met" if n >= 2 else "failed",
            f"{n} prior regimen(s) estimated from the timeline (front-line + earlier salvage); label >= 2",
        )
    if req == "t315i_positive":
        if ctx.t315i is None:
            return ("unknown", "ABL1 T315I status unknown")
        return ("met" if ctx.t315i else "failed", f"ABL1 T315I {'detected' if ctx.t315i else 'not detected'}")
    raise KnowledgeBaseError(f"unknown requirement {req!r}")  # pragma: no cover - validated by the model


#: Criterion states from best to worst (a use's state is the worst of its criteria).
_STATES: tuple[State, ...] = ("met", "unknown", "failed")
_RANK: dict[str, int] = {state: i for i, state in enumerate(_STATES)}
#: The order in which uses are chosen: (basis, state of its criteria, label status).
_CHOICE: tuple[tuple[str, State, Status], ...] = (
    ("label", "met", "on_label"),
    ("guideline", "met", "guideline_only"),
    ("label", "unknown", "guideline_only"),
    ("guideline", "unknown", "guideline_only"),
)


def _ph(use: Use, ph_positive: bool | None) -> list[Crit]:
    if use.ph == "any":
        return []
    want = use.ph == "positive"
    if ph_positive is None:
        return [("unknown", f"Ph status unknown (use needs Ph-{use.ph})")]
    ok = ph_positive == want
    return [("met" if ok else "failed", f"Ph{'+' if ph_positive else '-'} (use: Ph-{use.ph})")]


class _UseFacts(NamedTuple):
    """A use with what does not depend on the patient built once: its heading, Ph criteria and age limits."""

    use: Use
    head: str
    ph: dict[bool | None, list[Crit]]  # by the patient's Ph status
    ph_rank: dict[bool | None, int]  # the worst state (index in _STATES) of those criteria
    ages: tuple[_Limit, ...]
    unknown_ages: tuple[Crit, ...]  # the age criteria when the age is unknown
    #: by state (index in _STATES): the rank of (basis, state) in _CHOICE (len(_CHOICE): never chosen)
    priority_by_rank: tuple[int, ...]
    requires: tuple[str, ...]
    is_label: bool
    not_within: str  # the head of the "not within label" reason
    merged: dict[tuple[str, ...], tuple[str, ...]]  # rule sources + this use's, by the rule's sources
    ph_why: dict[bool | None, tuple[str, ...]]  # the Ph criteria as shown in ``why``, by Ph status
    ph_unmet: dict[bool | None, tuple[str, ...]]  # the texts of the Ph criteria not met, by Ph status
    unknown_ages_why: tuple[str, ...]  # the age criteria as shown when the age is unknown


def _shown(c: Crit) -> str:
    """A criterion as shown in ``why``: its text, with its state when it is not met."""
    return c[1] if c[0] == "met" else f"{c[1]} ({c[0]})"


def _merged_sources(uf: _UseFacts, rule_sources: tuple[str, ...]) -> tuple[str, ...]:
    """The rule's sources followed by the use's own (duplicates dropped), merged once per rule record."""
    merged = uf.merged.get(rule_sources)
    if merged is None:
        out = list(rule_sources)
        out.extend(s for s in uf.use.sources if s not in out)
        merged = uf.merged[rule_sources] = tuple(out)
    return merged


def _use_facts(u: Use) -> _UseFacts:
    approved = f", approved {u.approved}" if u.approved else ""
    verify = " [VERIFY]" if u.verify else ""
    ph = {v: _ph(u, v) for v in (None, True, False)}
    ph_rank = {v: max([_RANK[c[0]] for c in crit], default=0) for v, crit in ph.items()}
    limits = _limits(u)
    priority = {state: i for i, (basis, state, _) in enumerate(_CHOICE) if basis == u.basis}
    by_rank = tuple(priority.get(state, len(_CHOICE)) for state in _STATES)
    return _UseFacts(
        u,
        f"{u.basis}: {u.text}{approved}{verify}",
        ph,
        ph_rank,
        limits,
        tuple(lim.unknown for lim in limits),
        by_rank,
        u.requires,
        u.basis == "label",
        f"not within label '{u.text}': ",
        {},
        {v: tuple(_shown(c) for c in crit) for v, crit in ph.items()},
        {v: tuple(c[1] for c in crit if c[0] != "met") for v, crit in ph.items()},
        tuple(_shown(lim.unknown) for lim in limits),
    )


#: The lineages a :class:`PlanContext` can hold (the lineage outcomes are built once for each).
_LINEAGES: tuple[str | None, ...] = (None, "B", "T", "mixed", "undifferentiated")


class _DrugFacts(NamedTuple):
    """A drug's uses by setting (table order kept) and its lineage outcomes, built once from ``drugs.yaml``."""

    drug: Drug
    uses: dict[str, tuple[_UseFacts, ...]]
    lineage: dict[str | None, tuple[Crit | None, str | None]]
    key: str  # the option key: ``product`` for CAR T, else ``drug``
    label: str  # the name shown: ``name (Brand)``


def _key_label(d: Drug) -> tuple[str, str]:
    """The option key (``product`` for CAR T, else ``drug``) and the name shown."""
    return ("product" if d.kind == "car_t" else "drug"), d.label


def _drug_facts(d: Drug) -> _DrugFacts:
    by_setting: dict[str, list[_UseFacts]] = {}
    for u in d.uses:
        by_setting.setdefault(u.setting, []).append(_use_facts(u))
    uses = {k: tuple(v) for k, v in by_setting.items()}
    return _DrugFacts(d, uses, {lin: _lineage(d, lin) for lin in _LINEAGES}, *_key_label(d))


def _lineage(d: Drug, lineage: str | None) -> tuple[Crit | None, str | None]:
    """A lineage criterion, or an exclusion reason."""
    if d.lineage == "any":
        return None, None
    other = "T" if d.lineage == "B" else "B"
    if lineage == other:
        what = "B-cell precursor ALL" if d.lineage == "B" else "T-cell ALL/LBL"
        return None, f"{lineage}-lineage disease: {d.name} is only for {what}"
    if lineage is None:
        return ("unknown", "lineage unknown"), None
    if lineage == d.lineage:
        return ("met", f"lineage {lineage} matches"), None
    return ("failed", f"lineage {lineage}: the label names {d.lineage}-lineage ALL only"), None


def _target(
    d: Drug, ctx: PlanContext, setting: Setting
) -> tuple[Crit | None, str | None, list[dict[str, str]]]:
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
        return ("unknown", f"{d.target} negative on the {m.where}, not on this relapse"), None, pend
    if m.positive is False:
        return None, f"{d.target} negative on {m.where}: {d.name} targets {d.target}", []
    if m.positive is None:
        pend.append(
            {
                "test": f"{d.target} flow cytometry on the {sample}",
                "why": f"{d.name} requires {d.target}+ blasts",
            }
        )
        return ("unknown", f"{d.target} expression unknown ({m.where})"), None, pend
    pct = f" ({m.percent:g}% of blasts)" if m.percent is not None else ""
    if stale:
        pend.append(
            {
                "test": f"{d.target} flow cytometry on the relapse sample",
                "why": f"{d.target} last measured on the {m.where}; confirm before {d.name}",
            }
        )
    return ("met", f"{d.target} positive{pct} on {m.where}"), None, pend


#: Every drug of the table with its uses prepared (the table is static: read once at import).
_FACTS: dict[str, _DrugFacts] = {d.id: _drug_facts(d) for d in drug_table().drugs}

#: What :func:`_evaluate` returns: status, why (a fresh list), sources, rule, pending (a fresh list), use.
_Outcome = tuple[Status, list[str], tuple[str, ...], str, list[dict[str, str]], Use | None]


def _facts_of(drug_id_or_drug: str | Drug) -> _DrugFacts:
    d = _drug(drug_id_or_drug) if isinstance(drug_id_or_drug, str) else drug_id_or_drug
    facts = _FACTS.get(d.id)
    if facts is None or facts.drug is not d:
        facts = _drug_facts(d)
    return facts


def check(kb: KnowledgeBase, drug_id_or_drug: str | Drug, setting: Setting, ctx: PlanContext) -> LabelCheck:
    """Check one agent in one setting for this patient."""
    facts = _facts_of(drug_id_or_drug)
    status, why, sources, rule, pend, use = _evaluate(kb, facts, setting, ctx, {})
    return LabelCheck(facts.drug, status, tuple(why), sources, rule, tuple(pend), use)


def _evaluate(
    kb: KnowledgeBase, facts: _DrugFacts, setting: Setting, ctx: PlanContext, reqs: dict[str, Crit]
) -> _Outcome:
    """The label check of one agent; ``reqs`` holds the requirement criteria already evaluated for this
    patient (shared by the checks of one plan: they depend on the patient only)."""
    d = facts.drug
    if d.status == "withdrawn":
        gone = [f"{d.label}: FDA approval withdrawn {d.withdrawn}", *d.notes]
        return "excluded", gone, tuple(kb.rule(WITHDRAWN).sources), WITHDRAWN, [], None
    lin_out = facts.lineage.get(ctx.lineage)
    lin, lin_excl = lin_out if lin_out is not None else _lineage(d, ctx.lineage)
    if lin_excl:
        return "excluded", [lin_excl], tuple(kb.rule(LINEAGE).sources), LINEAGE, [], None
    base: list[Crit] = [] if lin is None else [lin]
    pend: list[dict[str, str]]
    if d.target is None:
        pend = []
    else:
        tgt, tgt_excl, pend = _target(d, ctx, setting)
        if tgt_excl:
            return "excluded", [tgt_excl], tuple(kb.rule(MARKER).sources), MARKER, [], None
        if tgt is not None:
            base.append(tgt)
    ph = ctx.ph_positive
    if d.ph_required:
        if ph is False:
            no_target = [f"Ph-negative: {d.name} acts on BCR::ABL1, absent here"]
            return "excluded", no_target, tuple(kb.rule(PH).sources), PH, [], None
        base.append(_PH_UNKNOWN if ph is None else _PH_MET)
    age = ctx.age_years
    base_rank = 0
    for b in base:
        if b[0] != "met":
            base_rank = max(base_rank, _RANK[b[0]])
    # first pass: each use's state only (index in _STATES), and the best choice (see _CHOICE); the criteria
    # texts are built afterwards for the uses that are shown (the chosen one, other labelled ones)
    uses = facts.uses.get(setting, ())
    ranks: list[int] = []
    chosen: _UseFacts | None = None
    chosen_priority = len(_CHOICE)
    chosen_rank = 0
    for uf in uses:
        rank = uf.ph_rank[ph]
        if base_rank > rank:
            rank = base_rank
        if uf.ages and rank < 2:
            if age is None:
                rank = 1
            else:
                for lim in uf.ages:
                    if not _within(lim, age):
                        rank = 2
                        break
        if rank < 2:
            for r in uf.requires:
                c = reqs.get(r)
                if c is None:
                    c = reqs[r] = _requirement(r, ctx)
                if c[0] != "met" and _RANK[c[0]] > rank:
                    rank = _RANK[c[0]]
        ranks.append(rank)
        p = uf.priority_by_rank[rank]
        if p < chosen_priority:
            chosen, chosen_priority, chosen_rank = uf, p, rank
    status: Status
    if chosen is not None:
        status = _CHOICE[chosen_priority][2]
    else:
        status = "off_label"
        for uf in uses:
            if uf.is_label:
                chosen = uf
                break
        else:
            chosen = uses[0] if uses else None
    # the chosen use's criteria as shown, and the unmet criteria of the other labelled uses (built from
    # the parts prepared at import: the base criteria, then Ph, age limits and requirements)
    why: list[str]
    if chosen is not None:
        why = [chosen.head]
        for b in base:
            why.append(b[1] if b[0] == "met" else f"{b[1]} ({b[0]})")
        why += chosen.ph_why[ph]
        if chosen.ages:
            if age is None:
                why += chosen.unknown_ages_why
            else:
                prefix = f"age {age:g} y: label/guideline limit "
                for lim in chosen.ages:
                    why.append(prefix + lim.rel if _within(lim, age) else f"{prefix}{lim.rel} (failed)")
        for r in chosen.requires:
            c = reqs.get(r)
            if c is None:
                c = reqs[r] = _requirement(r, ctx)
            why.append(c[1] if c[0] == "met" else f"{c[1]} ({c[0]})")
    else:
        why = [c[1] for c in base]
        why.append(
            f"no labelled or guideline use of {d.name} in {setting.replace('_', '/')} in the knowledge base"
        )
    if status != "on_label":
        for uf, rank in zip(uses, ranks, strict=True):
            if uf.is_label and uf is not chosen and rank:
                why.append(uf.not_within + "; ".join(_unmet(uf, base, ph, age, reqs, ctx)))
    if d.notes:
        why.extend(d.notes)
    rule = DRUG_RULES[d.rule]
    rule_sources = (kb.rules.get(rule) or kb.rule(rule)).sources  # kb.rule raises for a missing record
    if chosen is None:
        return status, why, tuple(rule_sources), rule, pend, None
    if status == "guideline_only" and chosen_rank == 1:
        pend.extend(_unknown_pending(_criteria(chosen, base, ph, age, reqs, ctx), d))
    return status, why, _merged_sources(chosen, rule_sources), rule, pend, chosen.use


def _criteria(
    uf: _UseFacts,
    base: list[Crit],
    ph: bool | None,
    age: float | None,
    reqs: dict[str, Crit],
    ctx: PlanContext,
) -> list[Crit]:
    """A use's criteria for this patient, in the order they are reported: lineage and target (``base``),
    Ph, age limits, requirements."""
    crit = base + uf.ph[ph]
    if uf.ages:
        if age is None:
            crit += uf.unknown_ages
        else:
            prefix = f"age {age:g} y: label/guideline limit "
            for lim in uf.ages:
                crit.append(("met" if _within(lim, age) else "failed", prefix + lim.rel))
    for r in uf.requires:
        c = reqs.get(r)
        if c is None:
            c = reqs[r] = _requirement(r, ctx)
        crit.append(c)
    return crit


def _unmet(
    uf: _UseFacts,
    base: list[Crit],
    ph: bool | None,
    age: float | None,
    reqs: dict[str, Crit],
    ctx: PlanContext,
) -> list[str]:
    """The texts of a use's criteria that are not met, in the order of :func:`_criteria`."""
    out = [b[1] for b in base if b[0] != "met"]
    out += uf.ph_unmet[ph]
    if uf.ages:
        if age is None:
            out += [lim.unknown[1] for lim in uf.ages]
        else:
            prefix = f"age {age:g} y: label/guideline limit "
            out += [prefix + lim.rel for lim in uf.ages if not _within(lim, age)]
    for r in uf.requires:
        c = reqs.get(r)
        if c is None:
            c = reqs[r] = _requirement(r, ctx)
        if c[0] != "met":
            out.append(c[1])
    return out


_PH_UNKNOWN: Crit = ("unknown", "Ph status unknown")
_PH_MET: Crit = ("met", "Ph+")


def _unknown_pending(crit: list[Crit], d: Drug) -> list[dict[str, str]]:
    out = []
    for state, text in crit:
        if state != "unknown":
            continue
        if text.startswith("Ph"):
            out.append(
                {"test": "BCR::ABL1 (FISH or RT-PCR)", "why": f"Ph status decides whether {d.name} applies"}
            )
        elif text.startswith("ABL1 T315I"):
            out.append(
                {"test": "ABL1 kinase-domain mutation testing", "why": f"T315I decides the {d.name} label"}
            )
        elif text.startswith("age"):
            out.append({"test": "patient age", "why": f"{d.name} label has an age limit"})
        elif text.startswith("MRD"):
            out.append({"test": "MRD quantification", "why": f"{d.name} label depends on the MRD level"})
    return out


def _drug(drug_id: str) -> Drug:
    try:
        return drugs_by_id()[drug_id]
    except KeyError:
        raise KnowledgeBaseError(f"drugs.yaml has no drug {drug_id!r}") from None


def option(kb: KnowledgeBase, lc: LabelCheck) -> dict[str, Any]:
    """The JSON option for a label check (``drug`` or, for CAR T, ``product``)."""
    return _option(kb, _facts_of(lc.drug), lc.status, list(lc.why), lc.sources, lc.rule, lc.use)


def _option(
    kb: KnowledgeBase,
    facts: _DrugFacts,
    status: Status,
    why: list[str],
    sources: tuple[str, ...],
    rule: str,
    use: Use | None,
) -> dict[str, Any]:
    """The JSON option of a check's outcome (``why`` is put in as is: pass a fresh list)."""
    r = kb.rules.get(rule) or kb.rule(rule)  # kb.rule raises for a missing record
    out: dict[str, Any] = {
        facts.key: facts.label,
        "drug_id": facts.drug.id,
        "label_status": status,
        "why": why,
        "sources": list(sources),
        "rule": r.id,
        "rule_version": r.version,
    }
    if use is not None and use.approved:
        out["approved"] = use.approved
    if facts.drug.safety:
        out["safety"] = list(facts.drug.safety)
    return out


def checked_option(
    kb: KnowledgeBase, drug_id: str, setting: Setting, ctx: PlanContext, reqs: dict[str, Crit]
) -> tuple[Status, dict[str, Any], list[dict[str, str]]]:
    """``option(kb, check(kb, drug_id, setting, ctx))`` with the check's status and pending tests, without
    the intermediate :class:`LabelCheck`; ``reqs`` is shared by the checks of one plan (start with ``{}``)."""
    facts = _FACTS.get(drug_id)
    if facts is None:
        facts = _facts_of(drug_id)  # raises KnowledgeBaseError for an unknown id
    status, why, sources, rule, pend, use = _evaluate(kb, facts, setting, ctx, reqs)
    return status, _option(kb, facts, status, why, sources, rule, use), pend


def add_options(
    kb: KnowledgeBase,
    ids: tuple[str, ...],
    setting: Setting,
    ctx: PlanContext,
    opts: list[dict[str, Any]],
    excluded: list[dict[str, Any]],
    pending: list[dict[str, str]],
) -> None:
    """Check each agent (drug-table ids) and add its option to ``opts`` or ``excluded``, its tests to
    ``pending``: ``option(kb, check(...))`` for each, in one loop."""
    reqs: dict[str, Crit] = {}
    for i in ids:
        facts = _FACTS.get(i)
        if facts is None:
            facts = _facts_of(i)  # raises KnowledgeBaseError for an unknown id
        status, why, sources, rule, pend, use = _evaluate(kb, facts, setting, ctx, reqs)
        o = _option(kb, facts, status, why, sources, rule, use)
        if status == "excluded":
            excluded.append(o)
        else:
            opts.append(o)
        if pend:
            pending.extend(pend)
