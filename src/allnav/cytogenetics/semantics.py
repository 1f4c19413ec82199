"""Checks the grammar cannot express, shared by both parsers so that they refuse the same strings.

Error codes (stable; see :mod:`allnav.errors` for the tree)::

    K001  unexpected character or token          (grammar)
    K002  the karyotype ends too early            (grammar)
    K003  a chromosome that does not exist (e.g. 23, 0)
    K004  input too long or empty
    K005  breakpoint groups do not match the chromosomes named
    K006  an impossible number (chromosome count, cell count, range written high-low, multiplier 0)
"""

from __future__ import annotations

from dataclasses import dataclass, field

CHROMOSOME_WORDS = "a chromosome number (1-22, X, Y)"
MAX_COUNT = 400


@dataclass
class SemanticError(Exception):
    """A failed check; ``position`` is an offset in the normalised text."""

    code: str
    message: str
    position: int
    expected: list[str] = field(default_factory=list)


def check_chromosome(name: str, position: int) -> None:
    """Refuse autosome numbers outside 1-22 (``name`` is the bare number or X/Y)."""
    if name.isdigit() and not 1 <= int(name) <= 22:
        raise SemanticError("K003", f"there is no chromosome {name}", position, [CHROMOSOME_WORDS])


def check_groups(type_: str, chromosomes: int, groups: int, detailed: bool, position: int) -> None:
    """Each chromosome named needs one ``;``-separated breakpoint group (ISCN 2020, 4.3)."""
    if detailed or groups == chromosomes:
        return
    raise SemanticError(
        "K005",
        f"{type_}() names {chromosomes} chromosome(s) but gives {groups} breakpoint group(s)",
        position,
        [f"{chromosomes} breakpoint group(s) separated by ';'"],
    )


def check_count(lo: int, hi: int, position: int) -> None:
    """A chromosome count must be 1-400 and a range written low~high."""
    if not 1 <= lo <= MAX_COUNT or not 1 <= hi <= MAX_COUNT:
        raise SemanticError("K006", "the chromosome count is not possible", position, ["a count 1-400"])
    if hi < lo:
        raise SemanticError("K006", "a count range must be written low~high", position, ["low~high"])


def check_positive(value: int, what: str, position: int) -> None:
    """Cell counts, multipliers and marker numbers must be at least 1."""
    if value < 1:
        raise SemanticError("K006", f"{what} must be at least 1", position, [f"{what} >= 1"])
