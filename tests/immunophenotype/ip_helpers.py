"""Test helpers for the immunophenotype tests: knowledge base builder and case builder."""

from __future__ import annotations

from typing import Any

from allnav.case import Case, load_case
from allnav.knowledge import KnowledgeBase, knowledge_base_for

PACKAGES = ("allnav.immunophenotype",)


def package_kb(packages: tuple[str, ...]) -> KnowledgeBase:
    """Records of these packages, checked against the RuleRefs their modules declare."""
    return knowledge_base_for(packages)


def build_case(markers: dict[str, Any] | None = None, **sections: Any) -> Case:
    data: dict[str, Any] = {"patient": {"id": "t", "age_years": 40, "sex": "female"}}
    if markers is not None:
        data["immunophenotype"] = markers
    data.update(sections)
    return load_case(data)
