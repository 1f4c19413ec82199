"""The care packages' rule records: every record evaluated by code, cited, and named for its package."""

from __future__ import annotations

import pytest

from allnav.knowledge import KnowledgeBase

PREFIX = {"resp.": "allnav.response", "safety.": "allnav.safety", "follow.": "allnav.followup"}


def test_records_and_references_match(kb: KnowledgeBase) -> None:
    # the fixture itself fails when a RuleRef has no record or a record has no RuleRef
    assert len(kb.rules) >= 40


@pytest.mark.parametrize("prefix", sorted(PREFIX))
def test_each_package_has_rules(kb: KnowledgeBase, prefix: str) -> None:
    assert any(r.startswith(prefix) for r in kb.rules)


def test_rules_cite_sources(kb: KnowledgeBase) -> None:
    for rule in kb.rules.values():
        assert any(p for p in PREFIX if rule.id.startswith(p)), rule.id
        assert rule.sources, rule.id
        assert all(s.strip() for s in rule.sources), rule.id


def test_disagreements_keep_the_older_rule_visible(kb: KnowledgeBase) -> None:
    for rid in ("resp.cr", "resp.relapse", "safety.tls_lab", "safety.anthracycline_dose"):
        assert kb.rule(rid).history, rid
