"""Fixtures: a knowledge base of the immunophenotype rules only, and a case builder using load_case."""

from __future__ import annotations

import importlib
import importlib.resources
from collections.abc import Callable
from typing import Any

import pytest

from allnav.case import Case, load_case
from allnav.immunophenotype import ImmunophenotypeAssessment, assess_immunophenotype
from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.knowledge.rules import _read_records, build_knowledge_base

PACKAGES = ("allnav.immunophenotype",)


def package_kb(packages: tuple[str, ...]) -> KnowledgeBase:
    """Records of these packages, checked against the RuleRefs their modules declare."""
    refs: set[str] = set()
    records = []
    for pkg in packages:
        for entry in importlib.resources.files(pkg).iterdir():
            if entry.name.endswith(".py"):
                name = pkg if entry.name == "__init__.py" else f"{pkg}.{entry.name[:-3]}"
                refs |= {v for v in vars(importlib.import_module(name)).values() if isinstance(v, RuleRef)}
        records += _read_records(pkg)
    return build_knowledge_base(records, refs)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return package_kb(PACKAGES)


def build_case(markers: dict[str, Any] | None = None, **sections: Any) -> Case:
    data: dict[str, Any] = {"patient": {"id": "t", "age_years": 40, "sex": "female"}}
    if markers is not None:
        data["immunophenotype"] = markers
    data.update(sections)
    return load_case(data)


@pytest.fixture
def assess(kb: KnowledgeBase) -> Callable[..., ImmunophenotypeAssessment]:
    """``assess({"CD19": "pos", ...}, reported_lineage="B")`` -> the immunophenotype assessment."""

    def run(markers: dict[str, Any] | None = None, **sections: Any) -> ImmunophenotypeAssessment:
        return assess_immunophenotype(build_case(markers, **sections), kb)

    return run
