"""Free-text ``timeline[].phase`` labels: exact aliases first, then keywords; unknown labels stay unknown."""

from __future__ import annotations

import pytest

from allnav.treatment.context import canonical_phase


@pytest.mark.parametrize(
    ("label", "phase"),
    [
        ("induction", "induction"),
        ("Induction (hyper-CVAD course 1A)", "induction"),
        ("pre-phase steroids", "induction"),
        ("late intensification", "consolidation"),
        ("blinatumomab consolidation", "consolidation"),
        ("post-transplant maintenance", "maintenance"),  # maintenance outranks transplant
        ("allogeneic stem cell transplantation", "transplant"),
        ("HCT day 0", "transplant"),
        ("salvage blinatumomab", "relapsed_refractory"),
        ("re-induction", "relapsed_refractory"),
        ("relapse therapy", "relapsed_refractory"),
        ("Off therapy", "follow_up"),
        ("off treatment", "follow_up"),
        ("follow-up visit", "follow_up"),
        ("end of therapy", "follow_up"),
        ("best supportive care", "palliative"),
        ("chemo block B", None),
        ("end of induction", "induction"),  # not 'end of therapy'
        ("", None),
    ],
)
def test_canonical_phase(label: str, phase: str | None) -> None:
    assert canonical_phase(label) == phase
