"""allnav.cytogenetics."""
