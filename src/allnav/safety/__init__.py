"""allnav.safety: CTCAE grades, TLS, CRS/ICANS, anthracycline dose and per-drug safety checks.

>>> from allnav.safety import assess_safety  # (case, kb, diagnostic) -> dict
"""

from allnav.safety.engine import assess_safety

__all__ = ["assess_safety"]
