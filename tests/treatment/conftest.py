"""Fixtures for the treatment tests.

``--import-mode=importlib`` keeps test directories off ``sys.path``; this directory is added so the test
modules can share ``tx_helpers`` (a uniquely named module).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from tx_helpers import tx_kb

from allnav.knowledge import KnowledgeBase


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return tx_kb()
