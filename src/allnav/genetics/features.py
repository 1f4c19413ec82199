"""Getting karyotype features for a case from :mod:`allnav.cytogenetics`, errors included."""

from __future__ import annotations

import importlib
from typing import Any

from allnav.case.model import Case
from allnav.errors import KaryotypeSyntaxError


def karyotype_features_for(case: Case) -> dict[str, Any] | None:
    """The section-2 features of ``case.karyotype``; None when there is no karyotype.

    An invalid karyotype gives ``{"valid": False, "error": {...}}`` (code, message, position,
    expected) so that the profile can name the error.
    """
    if case.karyotype is None:
        return None
    try:
        cyto: Any = importlib.import_module("allnav.cytogenetics")
        parsed = cyto.parse_karyotype(case.karyotype)
    except KaryotypeSyntaxError as exc:
        return {
            "input": case.karyotype,
            "valid": False,
            "error": {
                "code": exc.code,
                "message": exc.message,
                "position": exc.position,
                "expected": list(exc.expected),
            },
        }
    except AttributeError:  # the karyotype engine is not available
        return {"input": case.karyotype, "valid": False, "error": {"message": "karyotype engine unavailable"}}
    features: dict[str, Any] = parsed.features()
    return features
