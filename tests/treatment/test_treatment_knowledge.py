"""The treatment knowledge: rule records, drug table and pathway table are complete and cited."""

from __future__ import annotations

import importlib
import importlib.resources
import re

import pytest
from pydantic import ValidationError

from allnav.errors import KnowledgeBaseError
from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.knowledge.rules import _read_records
from allnav.treatment import facts
from allnav.treatment.labels import DRUG_RULES

SEED_LINES = re.compile(r"seed §[^,]+, lines? ([0-9, -]+)")


def _declared() -> set[str]:
    refs: set[str] = set()
    for entry in importlib.resources.files("allnav.treatment").iterdir():
        if entry.name.endswith(".py") and entry.name != "__init__.py":
            mod = importlib.import_module(f"allnav.treatment.{entry.name[:-3]}")
            refs |= {v for v in vars(mod).values() if isinstance(v, RuleRef)}
            refs |= set(vars(mod).get("DRUG_RULES", {}).values())
    return refs


def test_every_ruleref_has_a_record_and_every_record_a_ruleref() -> None:
    records = {r.id for r in _read_records("allnav.treatment")}
    assert _declared() == records


def test_every_rule_cites_the_seed_or_a_guideline(kb: KnowledgeBase) -> None:
    for rule in kb.rules.values():
        assert any(s.startswith(("seed §", "NCCN", "clinical_rules.md")) for s in rule.sources), rule.id


def _cited_lines(text: str) -> list[int]:
    out: list[int] = []
    for m in SEED_LINES.finditer(text):
        for part in m.group(1).split(","):
            bounds = [int(x) for x in part.strip().split("-") if x.strip()]
            out.extend(bounds)
    return out


def test_seed_citations_are_within_the_seed() -> None:
    texts = [
        importlib.resources.files("allnav.treatment").joinpath(n).read_text(encoding="utf-8")
        for n in ("rules.yaml", "drugs.yaml", "pathway.yaml")
    ]
    lines = [n for t in texts for n in _cited_lines(t)]
    assert lines, "no seed citation found"
    assert all(1 <= n <= 730 for n in lines)


def test_drug_table_names_declared_rules_and_sources() -> None:
    table = facts.drug_table()
    assert table.source
    assert table.version
    assert table.date
    for d in table.drugs:
        assert d.rule in DRUG_RULES
        for u in d.uses:
            assert u.sources
    assert {d.id for d in table.drugs} >= {
        "imatinib",
        "dasatinib",
        "ponatinib",
        "nilotinib",
        "bosutinib",
        "blinatumomab",
        "inotuzumab_ozogamicin",
        "tisagenlecleucel",
        "brexucabtagene_autoleucel",
        "obecabtagene_autoleucel",
        "nelarabine",
        "vincristine_liposome",
    }


def test_every_approach_named_in_code_exists() -> None:
    pkg = importlib.resources.files("allnav.treatment")
    code = "".join(pkg.joinpath(n).read_text(encoding="utf-8") for n in ("frontline.py", "relapse.py"))
    named = set(re.findall(r'regimen\("([a-z_]+)"', code)) | set(
        re.findall(r'approach_option\([^"]*"([a-z_]+)"', code)
    )
    assert len(named) >= 15
    for a in named:
        facts.approach(a)


def test_thresholds_have_sources() -> None:
    assert facts.threshold("older_age_gt_years") == 65
    assert facts.threshold("late_cr_gt_days") == 35
    assert facts.threshold("late_relapse_gt_years") == 3
    assert facts.band("aya_years") == (15, 39)
    with pytest.raises(KnowledgeBaseError):
        facts.threshold("aya_years")
    with pytest.raises(KnowledgeBaseError):
        facts.band("nope")


def test_unknown_ids_and_malformed_tables_fail_loudly() -> None:
    with pytest.raises(KnowledgeBaseError):
        facts.drug("aspirin")
    with pytest.raises(KnowledgeBaseError):
        facts.approach("bloodletting")
    with pytest.raises(ValidationError):
        facts.Use.model_validate(
            {"basis": "label", "setting": "frontline", "text": "x", "sources": ["s"], "colour": "red"}
        )
    with pytest.raises(ValidationError):
        facts.Use.model_validate({"basis": "label", "setting": "frontline", "text": "x", "sources": []})


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Blincyto", "blinatumomab"),
        ("tisa-cel", "tisagenlecleucel"),
        ("Inotuzumab Ozogamicin", "inotuzumab_ozogamicin"),
        ("dasatinib", "dasatinib"),
        ("mercaptopurine", "mercaptopurine"),
        (None, None),
    ],
)
def test_drug_names_normalised(name: str | None, expected: str | None) -> None:
    assert facts.normalise_drug(name) == expected
