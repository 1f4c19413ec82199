"""Fixtures for the treatment tests."""

from __future__ import annotations

import pytest
from tx_helpers import tx_kb

from allnav.knowledge import KnowledgeBase


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return tx_kb()
