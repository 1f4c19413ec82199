"""allnav.followup."""
