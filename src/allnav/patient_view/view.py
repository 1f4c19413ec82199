"""``summarise_for_patient(case, kb, assessment)``: the patient's plain-language view (contracts.md section 4)."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import chain
from operator import itemgetter
from typing import Any

from allnav.case.model import Case
from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.patient_view.content import content
from allnav.patient_view.glossary import glossary
from allnav.patient_view.inputs import read_facts
from allnav.patient_view.patterns import term_used
from allnav.patient_view.questions import question_dicts, question_list, stage
from allnav.patient_view.report import report_right_away
from allnav.patient_view.summary import low_counts, summarise

GLOSSARY = RuleRef("pt.glossary")
_SOURCES = itemgetter("sources")

__all__ = ["glossary", "summarise_for_patient", "term_used"]


def summarise_for_patient(case: Case, kb: KnowledgeBase, assessment: Mapping[str, Any]) -> dict[str, Any]:
    """The patient view: summary paragraphs, glossary, what to report right away, questions, sources.

    ``assessment`` is the section-4 dict (read defensively: any part may be missing).
    Returns ``{"patient": {...}}``.
    """
    c = content()
    facts = read_facts(case, assessment)
    st = stage(kb, facts)
    low = low_counts(c, facts)
    summary, texts = summarise(kb, c, facts, low)
    report, numbers = report_right_away(kb, c, facts, low)
    asked = question_list(c, facts, st["value"])
    texts += numbers
    fixed = [r["text"] for r in report]  # taken unchanged from the content, as are the questions
    # every source once, in order of first use
    cited = dict.fromkeys(
        chain(
            chain.from_iterable(map(_SOURCES, summary)),
            chain.from_iterable(map(_SOURCES, report)),
            asked.sources,
        )
    )
    gl = kb.rule(GLOSSARY)
    patient: dict[str, Any] = {
        "stage": st,
        "summary": summary,
        "glossary": glossary(c, texts, fixed, (asked.texts,)),
        "glossary_rule": {"rule": gl.id, "rule_version": gl.version},
        "report_right_away": report,
        "questions": question_dicts(asked),
        "sources": list(cited),
        "content_version": c.version,
    }
    return {"patient": patient}
