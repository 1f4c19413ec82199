"""The package's public surface and the runnable examples in its docstrings."""

from __future__ import annotations

import doctest
import importlib
import inspect
from types import ModuleType

import pytest

import allnav
import allnav.cytogenetics as cyto

MODULES = [
    "allnav.cytogenetics",
    "allnav.cytogenetics.grammar",
    "allnav.cytogenetics.karyotype",
    "allnav.cytogenetics.features",
    "allnav.cytogenetics.formatting",
    "allnav.cytogenetics.model",
    "allnav.cytogenetics.normalise",
    "allnav.cytogenetics.recurrent",
    "allnav.cytogenetics.scanner",
    "allnav.cytogenetics.semantics",
    "allnav.cytogenetics.transform",
]


def test_all_is_complete() -> None:
    public = {n for n, v in vars(cyto).items() if not n.startswith("_") and not inspect.ismodule(v)}
    assert public == set(cyto.__all__)


def test_top_level_api_is_the_same_function() -> None:
    assert allnav.parse_karyotype("46,XY[20]").features() == cyto.parse_karyotype("46,XY[20]").features()
    assert allnav.Karyotype is cyto.Karyotype


def _import_source_module(name: str) -> ModuleType:
    """The module, skipping the test when it is an optional mypyc-compiled build (no docstrings kept)."""
    module = importlib.import_module(name)
    if not str(getattr(module, "__file__", "")).endswith(".py"):
        pytest.skip(f"{name} is a compiled extension; its docstrings are checked in the pure-Python run")
    return module


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = _import_source_module(name)
    assert module.__doc__, f"{name} has no docstring"
    failed, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failed == 0


@pytest.mark.parametrize("name", MODULES)
def test_public_functions_and_classes_have_docstrings(name: str) -> None:
    module = _import_source_module(name)
    for attr, value in vars(module).items():
        if attr.startswith("_") or getattr(value, "__module__", None) != name:
            continue
        if inspect.isfunction(value) or inspect.isclass(value):
            assert value.__doc__, f"{name}.{attr}"


def test_format_is_canonical_and_parses_back() -> None:
    text = "ISCN: 45~47,XY, −7,+mar[cp10]/ 46,XY[5]"
    k = cyto.parse_karyotype(text)
    assert k.format() == "45~47,XY,-7,+mar[cp10]/46,XY[5]"
    again = cyto.parse_karyotype(k.format())
    assert again.features()["modal_number"] == [45, 47]
    assert again.features()["normalised"] == []
