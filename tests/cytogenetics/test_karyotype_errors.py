"""Refusals: stable codes, 0-based positions in the original input, plain-word expectations, caret."""

from __future__ import annotations

import pytest

from allnav.cytogenetics import features_of, parse_karyotype
from allnav.cytogenetics.normalise import MAX_INPUT_LENGTH
from allnav.errors import InputError, KaryotypeSyntaxError


def _error(text: str) -> KaryotypeSyntaxError:
    with pytest.raises(KaryotypeSyntaxError) as info:
        parse_karyotype(text)
    return info.value


@pytest.mark.parametrize(
    ("text", "code", "position", "expected_word"),
    [
        ("46,XX,t(9,22)(q34;q11.2)[20]", "K001", 9, "';'"),
        ("46,XY,t(9;22)(q34;q11.2", "K002", 23, "')'"),
        ("46,XY,+21,-7[20", "K002", 15, "']'"),
        ("46,XY,t(9;23)(q34;q11.2)[20]", "K003", 10, "a chromosome number (1-22, X, Y)"),
        ("46,XY,t(9;22)(q34)[20]", "K005", 6, "2 breakpoint group(s) separated by ';'"),
        ("46,XY[0]", "K006", 5, "a cell count >= 1"),
        ("46XY[20]", "K001", 2, "','"),
        ("46,XY,q(7)[20]", "K001", 6, "an abnormality (t, del, dup, inv, ins, i, add, dic, ...)"),
    ],
)
def test_error_code_position_expected(text: str, code: str, position: int, expected_word: str) -> None:
    err = _error(text)
    assert err.code == code
    assert err.position == position
    assert expected_word in err.expected, err.expected


def test_position_is_in_the_original_input_after_normalisation() -> None:
    # a leading label and a space after '/' are removed before parsing; the position still points here
    text = "Karyotype: 46,XY[3]/ 46,XX,t(9,22)(q34;q11.2)[20]"
    err = _error(text)
    assert text[err.position] == ","
    assert err.position == text.index("9,22") + 1


def test_caret_excerpt_points_at_the_offending_character() -> None:
    err = _error("46,XX,t(9,22)(q34;q11.2)[20]")
    line, caret = err.excerpt.splitlines()
    assert line == "46,XX,t(9,22)(q34;q11.2)[20]"
    assert caret.index("^") == 9
    assert "position 9" in str(err)


def test_too_long_input_is_refused_quickly_with_k004() -> None:
    err = _error("46,XY," + "+8," * (MAX_INPUT_LENGTH // 3) + "+8[20]")
    assert err.code == "K004"
    assert isinstance(err, InputError)


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_input_is_k004(text: str) -> None:
    assert _error(text).code == "K004"


def test_error_codes_are_distinct_per_problem() -> None:
    codes = {
        _error(t).code
        for t in (
            "46,XX,t(9,22)",
            "46,XX,t(9;22",
            "46,XX,+23",
            "x" * (MAX_INPUT_LENGTH + 1),
            "46,XX,t(9;22)(q34)",
            "0,XX",
        )
    }
    assert codes == {"K001", "K002", "K003", "K004", "K005", "K006"}


def test_features_of_invalid_never_raises_and_nulls_other_keys() -> None:
    f = features_of("46,XY,t(9;22)(q34;q11.2")
    assert f["valid"] is False
    assert f["input"] == "46,XY,t(9;22)(q34;q11.2"
    assert set(f["error"]) >= {"code", "message", "position", "expected"}
    assert f["error"]["code"] == "K002"
    assert f["modal_number"] is None
    assert f["recurrent"] is None
    assert f["clones"] is None


def test_features_of_non_string_does_not_raise() -> None:
    f = features_of(46)  # type: ignore[arg-type]
    assert f["valid"] is False
    assert f["error"]["code"] == "K004"


def test_error_to_dict_is_json_ready() -> None:
    d = _error("46,XX,t(9,22)(q34;q11.2)[20]").to_dict()
    assert d["code"] == "K001"
    assert d["position"] == 9
    assert d["type"] == "KaryotypeSyntaxError"
