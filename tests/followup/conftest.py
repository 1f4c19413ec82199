"""A knowledge base built from the care packages only (response, safety, follow-up)."""

from __future__ import annotations

import pytest

from allnav.knowledge import KnowledgeBase, knowledge_base_for

CARE_PACKAGES = ("allnav.response", "allnav.safety", "allnav.followup")


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return knowledge_base_for(CARE_PACKAGES)
