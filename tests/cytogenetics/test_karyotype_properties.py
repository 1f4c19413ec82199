"""Property tests: parse -> format -> parse keeps the features; the scanner always agrees with the grammar."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from karyotype_strategies import karyotypes

from allnav.cytogenetics import parse_karyotype
from allnav.cytogenetics.grammar import lark_parse
from allnav.cytogenetics.normalise import normalise
from allnav.cytogenetics.scanner import scan

PROFILE = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
POSITIONAL = {"span", "text", "input", "normalised", "warnings"}


def semantic(value: Any) -> Any:
    """Features without what depends on how the text was written (offsets, texts, notes)."""
    if isinstance(value, dict):
        return {k: semantic(v) for k, v in value.items() if k not in POSITIONAL}
    if isinstance(value, list):
        return [semantic(v) for v in value]
    return value


@PROFILE
@given(karyotypes())
def test_parse_format_parse_keeps_features(text: str) -> None:
    first = parse_karyotype(text)
    canonical = first.format()
    second = parse_karyotype(canonical)
    assert semantic(second.features()) == semantic(first.features())
    assert second.format() == canonical  # the canonical form is a fixed point


@PROFILE
@given(karyotypes())
def test_scanner_equals_grammar_on_generated_karyotypes(text: str) -> None:
    norm = normalise(text)
    fast = scan(norm)
    ref = lark_parse(norm)
    assert fast is None or fast == ref


@PROFILE
@given(karyotypes())
def test_every_abnormality_span_points_at_its_text(text: str) -> None:
    f = parse_karyotype(text).features()
    for clone in f["clones"]:
        a, b = clone["span"]
        assert text[a:b] == clone["text"]
        for abn in clone["abnormalities"]:
            a, b = abn["span"]
            assert text[a:b] == abn["text"]
