"""Fixtures: a knowledge base of the genetics/classification/prognosis rules (case builders: tests/conftest.py).

The knowledge base is built from these three packages' records only, with the same start-up checks as
``load_knowledge_base`` (every reference has a record and every record a reference), so these tests do
not depend on the state of other packages.
"""

from __future__ import annotations

import pytest

from allnav.knowledge import KnowledgeBase, knowledge_base_for

PACKAGES = ("allnav.genetics", "allnav.classification", "allnav.prognosis")


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return knowledge_base_for(PACKAGES)
