"""The versioned clinical knowledge base: rule records and the conclusions they produce."""

from allnav.knowledge.rules import (
    KNOWLEDGE_VERSION,
    KnowledgeBase,
    Rule,
    RuleRef,
    knowledge_base_for,
    load_knowledge_base,
)

__all__ = [
    "KNOWLEDGE_VERSION",
    "KnowledgeBase",
    "Rule",
    "RuleRef",
    "knowledge_base_for",
    "load_knowledge_base",
]
