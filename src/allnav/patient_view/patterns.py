"""Glossary patterns: each looked for by a literal that every match contains.

A pattern in ``content.yaml`` is a regular expression matched case-sensitively when its letters are all
capitals (an acronym such as ``\\bALL\\b``) and ignoring case otherwise. Most patterns are plain words or
words between ``\\b``: for those the literal that every match contains (the *anchor*) is looked for with
``str.find`` first, and the regular expression runs only where the anchor occurs. The answer is the same
as searching the regular expression (tests/patient_view checks this).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from allnav.patient_view.content import Term


@functools.cache
def _pattern(p: str) -> re.Pattern[str]:
    letters = re.sub(r"\\[bBdDsSwW]|[^A-Za-z]", "", p)
    acronym = bool(letters) and letters.isupper()
    return re.compile(p) if acronym else re.compile(p, re.IGNORECASE)


#: The characters outside ASCII that match an ASCII character when case is ignored, or whose lower case is
#: ASCII or not one character (tests/patient_view checks this over all of Unicode). A text without them
#: folds exactly as its ``lower()``, index for index.
FOLDS_INTO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")

_SPECIAL = frozenset(".^$*+?{}[]()|\\")


def _literal_runs(p: str) -> list[tuple[str, bool]] | None:
    """The runs of literal characters that every match of a simple pattern contains, in pattern order,
    each with whether the match begins with it (nothing that consumes a character comes before it).

    Only literals, escaped punctuation, ``\\b`` and the quantifiers ``? * +`` are understood; any other
    construct (groups, alternation, classes, other escapes, ``{m,n}``) gives ``None``.
    """
    runs: list[tuple[str, bool]] = []
    run = ""
    consumed = False  # whether a character-consuming item came before the current run

    def close() -> None:
        nonlocal run, consumed
        if run:
            runs.append((run, not consumed))
            consumed = True
        run = ""

    i = 0
    while i < len(p):
        ch, nxt = p[i], p[i + 1 : i + 2]
        if ch == "\\" and nxt == "b":  # a word boundary consumes nothing
            close()
            i += 2
        elif ch == "\\" and nxt and not nxt.isalnum():
            run += nxt
            i += 2
        elif ch in "?*+" and run:  # the quantified character may be absent or repeated
            run = run[:-1]
            close()
            consumed = True
            i += 1
        elif ch in _SPECIAL:
            return None
        else:
            run += ch
            i += 1
    close()
    return runs


@dataclass(frozen=True)
class _Matcher:
    """A glossary pattern with a literal that every match contains, looked for before the regular expression.

    ``anchor`` is lower case when the pattern ignores case; ``starts``: every match begins with the anchor
    (the search may start at its first occurrence); ``plain``: the pattern is the anchor itself;
    ``local``: a match never holds a newline (the pattern was read as literals, none of them a newline).
    """

    regex: re.Pattern[str]
    anchor: str = ""
    folded: bool = False
    starts: bool = False
    plain: bool = False
    local: bool = False

    def search(self, text: str, folded: str | None) -> bool:
        """Whether the pattern occurs in ``text`` (``folded``: :func:`case_folded` of it)."""
        if not self.anchor:
            return self.regex.search(text) is not None
        hay = folded if self.folded else text
        if hay is None:  # case folding that lower() does not mirror: leave it to the regular expression
            return self.regex.search(text) is not None
        at = hay.find(self.anchor)
        if at < 0:
            return False
        if self.plain:
            return True
        return self.regex.search(text, at if self.starts else 0) is not None


@functools.cache
def _matcher(p: str) -> _Matcher:
    regex = _pattern(p)
    runs = _literal_runs(p)
    local = runs is not None and "\n" not in p
    if not runs:
        return _Matcher(regex, local=local)
    folded = bool(regex.flags & re.IGNORECASE)
    anchor, starts = max(runs, key=lambda r: len(r[0]))
    if folded and not anchor.isascii():
        return _Matcher(regex, local=local)
    plain = runs == [(p, True)]
    return _Matcher(regex, anchor.lower() if folded else anchor, folded, starts, plain, local)


_FOLDS = re.compile(f"[{''.join(FOLDS_INTO_ASCII)}]")


def case_folded(text: str) -> str | None:
    """``text.lower()`` when it mirrors the regular expressions' case folding for ASCII literals, else None."""
    if not text.isascii() and _FOLDS.search(text):
        return None
    return text.lower()


def _term_used(matchers: tuple[_Matcher, ...], text: str, folded: str | None) -> bool:
    return any(m.search(text, folded) for m in matchers)


def term_used(term: Term, texts: Iterable[str]) -> bool:
    """Whether any of the term's patterns occurs in the texts."""
    joined = "\n".join(texts)
    return _term_used(tuple(_matcher(p) for p in term.match), joined, case_folded(joined))


def _max_len(p: str) -> int | None:
    """The longest match of a simple pattern (see :func:`_literal_runs`), or None when unbounded (``*``, ``+``)."""
    n = 0
    i = 0
    while i < len(p):
        ch, nxt = p[i], p[i + 1 : i + 2]
        if ch == "\\":
            n += nxt != "b"
            i += 2
        elif ch in "*+":
            return None
        else:
            n += ch != "?"
            i += 1
    return n
