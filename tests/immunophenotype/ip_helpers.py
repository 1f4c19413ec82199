"""Test helpers for the immunophenotype tests: knowledge base builder and case builder."""

from __future__ import annotations

import importlib
import importlib.resources
from typing import Any

from allnav.case import Case, load_case
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


def build_case(markers: dict[str, Any] | None = None, **sections: Any) -> Case:
    data: dict[str, Any] = {"patient": {"id": "t", "age_years": 40, "sex": "female"}}
    if markers is not None:
        data["immunophenotype"] = markers
    data.update(sections)
    return load_case(data)
