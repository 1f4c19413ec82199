"""The validator's fast path for plain numbers gives exactly what the full field checks give.

``allnav.case.validate`` accepts a finite number within a field's plausibility range without calling
:func:`check_quantity` / :func:`check_number`; every other value takes the full check. For every
numeric field of every model and values on and around each boundary (ints, floats, booleans, text,
nan, infinities, huge integers), the walk's result and problems must equal those of the full check.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from pydantic import BaseModel

from allnav.case import model as m
from allnav.case.validate import _plan, _Walker

MODELS: list[type[BaseModel]] = [m.Case, m.Patient, m.Presentation, m.Blood, m.Marrow, m.CSF, m.Labs, m.MRD, m.Vitals, m.TimelineEntry,
          m.Medication, m.PriorAnthracycline, m.CrsIcansEntry, m.GeneticFinding]  # fmt: skip
NUMERIC = [
    (cls, name)
    for cls in MODELS
    for name, f in _plan(cls).fields.items()
    if f.action in ("quantity", "number")
]


def _values(lo: float | None, hi: float) -> list[Any]:
    edges = [0, 1, -1, 0.5, 2**70, -(2**70), 2**1100, math.inf, -math.inf, math.nan, True, False, "5", 1e308]
    if lo is not None and math.isfinite(lo) and math.isfinite(hi):
        for x in (lo, hi):
            edges += [x, float(x), int(x), int(x) + 1, int(x) - 1, math.nextafter(x, math.inf)]
            edges += [math.nextafter(x, -math.inf), x + 0.5, x - 0.5]
    return edges


def _problems(walker: _Walker) -> list[tuple[Any, ...]]:
    return [
        (p.path, p.message, repr(p.value), p.accepted, p.suggestion, p.extra) for p in walker.problems.items
    ]


@pytest.mark.parametrize(("cls", "name"), NUMERIC, ids=[f"{c.__name__}.{n}" for c, n in NUMERIC])
def test_fast_path_matches_full_check(cls: type[BaseModel], name: str) -> None:
    f = _plan(cls).fields[name]
    for value in _values(f.lo, f.hi):
        full = _Walker()
        expected = full.field(f, value, name)
        walked = _Walker()
        out = walked.model(_plan(cls), {name: value}, "")
        got = out.get(name, "DROP") if isinstance(out, dict) else out
        want = "DROP" if repr(expected) == "DROP" else expected
        assert repr(got) == repr(want), (name, value)
        assert type(got) is type(want), (name, value)
        own = [p for p in _problems(walked) if p[0] == name or p[0].startswith(name + ".")]
        assert own == _problems(full), (name, value)
