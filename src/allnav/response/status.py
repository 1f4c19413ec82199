"""Morphological response at each timepoint (clinical_rules G1, G2; seed lines 296-303).

A small state machine walks the timeline in day order. Relapse can only follow a remission (CR or CRi,
measured or reported); a reported relapse without one is refused. Comparison operators follow NCCN/ELN
(ANC > 1.0, platelets > 100 x 10^9/L); the CIBMTR/ASBMT ``>=`` reading is computed alongside (L6).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

from allnav.errors import CaseValidationError, FieldProblem
from allnav.knowledge import RuleRef
from allnav.response.findings import Findings
from allnav.treatment.context import canonical_phase

CR = RuleRef("resp.cr")
CRI = RuleRef("resp.cri")
PARTIAL = RuleRef("resp.partial")
REFRACTORY = RuleRef("resp.refractory")
PROGRESSIVE = RuleRef("resp.progressive")
RELAPSE = RuleRef("resp.relapse")
NOT_EVALUABLE = RuleRef("resp.not_evaluable")
REPORTED = RuleRef("resp.reported_status")

MARROW_CR_LT = 5.0  # CR: marrow blasts < 5%
RELAPSE_GT = 5.0  # relapse: marrow blasts > 5% (NCCN; ASBMT 2010 used >= 25%)
ASBMT_RELAPSE_GE = 25.0
ANC_GT = 1.0
PLT_GT = 100.0
END_OF_INDUCTION_DAY = 28  # 4 weeks (induction failure: 4-6 weeks, S57)
PROGRESSION_FACTOR = 1.25  # >= 25 % increase
REMISSION = ("CR", "CRi")
#: A phase label on the same entry that means induction is over (a front-line phase after induction). An
#: induction, salvage/re-induction or unrecognised label says nothing: the days since the course start decide.
_POST_INDUCTION_PHASES = ("consolidation", "maintenance", "transplant", "follow_up")


_NO_EXTRA: Mapping[str, Any] = MappingProxyType({})
_TRILINEAGE = "trilineage haematopoiesis present"
_NO_TRILINEAGE = "trilineage haematopoiesis not reported (confirm on the marrow report)"
_NO_BLASTS = "no circulating blasts"
_BLASTS_NOT_REPORTED = "circulating blasts not reported (confirm on the blood film)"
_NO_EMD = "no extramedullary or CNS disease recorded"
_CIBMTR_SET = "CIBMTR/ASBMT (ANC >= 1.0, platelets >= 100)"
_NCCN_SET = "NCCN/ELN (ANC > 1.0, platelets > 100)"


class Status(NamedTuple):
    """One timepoint's status: value, the rule that gave it, reasons and extra keys."""

    day: int
    value: str
    rule: str
    because: tuple[str, ...]
    reported: bool = False
    extra: Mapping[str, Any] = _NO_EXTRA


def _fmt(x: float | None) -> str:
    return "unknown" if x is None else f"{x:g}"


def _counts(f: Findings) -> tuple[bool | None, bool | None, list[str]]:
    """Count recovery under NCCN (>) and CIBMTR (>=); None when a count is missing."""
    if f.anc is None or f.platelets is None:
        return (
            None,
            None,
            [f"count recovery not documented (ANC {_fmt(f.anc)}, platelets {_fmt(f.platelets)})"],
        )
    nccn = f.anc > ANC_GT and f.platelets > PLT_GT
    cibmtr = f.anc >= ANC_GT and f.platelets >= PLT_GT
    why = [f"ANC = {_fmt(f.anc)} (NCCN needs > 1.0), platelets = {_fmt(f.platelets)} (NCCN needs > 100)"]
    return nccn, cibmtr, why


@dataclass(slots=True)
class Course:
    """The state carried along the timeline."""

    baseline_marrow: float | None
    baseline_blood: float | None
    baseline_wbc: float | None
    emd_at_diagnosis: bool
    in_remission: bool = False
    ever_remission: bool = False
    course_start: int = 0  # day 0, or the day of the latest relapse
    prev_marrow: float | None = None
    prev_blood: tuple[float | None, float | None] = (None, None)  # (blasts %, WBC)
    emd_seen: bool = False
    history: list[Status] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.prev_marrow = self.baseline_marrow
        self.prev_blood = (self.baseline_blood, self.baseline_wbc)
        self.emd_seen = self.emd_at_diagnosis

    def _blood_rise(self, f: Findings) -> str | None:
        """A >= 25 % rise in circulating blasts: absolute counts when both WBCs are known, else percentages."""
        pct0, wbc0 = self.prev_blood
        if f.blood_blasts is None or not pct0:
            return None
        if wbc0 is not None and f.wbc is not None:
            before, now, unit = pct0 * wbc0 / 100.0, f.blood_blasts * f.wbc / 100.0, " x10^9/L"
        else:
            before, now, unit = pct0, f.blood_blasts, "%"
        if before > 0 and now >= PROGRESSION_FACTOR * before:
            return f"circulating blasts {before:g}{unit} -> {now:g}{unit} (>= 25% increase)"
        return None

    # -- one timepoint -------------------------------------------------------------------------
    def step(self, f: Findings) -> Status | None:
        """Evaluate one entry; returns its status, or None when it says nothing about response."""
        if not f.evaluable:
            return None
        measured = f.marrow_blasts is not None or f.blood_blasts is not None or f.cns_disease or f.emd
        status: Status | None
        if f.reported is not None and not measured:
            status = self._reported(f)
        elif self.in_remission:
            status = self._after_remission(f)
        else:
            status = self._before_remission(f)
        if f.marrow_blasts is not None:
            self.prev_marrow = f.marrow_blasts
        if f.blood_blasts is not None:
            self.prev_blood = (f.blood_blasts, f.wbc)
        self.emd_seen = self.emd_seen or f.emd
        if status is not None and f.reported is not None and measured:
            note = f"reported_status = {f.reported} on the same day not used: the findings at hand decide"
            status = status._replace(because=(*status.because, note))
        if status is not None:
            self._record(status)
        return status

    def _record(self, s: Status) -> None:
        if s.value in REMISSION:
            self.in_remission = True
            self.ever_remission = True
        elif s.value == "relapse":
            self.in_remission = False
            self.course_start = s.day
        elif s.value in ("refractory", "progressive", "partial"):
            self.in_remission = False
        self.history.append(s)

    def _reported(self, f: Findings) -> Status:
        value = f.reported or "not evaluable"
        if value == "relapse" and not self.ever_remission:
            raise CaseValidationError(
                "a relapse is reported before any remission",
                [
                    FieldProblem(
                        f"timeline[{f.entry_index}].reported_status",
                        "relapse needs a prior complete remission (CR or CRi) on the timeline",
                        "relapse",
                    )
                ],
            )
        why = f"reported_status = {value} on day {f.day} (documented elsewhere; findings not at hand)"
        extra: dict[str, Any] = {}
        if value == "relapse":
            extra["relapse_site"] = None
        return Status(f.day, value, REPORTED, (why,), reported=True, extra=extra)

    # -- in remission: relapse or continued remission -----------------------------------------
    def _after_remission(self, f: Findings) -> Status | None:
        marrow_pos = f.marrow_blasts is not None and f.marrow_blasts > RELAPSE_GT
        blood_pos = f.blood_blasts is not None and f.blood_blasts > 0
        if marrow_pos or blood_pos or f.cns_disease or f.emd:
            return self._relapse(f, marrow_pos, blood_pos)
        if f.marrow_blasts is None:
            return None  # blood/CSF clear: remission continues, no new marrow evaluation
        if f.marrow_blasts >= MARROW_CR_LT:  # exactly 5 %: neither < 5 (CR) nor > 5 (relapse)
            return Status(
                f.day,
                "not evaluable",
                NOT_EVALUABLE,
                (f"marrow blasts = {_fmt(f.marrow_blasts)}%: not < 5% (CR) and not > 5% (relapse)",),
                extra={"repeat_marrow": True},
            )
        return self._remission(f)

    def _relapse(self, f: Findings, marrow_pos: bool, blood_pos: bool) -> Status:
        why: list[str] = ["after a documented remission"]
        if marrow_pos:
            why.append(f"marrow blasts = {_fmt(f.marrow_blasts)}% (> 5%)")
        if blood_pos:
            why.append(f"circulating blasts = {_fmt(f.blood_blasts)}% (> 0)")
        if f.cns_disease:
            why.append("CNS disease: " + ("CNS3 CSF" if f.cns == "CNS3" else "cranial nerve palsy"))
        if f.emd:
            why.append("extramedullary site(s): " + ", ".join(f.emd_sites))
        bm = marrow_pos or blood_pos
        extra_sites = f.cns_disease or f.emd
        if bm and extra_sites:
            site = "combined"
        elif bm:
            site = "marrow"
        elif f.cns_disease and not f.emd:
            site = "isolated CNS"
        else:
            site = "isolated extramedullary"
        if not bm and f.marrow_blasts is None:
            why.append("marrow not examined at this timepoint: 'isolated' assumes marrow < 5% (confirm)")
        sites = (["marrow"] if bm else []) + (["CNS"] if f.cns_disease else []) + list(f.emd_sites)
        extra: dict[str, Any] = {
            "relapse_site": site,
            "sites": sites,
            "asbmt_2010_relapse": (f.marrow_blasts >= ASBMT_RELAPSE_GE)
            if f.marrow_blasts is not None
            else None,
        }
        return Status(f.day, "relapse", RELAPSE, tuple(why), extra=extra)

    # -- not (yet) in remission ---------------------------------------------------------------
    def _remission(self, f: Findings) -> Status:
        """Marrow < 5 %, no circulating blasts, no EMD: CR or CRi by counts."""
        anc, plt = f.anc, f.platelets
        if anc is None or plt is None:  # as :func:`_counts`, inlined on this common path
            counts = f"count recovery not documented (ANC {_fmt(anc)}, platelets {_fmt(plt)})"
            value, alt, differs = "CRi", "CRi", False
        else:
            counts = f"ANC = {anc:g} (NCCN needs > 1.0), platelets = {plt:g} (NCCN needs > 100)"
            value = "CR" if anc > ANC_GT and plt > PLT_GT else "CRi"
            alt = "CR" if anc >= ANC_GT and plt >= PLT_GT else "CRi"
            differs = alt != value
        why = (
            f"marrow blasts = {_fmt(f.marrow_blasts)}% (< 5%)",
            _TRILINEAGE if f.trilineage else _NO_TRILINEAGE,
            _NO_BLASTS if f.blood_blasts == 0 else _BLASTS_NOT_REPORTED,
            _NO_EMD,
            counts,
        )
        extra: dict[str, Any] = {
            "cr_alternative": {"operator_set": _CIBMTR_SET, "value": alt, "differs": differs},
            "criteria": _NCCN_SET,
        }
        return Status(f.day, value, CR if value == "CR" else CRI, why, False, extra)

    def _progressive(self, f: Findings) -> list[str]:
        why = []
        if (
            f.marrow_blasts is not None
            and self.prev_marrow
            and f.marrow_blasts >= PROGRESSION_FACTOR * self.prev_marrow
        ):
            why.append(
                f"marrow blasts {_fmt(self.prev_marrow)}% -> {_fmt(f.marrow_blasts)}% (>= 25% increase)"
            )
        rise = self._blood_rise(f)
        if rise:
            why.append(rise)
        if (f.emd or f.cns_disease) and not self.emd_seen:
            why.append("new extramedullary disease")
        return why

    def _before_remission(self, f: Findings) -> Status | None:
        mb = f.marrow_blasts
        if (
            mb is not None
            and mb < MARROW_CR_LT
            and f.trilineage is not False
            and not f.blood_blasts
            and not f.emd
            and not f.cns_disease
        ):
            return self._remission(f)
        since = f.day - self.course_start
        eoi = since >= END_OF_INDUCTION_DAY or (
            f.phase is not None and canonical_phase(f.phase) in _POST_INDUCTION_PHASES
        )
        prog = self._progressive(f)
        if prog:
            extra: dict[str, Any] = {"refractory": eoi}
            return Status(f.day, "progressive", PROGRESSIVE, tuple(prog), extra=extra)
        if mb is None:
            return None
        if mb < MARROW_CR_LT and f.trilineage is False:
            return Status(
                f.day,
                "not evaluable",
                NOT_EVALUABLE,
                (f"marrow blasts = {_fmt(mb)}% but no trilineage haematopoiesis (hypoplastic marrow)",),
                extra={"repeat_marrow": True},
            )
        partial = self._partial(f)
        if eoi:
            why = [
                (
                    f"no CR {since} days after the start of this course "
                    "(end of induction: day >= 28 or a post-induction phase)"
                ),
                f"marrow blasts = {_fmt(mb)}%",
            ]
            if f.blood_blasts:
                why.append(f"circulating blasts = {_fmt(f.blood_blasts)}%")
            if f.cns_disease:
                why.append(f"CNS disease persists ({f.cns})")
            if f.emd:
                why.append("extramedullary disease persists: " + ", ".join(f.emd_sites))
            return Status(
                f.day, "refractory", REFRACTORY, tuple(why), extra={"partial_response": bool(partial)}
            )
        if partial:
            return Status(f.day, "partial", PARTIAL, tuple(partial))
        return Status(
            f.day,
            "not evaluable",
            NOT_EVALUABLE,
            (
                f"day {f.day}: marrow blasts = {_fmt(mb)}% before the end of induction (response judged at day >= 28)",
            ),
        )

    def _partial(self, f: Findings) -> list[str]:
        mb = f.marrow_blasts
        base = self.baseline_marrow
        nccn, _, _ = _counts(f)
        if mb is None or base is None or not nccn or not (MARROW_CR_LT <= mb <= 25.0):
            return []
        if mb > 0.5 * base:
            return []
        return [
            f"marrow blasts {base:g}% -> {mb:g}% (5-25% and >= 50% fall)",
            "CR count criteria met (ANC > 1.0, platelets > 100)",
            "partial response is a trial-use category",
        ]
