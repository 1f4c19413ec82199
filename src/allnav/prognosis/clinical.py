"""Clinical prognostic factors: age, WBC, ETP, pro-B, CNS disease, and response (late CR, no CR, MRD)."""

from __future__ import annotations

from typing import Any

from allnav.case.model import Case
from allnav.knowledge import KnowledgeBase, RuleRef

AGE = RuleRef("risk.age_band")
WBC = RuleRef("risk.wbc_high")
ETP = RuleRef("risk.etp")
PRO_B = RuleRef("risk.pro_b")
CNS = RuleRef("risk.cns_disease")
LATE_CR = RuleRef("risk.late_cr")
NO_CR = RuleRef("risk.no_cr")
MRD = RuleRef("risk.mrd_positive")

#: F2 / seed line 278: WBC at diagnosis, B >= 30, T >= 100 (x10^9/L).
WBC_HIGH = {"B": 30.0, "T": 100.0}
#: F2: UKALL XII high-risk age > 35 y [VERIFY]; NCCN AYA 15-39 (L11).
AGE_UKALL_HIGH = 35.0
AYA = (15.0, 39.0)
#: F2: time to CR > 4 weeks (UKALL XII; not independently prognostic); seed line 295 "4 to 5 weeks".
LATE_CR_WEEKS = 5
_AGE_LIMIT_TEXT = f"{AGE_UKALL_HIGH:g}"  # formatted once


def _lineage(diagnosis: str, lineage: str | None) -> str | None:
    if lineage in ("B", "T"):
        return lineage
    if diagnosis in ("B-ALL", "B-LBL"):
        return "B"
    if diagnosis in ("T-ALL", "T-LBL"):
        return "T"
    return None


def age_factor(kb: KnowledgeBase, case: Case) -> dict[str, Any] | None:
    """Age with its NCCN band and the seed's descriptive band; poor above 35 (UKALL XII)."""
    age = case.patient.age_years
    if age is None:
        return None
    if age < AYA[0]:
        band = "under 15 (paediatric; outside the NCCN adult/AYA guideline)"
    elif age <= AYA[1]:
        band = "AYA 15-39 (NCCN)"
    else:
        band = "adult 40 and over (NCCN)"
    seed_band = "under 50" if age < 50 else ("50-59" if age < 60 else "60 or older")
    poor = age > AGE_UKALL_HIGH
    op = ">" if poor else "<="
    because = [
        f"patient.age_years = {age:g} ({op} {_AGE_LIMIT_TEXT}, UKALL XII high-risk age)",
        f"band: {band}",
    ]
    return kb.conclude(
        AGE,
        age,
        because,
        id="age",
        direction="poor" if poor else "good",
        band=band,
        seed_band=seed_band,
        follows="UKALL XII (> 35 y) [VERIFY]",
        verify=True,
        alternatives=[
            {
                "source": "seed §Prognostic factors, line 275",
                "direction": "continuous",
                "note": "no set cut-off; under 50 do better than 50s, 50s better than 60 or older",
            },
        ],
        inputs=[{"field": "patient.age_years", "value": age}],
    )


def wbc_factor(kb: KnowledgeBase, case: Case, diagnosis: str, lineage: str | None) -> dict[str, Any] | None:
    """WBC at diagnosis >= 30 (B) or >= 100 (T) x10^9/L: poor. Only emitted when high."""
    wbc = case.blood.wbc
    lin = _lineage(diagnosis, lineage)
    if wbc is None or lin is None:
        return None
    limit = WBC_HIGH[lin]
    if wbc < limit:
        return None
    because = [f"blood.wbc = {wbc:g} x10^9/L (>= {limit:g} for {lin} lineage)"]
    return kb.conclude(
        WBC,
        wbc,
        because,
        id="wbc_high",
        direction="poor",
        threshold=limit,
        lineage=lin,
        inputs=[{"field": "blood.wbc", "value": wbc}],
    )


def flag_factors(
    kb: KnowledgeBase, etp: bool | None, b_stage: str | None, cns_disease: bool | None
) -> list[dict[str, Any]]:
    """ETP (NCCN high-risk feature), pro-B (GRAALL, EGIL B-I) and CNS disease (GRAALL): poor."""
    out: list[dict[str, Any]] = []
    if etp:
        out.append(kb.conclude(ETP, True, ["etp = true"], id="etp", direction="poor"))
    if b_stage is not None and b_stage.lower().replace("_", "-") in ("pro-b", "b-i"):
        out.append(kb.conclude(PRO_B, True, [f"b_stage = {b_stage}"], id="pro_b", direction="poor"))
    if cns_disease:
        out.append(kb.conclude(CNS, True, ["cns_disease = true"], id="cns_disease", direction="poor"))
    return out


def response_factors(kb: KnowledgeBase, response: dict[str, Any] | None) -> list[dict[str, Any]]:
    """late_cr (time to CR > 28 days), no_cr (refractory), mrd_positive, from the section-4 response/mrd."""
    if not response:
        return []
    resp = response.get("response", response)
    resp = resp if isinstance(resp, dict) else {}
    mrd = response.get("mrd") or resp.get("mrd") or {}
    out: list[dict[str, Any]] = []
    ttc = resp.get("time_to_cr_days", response.get("time_to_cr_days"))
    raw_timing = resp.get("time_to_cr")
    timing: dict[str, Any] = raw_timing if isinstance(raw_timing, dict) else {}
    weeks = timing.get("weeks_from_treatment_start")
    if timing.get("within_4_to_5_weeks") is False and isinstance(weeks, (int, float)):
        # The response engine owns the timing (resp.time_to_cr): weeks from the start of treatment.
        because = [f"first CR {weeks:g} weeks after the start of treatment (> {LATE_CR_WEEKS} weeks)"]
        out.append(kb.conclude(LATE_CR, ttc, because, id="late_cr", direction="poor", weeks=weeks))
    if resp.get("value") == "refractory":
        out.append(kb.conclude(NO_CR, True, ["response = refractory"], id="no_cr", direction="poor"))
    status = mrd.get("status", mrd.get("value")) if isinstance(mrd, dict) else None
    if status == "positive":
        level = mrd.get("level")
        because = [f"mrd.status = positive (level {level})"]
        out.append(kb.conclude(MRD, True, because, id="mrd_positive", direction="poor", level=level))
    return out
