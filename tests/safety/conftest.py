"""A knowledge base built from the care packages only (others are written in parallel)."""

from __future__ import annotations

from typing import Any

import pytest

from allnav.knowledge import KnowledgeBase, knowledge_base_for

CARE_PACKAGES = ("allnav.response", "allnav.safety", "allnav.followup")


def care_kb() -> KnowledgeBase:
    """Records of the care packages, checked against the RuleRefs their modules declare."""
    return knowledge_base_for(CARE_PACKAGES)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return care_kb()


@pytest.fixture
def diag() -> dict[str, Any]:
    """A minimal section-4 diagnostic dict (B-ALL, Ph-negative, CNS1); tests copy and adjust it."""
    return dict(DIAG)


DIAG: dict[str, Any] = {
    "diagnosis": {"value": "B-ALL"},
    "lineage": {"value": "B"},
    "ph_positive": {"value": False},
    "cns_status": {"value": "CNS1", "substatus": None},
    "genetic_risk": {"value": "standard"},
}
