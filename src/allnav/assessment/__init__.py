"""The assessment: from a case file to the contract's section-4 output (one core for every shell)."""

from allnav.assessment.assess import assess

__all__ = ["assess"]
