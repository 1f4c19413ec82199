"""Patient-facing wording (``content.yaml``): glossary, report-right-away items, question lists, summaries.

All wording is quoted or paraphrased from the seed guide with its line numbers; thresholds that fit
the wording to a patient's counts come from clinical_rules.md. Validated into frozen models.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field

from allnav.errors import KnowledgeBaseError
from allnav.knowledge import KnowledgeBase
from allnav.knowledge.tables import load_table

Stage = Literal["suspected", "diagnosis", "during", "after", "relapse", "palliative"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Term(_Model):
    term: str
    match: tuple[str, ...] = Field(min_length=1)
    text: str
    seed_lines: str


class ReportItem(_Model):
    text: str
    low_text: str | None = None
    seed_lines: str
    sources: tuple[str, ...] = Field(min_length=1)


class Question(_Model):
    id: str
    line: int = Field(ge=1, le=730)
    stages: tuple[Stage, ...] = Field(min_length=1)
    when: Literal["pending_tests", "transplant"] | None = None
    text: str


class Snippet(_Model):
    text: str
    seed_lines: str


class Threshold(_Model):
    value: float
    sources: tuple[str, ...] = Field(min_length=1)


class Summary(_Model):
    type: dict[str, Snippet]
    etp: Snippet
    ph: dict[Literal["positive", "negative", "unknown"], Snippet]
    cns: dict[Literal["treatment", "prophylaxis"], Snippet]
    phase: dict[str, Snippet]
    next: dict[str, Snippet]
    response: dict[str, Snippet]
    relapse_site: dict[str, Snippet]
    late_relapse: Snippet
    mrd: dict[str, Snippet]
    counts: dict[Literal["anc", "platelets", "hemoglobin"], Snippet]
    transplant: dict[Literal["favoured", "consider"], Snippet]
    closing: Snippet


class Content(_Model):
    source: str
    version: str
    date: str
    sections: tuple[tuple[int, int, str], ...]
    thresholds: dict[str, Threshold]
    glossary: tuple[Term, ...]
    report: dict[str, ReportItem]
    questions: tuple[Question, ...]
    summary: Summary

    def threshold(self, name: str) -> float:
        """A named threshold (a missing name is a programming error)."""
        try:
            return self.thresholds[name].value
        except KeyError:
            raise KnowledgeBaseError(f"patient_view/content.yaml has no threshold {name!r}") from None

    def cite(self, seed_lines: str) -> str:
        """``seed §Section, lines ...`` for a seed line list (section of the first line)."""
        return _cite(self.sections, seed_lines)


@functools.cache
def _cite(sections: tuple[tuple[int, int, str], ...], seed_lines: str) -> str:
    first = int(re.split(r"[^0-9]+", seed_lines.strip())[0])
    name = next((s for lo, hi, s in sections if lo <= first <= hi), "seed guide")
    word = "line" if re.fullmatch(r"\d+", seed_lines.strip()) else "lines"
    return f"seed §{name}, {word} {seed_lines}"


class Filled(NamedTuple):
    """A content text with its ``{name}`` placeholders filled: the text, and the span of each value in it
    (no spans when the template has other placeholders)."""

    template: str
    text: str
    spans: tuple[tuple[int, int], ...]


@functools.cache
def template_parts(template: str) -> tuple[tuple[str, str | None], ...] | None:
    """A template's literal parts, each with the name of the placeholder after it (None when a placeholder
    is not a plain ``{name}``)."""
    parts = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if name is not None and (spec or conversion or not name.isidentifier()):
            return None
        parts.append((literal, name))
    return tuple(parts)


def fill_template(template: str, values: Mapping[str, str | Filled]) -> Filled:
    """``template.format(**values)``, with where each value sits (the glossary searches around them).

    A value may itself be filled: its template then takes the place of the placeholder in the template
    of the result, and its values' places are kept.
    """
    one = _one_placeholder(template)
    if one is not None:
        before, key, after, canonical = one
        only = values[key]
        at = len(before)
        if isinstance(only, str):
            return Filled(canonical, before + only + after, ((at, at + len(only)),))
        if only.spans:
            shifted = tuple([(at + a, at + b) for a, b in only.spans])
            return Filled(_composed(template, (only.template,)), before + only.text + after, shifted)
    parts = template_parts(template)
    if parts is None:
        return Filled(template, template.format(**{k: text_of(v) for k, v in values.items()}), ())
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    inner: list[str | None] = []
    at = 0
    for literal, name in parts:
        out.append(literal)
        at += len(literal)
        if name is None:
            continue
        value = values[name]
        if isinstance(value, Filled):
            text = value.text
            if value.spans or template_parts(value.template) == ((text, None),):
                inner.append(value.template)
                spans += [(at + a, at + b) for a, b in value.spans]
            else:
                inner.append(None)
                spans.append((at, at + len(text)))
        else:
            text = value
            inner.append(None)
            spans.append((at, at + len(text)))
        out.append(text)
        at += len(text)
    return Filled(_composed(template, tuple(inner)), "".join(out), tuple(spans))


@functools.cache
def _one_placeholder(template: str) -> tuple[str, str, str, str] | None:
    """For a template with one plain placeholder: the text before it, its name, the text after it and
    the template as :func:`fill_template` gives it (None for other templates)."""
    parts = template_parts(template)
    if parts is None or [name is None for _, name in parts] not in ([False], [False, True]):
        return None
    name = parts[0][1]
    assert name is not None
    return parts[0][0], name, parts[1][0] if len(parts) > 1 else "", _composed(template, (None,))


@functools.cache
def _composed(template: str, inner: tuple[str | None, ...]) -> str:
    """The template with each placeholder whose ``inner`` entry is a template replaced by that template
    (one string per template and inner templates: both are content or code, never a patient's values)."""
    out = []
    names = iter(inner)
    for literal, name in template_parts(template) or ():
        out.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is not None:
            t = next(names)
            out.append(f"{{{name}}}" if t is None else t)
    return "".join(out)


def text_of(value: str | Filled) -> str:
    """The text of a value that may be filled."""
    return value.text if isinstance(value, Filled) else value


class QuestionList(NamedTuple):
    """Questions in seed order: (id, text, citation) rows, and the texts and the citations alone."""

    rows: tuple[tuple[str, str, str], ...]
    texts: tuple[str, ...]
    sources: tuple[str, ...]


NO_QUESTIONS = QuestionList((), (), ())


@dataclass(frozen=True)
class Prepared:
    """Lookups built once from a content: the citations of its seed line lists (summary snippets,
    glossary, report items, questions), and the questions of each stage for each pair of conditions
    (tests pending, transplant relevant)."""

    content: Content
    cites: dict[str, str]
    questions: dict[tuple[Stage, bool, bool], QuestionList]


_PREPARED: dict[int, Prepared] = {}


def prepared(c: Content) -> Prepared:
    """The lookups of a content (built on first use, kept while it is the same object)."""
    found = _PREPARED.get(id(c))
    if found is None or found.content is not c:
        s = c.summary
        snippets = [s.etp, s.late_relapse, s.closing]
        for group in (s.type, s.ph, s.cns, s.phase, s.next, s.response, s.relapse_site, s.mrd, s.counts):
            snippets += group.values()
        snippets += s.transplant.values()
        lines = [x.seed_lines for x in snippets] + [t.seed_lines for t in c.glossary]
        lines += [r.seed_lines for r in c.report.values()] + [str(q.line) for q in c.questions]
        cites = {line: c.cite(line) for line in lines}
        lists = {}
        for st in sorted({st for q in c.questions for st in q.stages}):
            for pending in (False, True):
                for transplant in (False, True):
                    rows = tuple(
                        (q.id, q.text, cites[str(q.line)])
                        for q in c.questions
                        if st in q.stages
                        and (q.when != "pending_tests" or pending)
                        and (q.when != "transplant" or transplant)
                    )
                    lists[st, pending, transplant] = QuestionList(
                        rows, tuple(r[1] for r in rows), tuple(r[2] for r in rows)
                    )
        found = _PREPARED[id(c)] = Prepared(c, cites, lists)
    return found


T = TypeVar("T")

#: what :func:`built` made, per (content, knowledge base, builder): kept while both are the same objects
_BUILT: dict[tuple[int, int, Callable[..., Any]], tuple[Content, KnowledgeBase, Any]] = {}
_MAX_BUILT = 64


def built(c: Content, kb: KnowledgeBase, build: Callable[[Content, KnowledgeBase], T]) -> T:
    """``build(c, kb)``: lookups made once per content and knowledge base (wording, citations, rule
    versions: never a patient's values), kept while both are the same objects."""
    key = (id(c), id(kb), build)
    found = _BUILT.get(key)
    if found is not None and found[0] is c and found[1] is kb:
        return cast("T", found[2])
    if len(_BUILT) >= _MAX_BUILT:  # bounded even if a caller makes a knowledge base per call
        _BUILT.clear()
    made = build(c, kb)
    _BUILT[key] = (c, kb, made)
    return made


@functools.cache
def content() -> Content:
    """The validated patient-facing content (read once)."""
    c = load_table("allnav.patient_view", "content.yaml", Content)
    ids = [q.id for q in c.questions]
    if len(ids) != len(set(ids)):
        raise KnowledgeBaseError("allnav.patient_view/content.yaml: duplicate question id")
    for t in c.glossary:
        for pattern in t.match:
            re.compile(pattern)
    return c
