"""``summarise_for_patient(case, kb, assessment)``: the patient's plain-language view (contracts.md section 4)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

from allnav.case.model import Case
from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.patient_view.content import Content, Term, content
from allnav.patient_view.inputs import read_facts
from allnav.patient_view.questions import questions, stage
from allnav.patient_view.report import report_right_away
from allnav.patient_view.summary import summarise

GLOSSARY = RuleRef("pt.glossary")


@functools.cache
def _pattern(p: str) -> re.Pattern[str]:
    letters = re.sub(r"\\[bBdDsSwW]|[^A-Za-z]", "", p)
    acronym = bool(letters) and letters.isupper()
    return re.compile(p) if acronym else re.compile(p, re.IGNORECASE)


def term_used(term: Term, texts: Iterable[str]) -> bool:
    """Whether any of the term's patterns occurs in the texts."""
    joined = "\n".join(texts)
    return any(_pattern(p).search(joined) for p in term.match)


def glossary(c: Content, texts: list[str]) -> list[dict[str, str]]:
    """Explanations for every glossary term that the patient's texts use."""
    joined = ["\n".join(texts)]  # one search per pattern, not one per text
    return [
        {"term": t.term, "explanation": t.text, "source": c.cite(t.seed_lines)}
        for t in c.glossary
        if term_used(t, joined)
    ]


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
    texts = (
        [p["text"] for p in summary]
        + [r["text"] for r in report]
        + [r.get("your_numbers", "") for r in report]
    )
    texts += [q["text"] for q in qs]
    sources: list[str] = []
    for item in [*summary, *report]:
        sources.extend(s for s in item["sources"] if s not in sources)
    sources.extend(q["source"] for q in qs if q["source"] not in sources)
    gl = kb.rule(GLOSSARY)
    patient: dict[str, Any] = {
        "stage": st,
        "summary": summary,
        "glossary": glossary(c, texts),
        "glossary_rule": {"rule": gl.id, "rule_version": gl.version},
        "report_right_away": report,
        "questions": qs,
        "sources": sources,
        "content_version": c.version,
    }
    return {"patient": patient}
