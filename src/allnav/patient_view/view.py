"""``summarise_for_patient(case, kb, assessment)``: the patient's plain-language view (contracts.md section 4)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from allnav.case.model import Case
from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.patient_view.content import content
from allnav.patient_view.glossary import glossary, term_used
from allnav.patient_view.inputs import read_facts
from allnav.patient_view.questions import questions, stage
from allnav.patient_view.report import report_right_away
from allnav.patient_view.summary import summarise

GLOSSARY = RuleRef("pt.glossary")

__all__ = ["glossary", "summarise_for_patient", "term_used"]


def summarise_for_patient(case: Case, kb: KnowledgeBase, assessment: Mapping[str, Any]) -> dict[str, Any]:
    """The patient view: summary paragraphs, glossary, what to report right away, questions, sources.

    ``assessment`` is the section-4 dict (read defensively: any part may be missing).
    Returns ``{"patient": {...}}``.
    """
    c = content()
    facts = read_facts(case, assessment)
    st = stage(kb, facts)
    summary = summarise(kb, c, facts)
    report = report_right_away(kb, c, facts)
    qs = questions(kb, c, facts, st["value"])
    texts = [p["text"] for p in summary] + [r.get("your_numbers", "") for r in report]
    fixed = [r["text"] for r in report] + [q["text"] for q in qs]  # taken unchanged from the content
    # every source once, in order of first use
    cited = [s for item in (*summary, *report) for s in item["sources"]] + [q["source"] for q in qs]
    sources = list(dict.fromkeys(cited))
    gl = kb.rule(GLOSSARY)
    patient: dict[str, Any] = {
        "stage": st,
        "summary": summary,
        "glossary": glossary(c, texts, fixed),
        "glossary_rule": {"rule": gl.id, "rule_version": gl.version},
        "report_right_away": report,
        "questions": qs,
        "sources": sources,
        "content_version": c.version,
    }
    return {"patient": patient}
