"""Engine changes found by running real karyotypes (data/SOURCES.md, ts482 and HutchCyto rows).

- counted unidentified rings ``+2r`` / ``+1-6r`` (like ``+2mar``), in the grammar and the scanner;
- an uncertain band with a sub-band, ``q?11.2``;
- a line with ``inc`` is never the normal clone (``73,XXX,inc`` was reported normal);
- a structurally abnormal sex chromosome next to a sex field that lists only the normal ones
  (``46,X,der(X)t(X;1)``) no longer triggers a false count warning.
- a reference with a multiplier (``94,sdl1x2``, ``92<4N>,idemx2``) doubles the referenced clone, so the
  count check covers it and the lines that refer to it (``93,sdl2,dic(5;6)``).
- ``idem``/``sl`` after a constitutional-only clone (``47,XY,+21c[6]/48,idem,+11``) names that clone.
"""

from __future__ import annotations

import pytest

from allnav.cytogenetics import features_of, parse_karyotype
from allnav.cytogenetics.grammar import lark_parse
from allnav.cytogenetics.normalise import normalise
from allnav.cytogenetics.scanner import scan


@pytest.mark.parametrize(
    ("text", "count_range", "abnormalities"),
    [
        ("45~50,XY,-6,+15,+15,+18,+2r[cp9]", (2, 2), 6),
        ("47,XX,+1-6r,-7", (1, 6), 2),
        ("48,XX,+2~3r[5]", (2, 3), 2),
    ],
)
def test_counted_rings(text: str, count_range: tuple[int, int], abnormalities: int) -> None:
    k = parse_karyotype(text)
    ring = next(a for a in k.cell_lines[0].abnormalities if a.rearrangement and a.rearrangement.type == "r")
    assert ring.count_range == count_range
    assert ring.kind == "structural"
    out = k.features()
    assert out["abnormality_count"] == abnormalities
    assert not [w for w in out["warnings"] if "does not match" in w]
    again = parse_karyotype(k.format())
    assert again.features()["abnormality_count"] == abnormalities


@pytest.mark.parametrize("text", ["45~50,XY,-6,+15,+15,+18,+2r[cp9]", "46,XX,-7,+r[12]", "47,XX,+rx2"])
def test_scanner_and_grammar_agree_on_rings(text: str) -> None:
    norm = normalise(text)
    fast = scan(norm)
    assert fast is not None
    assert fast == lark_parse(norm)


@pytest.mark.parametrize("text", ["46,XX,-2r", "46,XX,2r", "47,XX,+0r"])
def test_counted_rings_only_as_a_gain(text: str) -> None:
    assert features_of(text)["valid"] is False


def test_uncertain_band_with_sub_band() -> None:
    out = features_of("45,XX,t(3;21)(q26;q?11.2),del(5)(q23-31q33),-7[14]")
    assert out["valid"] is True
    assert out["clones"][0]["abnormalities"][0]["breakpoints"] == ["3q26", "21q?11.2"]


@pytest.mark.parametrize("text", ["73,XXX,inc", "94,XXXX,inc", "46,XX,inc[5]", "47,XY,+21c,inc[3]"])
def test_a_line_with_inc_is_not_normal(text: str) -> None:
    out = features_of(text)
    assert out["normal"] is False
    assert out["clones"][0]["role"] == "stemline"


def test_constitutional_only_line_is_still_normal() -> None:
    assert features_of("47,XY,+21c[20]")["normal"] is True


@pytest.mark.parametrize(
    "text",
    [
        "46,X,der(X)t(X;1)(q28;q12)[5]",
        "46,Y,der(X)t(X;1)(q28;q12)[5]",
        "46,X,i(X)(q10)[20]",
        "46,X,del(X)(q22)[20]",
        "46,XX,del(X)(q22)[20]",
        "46,X,der(Y)t(Y;1)(q12;q21)[20]",
    ],
)
def test_rearranged_sex_chromosome_counts_without_warning(text: str) -> None:
    assert features_of(text)["warnings"] == []


def test_count_warning_still_given_for_a_real_mismatch() -> None:
    warnings = features_of("47,X,der(X)t(X;1)(q28;q12)[5]")["warnings"]
    assert any("does not match" in w for w in warnings)


@pytest.mark.parametrize(
    "text",
    [
        "46,XY,t(12;20)(q15;q11.2)[6]/47,sl,+13[2]/94,sdl1x2[2]/93,sdl2,dic(5;6)(q1?1.2;q12~13)[3]",
        "46,XY,-7,+13[3]/92<4N>,idemx2[1]/46,XY[16]",
        "46,XY,t(9;22)(q34;q11.2)[10]/92,idemx2[3]",
    ],
)
def test_a_doubled_reference_doubles_the_referenced_clone_in_the_count_check(text: str) -> None:
    assert [w for w in features_of(text)["warnings"] if "does not match" in w] == []


def test_a_wrong_count_after_a_doubled_reference_is_still_reported() -> None:
    warnings = features_of("46,XY,t(9;22)(q34;q11.2)[10]/90,idemx2[3]")["warnings"]
    assert any("cell line 2" in w and "does not match" in w for w in warnings)


def test_idem_after_a_constitutional_clone_names_that_clone() -> None:
    out = features_of("47,XY,+21c[6]/48,idem,+11,der(19)t(1;19)(q23;p13.3)[4]")
    assert out["sex_chromosomes"] == "XY"
    assert [c["role"] for c in out["clones"]] == ["normal", "stemline"]
    assert out["abnormality_count"] == 2  # +11 and der(19); the inherited +21c is constitutional
    assert out["warnings"] == []


def test_idem_after_a_plain_normal_clone_still_warns() -> None:
    warnings = features_of("46,XX[5]/47,idem,+8[3]")["warnings"]
    assert any("refers to 'idem'" in w for w in warnings)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("46,XX[20].nuc ish(RUNX1x4)[200]", False),
        ("46,XX[20].nuc ish(RUNX1x5)[200]", True),
        ("47,XX,+X,dup(21)(q11.2q22)[15]/46,XX[5].nuc ish(RUNX1x6)[150]", True),
        ("46,XX[20].nuc ish(RUNX1)x5[200]", True),
        ("46,XX,t(12;21)(p13;q22)[20].nuc ish(ETV6,RUNX1)x3(ETV6 con RUNX1x2)[180]", False),
    ],
)
def test_iamp21_from_five_or_more_runx1_signals(text: str, flag: bool) -> None:
    """WHO-HAEM5 (clinical_rules.md B1): >= 5 RUNX1 signals per interphase nucleus; 4 is not enough."""
    features = features_of(text)
    assert features["valid"] is True
    assert features["recurrent"]["iamp21"] is flag
    if flag:
        (evidence,) = features["recurrent_evidence"]["iamp21"]
        assert text[evidence["span"][0] : evidence["span"][1]] == evidence["text"]
