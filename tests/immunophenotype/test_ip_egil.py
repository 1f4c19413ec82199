"""The EGIL point index (historical score, C3): same totals as summing the file's table, exact floats."""

from __future__ import annotations

from typing import Any

import pytest
from ip_helpers import build_case

from allnav.errors import KnowledgeBaseError
from allnav.immunophenotype.lineage import T_MARKERS, egil_index, egil_scores
from allnav.immunophenotype.panel import Panel, marker_table

_TABLE = tuple((k, tuple(t.items())) for k, t in marker_table().egil_points.items())


def _by_table(p: Panel) -> dict[str, float]:
    """The score as the table reads: each listed marker positive (CD3: any of cCD3/sCD3/CD3), in file order."""
    hits = {n for n, call in p.calls.items() if call}
    if hits & set(T_MARKERS):
        hits.add("CD3")
    return {lin: sum((pts for n, pts in rows if n in hits), 0.0) for lin, rows in _TABLE}


@pytest.mark.parametrize(
    "markers",
    [
        {"CD19": "pos", "cCD79a": "pos", "CD10": "pos", "TdT": "pos", "CD13": "pos", "MPO": "neg"},
        {
            "cCD3": "pos",
            "sCD3": "pos",
            "CD3": "pos",
            "CD7": "pos",
            "CD10": "pos",
            "TdT": "pos",
            "CD1a": "pos",
        },
        {"cCD3": "dim", "MPO": "pos", "CD117": "pos", "CD14": "pos", "CD15": "pos", "CD64": "pos"},
        {"CD19": "neg", "cCD3": "neg", "MPO": "neg"},
        {"cyCD3": "30", "cIgM": "pos", "CD20": "5", "CD24": "pos", "CD65": "25"},
    ],
)
def test_scores_equal_the_table_sum(markers: dict[str, Any]) -> None:
    p = Panel.of(build_case(markers).immunophenotype)
    scores = egil_scores(p, egil_index(_TABLE))
    assert scores == _by_table(p)
    assert list(scores) == [lin for lin, _ in _TABLE]
    assert all(isinstance(v, float) for v in scores.values())


def test_score_texts_cover_every_reachable_score() -> None:
    index = egil_index(_TABLE)
    for lin, rows in _TABLE:
        total = sum(pts for _, pts in rows)
        assert index.texts[lin][total] == f"{lin} = {total:g}"
        assert index.texts[lin][0.0] == f"{lin} = 0"


def test_points_that_do_not_sum_exactly_are_refused() -> None:
    with pytest.raises(KnowledgeBaseError, match=r"multiple of 0\.25"):
        egil_index((("B", (("CD19", 0.1),)),))
