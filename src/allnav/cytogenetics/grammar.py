"""The written ISCN grammar (``iscn.lark``), compiled once, and single-rule parsing.

The Lark LALR(1) parser is the reference: it decides what is a karyotype, produces the error position and
expected tokens, and parses any rule on its own for tests and tools::

    >>> from allnav.cytogenetics.grammar import parse_rule
    >>> parse_rule("band", "q11.2")
    'q11.2'
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from typing import Any

from lark import Lark, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from allnav.cytogenetics.normalise import Normalised, normalise
from allnav.cytogenetics.semantics import SemanticError
from allnav.cytogenetics.transform import IscnTransformer
from allnav.errors import KaryotypeSyntaxError, UsageError

GRAMMAR_FILE = "iscn.lark"

#: Plain-word names of the grammar's terminals, used in "expected" lists.
TERMINAL_WORDS: dict[str, str] = {
    "NUMBER": "a number",
    "UNCERTAIN": "'?'",
    "RANGE_SEP": "'~'",
    "PLOIDY": "a ploidy level such as <3n>",
    "SEX": "the sex chromosomes (e.g. XX, XY, X)",
    "SEX_CHROMOSOME": "X or Y",
    "REFERENCE": "idem, sl or sdl",
    "COMPOSITE": "'cp'",
    "REARRANGEMENT_TYPE": "an abnormality (t, del, dup, inv, ins, i, add, dic, ...)",
    "RING_TYPE": "'r'",
    "DERIVATIVE_TYPE": "'der'",
    "MARKER": "'mar'",
    "DMIN": "'dmin'",
    "INCOMPLETE": "'inc'",
    "MULTIPLIER": "a multiplier such as x2",
    "CONSTITUTIONAL": "'c' (constitutional)",
    "PART_CONSTITUTIONAL": "'c ' before a further rearrangement of a constitutional derivative",
    "ARM": "an arm (p or q)",
    "BAND": "a band (e.g. q34, p13.3, pter)",
    "SUB_BAND": "a sub-band number (e.g. 22 in q14-22)",
    "DETAILED_PATH": "a detailed breakpoint path (pter->q34::...)",
    "ITEM_CELLS": "a cell count [n] for this abnormality",
    "SET_ASIDE": "a trailing .nuc ish/.ish/.arr result",
    "CHIMERISM": "'mos' or 'chi'",
    "LINE_SEP": "'/' before the next cell line",
    "COMMA": "','",
    "SEMICOLON": "';'",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "PLUS": "'+'",
    "MINUS": "'-'",
    "TILDE": "'~'",
    "COLON": "':'",
    "$END": "the end of the karyotype",
}


def grammar_text() -> str:
    """The grammar file as text."""
    return importlib.resources.files(__package__).joinpath(GRAMMAR_FILE).read_text(encoding="utf-8")


@functools.cache
def rule_names() -> tuple[str, ...]:
    """Every rule defined in the grammar file, in file order."""
    return tuple(re.findall(r"^([a-z_]+):", grammar_text(), re.MULTILINE))


@functools.cache
def get_parser() -> Lark:
    """The compiled LALR parser (built once per process), with every rule usable as a start rule."""
    return Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        start=list(rule_names()),
        propagate_positions=True,
        maybe_placeholders=True,
    )


def _expected_words(names: set[str] | frozenset[str]) -> list[str]:
    words = {TERMINAL_WORDS.get(n, n.lower()) for n in names if not n.startswith("__")}
    if "a number" in words and "X or Y" in words:
        words -= {"a number", "X or Y"}
        words.add("a chromosome number (1-22, X, Y)")
    return sorted(words)


def _syntax_error(exc: UnexpectedInput, norm: Normalised) -> KaryotypeSyntaxError:
    text = norm.text
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        pos = len(text)
        expected = _expected_words(set(getattr(exc, "expected", ())))
        return KaryotypeSyntaxError(
            "the karyotype ends too early",
            text=norm.original,
            position=norm.orig(pos) if text else 0,
            expected=expected,
            code="K002",
        )
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream or 0
        names = set(exc.allowed or ())
        ch = text[pos] if pos < len(text) else ""
        message = "unexpected space" if ch.isspace() else f"unexpected character {ch!r}"
    elif isinstance(exc, UnexpectedToken):
        pos = exc.token.start_pos if exc.token.start_pos is not None else 0
        names = set(exc.accepts or exc.expected)
        message = f"unexpected {exc.token.value!r}"
    else:  # pragma: no cover - Lark raises only the kinds above
        pos, names, message = 0, set(), "the karyotype does not follow ISCN"
    return KaryotypeSyntaxError(
        message, text=norm.original, position=norm.orig(pos), expected=_expected_words(names), code="K001"
    )


def semantic_to_error(exc: SemanticError, norm: Normalised) -> KaryotypeSyntaxError:
    """Turn a semantic check failure (positions in normalised text) into the public error."""
    return KaryotypeSyntaxError(
        exc.message,
        text=norm.original,
        position=norm.orig(exc.position),
        expected=exc.expected,
        code=exc.code,
    )


def lark_parse(norm: Normalised, rule: str = "karyotype") -> Any:
    """Parse normalised text with the reference grammar and build domain objects (raises the public error)."""
    try:
        tree: Tree[Any] = get_parser().parse(norm.text, start=rule)
    except UnexpectedInput as exc:
        raise _syntax_error(exc, norm) from None
    try:
        return IscnTransformer(norm).transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, SemanticError):
            raise semantic_to_error(exc.orig_exc, norm) from None
        raise


def parse_rule(rule: str, text: str) -> Any:
    """Parse ``text`` as one grammar rule (e.g. ``parse_rule("abnormality", "del(9)(p21)")``).

    Returns the domain value the transformer builds for that rule; raises ``KaryotypeSyntaxError``.
    """
    if rule not in rule_names():
        raise UsageError(f"unknown grammar rule {rule!r}; rules: {', '.join(rule_names())}")
    return lark_parse(normalise(text), rule)
