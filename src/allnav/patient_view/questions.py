"""Questions for the next visit from the seed's lists, fitted to where the patient is (seed 305-343, 602-730)."""

from __future__ import annotations

from typing import Any

from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.patient_view.content import Content, Stage
from allnav.patient_view.inputs import PatientFacts, transplant_relevant

STAGE = RuleRef("pt.stage")
QUESTIONS = RuleRef("pt.questions")

_STAGE_OF_PHASE: dict[str, Stage] = {
    "diagnosis": "diagnosis",
    "induction": "during",
    "consolidation": "during",
    "maintenance": "during",
    "transplant": "during",
    "unknown": "during",
    "follow_up": "after",
    "relapsed_refractory": "relapse",
    "palliative": "palliative",
}


def stage(kb: KnowledgeBase, facts: PatientFacts) -> dict[str, Any]:
    """The patient's stage for the question lists: suspected, diagnosis, during, after, relapse, palliative."""
    if facts.diagnosis not in ("B-ALL", "T-ALL", "B-LBL", "T-LBL", "MPAL", "AUL"):
        return kb.conclude(STAGE, "suspected", [f"diagnosis = {facts.diagnosis or 'not established'}"])
    if facts.phase_now in _STAGE_OF_PHASE:
        return kb.conclude(
            STAGE, _STAGE_OF_PHASE[facts.phase_now], [f"treatment phase now = {facts.phase_now}"]
        )
    if facts.response is None:
        return kb.conclude(STAGE, "diagnosis", ["no treatment phase or response recorded"])
    if facts.response in ("relapse", "refractory", "progressive"):
        return kb.conclude(STAGE, "relapse", [f"response = {facts.response}"])
    return kb.conclude(STAGE, "during", [f"response = {facts.response}; no phase recorded"])


def questions(kb: KnowledgeBase, c: Content, facts: PatientFacts, st: Stage) -> list[dict[str, Any]]:
    """The seed's questions for this stage (conditional ones only when they apply), in seed order."""
    transplant = transplant_relevant(facts)
    out = []
    for q in c.questions:
        if st not in q.stages:
            continue
        if q.when == "pending_tests" and facts.pending == 0:
            continue
        if q.when == "transplant" and not transplant:
            continue
        out.append({"id": q.id, "text": q.text, "source": c.cite(str(q.line)), "rule": QUESTIONS})
    return out
