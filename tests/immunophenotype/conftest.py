"""Fixtures: a knowledge base of the immunophenotype rules only and an assessment runner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from ip_helpers import PACKAGES, build_case, package_kb

from allnav.immunophenotype import ImmunophenotypeAssessment, assess_immunophenotype
from allnav.knowledge import KnowledgeBase


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return package_kb(PACKAGES)


@pytest.fixture
def assess(kb: KnowledgeBase) -> Callable[..., ImmunophenotypeAssessment]:
    """``assess({"CD19": "pos", ...}, reported_lineage="B")`` -> the immunophenotype assessment."""

    def run(markers: dict[str, Any] | None = None, **sections: Any) -> ImmunophenotypeAssessment:
        return assess_immunophenotype(build_case(markers, **sections), kb)

    return run
