"""The user roles (no dependencies, so the command line can offer them without importing the ORM)."""

ROLES = ("clinician", "patient", "registrar", "admin")
