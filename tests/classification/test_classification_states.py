"""The per-case lesion map the three classifiers share equals the per-lesion look-up it replaces."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from allnav.case.model import Case
from allnav.classification.tables import DERIVED_LESIONS, OTHER_DEFINED, lesion_present, lesion_states
from allnav.genetics import build_genetic_profile
from allnav.knowledge import KnowledgeBase


@pytest.mark.parametrize(
    ("findings", "karyotype"),
    [
        ([], None),
        (["BCR::ABL1"], None),
        (["near haploid"], None),
        (["DUX4 rearranged"], None),
        (["IKZF1 deletion"], "45,XX,-7[20]"),
        ([], "38,XY,-3,-4,-7,-9,-13,-15,-16,-17[10]"),
        ([], "44,XX,-7,-9[20]"),
    ],
)
def test_lesion_states_match_lesion_present(
    kb: KnowledgeBase,
    make_case: Callable[..., Case],
    kfeat: Callable[[str], dict[str, Any]],
    findings: list[str],
    karyotype: str | None,
) -> None:
    case = make_case(genetics=[{"finding": f, "method": "FISH"} for f in findings])
    features = kfeat(karyotype) if karyotype else None
    profile = build_genetic_profile(case, kb, features)
    states = lesion_states(profile)
    assert states.keys() >= DERIVED_LESIONS
    assert states.keys() >= set(OTHER_DEFINED)
    assert {x: lesion_present(profile, x) for x in states} == dict(states)
