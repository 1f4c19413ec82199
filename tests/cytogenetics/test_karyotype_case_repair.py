"""Case slips real laboratory exports carry, repaired one-to-one with a note (normalise.py).

``92<4N>`` (Fred Hutch sample export, see data/SOURCES.md) and ``46,xx`` (lower-case sex chromosomes)
parse as ``92<4n>`` / ``46,XX``; spans and texts still point at the input as written. Lower case anywhere
else (an arm ``P13``, ``Der(7;9)``) stays an error: only these two unambiguous slips are repaired.
"""

from __future__ import annotations

import pytest

from allnav.cytogenetics import features_of, parse_karyotype


def test_capital_n_ploidy_level_is_read_and_noted() -> None:
    text = "46,XY,-7[3]/92<4N>,idemx2[1]/46,XY[16]"
    out = features_of(text)
    assert out["valid"] is True
    assert out["clone_count"] == 3
    assert out["clones"][1]["text"] == "92<4N>,idemx2[1]"
    at = f"position {text.index('<4N>')}"
    assert any("<4N>" in n and at in n for n in out["normalised"]), out["normalised"]
    assert parse_karyotype(text).cell_lines[1].ploidy == 4


@pytest.mark.parametrize(
    ("text", "sex", "positions"),
    [
        ("46,xx,t(9;22)(q34;q11.2)[20]", "XX", [3]),
        ("46,xy[20]/47,xy,+8[3]", "XY", [3, 13]),
        ("ISCN: 46,xY[20]", "XY", [9]),
    ],
)
def test_lower_case_sex_chromosomes_after_a_count_are_read(text: str, sex: str, positions: list[int]) -> None:
    out = features_of(text)
    assert out["valid"] is True, out["error"]
    assert out["sex_chromosomes"] == sex
    notes = [n for n in out["normalised"] if "upper case" in n]
    assert [int(n.rsplit("position ", 1)[1].split()[0]) for n in notes] == positions
    first = out["clones"][0]
    assert text[first["span"][0] : first["span"][1]] == first["text"]


def test_t_9_22_still_found_after_a_case_repair() -> None:
    out = features_of("46,xx,t(9;22)(q34;q11.2)[20]")
    assert out["recurrent"]["t_9_22"] is True
    assert out["recurrent_evidence"]["t_9_22"][0]["text"] == "t(9;22)(q34;q11.2)"


@pytest.mark.parametrize(
    "text",
    [
        "46,XY,del(12)(P13p11.2)[20]",  # upper-case arm: not repaired
        "46,XX,Der(7;9)(q10;q10)[20]",  # capitalised type: not repaired
        "46,xz[20]",  # not sex chromosomes
    ],
)
def test_other_case_slips_stay_errors(text: str) -> None:
    assert features_of(text)["valid"] is False


def test_fish_text_is_never_case_repaired() -> None:
    out = features_of("46,XX[20].nuc ish(D5S23,xy)x2[200]")
    assert out["valid"] is True
    assert out["normalised"] == []
    assert out["set_aside"]["text"].endswith("(D5S23,xy)x2[200]")
