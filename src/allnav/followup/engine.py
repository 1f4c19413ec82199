"""``assess_followup``: surveillance by year after therapy (NCCN ALL-7) and a survivorship care plan.

Years count from the end of therapy: the first end-of-therapy phase label (``off_therapy``, "surveillance",
"follow-up", ... - the treatment pathway's labels) after the last treatment phase; a later follow-up label does
not restart the count. Year 1 is days 0-364 after it, year 2 days 365-729, year 3 onward from day 730 (365-day
years; exactly 12 months starts year 2, exactly 24 months year 3). A relapse or a treatment phase after the end
of therapy puts the patient back on therapy.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from allnav.case.model import Case, TimelineEntry
from allnav.followup.data_model import followup_table
from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.response.timeline import dated_entries, dated_entries_as_of, ph_status
from allnav.safety.drugs import resolve
from allnav.treatment.context import canonical_phase

SCHEDULE = RuleRef("follow.k2_schedule")
MARROW = RuleRef("follow.marrow")
PH_MONITORING = RuleRef("follow.ph_monitoring")
SURVIVORSHIP = RuleRef("follow.survivorship")

YEAR_DAYS = 365
OFF_PHASES = {
    "off_therapy",
    "off therapy",
    "off-therapy",
    "surveillance",
    "follow-up",
    "follow_up",
    "followup",
}
ACTIVE_STATUSES = ("relapse", "refractory", "progressive")
_CHEMO = {
    "anthracycline",
    "vinca",
    "thiopurine",
    "antifolate",
    "asparaginase",
    "cytarabine",
    "alkylator",
    "nelarabine",
    "corticosteroid",
}


def _off_therapy_day(
    case: Case, entries: list[tuple[int, int, TimelineEntry]] | None = None
) -> tuple[int | None, str | None]:
    off: int | None = None
    after: str | None = None
    for day, _, e in dated_entries(case) if entries is None else entries:
        if not e.phase:
            continue  # an entry without a phase label neither ends nor resumes therapy
        phase = e.phase.strip().lower()
        if phase in OFF_PHASES or canonical_phase(phase) == "follow_up":
            # the first end-of-therapy label counts, or a new one after re-treatment; a later visit label does not
            if off is None or after is not None:
                off, after = day, None
        elif phase and off is not None and day > off:
            after = f"phase '{e.phase}' on day {day} after the end of therapy"
    return off, after


_NOT_YET = "surveillance after completion of all therapy (including maintenance) does not apply yet"
_NO_OFF = "no off_therapy entry on the timeline as of the assessment day"


def _schedule(kb: KnowledgeBase, case: Case, response: Mapping[str, Any], ph: bool) -> dict[str, Any]:
    off: int | None = None  # without a timeline there is no end of therapy
    restarted: str | None = None
    now = 0
    if case.timeline:  # the entries and the assessment day read once
        entries, now = dated_entries_as_of(case)
        off, restarted = _off_therapy_day(case, entries)
    resp = response.get("response")
    if type(resp) is not dict and not isinstance(resp, Mapping):  # the usual dict skips the ABC check
        resp = {}
    status, when = resp.get("value"), resp.get("timepoint")
    if off is not None and status in ACTIVE_STATUSES and isinstance(when, int) and when >= off:
        restarted = f"{status} on day {when} after the end of therapy"
    if off is None or restarted:
        r = kb.rules[SCHEDULE]
        return {
            "value": "on therapy",
            "rule": r.id,
            "rule_version": r.version,
            "because": [restarted or _NO_OFF, _NOT_YET],
            "sources": [*r.sources],
            "status": "on therapy",
            "years_after_therapy": None,
            "interval_months": None,
            "tests": [],
            "off_therapy_day": off,
        }
    table = followup_table()
    days = now - off
    year = days // YEAR_DAYS + 1
    row = next(r for r in table.schedule if r.year_from <= year and (r.year_to is None or year <= r.year_to))
    tests = list(row.tests) + ([table.ph_test] if ph else [])
    why = [
        f"therapy ended on day {off}; assessment day {now}: {days} days = {days * 12 / YEAR_DAYS:.1f} months after",
        f"year {year} after therapy: every {row.interval_months[0]}-{row.interval_months[1]} months",
    ]
    return kb.conclude(
        SCHEDULE,
        f"year {year}" if year < 3 else "year 3 onward",
        why,
        status="surveillance",
        years_after_therapy=round(days / YEAR_DAYS, 2),
        days_after_therapy=days,
        year=year,
        interval_months=list(row.interval_months),
        tests=tests,
        off_therapy_day=off,
    )


def _late_effects(case: Case) -> tuple[list[dict[str, Any]], list[str]]:
    if not case.medications and not case.prior_anthracyclines:
        return [], []  # nothing given: no late effect to list
    table = followup_table()
    classes: dict[str, set[str]] = {}
    for m in case.medications:
        d = resolve(m.drug)
        if d is None or m.status != "given":
            continue
        for c in d.classes:
            classes.setdefault(c, set()).add(d.name)
    for p in case.prior_anthracyclines:
        classes.setdefault("anthracycline", set()).add(p.drug.lower())
    if classes.keys() & _CHEMO:
        classes.setdefault("any_chemotherapy", set()).add("chemotherapy")
    out, gaps = [], []
    for le in table.late_effects:
        if le.drug_class not in classes:
            continue
        drugs = sorted(classes[le.drug_class])
        if le.effect is None:
            gaps.append(
                f"{le.drug_class} ({', '.join(drugs)}): the project's sources (seed, clinical_rules.md) state no "
                "late effect; see the COG Long-Term Follow-Up Guidelines"
            )
            continue
        out.append({"drugs": drugs, "effect": le.effect, "watch": le.watch, "sources": [*le.sources]})
    return out, gaps


_PH_WHY = "Ph+ ALL: periodic BCR::ABL1 transcript quantification"
_NO_PH_WHY = "no BCR::ABL1 monitoring rule applies"
_PLAN_WHY = "late effects listed only for drugs actually given (medications and prior_anthracyclines)"


@dataclass(frozen=True)
class _Plan:
    """The survivorship plan's parts that come from the table alone: the schedule rows (years, interval,
    tests) and the sorted data sources."""

    schedule: tuple[tuple[str, tuple[int, int], list[str]], ...]
    data_sources: tuple[str, ...]


@functools.cache
def _plan() -> _Plan:
    table = followup_table()
    return _Plan(
        tuple(
            (f"{r.year_from}" + ("+" if r.year_to is None else ""), r.interval_months, r.tests)
            for r in table.schedule
        ),
        tuple(
            sorted(
                {
                    *table.lifestyle_sources,
                    *table.plan_sources,
                    *table.relapse_timing_sources,
                    *table.guidelines_sources,
                }
            )
        ),
    )


def assess_followup(
    case: Case, kb: KnowledgeBase, diagnostic: Mapping[str, Any], response: Mapping[str, Any]
) -> dict[str, Any]:
    """Surveillance schedule and survivorship care plan.

    Returns ``{"followup": {"years_after_therapy", "interval_months", "tests", "marrow", "ph_monitoring",
    "schedule"}, "survivorship": {...}}``.
    """
    table = followup_table()
    plan = _plan()
    ph_value, ph_why = ph_status(case, diagnostic)
    ph = ph_value is True
    sched = _schedule(kb, case, response, ph)
    surveillance = sched["status"] == "surveillance"
    marrow = None
    if surveillance:
        years = sched["years_after_therapy"]
        within = sched["days_after_therapy"] < table.marrow_years * YEAR_DAYS
        marrow = kb.conclude(
            MARROW,
            table.marrow if within else "as clinically indicated",
            [f"{years:g} years after therapy ({'<' if within else '>='} {table.marrow_years})"],
        )
    r = kb.rules[PH_MONITORING]
    ph_mon = {
        "value": ph,
        "rule": r.id,
        "rule_version": r.version,
        "because": [ph_why, _PH_WHY if ph else _NO_PH_WHY],
        "sources": [*r.sources],
    }
    effects, gaps = _late_effects(case)
    r = kb.rules[SURVIVORSHIP]
    survivorship = {
        "value": "survivorship care plan",
        "rule": r.id,
        "rule_version": r.version,
        "because": [_PLAN_WHY, *gaps],
        "sources": [*r.sources],
        "schedule": [
            {"years": years, "interval_months": [*months], "tests": [*tests]}
            for years, months, tests in plan.schedule
        ]
        if plan.schedule
        else table.schedule,
        "late_effects": effects,
        "gaps": gaps,
        "lifestyle": [*table.lifestyle],  # fresh lists: callers may edit the output
        "plan_items": [*table.plan_items],
        "relapse_timing": table.relapse_timing,
        "guidelines": table.guidelines,
        "data_sources": list(plan.data_sources),
    }
    return {
        "followup": {
            "status": sched["status"],
            "years_after_therapy": sched["years_after_therapy"],
            "interval_months": sched["interval_months"],
            "tests": sched["tests"],
            "marrow": marrow,
            "ph_monitoring": ph,
            "ph_monitoring_detail": ph_mon,
            "schedule": sched,
        },
        "survivorship": survivorship,
    }
