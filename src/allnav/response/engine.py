"""``assess_response``: response over time, MRD, CNS status, time to CR, late relapse and ICD-10-CM status."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from allnav.case.model import Case, TimelineEntry
from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.response.findings import read_findings
from allnav.response.mrd import THRESHOLD, assess_mrd
from allnav.response.status import REMISSION, Course, Status
from allnav.response.timeline import as_of_day, dated_entries_as_of, diag_value, ph_status, therapy_start_day

TIME_TO_CR = RuleRef("resp.time_to_cr")
LATE_RELAPSE = RuleRef("resp.late_relapse")
CNS_STATUS = RuleRef("resp.cns_status")
ICD10CM = RuleRef("resp.icd10cm_status")
NO_RESPONSE_DATA = RuleRef("resp.no_data")

LATE_RELAPSE_DAYS = 1095  # 3 years x 365 days; late relapse is strictly later
SEED_WEEKS_LO, SEED_WEEKS_HI = 4, 5
ICD_BY_STATUS = {"remission": "C91.01", "relapse": "C91.02", "active": "C91.00"}
_LYMPHOMA = ("B-LBL", "T-LBL")
_SEED_TTC = (
    "seed: CR within 4 to 5 weeks of starting treatment goes with a better prognosis; UKALL XII's "
    "> 4 weeks high-risk cut was not independently prognostic (clinical_rules F2)"
)


def _conclusion(kb: KnowledgeBase, s: Status) -> dict[str, Any]:
    """``kb.conclude(s.rule, s.value, s.because, **s.extra, timepoint=s.day, reported=s.reported)``, built
    directly (status extras never use the keys timepoint/reported)."""
    r = kb.rules[s.rule]
    return {
        "value": s.value,
        "rule": r.id,
        "rule_version": r.version,
        "because": list(s.because),
        "sources": [*r.sources],
        **s.extra,
        "timepoint": s.day,
        "reported": s.reported,
    }


def _emd_at_diagnosis(case: Case, cns_dx: Any) -> bool:
    p = case.presentation
    return (
        p.testicular_involvement is True
        or p.lymphoblastic_mass is True
        or p.mediastinal_mass is True
        or p.cns_mass is True
        or cns_dx == "CNS3"
    )


def _time_to_cr(kb: KnowledgeBase, case: Case, history: list[Status]) -> dict[str, Any] | None:
    first = next((s for s in history if s.value == "CR"), None)
    if first is None:
        return None
    start, start_why = therapy_start_day(case)
    weeks = (first.day - start) / 7.0
    within = weeks <= SEED_WEEKS_HI
    band = (
        "within 4 weeks" if weeks <= SEED_WEEKS_LO else ("within 4 to 5 weeks" if within else "after 5 weeks")
    )
    r = kb.rules[TIME_TO_CR]
    return {
        "value": first.day,
        "rule": r.id,
        "rule_version": r.version,
        "because": [
            f"first CR on day {first.day} (days from diagnosis)",
            f"{weeks:.1f} weeks from the start of treatment ({start_why}): {band}",
            _SEED_TTC,
        ],
        "sources": [*r.sources],
        "weeks_from_treatment_start": round(weeks, 2),
        "within_4_to_5_weeks": within,
    }


def _plain(kb: KnowledgeBase, rule: str, value: Any, why: str) -> dict[str, Any]:
    """A conclusion with one reason and no extra keys (what ``kb.conclude`` gives), built directly."""
    r = kb.rules[rule]
    return {
        "value": value,
        "rule": r.id,
        "rule_version": r.version,
        "because": [why],
        "sources": [*r.sources],
    }


def _cns(
    kb: KnowledgeBase, cns_dx: Any, latest: Status | None, csf_days: list[tuple[int, str]]
) -> dict[str, Any]:
    if latest is not None and latest.value == "relapse" and "CNS" in latest.extra.get("sites", []):
        return _plain(kb, CNS_STATUS, "relapse", f"relapse on day {latest.day} involves the CNS")
    if csf_days and cns_dx in ("CNS2", "CNS3"):
        day, last = csf_days[-1]
        if last == "CNS1":
            return _plain(
                kb,
                CNS_STATUS,
                "remission",
                f"CNS status at diagnosis {cns_dx}; CSF on day {day} is CNS1 (no blasts)",
            )
        return _plain(kb, CNS_STATUS, None, f"CNS status at diagnosis {cns_dx}; CSF on day {day} is {last}")
    why = f"CNS status at diagnosis {cns_dx or 'unknown'}" + ("" if csf_days else "; no follow-up CSF")
    return _plain(kb, CNS_STATUS, None, why)


_ALL_STATUS_DIAGNOSES = ("B-ALL", "T-ALL", "MPAL", "AUL", "indeterminate")


def _icd(kb: KnowledgeBase, diagnosis: Any, history: list[Status]) -> dict[str, Any]:
    if diagnosis in _LYMPHOMA:
        return _plain(
            kb, ICD10CM, None, f"{diagnosis}: lymphoma codes (C83.5x) go by site, not by remission status"
        )
    if diagnosis is not None and diagnosis not in _ALL_STATUS_DIAGNOSES:
        return _plain(kb, ICD10CM, None, f"diagnosis {diagnosis}: no ALL status code")
    last: Status | None = None  # the last established status (a plain loop: mypyc-compilable)
    for s in history:
        if s.value != "not evaluable":
            last = s
    if last is None:
        return _plain(kb, ICD10CM, "C91.00", "no remission documented yet (new diagnosis)")
    if last.value in REMISSION:
        return _plain(kb, ICD10CM, "C91.01", f"{last.value} on day {last.day}: in remission")
    if last.value == "relapse":
        return _plain(kb, ICD10CM, "C91.02", f"relapse on day {last.day}")
    return _plain(kb, ICD10CM, "C91.00", f"{last.value} on day {last.day}: not having achieved remission")


def assess_response(case: Case, kb: KnowledgeBase, diagnostic: Mapping[str, Any]) -> dict[str, Any]:
    """Response at each timepoint and now, with MRD, CNS, time to CR, late relapse and ICD-10-CM status.

    Returns ``{"response", "mrd", "icd10cm_status", "history", "pending", "alerts", "cns"}``.
    """
    cns_dx = diag_value(diagnostic, "cns_status")
    ph, _ = ph_status(case, diagnostic)
    csf_days: list[tuple[int, str]] = []
    entries, as_of = dated_entries_as_of(case) if case.timeline else ([], None)
    with_mrd: list[tuple[int, int, TimelineEntry]] = []  # the entries with an MRD result, for assess_mrd
    course: Course | None = None  # started at the first entry that says something about response
    for day, i, entry in entries:
        if entry.mrd is not None:
            with_mrd.append((day, i, entry))
        f = read_findings(day, i, entry)
        if f is None:
            continue  # says nothing about response
        if course is None:
            course = Course(
                baseline_marrow=case.marrow.blasts_pct,
                baseline_blood=case.blood.blasts_pct,
                baseline_wbc=case.blood.wbc,
                emd_at_diagnosis=_emd_at_diagnosis(case, cns_dx),
            )
        course.step(f)
        if f.cns is not None:
            csf_days.append((day, f.cns))
    history: list[Status] = course.history if course is not None else []
    alerts: list[dict[str, Any]] = []
    latest = history[-1] if history else None
    relapses = [s for s in history if s.value == "relapse"] if history else []
    if latest is None:  # built directly, in the key order of the general case below
        r = kb.rules[NO_RESPONSE_DATA]
        response: dict[str, Any] = {
            "value": "not evaluable",
            "rule": r.id,
            "rule_version": r.version,
            "because": [
                f"no response assessment on the timeline up to day {as_of_day(case) if as_of is None else as_of}"
            ],
            "sources": [*r.sources],
            "timepoint": None,
            "reported": False,
            "time_to_cr_days": None,
            "time_to_cr": None,
            "relapse_site": None,
            "late_relapse": None,
        }
    else:
        response = _conclusion(kb, latest)
        if latest.value == "not evaluable":
            evaluable = [s for s in history if s.value != "not evaluable"]
            if evaluable:
                response["last_established"] = {"value": evaluable[-1].value, "timepoint": evaluable[-1].day}
        ttc = _time_to_cr(kb, case, history)
        response["time_to_cr_days"] = ttc["value"] if ttc else None
        response["time_to_cr"] = ttc
        response.setdefault("relapse_site", None)
        response["late_relapse"] = None
    if relapses:
        rl = relapses[-1]
        late = rl.day > LATE_RELAPSE_DAYS
        response["late_relapse"] = late
        response["late_relapse_detail"] = kb.conclude(
            LATE_RELAPSE,
            late,
            [f"relapse on day {rl.day} from diagnosis ({'>' if late else '<='} 1095 days = 3 years)"],
        )
        response["last_relapse"] = {"day": rl.day, "relapse_site": rl.extra.get("relapse_site"), "late": late}
        if latest is not None and latest.value == "relapse":
            response["relapse_site"] = rl.extra.get("relapse_site")
    remissions = 0
    was_remission = False
    for s in history:  # entries into remission: a remission status not preceded by one
        now_remission = s.value in REMISSION
        if now_remission and not was_remission:
            remissions += 1
        was_remission = now_remission
    response["remission_number"] = remissions or None
    response["relapse_number"] = len(relapses)
    cns = _cns(kb, cns_dx, latest, csf_days)
    response["cns"] = cns["value"]
    mrd, mrd_alerts = assess_mrd(kb, case, ph, with_mrd)
    if mrd_alerts:
        alerts += mrd_alerts
    icd = _icd(kb, diag_value(diagnostic, "diagnosis"), history)
    last_relapse_day = relapses[-1].day if relapses else -1
    pending: list[dict[str, Any]] = []
    _pending_and_alerts(kb, latest, mrd, ph, pending, alerts, last_relapse_day)
    return {
        "response": response,
        "mrd": mrd,
        "icd10cm_status": icd,
        "cns": cns,
        "history": [_conclusion(kb, s) for s in history] if history else [],
        "pending": pending,
        "alerts": alerts,
    }


def mrd_trend(mrd: Mapping[str, Any]) -> str | None:
    """'rises' / 'persists' when the latest MRD (BCR::ABL1 series when present) is positive and above, or
    as positive as, the result before it; None otherwise (a single or a falling result).

    clinical_rules G4 (NCCN ALL-4/ALL-7): ABL1 kinase-domain testing when MRD persists or rises, not only at
    relapse or refractoriness.
    """
    series = mrd.get("molecular_history") or mrd.get("history") or []
    levels = [h.get("level") for h in series if isinstance(h.get("level"), int | float)]
    if len(levels) < 2 or levels[-1] < THRESHOLD:
        return None
    before, now = levels[-2], levels[-1]
    if now > before:
        return f"rises ({before:g} -> {now:g})"
    if before >= THRESHOLD:
        return f"persists ({before:g} -> {now:g}, both >= 1e-4)"
    return None


def _pending_and_alerts(
    kb: KnowledgeBase,
    latest: Status | None,
    mrd: dict[str, Any],
    ph: Any,
    pending: list[dict[str, Any]],
    alerts: list[dict[str, Any]],
    last_relapse_day: int,
) -> None:
    value = latest.value if latest else None
    if latest is not None and latest.extra.get("repeat_marrow"):
        pending.append({"test": "repeat marrow aspirate", "why": "; ".join(latest.because)})
    if value in REMISSION and mrd["status"] == "not done":
        pending.append(
            {
                "test": "MRD (NGS, flow or PCR; sensitivity <= 1e-4)",
                "why": "NCCN: MRD after induction and after consolidation",
            }
        )
    if mrd["status"] == "negative_insufficient_sensitivity":
        pending.append(
            {"test": "MRD with an assay reaching 1e-4", "why": "the last MRD assay could not reach 1e-4"}
        )
    if ph is True:
        pending.append(
            {
                "test": "BCR::ABL1 transcript quantification",
                "why": "Ph+ ALL: periodic monitoring during and after therapy (NCCN)",
            }
        )
    if latest is not None and latest.value == "relapse":
        alerts.append(
            kb.conclude(
                latest.rule,
                "relapse",
                list(latest.because),
                severity="critical",
                action="Relapse: repeat the diagnostic work-up (flow, cytogenetics, molecular) and review "
                "relapsed/refractory options (NCCN ALL-8), including clinical trials.",
            )
        )
    if latest is not None and latest.value in ("refractory", "progressive"):
        alerts.append(
            kb.conclude(
                latest.rule,
                latest.value,
                list(latest.because),
                severity="critical",
                action=f"{latest.value.capitalize()} disease: review relapsed/refractory options (NCCN ALL-8) "
                "and eligibility for clinical trials.",
            )
        )
    if ph is True and value in ("relapse", "refractory", "progressive"):
        pending.append(
            {"test": "ABL1 kinase-domain mutation analysis", "why": f"Ph+ ALL with {value} (NCCN)"}
        )
    elif ph is True and value in REMISSION and (trend := mrd_trend(mrd)) is not None:
        pending.append(
            {
                "test": "ABL1 kinase-domain mutation analysis",
                "why": f"Ph+ ALL in {value} with MRD that {trend} (NCCN: KD testing when MRD persists or rises)",
            }
        )
    if value in REMISSION and mrd["status"] == "positive" and (mrd["day"] or 0) >= last_relapse_day:
        alerts.append(
            kb.conclude(
                mrd["rule"],
                "MRD positive in remission",
                list(mrd["because"]),
                severity="warning",
                action=(
                    "MRD-positive in remission (Ph+): NCCN prefers blinatumomab + a TKI (CD19+ B-ALL); multi-agent "
                    "therapy + TKI or a TKI are alternatives; slow or incomplete MRD clearance favours allogeneic HCT."
                    if ph is True
                    else "MRD-positive in remission: NCCN prefers blinatumomab (CD19+ B-ALL) with continued "
                    "therapy; slow or incomplete MRD clearance favours allogeneic HCT."
                ),
            )
        )
