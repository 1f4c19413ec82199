"""The patient view as plain text."""

from __future__ import annotations

from pv_helpers import make_case, patient

from allnav.knowledge import KnowledgeBase
from allnav.patient_view.render import patient_text


def test_patient_text_has_every_part(kb: KnowledgeBase) -> None:
    p = patient(
        kb, make_case(40, timeline=[{"day": 10, "phase": "induction", "blood": {"anc": 0.4}}]), ph=True
    )
    text = patient_text(p)
    assert text.startswith("For the patient:")
    assert "Call your care team right away about:" in text
    assert "Your neutrophils (infection-fighting white blood cells) were low at 0.4" in text
    assert "Questions you may want to ask:" in text
    assert "Philadelphia chromosome (Ph+):" in text
