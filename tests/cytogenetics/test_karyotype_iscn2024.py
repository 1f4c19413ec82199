"""ISCN 2024 forms found by the corpus review: spaces in constitutional notation, ``?c``, ``trc``, a
tetraploid clone, the text-only short form ``i(17q)``, and spans that point at the input as written."""

from __future__ import annotations

from typing import Any

import pytest

from allnav.cytogenetics import features_of, parse_karyotype
from allnav.cytogenetics.grammar import lark_parse
from allnav.cytogenetics.normalise import normalise
from allnav.cytogenetics.scanner import scan

# ISCN 2024 6.4 g v, copied as printed (U+2212 minus kept)
ROBERTSONIAN = (
    "44,X,\u2212Y,der(13;14)(q10;q10)c[5]/45,XY,der(11)t(11;14)(q13;q32),"
    "der(13;14)(q10;q10)c t(11;14)[5]/45,XY,der(13;14)(q10;q10)c[5]"
)


def f(text: str) -> dict[str, Any]:
    out = features_of(text)
    assert out["valid"], out["error"]
    return out


def test_constitutional_derivative_with_a_further_acquired_rearrangement() -> None:
    out = f(ROBERTSONIAN)
    assert [c["role"] for c in out["clones"]] == ["stemline", "sideline", "normal"]
    assert out["normal"] is False
    assert out["abnormality_count"] == 1  # -Y; the der(13;14)c is constitutional
    der = out["clones"][1]["abnormalities"][1]
    assert der["text"] == "der(13;14)(q10;q10)c t(11;14)"
    assert der["chromosomes"] == ["13", "14", "11"]
    a, b = der["span"]
    assert ROBERTSONIAN[a:b] == der["text"]
    rea = parse_karyotype(ROBERTSONIAN).cell_lines[1].abnormalities[1]
    assert rea.rearrangement is not None
    assert rea.rearrangement.constitutional == "c"  # the c qualifies the der(13;14) part only ...
    assert rea.constitutional is None  # ... so the item, with its acquired t(11;14), is acquired
    assert out["recurrent"]["igh_14q32"] is True  # from der(11)t(11;14)(q13;q32)


def test_the_constitutional_part_form_is_parsed_by_scanner_and_grammar_alike() -> None:
    norm = normalise(ROBERTSONIAN)
    fast = scan(norm)
    assert fast is not None
    assert fast == lark_parse(norm)


def test_the_constitutional_part_form_survives_format() -> None:
    k = parse_karyotype("46,XX,der(13;14)(q10;q10)?c t(11;14)(q13;q32)[20]")
    assert k.format() == "46,XX,der(13;14)(q10;q10)?c t(11;14)(q13;q32)[20]"
    assert parse_karyotype(k.format()).features()["abnormality_count"] == 1


@pytest.mark.parametrize(
    "text",
    [
        "46,XX,+8c t(9;22)(q34;q11.2)[20]",  # only a derivative's c may be followed by a space
        "46,XX,t(9;22)(q34;q11.2) t(1;2)(p13;q21)[20]",  # a space is not a separator
        "46,XX,der(13;14)(q10;q10)c inc[20]",  # "c " must be followed by a rearrangement
        "46,XX,der(13;14)(q10;q10)c  t(11;14)[20]",  # one space, as ISCN writes it
        "46,XX,+8 +9[20]",  # the space goes, the missing comma stays an error
    ],
)
def test_missing_separators_are_still_refused(text: str) -> None:
    out = features_of(text)
    assert out["valid"] is False
    assert out["error"]["code"] == "K001"


def test_a_constitutional_component_gives_no_recurrent_flag() -> None:
    # 6.4 g iv: a c after a derivative made by several rearrangements qualifies the last one only
    out = f("46,XX,der(9)t(9;22)(q34;q11.2)t(12;21)(p13;q22)c[20]")
    assert out["recurrent"]["t_9_22"] is True
    assert out["recurrent"]["t_12_21"] is False


def test_constitutional_marker_with_its_space() -> None:
    out = f("47,XX,del(5)(q15),+mar c[20]")  # ISCN 2024 6.4 f vi
    assert out["abnormality_count"] == 1  # del(5q); the marker is constitutional
    marker = out["clones"][0]["abnormalities"][1]
    assert (marker["type"], marker["constitutional"]) == ("mar", "c")
    assert f("47,XX,del(5)(q15),+mar ?c[20]")["clones"][0]["abnormalities"][1]["constitutional"] == "?c"


def test_uncertain_constitutional_origin() -> None:
    out = f("45,XX,der(13;14)(q10;q10)?c[20]")
    assert out["clones"][0]["abnormalities"][0]["constitutional"] == "?c"
    assert out["normal"] is True  # only a (possibly) constitutional change


def test_tricentric() -> None:
    out = f("46,XY,trc(4;12;9)(q31.2;q22p13;q34)[5]")
    abn = out["abnormalities"][0]
    assert abn["type"] == "trc"
    assert abn["chromosomes"] == ["4", "12", "9"]
    assert abn["breakpoints"] == ["4q31.2", "12q22", "12p13", "9q34"]


def test_a_tetraploid_clone_is_not_normal() -> None:
    out = f("92,XXYY[19]/46,XY[1]")  # ISCN 2024 Table 8, example 25
    assert out["normal"] is False
    assert [c["role"] for c in out["clones"]] == ["stemline", "normal"]
    assert out["ploidy_class"] == "near_tetraploid"
    assert f("92<4n>,XXYY[3]")["normal"] is False


@pytest.mark.parametrize(
    ("text", "written", "canonical"),
    [
        ("46,XX,i(17q)[20]", "i(17q)", "i(17)(q10)"),
        ("47,XY,+i(Xq)[20]", "+i(Xq)", "+i(X)(q10)"),
        ("46,XY, i(17p)x2[20]", "i(17p)x2", "i(17)(p10)x2"),
    ],
)
def test_short_isochromosome_is_normalised_with_a_note(text: str, written: str, canonical: str) -> None:
    out = f(text)
    assert any("i(" in n and "running text" in n for n in out["normalised"]), out["normalised"]
    abn = out["abnormalities"][0]
    a, b = abn["span"]
    assert text[a:b] == abn["text"] == written
    assert abn["breakpoints"][0].endswith("10")
    assert canonical in parse_karyotype(text).format()


def test_isoderivative_and_isodicentric_are_not_rewritten() -> None:
    out = f("46,XX,ider(17)(q10)t(9;17)(q34;p11)[20]")
    assert out["normalised"] == []


def test_texts_are_the_input_as_written() -> None:
    text = "45,XY,\u22127,\u22129[20]/ 44,sl,\u2212Y[3]"
    out = f(text)
    for clone in out["clones"]:
        a, b = clone["span"]
        assert text[a:b] == clone["text"]
        for abn in clone["abnormalities"]:
            a, b = abn["span"]
            assert text[a:b] == abn["text"]
    assert "replaced '\u2212' with '-' at positions 6, 9, 23" in out["normalised"]
    assert f("45,XY,\u22127,\u22129[20]")["normalised"] == ["replaced '\u2212' with '-' at positions 6, 9"]


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        ("47,XXYc[20]", ["normal"]),
        ("47,XXYc,t(9;22)(q34;q11.2)[15]/47,XXYc[5]", ["stemline", "normal"]),  # ISCN 2024 6.4 e
        ("45,Xc,t(X;18)(p11.1;q11.1)[20]", ["stemline"]),
        ("47,XXY[20]", ["stemline"]),  # no c: an acquired gain of X cannot be excluded
        ("46,XXYc,-X[20]", ["stemline"]),  # 6.4 g i: acquired loss in Klinefelter syndrome
    ],
)
def test_a_clone_with_only_a_constitutional_sex_complement_is_normal(text: str, roles: list[str]) -> None:
    out = f(text)
    assert [c["role"] for c in out["clones"]] == roles
    assert out["normal"] is (roles == ["normal"])


def test_a_constitutional_sex_complement_needs_its_count_to_be_normal() -> None:
    assert f("47,XXYc[20]")["normal"] is True
    assert f("48,XXYc[20]")["normal"] is False  # 44 autosomes + XXY = 47; a 48th is not explained
