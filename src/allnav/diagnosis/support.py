"""Pending tests and alerts collected while the diagnosis rules run."""

from __future__ import annotations

from typing import Any


class Out:
    """Accumulates ``pending`` ({"test", "why"}, one entry per test) and ``alerts`` (conclusions)."""

    __slots__ = ("alerts", "pending")

    def __init__(self) -> None:
        self.pending: list[dict[str, str]] = []
        self.alerts: list[dict[str, Any]] = []

    def need(self, test: str, why: str) -> None:
        """Ask for a test once; a second reason for the same test is dropped."""
        for p in self.pending:  # a loop, no generator: usually empty or short
            if p["test"] == test:
                return
        self.pending.append({"test": test, "why": why})
