"""The golden table: valid and invalid rows for every grammar rule, and a test that fails when a rule has none."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from allnav.cytogenetics import parse_rule, rule_names
from allnav.cytogenetics.grammar import lark_parse
from allnav.cytogenetics.normalise import normalise
from allnav.cytogenetics.scanner import scan
from allnav.errors import KaryotypeSyntaxError

GOLDEN = Path(__file__).parent / "data" / "grammar_golden.tsv"
#: Rules for which no string of the rule's own shape can be malformed in a way worth a row.
NO_INVALID_ROW: frozenset[str] = frozenset()


def _rule(name: str) -> tuple[str, str]:
    """``rule@context``: a row for ``rule`` that is parsed as ``context`` (rules only meaningful inside one)."""
    rule, _, context = name.partition("@")
    return rule, context or rule


def _rows() -> list[tuple[str, str, str]]:
    rows = []
    with GOLDEN.open(encoding="utf-8") as fh:
        for rec in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if not rec or rec[0].startswith("#"):
                continue
            rows.append((rec[0], rec[1], rec[2]))
    return rows


ROWS = _rows()


@pytest.mark.parametrize(("rule", "text", "expect"), ROWS, ids=[f"{r}:{t}" for r, t, _ in ROWS])
def test_golden_row(rule: str, text: str, expect: str) -> None:
    _, rule = _rule(rule)
    if expect == "ok":
        parse_rule(rule, text)
    else:
        with pytest.raises(KaryotypeSyntaxError) as info:
            parse_rule(rule, text)
        assert info.value.code == expect, str(info.value)


def test_every_rule_has_a_valid_and_an_invalid_row() -> None:
    valid = {_rule(r)[0] for r, _, e in ROWS if e == "ok"}
    invalid = {_rule(r)[0] for r, _, e in ROWS if e != "ok"}
    rules = set(rule_names())
    assert rules - valid == set(), "rules with no valid golden row"
    assert rules - invalid - NO_INVALID_ROW == set(), "rules with no invalid golden row"
    named = {name for r, _, _ in ROWS for name in _rule(r)}
    assert named <= rules, "golden rows name rules the grammar does not have"


def test_rule_names_use_iscn_vocabulary() -> None:
    for name in (
        "karyotype",
        "cell_line",
        "chromosome_count",
        "sex_chromosomes",
        "abnormality",
        "breakpoint",
        "band",
    ):
        assert name in rule_names()


def test_unknown_rule_is_a_usage_error() -> None:
    from allnav.errors import UsageError

    with pytest.raises(UsageError):
        parse_rule("nonsense", "q11")


@pytest.mark.parametrize("text", [t for r, t, e in ROWS if r == "karyotype"])
def test_scanner_agrees_with_grammar_on_golden_karyotypes(text: str) -> None:
    norm = normalise(text)
    fast = scan(norm)
    try:
        ref = lark_parse(norm)
    except KaryotypeSyntaxError:
        assert fast is None
    else:
        assert fast is None or fast == ref


def _corpus_strings() -> list[str]:
    import json

    out = []
    for name in ("public_sample.jsonl", "corpus.jsonl", "reject.jsonl"):
        path = GOLDEN.parent / name
        if path.exists():
            out += [
                json.loads(x)["karyotype"] for x in path.read_text(encoding="utf-8").splitlines() if x.strip()
            ]
    return out


def test_scanner_agrees_with_grammar_on_every_corpus_string() -> None:
    checked = 0
    for text in _corpus_strings():
        norm = normalise(text)
        fast = scan(norm)
        if fast is None:
            continue
        checked += 1
        assert fast == lark_parse(norm), text
    assert checked > 0


def test_scanner_knows_exactly_the_grammar_abnormality_types() -> None:
    import re

    from allnav.cytogenetics import scanner
    from allnav.cytogenetics.grammar import grammar_text

    def terminal(name: str) -> set[str]:
        m = re.search(rf"^{name}(?:\.\d)?:(.*?)(?=^\S)", grammar_text(), re.MULTILINE | re.DOTALL)
        assert m is not None, name
        return set(re.findall(r'"([^"]+)"', m.group(1)))

    assert set(scanner._STRUCTURAL) == terminal("REARRANGEMENT_TYPE") | terminal("RING_TYPE")
    assert set(scanner._DERIVED) == terminal("DERIVATIVE_TYPE")
