"""allnav.response."""
