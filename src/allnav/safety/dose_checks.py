"""Per-drug checks: vincristine cap and route, 6-MP start by TPMT/NUDT15, HD-MTX glucarpidase, watch lists.

Every threshold comes from ``drugs.yaml`` (clinical_rules I2-I5, I8).
"""

from __future__ import annotations

from typing import Any

from allnav.case.model import Case, Medication
from allnav.errors import UnitError
from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.response.timeline import as_of_day, dated_entries
from allnav.safety.drugs import Drug, MpRow, canonical, dose_mg_m2, drug_table, resolve

VCR_CAP = RuleRef("safety.vcr_cap")
VCR_ROUTE = RuleRef("safety.vcr_route")
MP6_START = RuleRef("safety.mp6_start")
MTX_GLUCARPIDASE = RuleRef("safety.mtx_glucarpidase")
ASP_WATCH = RuleRef("safety.asparaginase_watch")
AGENT_WATCH = RuleRef("safety.agent_watch")
ECHO = RuleRef("safety.echo_before_anthracycline")

_IV = {"iv", "intravenous", "iv push", "ivp", "ivpb", "iv infusion", "iv minibag"}

Out = tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]  # checks, alerts, pending
#: A medication as of the assessment day: ``(index in case.medications, medication, its drug or None)``.
Current = list[tuple[int, Medication, Drug | None]]


def vincristine(kb: KnowledgeBase, case: Case, i: int, m: Medication, out: Out) -> None:
    """Route (IV only: fatal intrathecally) and the 2 mg per-dose cap."""
    checks, alerts, pending = out
    vt = drug_table().vincristine
    route = (m.route or "").strip().lower()
    where = f"medications[{i}] {m.drug} ({m.status}, day {m.day})"
    if route and route not in _IV:
        alerts.append(
            kb.conclude(
                VCR_ROUTE,
                "vincristine by a route other than IV",
                [f"{where}: route {m.route}"],
                severity="critical",
                action=f"STOP: vincristine is for intravenous use only - fatal if given intrathecally or by any "
                f"other route. Do not give it {m.route}; correct the order and dispense it in an IV minibag "
                "labelled 'for intravenous use only'.",
                medication=i,
            )
        )
    elif not route:
        checks.append(
            kb.conclude(
                VCR_ROUTE,
                "route not stated",
                [f"{where}: no route; vincristine is IV only"],
                check="vincristine_route",
                medication=i,
            )
        )
    if canonical(m.drug) != "vincristine" or m.dose is None:
        return
    unit = (m.unit or "").replace(" ", "").replace("²", "2").lower()
    bsa = case.patient.bsa_m2
    if not unit:
        pending.append({"test": "vincristine dose unit", "why": f"{where}: dose {m.dose:g} without a unit"})
        return
    cap = vt.max_single_dose_mg
    if unit == "mg/m2":
        if bsa is None:
            pending.append(
                {"test": "body surface area", "why": f"{where}: {m.dose:g} mg/m2 needs BSA for the 2 mg cap"}
            )
            return
        planned = bsa * m.dose
        dose = min(planned, cap)
        why = [
            f"{m.dose:g} mg/m2 x {bsa:g} m2 = {planned:.2f} mg",
            f"per-dose cap {cap:g} mg -> {dose:.2f} mg",
        ]
        value = "capped" if planned > cap else "within cap"
        checks.append(
            kb.conclude(
                VCR_CAP,
                value,
                why,
                check="vincristine_cap",
                medication=i,
                dose_mg=round(dose, 2),
                planned_mg=round(planned, 2),
            )
        )
    elif unit != "mg":
        raise UnitError(
            f"unit {m.unit!r} is not a vincristine dose unit",
            path=f"medications[{i}].unit",
            unit=m.unit or "",
            accepted=["mg/m2", "mg"],
        )
    else:
        why = [f"{where}: {m.dose:g} mg ({'>' if m.dose > cap else '<='} {cap:g} mg cap)"]
        value = "exceeds cap" if m.dose > cap else "within cap"
        checks.append(kb.conclude(VCR_CAP, value, why, check="vincristine_cap", medication=i, dose_mg=m.dose))
        if m.dose > cap:
            alerts.append(
                kb.conclude(
                    VCR_CAP,
                    "vincristine dose above 2 mg",
                    why,
                    severity="warning",
                    action=f"Cap vincristine at {cap:g} mg per dose unless the protocol explicitly uncaps it.",
                    medication=i,
                )
            )


def _mp_row(tpmt: str | None, nudt15: str | None) -> MpRow | None:
    rows = drug_table().mercaptopurine.rows
    for r in rows:
        t_ok = r.tpmt == "any" or r.tpmt == tpmt
        n_ok = r.nudt15 == "any" or r.nudt15 == nudt15
        if t_ok and n_ok:
            return r
    return None


def mercaptopurine(kb: KnowledgeBase, case: Case, i: int, m: Medication, out: Out) -> None:
    """CPIC starting dose by TPMT and NUDT15 phenotype; the ordered dose compared with it."""
    checks, alerts, pending = out
    pgx = case.pharmacogenomics
    known = ("normal", "intermediate", "poor")
    tp, nu = pgx.TPMT, pgx.NUDT15
    why = [f"TPMT {tp or 'unknown'}, NUDT15 {nu or 'unknown'}"]
    row = None
    if tp == "poor" or nu == "poor" or (tp in known and nu in known):
        row = _mp_row(tp, nu)
    if row is None:
        if tp not in known:
            pending.append(
                {"test": "TPMT genotype or erythrocyte TPMT activity", "why": "6-MP starting dose (CPIC)"}
            )
        if nu not in known:
            pending.append(
                {
                    "test": "NUDT15 genotype",
                    "why": "6-MP starting dose (CPIC); if unknown monitor counts closely",
                }
            )
        checks.append(
            kb.conclude(MP6_START, "phenotype needed", why, check="mercaptopurine_start", medication=i)
        )
        return
    why.append(f"CPIC start: {row.start}")
    full = drug_table().mercaptopurine.full_dose_mg_m2_day
    d = dose_mg_m2(case, m, i) if m.dose is not None else None
    extra: dict[str, Any] = {
        "check": "mercaptopurine_start",
        "medication": i,
        "recommended": row.start,
        "percent_of_full": None,
    }
    if d is not None:
        pct = 100.0 * d / full
        extra["percent_of_full"] = round(pct, 1)
        why.append(f"dose {d:g} mg/m2 = {pct:.0f}% of {full:g} mg/m2/day")
        # poor metabolizer (no percentage): any dose is flagged to confirm the reduced schedule
        too_high = True if row.pct is None else row.pct != (100.0, 100.0) and pct > row.pct[1]
        if too_high:
            alerts.append(
                kb.conclude(
                    MP6_START,
                    "6-MP dose to check against the CPIC start for this phenotype",
                    why,
                    severity="warning",
                    action=f"Check the 6-MP starting dose: {row.start}. In myelosuppression reduce the "
                    "thiopurine before other drugs.",
                    medication=i,
                )
            )
    checks.append(kb.conclude(MP6_START, row.start, why, **extra))


def _creatinine_around(case: Case, day: int | None) -> tuple[float | None, float | None]:
    """(baseline, highest in the 3 days after the dose) creatinine around an HD-MTX day."""
    base = case.labs.creatinine_baseline
    series = [(0, case.labs.creatinine)] + [
        (d, e.labs.creatinine) for d, _, e in dated_entries(case) if e.labs
    ]
    series = [(d, c) for d, c in series if c is not None]
    if day is None:
        return base, None
    if base is None:
        before = [c for d, c in series if d <= day]
        base = before[-1] if before else None
    after = [c for d, c in series if day < d <= day + 3 and c is not None]
    return base, max(after) if after else None


def methotrexate(kb: KnowledgeBase, case: Case, i: int, m: Medication, out: Out) -> None:
    """High-dose MTX (>= 500 mg/m2): Ramsey 2018 glucarpidase thresholds by infusion length."""
    checks, alerts, pending = out
    mt = drug_table().methotrexate
    if (m.route or "").strip().lower() in ("it", "intrathecal"):
        return
    d = dose_mg_m2(case, m, i)
    if d is None or d < mt.high_dose_mg_m2:
        return
    where = f"medications[{i}] methotrexate {d:g} mg/m2 on day {m.day}"
    hrs = m.infusion_hours
    levels = {
        float(lv["hours"]): float(lv["umol_per_l"])
        for lv in (m.levels or [])
        if "hours" in lv and "umol_per_l" in lv
    }
    why = [where]
    if hrs is None:
        pending.append({"test": "HD-MTX infusion length", "why": "the glucarpidase thresholds depend on it"})
        checks.append(
            kb.conclude(
                MTX_GLUCARPIDASE,
                "insufficient data",
                [*why, "infusion length not given"],
                check="hd_mtx_glucarpidase",
                medication=i,
            )
        )
        return
    if hrs <= mt.short_infusion_max_h:
        thresholds, needs_creat = mt.short_thresholds_umol_l, True
    elif mt.long_infusion_h[0] <= hrs <= mt.long_infusion_h[1]:
        thresholds, needs_creat = mt.long_thresholds_umol_l, False
    else:
        why.append(f"{hrs:g} h infusion: no consensus threshold (Ramsey covers <= 24 h and 36-42 h)")
        checks.append(
            kb.conclude(
                MTX_GLUCARPIDASE, "no consensus threshold", why, check="hd_mtx_glucarpidase", medication=i
            )
        )
        return
    over = [
        f"{h:g} h level {levels[float(h)]:g} umol/L > {t:g}"
        for h, t in ((float(k), v) for k, v in thresholds.items())
        if float(h) in levels and levels[float(h)] > t
    ]
    shown = [f"{h:g} h: {v:g} umol/L" for h, v in sorted(levels.items())]
    why.append(f"{hrs:g} h infusion; levels " + (", ".join(shown) if shown else "not reported"))
    if not levels:
        pending.append({"test": "methotrexate levels at 24/36/42/48 h", "why": where})
        checks.append(
            kb.conclude(MTX_GLUCARPIDASE, "insufficient data", why, check="hd_mtx_glucarpidase", medication=i)
        )
        return
    if not over:
        why.append("no level above the consensus thresholds")
        checks.append(
            kb.conclude(MTX_GLUCARPIDASE, "not indicated", why, check="hd_mtx_glucarpidase", medication=i)
        )
        return
    why += over
    value = "indicated"
    if needs_creat:
        base, peak = _creatinine_around(case, m.day)
        if base is None or peak is None:
            value = "insufficient data"
            why.append("creatinine and its baseline needed (<= 24 h infusion)")
            pending.append(
                {"test": "serum creatinine and baseline", "why": f"{where}: glucarpidase decision"}
            )
        elif peak <= base:
            value = "not indicated"
            why.append(
                f"creatinine {peak:g} not above baseline {base:g}: delayed clearance without kidney injury"
            )
        else:
            why.append(
                f"creatinine {peak:g} vs baseline {base:g} ({peak / base:.2f} x): the consensus asks for a "
                "'significant' rise, which it does not quantify [VERIFY]"
            )
    checks.append(kb.conclude(MTX_GLUCARPIDASE, value, why, check="hd_mtx_glucarpidase", medication=i))
    sev = "critical" if value == "indicated" else "warning"
    alerts.append(
        kb.conclude(
            MTX_GLUCARPIDASE,
            f"glucarpidase {value}",
            why,
            severity=sev,
            action="Delayed methotrexate clearance: intensify hydration, alkalinisation and leucovorin; "
            "glucarpidase may be indicated with kidney injury - give it within 48-60 h of the infusion start.",
            medication=i,
        )
    )


def watch_lists(kb: KnowledgeBase, case: Case, out: Out, as_of: int | None = None) -> None:
    """Asparaginase toxicities and agent-specific label points for the drugs given or ordered.

    ``as_of``: the assessment day (:func:`~allnav.response.timeline.as_of_day`) when the caller has it.
    """
    _watch_lists(kb, case, out, _current(case, as_of))


def _watch_lists(kb: KnowledgeBase, case: Case, out: Out, current: Current) -> None:
    """:func:`watch_lists` for the medications as of the assessment day, each with its drug (read once)."""
    checks, alerts, pending = out
    table = drug_table()
    known = [d for _, _, d in current if d is not None]
    asp = sorted({d.name for d in known if "asparaginase" in d.classes})
    if asp:
        checks.append(
            kb.conclude(
                ASP_WATCH,
                [*table.asparaginase_watch.items],
                [f"asparaginase product: {', '.join(asp)}"],
                check="asparaginase_watch",
            )
        )
    for cls, watch in table.agent_watch.items():
        given = sorted({d.name for d in known if cls in d.classes})
        if not given:
            continue
        checks.append(
            kb.conclude(
                AGENT_WATCH,
                watch.text,
                [f"{', '.join(given)} given or ordered"],
                check=f"{cls}_watch",
                sources_detail=[*watch.sources],
            )
        )
        if (
            cls in ("t_cell_engager", "car_t")
            and not case.crs_icans
            and _in_current_phase(case, cls, current)
        ):
            pending.append(
                {"test": "daily CRS and ICANS assessment (ASTCT 2019)", "why": f"{', '.join(given)}"}
            )
        if cls == "nelarabine":
            it = [m.drug for _, m, _ in current if (m.route or "").lower() in ("it", "intrathecal")]
            rt = [m.drug for _, m, d in current if d is not None and "cranial_rt" in d.classes]
            if it or rt:
                alerts.append(
                    kb.conclude(
                        AGENT_WATCH,
                        "nelarabine with intrathecal chemotherapy or craniospinal radiation",
                        [f"nelarabine with {', '.join(it + rt)}"],
                        severity="warning",
                        action="Higher risk of nelarabine neurotoxicity: check neurological status before each "
                        "dose and stop at grade 2 or worse.",
                    )
                )
    if any("anthracycline" in d.classes for d in known):
        pending.append(
            {"test": "echocardiogram or MUGA", "why": "NCCN: cardiac function before anthracyclines"}
        )
        checks.append(
            kb.conclude(
                ECHO,
                "echo/MUGA before anthracyclines",
                ["anthracycline given or ordered"],
                check="cardiac_function",
            )
        )


def dose_checks(kb: KnowledgeBase, case: Case, as_of: int | None = None) -> Out:
    """All per-drug checks for the case's medications as of the assessment day: (checks, alerts, pending).

    Doses given after ``as_of_day`` are left out; orders are always checked (see :func:`_current`).
    ``as_of``: the assessment day (:func:`~allnav.response.timeline.as_of_day`) when the caller has it.
    """
    out: Out = ([], [], [])
    if not case.medications:
        return out  # nothing to check and nothing to watch
    current = _current(case, as_of)
    for i, m, drug in current:
        # given after the day the assessment speaks for: not in ``current`` (orders are still checked)
        if drug is None:
            continue  # an unknown drug has no per-drug check
        if "vinca" in drug.classes:
            vincristine(kb, case, i, m, out)
        elif drug.name == "mercaptopurine":
            mercaptopurine(kb, case, i, m, out)
        elif drug.name == "methotrexate":
            methotrexate(kb, case, i, m, out)
    _watch_lists(kb, case, out, current)
    return out


def _current(case: Case, as_of: int | None) -> Current:
    """The medications as of ``as_of_day``: every order, and the doses given on or before that day; each with
    its index and its drug (:func:`resolve`, read once).

    A dose recorded as given after ``as_of_day`` has not happened yet for this assessment (the anthracycline
    total leaves it out the same way); an ordered dose is always kept, so that a wrong order is caught early.
    """
    limit = as_of_day(case) if as_of is None else as_of
    return [
        (i, m, resolve(m.drug))
        for i, m in enumerate(case.medications)
        if m.status != "given" or m.day is None or m.day <= limit
    ]


def _in_current_phase(case: Case, cls: str, current: Current) -> bool:
    """Whether a drug of ``cls`` was given in the current treatment phase (the latest ``phase`` up to as_of_day).

    No source gives a time window for CRS/ICANS watch after blinatumomab or CAR T; the phase boundary is the
    project's convention (a course in a later phase is not asked for daily grading).
    """
    as_of = case.effective_as_of_day
    starts = [e.day for e in case.timeline if e.phase and e.day is not None and e.day <= as_of]
    start = max(starts) if starts else None
    days = [m.day for _, m, d in current if d is not None and cls in d.classes]
    if start is None or any(d is None for d in days):
        return True
    return any(d is not None and d >= start for d in days)
