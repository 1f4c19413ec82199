"""allnav.safety."""
