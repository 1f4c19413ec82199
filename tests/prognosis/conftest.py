"""Fixtures: a knowledge base of the genetics/classification/prognosis rules, case and karyotype builders.

The knowledge base is built from these three packages' records only, with the same start-up checks as
``load_knowledge_base`` (every reference has a record and every record a reference), so these tests do
not depend on the state of other packages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from allnav.case.model import Case
from allnav.cytogenetics import parse_karyotype
from allnav.knowledge import KnowledgeBase, knowledge_base_for

PACKAGES = ("allnav.genetics", "allnav.classification", "allnav.prognosis")


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return knowledge_base_for(PACKAGES)


@pytest.fixture
def make_case() -> Callable[..., Case]:
    def make(**sections: Any) -> Case:
        data: dict[str, Any] = {"patient": {"id": "t", "age_years": 30}}
        data.update(sections)
        return Case.model_validate(data)

    return make


@pytest.fixture
def kfeat() -> Callable[[str], dict[str, Any]]:
    def features(text: str) -> dict[str, Any]:
        out: dict[str, Any] = parse_karyotype(text).features()
        return out

    return features
