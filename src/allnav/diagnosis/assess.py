"""The diagnostic assessment: diagnosis (A2), CNS status (E1) and testicular involvement (E2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allnav.case.model import Case
from allnav.diagnosis import cns
from allnav.diagnosis.profile import GeneticProfileLike
from allnav.diagnosis.support import Out
from allnav.diagnosis.threshold import diagnose
from allnav.immunophenotype import ImmunophenotypeAssessment
from allnav.knowledge import KnowledgeBase

Conclusion = dict[str, Any]


@dataclass(frozen=True)
class DiagnosisAssessment:
    """Diagnosis, CNS status and testicular involvement, each a cited conclusion."""

    diagnosis: Conclusion
    cns_status: Conclusion
    cns_disease: Conclusion
    testicular: Conclusion
    pending: list[dict[str, str]]
    alerts: list[Conclusion]


def assess_diagnosis(
    case: Case, kb: KnowledgeBase, immuno: ImmunophenotypeAssessment, genetics: GeneticProfileLike
) -> DiagnosisAssessment:
    """Diagnose from the blast counts, mass, phenotype and genetics; grade CNS and testicular disease.

    ``pending`` and ``alerts`` are this module's own; the immunophenotype's are not repeated.
    """
    out = Out()
    diagnosis = diagnose(case, kb, immuno, genetics, out)
    status = cns.cns_status(case, kb, out)
    return DiagnosisAssessment(
        diagnosis=diagnosis,
        cns_status=status,
        cns_disease=cns.cns_disease(kb, status),
        testicular=cns.testicular(case, kb, out),
        pending=out.pending,
        alerts=out.alerts,
    )
