"""allnav.patient_view: the patient's plain-language view of their own ALL and treatment."""

from allnav.patient_view.view import summarise_for_patient

__all__ = ["summarise_for_patient"]
