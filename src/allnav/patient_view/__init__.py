"""allnav.patient_view."""
