"""Questions for the next visit from the seed's lists, fitted to where the patient is (seed 305-343, 602-730)."""

from __future__ import annotations

from typing import Any, NamedTuple

from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.patient_view.content import NO_QUESTIONS, Content, QuestionList, Stage, prepared
from allnav.patient_view.inputs import PatientFacts, transplant_relevant
from allnav.patient_view.terms import index_of

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
    value, why = stage_of(facts)
    return kb.conclude(STAGE, value, [why])


def stage_of(facts: PatientFacts) -> tuple[Stage, str]:
    """The value of :func:`stage` and the reason for it."""
    if facts.diagnosis not in ("B-ALL", "T-ALL", "B-LBL", "T-LBL", "MPAL", "AUL"):
        return "suspected", f"diagnosis = {facts.diagnosis or 'not established'}"
    if facts.phase_now in _STAGE_OF_PHASE:
        return _STAGE_OF_PHASE[facts.phase_now], f"treatment phase now = {facts.phase_now}"
    if facts.response is None:
        return "diagnosis", "no treatment phase or response recorded"
    if facts.response in ("relapse", "refractory", "progressive"):
        return "relapse", f"response = {facts.response}"
    return "during", f"response = {facts.response}; no phase recorded"


def question_list(c: Content, facts: PatientFacts, st: Stage) -> QuestionList:
    """The seed's questions for this stage (conditional ones only when they apply), in seed order."""
    return prepared(c).questions.get((st, facts.pending != 0, transplant_relevant(facts)), NO_QUESTIONS)


#: the questions of each list as output (kept while the list is the same object: lists are content)
_DICTS: dict[int, tuple[QuestionList, tuple[dict[str, Any], ...]]] = {}


def question_dicts(found: QuestionList) -> list[dict[str, Any]]:
    """The questions as output: id, text, citation and rule (new dicts for each call)."""
    known = _DICTS.get(id(found))
    if known is None or known[0] is not found:
        dicts = tuple(
            {"id": qid, "text": text, "source": source, "rule": QUESTIONS} for qid, text, source in found.rows
        )
        known = _DICTS[id(found)] = (found, dicts)
    return list(map(dict.copy, known[1]))


def questions(kb: KnowledgeBase, c: Content, facts: PatientFacts, st: Stage) -> list[dict[str, Any]]:
    """The seed's questions for this stage (conditional ones only when they apply), in seed order."""
    return question_dicts(question_list(c, facts, st))


class Asked(NamedTuple):
    """A question list built once: the list, the glossary terms (local) of its texts, and its questions
    as output (copied for each patient)."""

    questions: QuestionList
    terms: frozenset[int]
    dicts: tuple[dict[str, Any], ...]


def question_tables(c: Content, kb: KnowledgeBase) -> dict[tuple[Stage, bool, bool], Asked]:
    """Each question list of the content by (stage, tests pending, transplant relevant)."""
    index = index_of(c)
    out = {}
    for key, found in prepared(c).questions.items():
        terms = frozenset().union(*(index.static[t] for t in found.texts))
        dicts = tuple(
            {"id": qid, "text": text, "source": source, "rule": QUESTIONS} for qid, text, source in found.rows
        )
        out[key] = Asked(found, terms, dicts)
    return out


NOTHING_ASKED = Asked(NO_QUESTIONS, frozenset(), ())
