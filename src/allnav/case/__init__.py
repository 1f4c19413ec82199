"""allnav.case."""
