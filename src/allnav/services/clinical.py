"""The clinical core behind a small interface, so the shells can be tested with a stand-in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class ClinicalCore(Protocol):
    """What the application needs from the engine: assess a case dict, explain an assessment."""

    def assess(self, case: Mapping[str, Any]) -> dict[str, Any]:
        """The section-4 assessment; raises CaseValidationError for an invalid case."""

    def explain(self, assessment: Mapping[str, Any]) -> str:
        """The assessment as readable text (what ``allnav explain`` prints)."""


class DefaultCore:
    """The real engine (``allnav.assess`` with a knowledge base loaded once)."""

    def __init__(self) -> None:
        from allnav.knowledge import load_knowledge_base

        self._kb = load_knowledge_base()

    def assess(self, case: Mapping[str, Any]) -> dict[str, Any]:
        """``allnav.assess(case)`` with the knowledge base loaded at start-up."""
        from allnav.assessment import assess

        return assess(case, kb=self._kb)

    def explain(self, assessment: Mapping[str, Any]) -> str:
        """The text ``allnav explain`` prints, with reasons and sources."""
        from allnav.assessment.render import render_text

        return render_text(assessment, detail=True)
