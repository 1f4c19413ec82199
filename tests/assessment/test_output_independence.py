"""Every assessment is a fresh object tree: no list or dict of one output is shared with another.

Callers (the API, the web pages, batch jobs) may edit an assessment; if a list from a knowledge table
(sources, test lists, lifestyle advice...) went out as the table's own object, one caller's edit would
change every later patient's output. The check walks two assessments of the same case, and of two
different cases, and requires that they share no mutable container.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import allnav

DATA = Path(__file__).parent / "data"
PATHS = sorted((DATA / "courses").glob("*.json")) + sorted((DATA / "corpus").glob("*.json"))
CASE_PATHS = [p for p in PATHS if p.name != "expected.json"]


def _containers(obj: Any, found: dict[int, str], path: str = "$") -> dict[int, str]:
    """id -> path of every dict and list in ``obj`` (each object once)."""
    if isinstance(obj, dict | list) and id(obj) not in found:
        found[id(obj)] = path
        items = obj.items() if isinstance(obj, dict) else enumerate(obj)
        for key, value in items:
            _containers(value, found, f"{path}.{key}")
    return found


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("path", CASE_PATHS, ids=lambda p: p.stem)
def test_two_assessments_of_one_case_share_no_list_or_dict(path: Path) -> None:
    case = _load(path)
    try:
        first = allnav.assess(case)
    except allnav.CaseValidationError:
        pytest.skip("a refused case has no assessment")
    second = allnav.assess(case)
    a, b = _containers(first, {}), _containers(second, {})
    shared = sorted(a[k] for k in a.keys() & b.keys())
    assert not shared, f"shared between two assessments: {shared[:10]}"
    assert json.dumps(first, sort_keys=True, default=str) == json.dumps(second, sort_keys=True, default=str)


def test_editing_one_output_leaves_the_next_unchanged() -> None:
    cases = [_load(p) for p in CASE_PATHS[:12]]
    before = [json.dumps(allnav.assess(c), default=str) for c in cases]
    for case in cases:
        out = allnav.assess(case)
        stack: list[Any] = [out]
        while stack:  # empty every list and dict of the output (the values are pushed before clearing)
            obj = stack.pop()
            if isinstance(obj, dict):
                stack.extend(obj.values())
                obj.clear()
            elif isinstance(obj, list):
                stack.extend(obj)
                obj.clear()
    after = [json.dumps(allnav.assess(c), default=str) for c in cases]
    assert after == before
