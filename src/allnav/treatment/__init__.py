"""allnav.treatment: the treatment pathway (phase now and next, options per phase, transplant, R/R labels)."""

from allnav.treatment.plan import plan_treatment

__all__ = ["plan_treatment"]
