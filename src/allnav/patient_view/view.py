"""``summarise_for_patient(case, kb, assessment)``: the patient's plain-language view (contracts.md section 4).

What holds no patient value (the paragraphs, report items and question lists as output, with the glossary
terms of their texts and their citations) is built once per content and knowledge base; per patient the
rules pick them, the few numbers are filled in, and the glossary terms and citations are joined.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import chain
from typing import Any, NamedTuple

from allnav.case.model import Case
from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.patient_view.content import Content, Stage, built, content
from allnav.patient_view.glossary import _Index, glossary
from allnav.patient_view.inputs import read_facts, transplant_relevant
from allnav.patient_view.patterns import term_used
from allnav.patient_view.questions import NOTHING_ASKED, STAGE, Asked, question_tables, stage_of
from allnav.patient_view.report import ReportTables, items, report_tables
from allnav.patient_view.summary import Paragraphs, SummaryTables, low_numbers, paragraphs, summary_tables
from allnav.patient_view.terms import index_of, spread_terms

GLOSSARY = RuleRef("pt.glossary")

__all__ = ["glossary", "summarise_for_patient", "term_used"]


class _Tables(NamedTuple):
    """What the view needs of a content and knowledge base, built once."""

    summary: SummaryTables
    report: ReportTables
    questions: dict[tuple[Stage, bool, bool], Asked]
    terms_index: _Index
    #: the terms that are not local (none in the shipped content): searched over all texts joined
    spread: tuple[int, ...]
    glossary_rule: tuple[str, str]
    #: the stage's rule: id, version, citations
    stage_rule: tuple[str, str, tuple[str, ...]]
    version: str


def _tables(c: Content, kb: KnowledgeBase) -> _Tables:
    gl = kb.rule(GLOSSARY)
    st = kb.rule(STAGE)
    index = index_of(c)
    return _Tables(
        built(c, kb, summary_tables),
        built(c, kb, report_tables),
        built(c, kb, question_tables),
        index,
        spread_terms(index),
        (gl.id, gl.version),
        (st.id, st.version, st.sources),
        c.version,
    )


#: the last (knowledge base, content, tables): the usual call finds them without building a key
_last: tuple[KnowledgeBase, Content, _Tables] | None = None


def summarise_for_patient(case: Case, kb: KnowledgeBase, assessment: Mapping[str, Any]) -> dict[str, Any]:
    """The patient view: summary paragraphs, glossary, what to report right away, questions, sources.

    ``assessment`` is the section-4 dict (read defensively: any part may be missing).
    Returns ``{"patient": {...}}``.
    """
    global _last
    c = content()
    last = _last
    if last is not None and last[0] is kb and last[1] is c:
        t = last[2]
    else:
        t = built(c, kb, _tables)
        _last = (kb, c, t)
    facts = read_facts(case, assessment)
    value, why = stage_of(facts)  # as stage(kb, facts)
    stage_id, stage_version, stage_sources = t.stage_rule
    st = {
        "value": value,
        "rule": stage_id,
        "rule_version": stage_version,
        "because": [why],
        "sources": list(stage_sources),
    }
    low = low_numbers(t.summary.limits, facts)
    # the summary and the report items gather the glossary terms of their texts and their citations
    terms: set[int] = set()
    cited: list[tuple[str, ...]] = []
    summary: list[dict[str, Any]] = []
    paragraphs(t.summary, facts, low, summary, terms, cited)
    report = Paragraphs([], terms, cited)
    items(t.report, facts, low, report)
    asked = t.questions.get((value, facts.pending != 0, transplant_relevant(facts)), NOTHING_ASKED)
    terms |= asked.terms
    cited.append(asked.questions.sources)
    if t.spread:
        _spread(t, terms, summary, report.out, asked)
    entries = t.terms_index.entries
    gl_id, gl_version = t.glossary_rule
    patient: dict[str, Any] = {
        "stage": st,
        "summary": summary,
        "glossary": list(map(dict.copy, map(entries.__getitem__, sorted(terms)))),
        "glossary_rule": {"rule": gl_id, "rule_version": gl_version},
        "report_right_away": report.out,
        "questions": list(map(dict.copy, asked.dicts)),
        # every source once, in order of first use
        "sources": list(dict.fromkeys(chain.from_iterable(cited))),
        "content_version": t.version,
    }
    return {"patient": patient}


def _spread(
    t: _Tables, terms: set[int], summary: list[dict[str, Any]], report: list[dict[str, Any]], asked: Asked
) -> None:
    """Add the terms that are not local, searched over all the texts joined by newlines as
    :func:`glossary` does (summary, the patient's numbers, report items, questions)."""
    everything = "\n".join(
        [
            *(p["text"] for p in summary),
            *(r.get("your_numbers", "") for r in report),
            *(r["text"] for r in report),
            *asked.questions.texts,
        ]
    )
    terms |= t.terms_index.used(everything, t.spread)
