"""Fixtures shared by the domain test packages: a case builder and karyotype features."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from allnav.case.model import Case
from allnav.cytogenetics import parse_karyotype


@pytest.fixture
def make_case() -> Callable[..., Case]:
    """Build a Case from sections (values already in default units); patient: 30-year-old, id 't'."""

    def make(**sections: Any) -> Case:
        data: dict[str, Any] = {"patient": {"id": "t", "age_years": 30}}
        data.update(sections)
        return Case.model_validate(data)

    return make


@pytest.fixture
def kfeat() -> Callable[[str], dict[str, Any]]:
    """The section-2 features of a karyotype string."""

    def features(text: str) -> dict[str, Any]:
        out: dict[str, Any] = parse_karyotype(text).features()
        return out

    return features


#: A minimal section-4 diagnostic dict (B-ALL, Ph-negative, CNS1) for the care engines' tests.
DIAG: dict[str, Any] = {
    "diagnosis": {"value": "B-ALL"},
    "lineage": {"value": "B"},
    "ph_positive": {"value": False},
    "cns_status": {"value": "CNS1", "substatus": None},
    "genetic_risk": {"value": "standard"},
}


@pytest.fixture
def diag() -> dict[str, Any]:
    """A copy of :data:`DIAG` that a test may adjust."""
    return dict(DIAG)
