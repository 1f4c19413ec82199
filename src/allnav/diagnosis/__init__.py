"""allnav.diagnosis: ALL vs LBL vs MPAL/AUL vs not ALL, CNS status and testicular involvement."""

from allnav.diagnosis.assess import DiagnosisAssessment, assess_diagnosis
from allnav.diagnosis.profile import GeneticProfileLike, LesionCallLike

__all__ = ["DiagnosisAssessment", "GeneticProfileLike", "LesionCallLike", "assess_diagnosis"]
