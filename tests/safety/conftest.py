"""A knowledge base built from the care packages only (others are written in parallel)."""

from __future__ import annotations

import importlib
import importlib.resources
from typing import Any

import pytest

from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.knowledge.rules import _read_records, build_knowledge_base

CARE_PACKAGES = ("allnav.response", "allnav.safety", "allnav.followup")


def care_kb() -> KnowledgeBase:
    """Records of the care packages, checked against the RuleRefs their modules declare."""
    refs: set[str] = set()
    records = []
    for pkg in CARE_PACKAGES:
        for entry in importlib.resources.files(pkg).iterdir():
            if entry.name.endswith(".py"):
                mod = importlib.import_module(
                    f"{pkg}.{entry.name[:-3]}" if entry.name != "__init__.py" else pkg
                )
                refs |= {v for v in vars(mod).values() if isinstance(v, RuleRef)}
        records += _read_records(pkg)
    return build_knowledge_base(records, refs)


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
