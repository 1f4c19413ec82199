"""Pending tests are listed once each, whichever rules asked for them."""

from __future__ import annotations

from typing import Any

from allnav.assessment.assess import _merge_pending


def test_same_test_from_several_rules_is_listed_once_with_every_reason() -> None:
    pending: list[dict[str, Any]] = []
    by_test: dict[str, dict[str, Any]] = {}
    first = {"test": "CD19 flow on the relapse sample", "why": "blinatumomab label", "rule": "a"}
    _merge_pending(pending, by_test, [first])
    _merge_pending(
        pending,
        by_test,
        [
            {"test": "CD19 flow on the relapse sample", "why": "CAR T label", "rule": "b"},
            {"test": "cd19 flow on the relapse sample ", "why": "blinatumomab label", "rule": "c"},
            {"test": "TP53 sequencing", "why": "poor risk"},
        ],
    )
    assert [p["test"] for p in pending] == ["CD19 flow on the relapse sample", "TP53 sequencing"]
    assert pending[0]["why"] == "blinatumomab label"
    assert pending[0]["also_why"] == ["CAR T label"]
    assert "also_why" not in pending[1]
    assert first == {"test": "CD19 flow on the relapse sample", "why": "blinatumomab label", "rule": "a"}


def test_the_evaluators_lists_are_not_changed() -> None:
    pending: list[dict[str, Any]] = []
    by_test: dict[str, dict[str, Any]] = {}
    mine = [{"test": "CSF cytology", "why": "CNS status unknown"}]
    _merge_pending(pending, by_test, mine)
    _merge_pending(pending, by_test, [{"test": "CSF cytology", "why": "intrathecal therapy"}])
    assert pending == [
        {"test": "CSF cytology", "why": "CNS status unknown", "also_why": ["intrathecal therapy"]}
    ]
    assert mine == [{"test": "CSF cytology", "why": "CNS status unknown"}]
