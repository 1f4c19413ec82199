"""allnav.followup: surveillance after therapy (NCCN ALL-7) and the survivorship care plan.

>>> from allnav.followup import assess_followup  # (case, kb, diagnostic, response) -> dict
"""

from allnav.followup.engine import assess_followup

__all__ = ["assess_followup"]
