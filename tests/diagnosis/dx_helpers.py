"""Test helpers for the diagnosis tests: knowledge base builder, fake genetic profile, case builder."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from allnav.case import Case, load_case
from allnav.knowledge import KnowledgeBase, knowledge_base_for

PACKAGES = ("allnav.immunophenotype", "allnav.diagnosis")
B_ALL = {"CD19": "pos", "cCD79a": "pos", "CD10": "pos", "TdT": "pos", "cCD3": "neg", "MPO": "neg"}
T_ALL = {"cCD3": "pos", "CD7": "pos", "CD1a": "pos", "CD19": "neg", "MPO": "neg"}


def package_kb(packages: tuple[str, ...]) -> KnowledgeBase:
    """Records of these packages, checked against the RuleRefs their modules declare."""
    return knowledge_base_for(packages)


@dataclass(frozen=True)
class FakeCall:
    present: bool | None
    evidence: list[str] = field(default_factory=list)


class FakeProfile:
    """``FakeProfile(igh_il3=True)``: a GeneticProfileLike answering only the lesions it is given."""

    def __init__(self, **calls: bool | None) -> None:
        self.calls = calls

    def call(self, lesion_id: str) -> FakeCall:
        present = self.calls.get(lesion_id)
        return FakeCall(present, [] if present is None else [f"{lesion_id} (test profile)"])


def build_case(markers: dict[str, Any] | None = None, **sections: Any) -> Case:
    data: dict[str, Any] = {"patient": {"id": "t", "age_years": 40, "sex": "female"}}
    if markers is not None:
        data["immunophenotype"] = markers
    data.update(sections)
    return load_case(data)
