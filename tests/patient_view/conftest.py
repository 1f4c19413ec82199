"""Fixtures for the patient-view tests (``pv_helpers`` shared via this directory on ``sys.path``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from pv_helpers import pv_kb

from allnav.knowledge import KnowledgeBase


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return pv_kb()
