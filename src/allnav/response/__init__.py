"""allnav.response: response over time, MRD, CNS remission/relapse and ICD-10-CM status.

>>> from allnav.response import assess_response  # (case, kb, diagnostic) -> dict
"""

from allnav.response.engine import assess_response

__all__ = ["assess_response"]
