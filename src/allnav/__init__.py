"""allnav: clinical decision support and care tracking for adult acute lymphoblastic leukemia.

Decision support, not a medical device: every conclusion carries its inputs, rule and sources.

Public API::

    allnav.parse_karyotype(text) -> Karyotype        # .features() gives the contract's section-2 dict
    allnav.assess(case_dict) -> dict                 # the contract's section-4 assessment
"""

from allnav._version import __version__
from allnav.assessment import assess
from allnav.cytogenetics import Karyotype, parse_karyotype
from allnav.errors import (
    AllnavError,
    CaseValidationError,
    ImplausibleValueError,
    InputError,
    KaryotypeSyntaxError,
    KnowledgeBaseError,
    UnitError,
)

__all__ = [
    "AllnavError",
    "CaseValidationError",
    "ImplausibleValueError",
    "InputError",
    "Karyotype",
    "KaryotypeSyntaxError",
    "KnowledgeBaseError",
    "UnitError",
    "__version__",
    "assess",
    "parse_karyotype",
]
