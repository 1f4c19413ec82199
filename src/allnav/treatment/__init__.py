"""allnav.treatment."""
