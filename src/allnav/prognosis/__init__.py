"""allnav.prognosis."""
