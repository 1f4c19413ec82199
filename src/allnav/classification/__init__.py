"""allnav.classification."""
