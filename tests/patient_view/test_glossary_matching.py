"""The glossary's literal-first matching gives the same answer as the plain regular-expression search."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from allnav.patient_view.content import Term, content
from allnav.patient_view.glossary import glossary
from allnav.patient_view.patterns import (
    FOLDS_INTO_ASCII,
    _literal_runs,
    _matcher,
    _pattern,
    case_folded,
    term_used,
)

PATTERNS = sorted({p for t in content().glossary for p in t.match})
# extra shapes the reader must handle (or refuse), beyond those the content uses today
EXTRA = [
    r"a+b",
    r"colou?r",
    r"\bx\b",
    r"(group)",
    r"a|b",
    r"[ab]c",
    r"x{2}",
    r"\d+ cells",
    "line\nbreak",
    r"\b",
]
WORDS = [w for p in PATTERNS for w in re.findall(r"[A-Za-z+:-]+", p)] + ["cells", "B", "T", "s"]
TRICKY = ["\u0130", "\u0131", "\u017f", "\u212a", "é", "µ", "ß", "\n", " ", "-", "_", "+", "ALL", "all"]

texts = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.sampled_from(TRICKY),
        st.text(alphabet="aBkKsSlL \n+-", max_size=4),
    ),
    max_size=12,
).map(lambda parts: "".join(p if i % 2 else p.upper() if len(p) < 3 else p for i, p in enumerate(parts)))


def _reference(p: str, text: str) -> bool:
    return _pattern(p).search(text) is not None


@settings(max_examples=150)
@given(text=texts)
def test_each_pattern_matches_as_its_regular_expression(text: str) -> None:
    folded = case_folded(text)
    for p in PATTERNS + EXTRA:
        assert _matcher(p).search(text, folded) == _reference(p, text), (p, text)


@settings(max_examples=60)
@given(
    parts=st.lists(texts, max_size=5), fixed=st.lists(st.sampled_from([q.text for q in content().questions]))
)
def test_glossary_equals_one_search_over_the_joined_texts(parts: list[str], fixed: list[str]) -> None:
    c = content()
    joined = "\n".join([*parts, *fixed])
    expected = [t.term for t in c.glossary if any(_reference(p, joined) for p in t.match)]
    assert [g["term"] for g in glossary(c, parts, fixed)] == expected


def test_term_used_on_a_split_text() -> None:
    term = Term(term="x", match=(r"\bB cells?\b",), text="x", seed_lines="1")
    assert term_used(term, ["about b cells here"])
    assert not term_used(term, ["about b", "cells here"])  # a match never spans two texts
    assert not term_used(term, ["about bcells"])


def test_literal_runs() -> None:
    assert _literal_runs(r"\bblasts?\b") == [("blast", True)]
    assert _literal_runs(r"Ph\+") == [("Ph+", True)]
    assert _literal_runs(r"a+b") == [("b", False)]
    assert _literal_runs(r"colou?r") == [("colo", True), ("r", False)]
    for unread in (r"(group)", r"a|b", r"[ab]c", r"x{2}", r"\d+ cells"):
        assert _literal_runs(unread) is None


def test_case_folding_exceptions_cover_unicode() -> None:
    """Outside ASCII, only these characters fold onto ASCII under re.IGNORECASE or change length in lower()."""
    letters = re.compile(r"[\x00-\x7f]", re.IGNORECASE)
    found = {
        chr(c)
        for c in range(128, sys.maxunicode + 1)
        if letters.fullmatch(chr(c)) or len(chr(c).lower()) != 1 or chr(c).lower().isascii()
    }
    assert found == set(FOLDS_INTO_ASCII)
    assert case_folded("Ab\u212a") is None
    # a long s matches "s" when case is ignored, but lower() keeps it: the regular expression decides
    for text in ("bla\u017ft", "BLA\u017fTS", "\u212aINASE", "tyrosine \u212ainase"):
        for p in PATTERNS:
            assert _matcher(p).search(text, case_folded(text)) == _reference(p, text), (p, text)
    assert _matcher(r"\bblasts?\b").search("bla\u017ft", case_folded("bla\u017ft"))
    assert case_folded("Abé") == "abé"
