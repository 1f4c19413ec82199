"""CNS status at diagnosis (CNS1, CNS2a-c, CNS3a-c; Steinherz-Bleyer) and testicular involvement (E1, E2).

Units: CSF counts per uL; blood WBC in 10^9/L (= 10^3/uL) and RBC in 10^12/L (= 10^6/uL), so the
blood WBC:RBC ratio is ``wbc / (1000 x rbc)``. The Steinherz-Bleyer comparison is done by cross
multiplication so that equality at the boundary is exact.
"""

from __future__ import annotations

from typing import Any

from allnav.case.model import Case
from allnav.diagnosis.support import Out
from allnav.immunophenotype.panel import fmt
from allnav.knowledge import KnowledgeBase, RuleRef

STATUS = RuleRef("cns.status")
STEINHERZ = RuleRef("cns.steinherz_bleyer")
CLINICAL = RuleRef("cns.clinical")
DISEASE = RuleRef("cns.disease")
TESTIS = RuleRef("testis.involvement")

CSF_WBC_CUTOFF = 5.0  # per uL
CSF_RBC_CUTOFF = 10.0  # per uL
LP_TEST = "lumbar puncture with CSF cell count and cytospin (at the first intrathecal dose, NCCN ALL-3)"


def steinherz_bleyer_positive(csf_wbc: float, csf_rbc: float, blood_wbc: float, blood_rbc: float) -> bool:
    """CSF WBC/RBC > 2 x blood WBC/RBC, with blood WBC in 10^9/L and RBC in 10^12/L, CSF per uL."""
    # csf_wbc / csf_rbc > 2 * (blood_wbc * 1e3) / (blood_rbc * 1e6)   <=>   (both denominators > 0)
    return csf_wbc * 1000.0 * blood_rbc > 2.0 * blood_wbc * csf_rbc


def cns_status(case: Case, kb: KnowledgeBase, out: Out) -> dict[str, Any]:
    """The CNS status conclusion with ``substatus``."""
    pres, csf = case.presentation, case.csf
    clinical = []
    if pres.cranial_nerve_palsy is True:
        clinical.append("cranial_nerve_palsy")
    if pres.cns_mass is True:
        clinical.append("cns_mass")
    if clinical:
        because = [f"presentation.{k} = true" for k in clinical] + [
            "clinical CNS disease, whatever the CSF counts"
        ]
        out.alerts.append(
            kb.conclude(
                CLINICAL,
                "clinical CNS disease: image the head before the lumbar puncture (NCCN ALL-3)",
                because,
                severity="warning",
            )
        )
        return kb.conclude(CLINICAL, "CNS3", because, substatus="CNS3c")
    if csf.wbc_per_ul is None and csf.rbc_per_ul is None and csf.blasts is None and csf.traumatic is None:
        out.need(LP_TEST, "CNS status is unknown: no CSF examination reported")
        r = kb.rules[STATUS]  # the usual conclusion, built in kb.conclude's key order
        return {
            "value": None,
            "rule": r.id,
            "rule_version": r.version,
            "because": ["csf not examined"],
            "sources": list(r.sources),
            "substatus": None,
        }
    if csf.blasts is None:
        out.need("CSF cytospin for blasts", "CNS status needs to know whether blasts are present")
        return kb.conclude(STATUS, None, ["csf.blasts not reported"], substatus=None)
    if csf.blasts is False:
        r = kb.rules[STATUS]
        return {
            "value": "CNS1",
            "rule": r.id,
            "rule_version": r.version,
            "because": ["csf.blasts = false (no blasts on cytospin, whatever the counts)"],
            "sources": list(r.sources),
            "substatus": "CNS1",
        }
    return _with_blasts(case, kb, out)


def _with_blasts(case: Case, kb: KnowledgeBase, out: Out) -> dict[str, Any]:
    csf = case.csf
    wbc, rbc = csf.wbc_per_ul, csf.rbc_per_ul
    because = ["csf.blasts = true"]
    if csf.traumatic is not None:
        because.append(f"csf.traumatic = {str(csf.traumatic).lower()}")
    if wbc is None:
        out.need("CSF WBC count (per uL)", "blasts present: CSF WBC < 5 or >= 5/uL separates CNS2 from CNS3")
        if rbc is None:
            out.need("CSF RBC count (per uL)", "blasts present: CSF RBC < 10 or >= 10/uL sets the substatus")
        return kb.conclude(STATUS, None, [*because, "csf.wbc_per_ul not reported"], substatus=None)
    w_line = f"csf.wbc_per_ul = {fmt(wbc)} ({'<' if wbc < CSF_WBC_CUTOFF else '>='} 5)"
    because.append(w_line)
    if rbc is None:
        out.need("CSF RBC count (per uL)", "blasts present: CSF RBC < 10 or >= 10/uL sets the substatus")
        if wbc < CSF_WBC_CUTOFF:
            return kb.conclude(
                STATUS, "CNS2", [*because, "csf.rbc_per_ul not reported: CNS2a or CNS2b"], substatus=None
            )
        line = "csf.rbc_per_ul not reported: CNS3a, or CNS2c/CNS3b after a traumatic tap"
        return kb.conclude(
            STATUS, None, [*because, line], substatus=None, possible=["CNS2c", "CNS3a", "CNS3b"]
        )
    because.append(f"csf.rbc_per_ul = {fmt(rbc)} ({'<' if rbc < CSF_RBC_CUTOFF else '>='} 10)")
    if wbc < CSF_WBC_CUTOFF:
        sub = "CNS2a" if rbc < CSF_RBC_CUTOFF else "CNS2b"
        return kb.conclude(STATUS, "CNS2", because, substatus=sub)
    if rbc < CSF_RBC_CUTOFF:
        return kb.conclude(STATUS, "CNS3", because, substatus="CNS3a")
    return _traumatic(case, kb, out, wbc, rbc, because)


def _traumatic(
    case: Case, kb: KnowledgeBase, out: Out, wbc: float, rbc: float, because: list[str]
) -> dict[str, Any]:
    bw, br = case.blood.wbc, case.blood.rbc
    because = [*because, "traumatic tap with blasts and CSF WBC >= 5: Steinherz-Bleyer rule"]
    if bw is None or br is None or br <= 0:
        missing = [n for n, v in (("blood WBC", bw), ("blood RBC", br)) if v is None or v <= 0]
        out.need(f"{' and '.join(missing)} count", "Steinherz-Bleyer rule for a traumatic tap with blasts")
        line = f"not reported: {', '.join(missing)} -> CNS2c or CNS3b"
        return kb.conclude(STEINHERZ, None, [*because, line], substatus=None, possible=["CNS2c", "CNS3b"])
    positive = steinherz_bleyer_positive(wbc, rbc, bw, br)
    csf_ratio = wbc / rbc
    blood_ratio = bw / (1000.0 * br)
    line = (
        f"CSF WBC/RBC = {fmt(wbc)}/{fmt(rbc)} = {fmt(csf_ratio)}; blood WBC/RBC = {fmt(bw)} x10^9/L / "
        f"{fmt(br)} x10^12/L = {fmt(blood_ratio)}; {fmt(csf_ratio)} {'>' if positive else '<='} 2 x {fmt(blood_ratio)}"
        f" = {fmt(2 * blood_ratio)}"
    )
    value, sub = ("CNS3", "CNS3b") if positive else ("CNS2", "CNS2c")
    return kb.conclude(STEINHERZ, value, [*because, line], substatus=sub)


def cns_disease(kb: KnowledgeBase, status: dict[str, Any]) -> dict[str, Any]:
    """CNS disease: true for CNS2 or CNS3, false for CNS1, null when the status is unknown."""
    value = status["value"]
    r = kb.rules[DISEASE]
    return {
        "value": None if value is None else value != "CNS1",
        "rule": r.id,
        "rule_version": r.version,
        "because": [f"cns_status = {value} ({status.get('substatus')})"],
        "sources": list(r.sources),
    }


def testicular(case: Case, kb: KnowledgeBase, out: Out) -> dict[str, Any]:
    """Testicular involvement at diagnosis (E2)."""
    v = case.presentation.testicular_involvement
    sex = case.patient.sex
    if v is not None:
        because = [f"presentation.testicular_involvement = {str(v).lower()}"]
    elif sex == "female":
        v = False
        because = ["patient.sex = female: not applicable"]
    else:
        why = "testicular involvement not recorded"
        out.need(
            "testicular examination (scrotal ultrasound as indicated, NCCN ALL-3)",
            why + f" (patient.sex = {sex})",
        )
        because = [f"presentation.testicular_involvement not recorded; patient.sex = {sex}"]
    r = kb.rules[TESTIS]  # built in kb.conclude's key order
    return {
        "value": v,
        "rule": r.id,
        "rule_version": r.version,
        "because": because,
        "sources": list(r.sources),
    }
