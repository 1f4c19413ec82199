"""The rule records: every RuleRef has a record and vice versa; records cite sources; conclusions carry them."""

from __future__ import annotations

import pytest
from dx_helpers import PACKAGES, build_case, package_kb

from allnav.errors import KnowledgeBaseError
from allnav.knowledge.rules import _read_records, build_knowledge_base


def test_records_match_references(kb) -> None:
    ids = set(kb.rules)
    assert {
        "dx.blast_threshold",
        "dx.blast_protocol_25",
        "dx.peripheral_blood_route",
        "cns.steinherz_bleyer",
    } <= ids
    assert {"lineage.who2016_b", "lineage.mpal_who", "lineage.etp"} <= ids


def test_every_record_cites_a_source(kb) -> None:
    for rule in kb.rules.values():
        assert rule.sources, rule.id
        assert any("clinical_rules.md" in s or "seed" in s or "contracts.md" in s for s in rule.sources), (
            rule.id
        )


def test_a_record_without_code_fails() -> None:
    records = [r for pkg in PACKAGES for r in _read_records(pkg)]
    with pytest.raises(KnowledgeBaseError, match="no code evaluates"):
        build_knowledge_base(records, {r.id for r in records if r.id != "cns.status"})


def test_a_reference_without_record_fails() -> None:
    records = [r for pkg in PACKAGES for r in _read_records(pkg) if r.id != "dx.burkitt_exclusion"]
    with pytest.raises(KnowledgeBaseError, match="no record"):
        build_knowledge_base(records, {r.id for r in records} | {"dx.burkitt_exclusion"})


def test_package_kb_is_consistent() -> None:
    assert package_kb(PACKAGES).rules.keys() == {r.id for pkg in PACKAGES for r in _read_records(pkg)}


def test_blast_threshold_history_keeps_the_25_percent_rule(kb) -> None:
    assert any("25%" in h for h in kb.rule("dx.blast_threshold").history)


def test_conclusions_carry_rule_version_and_sources(run) -> None:
    im, dx = run({"CD19": "pos", "CD10": "pos", "cCD3": "neg", "MPO": "neg"}, marrow={"blasts_pct": 85})
    for c in (
        im.lineage,
        im.mpal,
        im.etp,
        im.mature_b,
        im.cd19,
        im.cd22,
        dx.diagnosis,
        dx.cns_status,
        dx.testicular,
    ):
        assert c["rule_version"] == "1"
        assert c["sources"]
        assert isinstance(c["because"], list)


def test_build_case_helper_converts_markers() -> None:
    case = build_case({"CD5": 30})
    assert case.immunophenotype["CD5"].percent == 30
