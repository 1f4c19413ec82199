"""The diagnostic assessment: diagnosis (A2), CNS status (E1) and testicular involvement (E2)."""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from allnav.case.model import Case
from allnav.diagnosis import cns
from allnav.diagnosis.profile import GeneticProfileLike
from allnav.diagnosis.support import Out
from allnav.diagnosis.threshold import diagnose
from allnav.immunophenotype import ImmunophenotypeAssessment
from allnav.knowledge import KnowledgeBase

Conclusion = dict[str, Any]


class DiagnosisAssessment(NamedTuple):
    """Diagnosis, CNS status and testicular involvement, each a cited conclusion (immutable)."""

    diagnosis: Conclusion
    cns_status: Conclusion
    cns_disease: Conclusion
    testicular: Conclusion
    pending: list[dict[str, str]]
    alerts: list[Conclusion]


#: A :class:`DiagnosisAssessment` from a tuple of its fields in order, without the keyword handling of
#: the generated constructor.
_new_assessment = functools.partial(tuple.__new__, DiagnosisAssessment)


def assess_diagnosis(
    case: Case, kb: KnowledgeBase, immuno: ImmunophenotypeAssessment, genetics: GeneticProfileLike
) -> DiagnosisAssessment:
    """Diagnose from the blast counts, mass, phenotype and genetics; grade CNS and testicular disease.

    ``pending`` and ``alerts`` are this module's own; the immunophenotype's are not repeated.
    """
    out = Out()
    diagnosis = diagnose(case, kb, immuno, genetics, out)
    status = cns.cns_status(case, kb, out)
    return _new_assessment(
        (
            diagnosis,
            status,
            cns.cns_disease(kb, status),
            cns.testicular(case, kb, out),
            out.pending,
            out.alerts,
        )
    )
