"""The one loader of knowledge tables: a malformed or missing file fails with the file named."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict

from allnav.errors import KnowledgeBaseError
from allnav.knowledge.tables import load_table, validate_table


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str


def test_missing_file_names_package_and_file() -> None:
    with pytest.raises(KnowledgeBaseError, match=r"allnav\.safety/nope\.yaml"):
        load_table("allnav.safety", "nope.yaml", _Table)


def test_unknown_key_is_refused_with_the_place() -> None:
    with pytest.raises(KnowledgeBaseError, match=r"somewhere\.yaml is malformed"):
        validate_table({"source": "x", "typo": 1}, _Table, "somewhere.yaml")


def test_shipped_tables_load() -> None:
    from allnav.safety.drugs import DrugTable

    assert load_table("allnav.safety", "drugs.yaml", DrugTable).source
