"""Pending tests and alerts collected while the diagnosis rules run."""

from __future__ import annotations

from typing import Any


class Out:
    """Accumulates ``pending`` ({"test", "why"}, one entry per test) and ``alerts`` (conclusions)."""

    def __init__(self) -> None:
        self.pending: list[dict[str, str]] = []
        self.alerts: list[dict[str, Any]] = []

    def need(self, test: str, why: str) -> None:
        """Ask for a test once; a second reason for the same test is dropped."""
        if not any(p["test"] == test for p in self.pending):
            self.pending.append({"test": test, "why": why})
