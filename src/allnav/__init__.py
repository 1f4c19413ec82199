"""allnav: clinical decision support and care tracking for adult acute lymphoblastic leukemia.

Decision support, not a medical device: every conclusion carries its inputs, rule and sources.

Public API::

    allnav.parse_karyotype(text) -> Karyotype        # .features() gives the contract's section-2 dict
    allnav.assess(case_dict) -> dict                 # the contract's section-4 assessment

The heavy parts load on first use, so that importing one domain package does not import them all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from allnav import accel
from allnav._version import __version__
from allnav.errors import (
    AllnavError,
    CaseValidationError,
    ImplausibleValueError,
    InputError,
    KaryotypeSyntaxError,
    KnowledgeBaseError,
    UnitError,
)

accel.install()  # the compiled hot path, when built and current (see allnav.accel)

if TYPE_CHECKING:
    from allnav.assessment import assess
    from allnav.cytogenetics import Karyotype, parse_karyotype

_LAZY = {
    "assess": "allnav.assessment",
    "parse_karyotype": "allnav.cytogenetics",
    "Karyotype": "allnav.cytogenetics",
}

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


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'allnav' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
