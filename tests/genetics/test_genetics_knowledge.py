"""The genetics/classification/prognosis rule records and data tables."""

from __future__ import annotations

import pytest

from allnav.classification.tables import load_entities
from allnav.genetics.catalog import load_catalog
from allnav.knowledge import KnowledgeBase, load_knowledge_base

SEED = "seed §"


def test_every_rule_cites_sources(kb: KnowledgeBase) -> None:
    assert len(kb.rules) >= 30
    for rule in kb.rules.values():
        assert rule.sources, rule.id
        assert any("clinical_rules.md" in s or "NCCN" in s or "contracts.md" in s for s in rule.sources), (
            rule.id
        )


@pytest.mark.parametrize("area", ["gen", "cls", "risk"])
def test_each_area_cites_the_seed(kb: KnowledgeBase, area: str) -> None:
    rules = [r for r in kb.rules.values() if r.id.startswith(f"{area}.")]
    assert rules
    assert any(any(s.startswith(SEED) for s in r.sources) for r in rules)


def test_rules_are_in_the_full_knowledge_base() -> None:
    full = load_knowledge_base()
    for rule_id in ("gen.iamp21_runx1_copies", "cls.who2016_priority", "cls.icd10cm_status", "risk.wbc_high"):
        assert full.rule(rule_id).id == rule_id


def test_catalog_and_entity_tables_state_provenance() -> None:
    for table in (load_catalog(), load_entities()):
        assert table.source
        assert table.version
        assert table.date


def test_entities_are_keyed_by_id_not_display_name() -> None:
    # clinical_rules.md A1 pitfall: adult T-cell leukaemia/lymphoma (HTLV-1) is never T-ALL 9837/3.
    for entity in load_entities().who2016:
        assert "adult t-cell" not in entity.name.lower()
    t_codes = {e.id: e.icdo3 for e in load_entities().who2016 if e.id.startswith("t_")}
    assert t_codes == {"t_all": "9837/3", "t_etp": "9837/3"}


def test_catalog_lesions_used_by_the_entity_tables_exist() -> None:
    lesions = {d.id for d in load_catalog().lesions}
    derived = {"hypodiploid_entity", "low_hypodiploid_icc", "other_defined"}
    for system in ("who2016", "who2022", "icc2022"):
        for entity in getattr(load_entities(), system):
            assert entity.lesion is None or entity.lesion in lesions | derived, entity.id
