"""The package's data tables: each states its source, version and date; malformed ones fail at load."""

from __future__ import annotations

from typing import Any

import pytest

from allnav.case import tables
from allnav.errors import KnowledgeBaseError


@pytest.mark.parametrize("load", [tables.units_table, tables.plausibility_table, tables.markers_table])
def test_tables_state_their_sources(load: Any) -> None:
    table = load()
    assert table.source.strip()
    assert table.version
    assert table.date.startswith("20")


@pytest.mark.parametrize(
    ("load", "bad"),
    [
        (tables.units_table, {"source": "x", "version": "1", "date": "2026-01-01"}),
        (tables.plausibility_table, {"source": "x", "version": "1", "date": "d", "ranges": {"a": {"min": 2, "max": 1, "why": "w"}}}),
        (tables.plausibility_table, {"source": "x", "version": "1", "date": "d", "ranges": {}, "typo": 1}),
        (tables.markers_table, {"source": "x", "version": "1", "date": "d", "thresholds_pct": {}, "markers": {"CD1": {"compartment": "inside"}}}),
    ],
)  # fmt: skip
def test_malformed_tables_fail_at_load(
    monkeypatch: pytest.MonkeyPatch, load: Any, bad: dict[str, Any]
) -> None:
    monkeypatch.setattr(tables, "_read", lambda name: bad)
    load.cache_clear()
    try:
        with pytest.raises(KnowledgeBaseError):
            load()
    finally:
        load.cache_clear()


def test_unit_aliases_point_at_known_codes() -> None:
    table = tables.units_table()
    assert all(code in table.ucum for code in table.aliases.values())
