"""The public surface: `allnav.__all__` is complete and the exception tree has one root."""

from __future__ import annotations

import inspect

import allnav
from allnav import errors


def test_all_names_exist_and_are_public() -> None:
    for name in allnav.__all__:
        assert hasattr(allnav, name), name
    ours = {
        n
        for n in dir(allnav)
        if not n.startswith("_") and str(getattr(getattr(allnav, n), "__module__", "")).startswith("allnav")
    }
    assert ours <= set(allnav.__all__)


def test_every_error_derives_from_the_root_and_has_a_distinct_code() -> None:
    classes = [
        c
        for c in vars(errors).values()
        if inspect.isclass(c) and issubclass(c, Exception) and c.__module__ == errors.__name__
    ]
    assert errors.AllnavError in classes
    codes = {}
    for cls in classes:
        assert issubclass(cls, errors.AllnavError), cls
        assert cls.code not in codes, (cls, codes.get(cls.code))
        codes[cls.code] = cls
        assert cls.__name__ in (errors.__doc__ or ""), f"{cls.__name__} missing from the drawn tree"


def test_syntax_error_caret_points_at_position() -> None:
    err = errors.KaryotypeSyntaxError(
        "unexpected ';'", text="46,XX,t(9;22)(q34)", position=13, expected=["';'"]
    )
    line, caret = err.excerpt.splitlines()
    assert caret.index("^") == 13
    assert line[13] == "("
    assert err.to_dict()["position"] == 13
