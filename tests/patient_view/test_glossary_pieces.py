"""The glossary over texts given as pieces (content texts, other strings, filled templates) gives the same
answer as one plain regular-expression search over the joined texts."""

from __future__ import annotations

import re
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from allnav.patient_view.content import Content, Filled, Question, Term, content, fill_template, text_of
from allnav.patient_view.glossary import Text, _index, glossary
from allnav.patient_view.patterns import _pattern
from allnav.patient_view.summary import ANC_RANGE, MRD_PER_10_000, PLATELETS_RANGE

PATTERNS = sorted({p for t in content().glossary for p in t.match})
WORDS = [w for p in PATTERNS for w in re.findall(r"[A-Za-z+:-]+", p)] + ["cells", "B", "T", "s", "1"]
TRICKY = ["\u0130", "\u017f", "\u212a", "é", "\n", " ", "-", "_", "+", "ALL", "all", ""]

# content texts that end or begin with part of a pattern holding a space, so that joining two of them
# with a space makes a match (long enough to be known by their ends, and a few too short for that)
CRAFTED = [
    "Sometimes the leukemia may come",
    "back after a long time, doctors say",
    "The test found more immature B",
    "cells in the blood than expected here",
    "The team talked about treatment with CAR",
    "T cells made from your own blood today",
    "It is a kind called early",
    "T-cell precursor leukemia in adults",
    "Fluid was taken out with a spinal",
    "tap, also called a lumbar puncture",
    "They told us the word zz",
    "come back home, and the zz word again",
    "She said that it may come back",
    "zz is what they said about it today",
    "blasts",
    "come",
    "back",
    "ALL",
    "Ph+",
]
TEMPLATES = [
    *(s.text for s in content().summary.counts.values()),
    content().summary.mrd["positive"].text,
    *(r.low_text for r in content().report.values() if r.low_text),
    "{a}",
    "B {a} cells in the marrow, and more words here after it",
    "More words at the start before the value: {a}{b} and come {b}",
    "Leukemia may come {a}",
    "The count of blast{a} and more words after it here",
    "{a}ALL is what the doctors said about this today",
    "{a} back after a long time, doctors say",
]
VALUE_TEMPLATES = [ANC_RANGE, PLATELETS_RANGE, MRD_PER_10_000, "{n}", "no placeholder"]


def _crafted() -> Content:
    c = content()
    extra = tuple(Question(id=f"x{i}", line=1, stages=("during",), text=t) for i, t in enumerate(CRAFTED))
    # patterns with a space outside their anchor: a match across a joining space may hold the anchor
    # on one side only
    terms = (
        Term(term="zz before", match=(r"\bzz\b \bcome back",), text="x", seed_lines="1"),
        Term(term="zz after", match=(r"come back\b \bzz\b",), text="x", seed_lines="1"),
    )
    return c.model_copy(update={"questions": c.questions + extra, "glossary": c.glossary + terms})


CRAFTED_CONTENT = _crafted()
STATIC = sorted(_index(CRAFTED_CONTENT).static)

words = st.lists(
    st.one_of(
        st.sampled_from(WORDS), st.sampled_from(TRICKY), st.text(alphabet="aBkKsSlL \n+-1.", max_size=4)
    ),
    max_size=8,
).map(lambda parts: " ".join(parts) if len(parts) % 2 else "".join(parts))


@st.composite
def values(draw: st.DrawFn) -> str | Filled:
    if draw(st.booleans()):
        return draw(words)
    n = draw(st.one_of(words, st.sampled_from(["0.5", "75", "1e-05", "inf", "nan", ""])))
    return fill_template(draw(st.sampled_from(VALUE_TEMPLATES)), {"n": n})


@st.composite
def filled(draw: st.DrawFn) -> Filled:
    template = draw(st.sampled_from(TEMPLATES))
    names = set(re.findall(r"\{(\w+)\}", template))
    return fill_template(template, {name: draw(values()) for name in names})


pieces = st.one_of(st.sampled_from(STATIC), words, filled())
texts = st.lists(
    st.one_of(st.sampled_from(STATIC), words, st.lists(pieces, min_size=1, max_size=4).map(tuple)),
    max_size=6,
)


def _string(text: Text) -> str:
    if isinstance(text, str):
        return text
    return " ".join(p.text if isinstance(p, Filled) else p for p in text)


@settings(max_examples=300)
@given(texts=texts, fixed=st.lists(st.sampled_from(STATIC), max_size=4))
def test_glossary_of_pieces_equals_one_search_over_the_joined_texts(
    texts: list[Text], fixed: list[str]
) -> None:
    c = CRAFTED_CONTENT
    joined = "\n".join([*map(_string, texts), *fixed])
    expected = [t.term for t in c.glossary if any(_pattern(p).search(joined) for p in t.match)]
    assert [g["term"] for g in glossary(c, texts, fixed)] == expected, joined


@settings(max_examples=100)
@given(
    texts=texts,
    fixed=st.lists(st.sampled_from(STATIC), max_size=3),
    lists=st.lists(st.lists(st.one_of(st.sampled_from(STATIC), words), max_size=3).map(tuple), max_size=3),
)
def test_glossary_with_lists_equals_one_search_over_the_joined_texts(
    texts: list[Text], fixed: list[str], lists: list[tuple[str, ...]]
) -> None:
    """Texts given as tuples (known once per tuple when all are the content's) count like ``fixed``."""
    c = CRAFTED_CONTENT
    joined = "\n".join([*map(_string, texts), *fixed, *(t for listed in lists for t in listed)])
    expected = [t.term for t in c.glossary if any(_pattern(p).search(joined) for p in t.match)]
    for _ in range(2):  # the second time, the tuples of the content's texts are known
        assert [g["term"] for g in glossary(c, texts, fixed, lists)] == expected, joined


def test_crafted_joins_are_found() -> None:
    """Matches that only exist across a joining space, or across a filled value, are found."""
    c = CRAFTED_CONTENT
    terms = {t.term for t in c.glossary}
    assert "relapse" in terms

    def names(texts: list[Text]) -> set[str]:
        return {g["term"] for g in glossary(c, texts)}

    assert "relapse" in names([(CRAFTED[0], CRAFTED[1])])
    assert "relapse" not in names([CRAFTED[0], CRAFTED[1]])
    assert "B cells and T cells" in names([(CRAFTED[2], CRAFTED[3])])
    assert "CAR T-cell therapy" in names([(CRAFTED[4], CRAFTED[5])])
    assert "relapse" in names([(fill_template("Leukemia may come {a}", {"a": "back"}),)])
    assert "relapse" in names([(fill_template("{a} back after a long time, doctors say", {"a": "come"}),)])
    assert "zz before" in names([(CRAFTED[10], CRAFTED[11])])
    assert "zz after" in names([(CRAFTED[12], CRAFTED[13])])
    assert "zz before" not in names([CRAFTED[10], CRAFTED[11]])
    blast = "The count of blast{a} and more words after it here"
    assert "blast" in names([(fill_template(blast, {"a": ""}),)])
    assert "blast" in names([(fill_template(blast, {"a": "s"}),)])
    assert "blast" not in names([(fill_template(blast, {"a": "x"}),)])
    everyone = "{a}ALL is what the doctors said about this today"
    assert "acute lymphoblastic leukemia (ALL)" not in names([(fill_template(everyone, {"a": "x"}),)])
    assert "acute lymphoblastic leukemia (ALL)" in names([(fill_template(everyone, {"a": " "}),)])
    value = fill_template("{n}", {"n": "blast"})
    assert "blast" in names(
        [(fill_template("B {a} cells in the marrow, and more words here after it", {"a": value}),)]
    )


@settings(max_examples=200)
@given(data=st.data())
def test_fill_template_gives_the_formatted_text_and_the_places_of_the_values(data: st.DataObject) -> None:
    template = data.draw(st.sampled_from(TEMPLATES))
    order = re.findall(r"\{(\w+)\}", template)
    chosen = {name: data.draw(values()) for name in set(order)}
    filled = fill_template(template, chosen)
    assert filled.text == template.format(**{k: text_of(v) for k, v in chosen.items()})
    expected: list[str] = []
    for name in order:
        v = chosen[name]
        if not isinstance(v, Filled):
            expected.append(v)
        elif v.spans:
            expected += [v.text[a:b] for a, b in v.spans]
        elif "{" in v.template:
            expected.append(v.text)
    assert [filled.text[a:b] for a, b in filled.spans] == expected
    placeholders = [name for _, name, _, _ in string.Formatter().parse(filled.template) if name is not None]
    assert len(placeholders) == len(filled.spans)
