"""Fixtures: a knowledge base of the immunophenotype + diagnosis rules and a runner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from dx_helpers import PACKAGES, FakeProfile, build_case, package_kb

from allnav.diagnosis import DiagnosisAssessment, assess_diagnosis
from allnav.immunophenotype import ImmunophenotypeAssessment, assess_immunophenotype
from allnav.knowledge import KnowledgeBase


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return package_kb(PACKAGES)


Run = Callable[..., tuple[ImmunophenotypeAssessment, DiagnosisAssessment]]


@pytest.fixture
def run(kb: KnowledgeBase) -> Run:
    """``run(markers, genetics={"igh_il3": True}, marrow={...}, ...)`` -> (immuno, diagnosis)."""

    def go(
        markers: dict[str, Any] | None = None, genetics: dict[str, bool | None] | None = None, **sections: Any
    ) -> tuple[ImmunophenotypeAssessment, DiagnosisAssessment]:
        case = build_case(markers, **sections)
        immuno = assess_immunophenotype(case, kb)
        return immuno, assess_diagnosis(case, kb, immuno, FakeProfile(**(genetics or {})))

    return go
