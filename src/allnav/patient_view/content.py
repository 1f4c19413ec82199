"""Patient-facing wording (``content.yaml``): glossary, report-right-away items, question lists, summaries.

All wording is quoted or paraphrased from the seed guide with its line numbers; thresholds that fit
the wording to a patient's counts come from clinical_rules.md. Validated into frozen models.
"""

from __future__ import annotations

import functools
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from allnav.errors import KnowledgeBaseError
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
