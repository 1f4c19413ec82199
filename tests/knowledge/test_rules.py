"""The rule-record machinery: a typo in a rule or a reference fails at load, never on a patient."""

from __future__ import annotations

import pytest

from allnav.errors import KnowledgeBaseError
from allnav.knowledge import RuleRef, load_knowledge_base
from allnav.knowledge.rules import _RuleRecord, build_knowledge_base


def _record(rule_id: str, **over: object) -> _RuleRecord:
    data: dict[str, object] = {
        "id": rule_id,
        "version": "1",
        "statement": "A statement long enough.",
        "condition": "x >= 1",
        "conclusion": "the conclusion",
        "sources": ["seed §Tests for ALL, lines 200-201"],
    }
    data.update(over)
    return _RuleRecord.model_validate(data)


def test_reference_without_record_fails_at_load() -> None:
    with pytest.raises(KnowledgeBaseError, match=r"no record: test\.alpha\.missing"):
        build_knowledge_base([_record("test.alpha.one")], ["test.alpha.one", "test.alpha.missing"])


def test_record_without_code_fails_at_load() -> None:
    with pytest.raises(KnowledgeBaseError, match=r"no code evaluates: test\.alpha\.orphan"):
        build_knowledge_base([_record("test.alpha.one"), _record("test.alpha.orphan")], ["test.alpha.one"])


def test_duplicate_ids_fail() -> None:
    with pytest.raises(KnowledgeBaseError, match="duplicate"):
        build_knowledge_base([_record("test.alpha.one"), _record("test.alpha.one")], ["test.alpha.one"])


@pytest.mark.parametrize("bad", ["Dx.blast", "dx", "dx..blast", "dx.blast threshold", "1dx.blast"])
def test_malformed_rule_ids_are_refused(bad: str) -> None:
    with pytest.raises(KnowledgeBaseError):
        RuleRef(bad)


def test_record_with_unknown_key_is_refused() -> None:
    with pytest.raises(ValueError, match="extra"):
        _record("test.alpha.one", citation="typo of sources")


def test_record_needs_a_source() -> None:
    with pytest.raises(ValueError, match="at least 1 item"):
        _record("test.alpha.one", sources=[])


def test_conclusion_carries_rule_identity_and_sources() -> None:
    kb = build_knowledge_base([_record("test.alpha.one")], ["test.alpha.one"], version="t1")
    c = kb.conclude("test.alpha.one", 42, because=["x = 42 (>= 1)"], severity="info")
    assert c == {
        "value": 42,
        "rule": "test.alpha.one",
        "rule_version": "1",
        "because": ["x = 42 (>= 1)"],
        "sources": ["seed §Tests for ALL, lines 200-201"],
        "severity": "info",
    }
    with pytest.raises(KnowledgeBaseError):
        kb.rule("test.alpha.two")
    with pytest.raises(KnowledgeBaseError, match=r"test\.alpha\.two"):
        kb.conclude("test.alpha.two", 1, because=[])
    plain = kb.conclude("test.alpha.one", None, because=iter(["a"]))
    assert plain["because"] == ["a"]
    assert "severity" not in plain
    assert plain["sources"] is not c["sources"]  # each conclusion owns its lists


def test_shipped_knowledge_base_loads_and_every_rule_is_cited() -> None:
    kb = load_knowledge_base()
    assert kb.rules, "the shipped knowledge base has no rules"
    for rule in kb.rules.values():
        assert rule.sources, rule.id
        assert all(s.strip() for s in rule.sources), rule.id


def test_a_domain_knowledge_base_holds_only_its_own_rules() -> None:
    from allnav.knowledge import knowledge_base_for

    kb = knowledge_base_for(["allnav.safety"])
    assert kb.rules
    assert all(rule_id.startswith("safety.") for rule_id in kb.rules)
    assert set(kb.rules) <= set(load_knowledge_base().rules)
