"""What one timeline entry says about the disease: marrow, blood, CSF, extramedullary sites, a reported status."""

from __future__ import annotations

from typing import NamedTuple

from allnav.case.model import TimelineEntry
from allnav.diagnosis.cns import CSF_RBC_CUTOFF, CSF_WBC_CUTOFF, steinherz_bleyer_positive
from allnav.errors import CaseValidationError, FieldProblem

#: Written statuses accepted in ``reported_status`` (lower-cased) and the response value they mean.
REPORTED_STATUS: dict[str, str] = {
    "cr": "CR",
    "cr1": "CR",
    "cr2": "CR",
    "cr3": "CR",
    "complete remission": "CR",
    "remission": "CR",
    "in remission": "CR",
    "mrd-negative cr": "CR",
    "cri": "CRi",
    "cr with incomplete recovery": "CRi",
    "partial": "partial",
    "partial response": "partial",
    "pr": "partial",
    "refractory": "refractory",
    "primary refractory": "refractory",
    "induction failure": "refractory",
    "progressive": "progressive",
    "progressive disease": "progressive",
    "pd": "progressive",
    "relapse": "relapse",
    "relapsed": "relapse",
    "in relapse": "relapse",
}


class Findings(NamedTuple):
    """The response-relevant findings of one timeline entry (``None`` = not examined / unknown)."""

    day: int
    entry_index: int  # position in case.timeline
    phase: str | None
    marrow_blasts: float | None
    trilineage: bool | None
    blood_blasts: float | None
    wbc: float | None
    anc: float | None
    platelets: float | None
    cns: str | None  # "CNS1" | "CNS2" | "CNS3" | "clinical" (cranial nerve palsy) | None
    emd_sites: tuple[str, ...]
    emd_examined: bool
    reported: str | None
    #: CNS disease by the relapse definition: CNS3 or clinical signs (clinical_rules G2)
    cns_disease: bool
    #: extramedullary disease outside the CNS (``emd_sites`` not empty)
    emd: bool
    #: whether the entry carries anything the response engine reads (always true from :func:`read_findings`,
    #: which gives None for an entry that does not)
    evaluable: bool


def _cns(entry: TimelineEntry) -> str | None:
    if entry.cranial_nerve_palsy:
        return "clinical"
    csf = entry.csf
    if csf is None or csf.blasts is None:
        return None
    if not csf.blasts:
        return "CNS1"
    if csf.wbc_per_ul is not None and csf.wbc_per_ul >= CSF_WBC_CUTOFF:
        # Traumatic tap with blasts (CSF RBC >= 10/uL): Steinherz-Bleyer decides CNS3 (3b) vs CNS2 (2c) when the
        # same day's blood WBC and RBC are given (clinical_rules E1); without them the tap counts as CNS3.
        rbc, blood = csf.rbc_per_ul, entry.blood
        if (
            rbc is not None
            and rbc >= CSF_RBC_CUTOFF
            and blood is not None
            and blood.wbc is not None
            and blood.rbc
        ):
            return "CNS3" if steinherz_bleyer_positive(csf.wbc_per_ul, rbc, blood.wbc, blood.rbc) else "CNS2"
        return "CNS3"
    return "CNS2"


def read_findings(day: int, index: int, entry: TimelineEntry) -> Findings | None:
    """Collect the findings of a timeline entry, None when it carries nothing the response engine reads
    (not ``evaluable``); refuse an unknown ``reported_status``."""
    reported = None
    if entry.reported_status is not None:
        key = entry.reported_status.strip().lower()
        if key not in REPORTED_STATUS:
            raise CaseValidationError(
                "unknown reported status",
                [
                    FieldProblem(
                        f"timeline[{index}].reported_status",
                        "not a response status",
                        entry.reported_status,
                        accepted="CR, CRi, partial, refractory, progressive, relapse",
                    )
                ],
            )
        reported = REPORTED_STATUS[key]
    marrow = entry.marrow
    if marrow is not None:
        marrow_blasts, trilineage = marrow.blasts_pct, marrow.trilineage_hematopoiesis
    else:
        marrow_blasts = trilineage = None
    blood = entry.blood
    blood_blasts = blood.blasts_pct if blood is not None else None
    cns = _cns(entry) if entry.csf is not None or entry.cranial_nerve_palsy else None
    emd_disease, emd_sites, testis = (
        entry.extramedullary_disease,
        entry.extramedullary_sites,
        entry.testicular_involvement,
    )
    examined = emd_disease is not None or emd_sites is not None or testis is not None
    if marrow_blasts is None and blood_blasts is None and cns is None and not examined and reported is None:
        return None  # not evaluable (the usual entry of counts, labs or a phase label)
    sites: list[str] = list(emd_sites or [])
    if testis and "testis" not in sites:
        sites.append("testis")
    if emd_disease and not sites:
        sites.append("extramedullary (site not stated)")
    if blood is not None:
        wbc, anc, platelets = blood.wbc, blood.anc, blood.platelets
    else:
        wbc = anc = platelets = None
    phase = entry.phase.strip().lower() if entry.phase else None
    # positional, in field order (each local is named as its field): cheaper than keywords per entry
    return Findings(
        day,
        index,
        phase,
        marrow_blasts,
        trilineage,
        blood_blasts,
        wbc,
        anc,
        platelets,
        cns,
        tuple(sites),
        examined,
        reported,
        cns == "CNS3" or cns == "clinical",
        bool(sites),
        True,
    )
