"""Texts with numbers known once (:class:`Slotted`): the text and the glossary terms for any values are
those of filling the pieces and searching the whole text."""

from __future__ import annotations

import re

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_glossary_pieces import CRAFTED, CRAFTED_CONTENT, STATIC, TEMPLATES, VALUE_TEMPLATES, words

from allnav.knowledge import KnowledgeBase
from allnav.patient_view.content import Filled, built, content, fill_template
from allnav.patient_view.glossary import _index
from allnav.patient_view.inputs import Count, PatientFacts
from allnav.patient_view.patterns import _pattern
from allnav.patient_view.report import report_right_away
from allnav.patient_view.summary import low_counts, low_numbers, summarise, summary_tables
from allnav.patient_view.terms import NUMBER_CHARS, add_slotted, slotted

INDEX = _index(CRAFTED_CONTENT)
SAMPLES = {"a": "\0a\0", "b": "\0b\0"}
#: templates whose text near the value can make a match with a number's characters
NUMBER_TEMPLATES = [
    "The gene called BCR::ABL{a} was found in the cells today",
    "{a}e words here: relaps{a} and more words after it here",
    "Counts were low at {a} (usual range about 1.8 to 7.7) today",
]


def _local_terms(text: str) -> set[int]:
    return {
        i for i in INDEX.local if any(_pattern(p).search(text) for p in CRAFTED_CONTENT.glossary[i].match)
    }


@st.composite
def shaped(draw: st.DrawFn) -> list[tuple[str, str | None]]:
    """Pieces: each a template with the value template around its numbers, or a static text (None)."""
    out: list[tuple[str, str | None]] = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            out.append((draw(st.sampled_from(STATIC)), None))
        else:
            template = draw(st.sampled_from([*TEMPLATES, *NUMBER_TEMPLATES]))
            out.append((template, draw(st.sampled_from([*VALUE_TEMPLATES[:3], "{n}"]))))
    return out


def _fill(shape: list[tuple[str, str | None]], values: dict[str, str]) -> tuple[str | Filled, ...]:
    pieces: list[str | Filled] = []
    for template, around in shape:
        if around is None:
            pieces.append(template)
            continue
        names = set(re.findall(r"\{(\w+)\}", template))
        # the content's placeholders ({anc}, {level}, ...) take the number "a"
        fill = {n: fill_template(around, {"n": values["b" if n == "b" else "a"]}) for n in names}
        pieces.append(fill_template(template, fill))
    return tuple(pieces)


numbers = st.text(alphabet=NUMBER_CHARS, min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(
    shape=shaped(),
    values=st.fixed_dictionaries({"a": st.one_of(numbers, words), "b": st.one_of(numbers, words)}),
)
def test_slotted_text_and_terms_equal_filling_and_searching(
    shape: list[tuple[str, str | None]], values: dict[str, str]
) -> None:
    s = slotted(INDEX, _fill(shape, SAMPLES), SAMPLES)
    assume(s is not None)
    assert s is not None
    filled = _fill(shape, values)
    expected = " ".join(p.text if isinstance(p, Filled) else p for p in filled)
    found: set[int] = set()
    assert add_slotted(INDEX, found, s, tuple(values[n] for n in s.names)) == expected
    assert found == _local_terms(expected), expected


def test_a_number_next_to_an_anchor_is_looked_at() -> None:
    """'BCR::ABL' + '1' makes the BCR-ABL term; another number does not; a number far from any anchor
    needs no search."""
    c = CRAFTED_CONTENT
    bcr = next(i for i, t in enumerate(c.glossary) if t.term == "BCR-ABL")
    s = slotted(INDEX, (fill_template(NUMBER_TEMPLATES[0], {"a": SAMPLES["a"]}),), SAMPLES)
    assert s is not None
    assert bcr in s.near_numbers
    found: set[int] = set()
    add_slotted(INDEX, found, s, ("1",))
    assert bcr in found
    found = set()
    add_slotted(INDEX, found, s, ("2",))
    assert bcr not in found
    far = slotted(INDEX, (fill_template(NUMBER_TEMPLATES[2], {"a": SAMPLES["a"]}),), SAMPLES)
    assert far is not None
    assert not far.near_numbers


def test_a_value_outside_a_plain_placeholder_is_not_slotted() -> None:
    odd = Filled("{a:>5}", "x", ())
    assert slotted(INDEX, (odd,), SAMPLES) is None
    assert slotted(INDEX, ("a text that is not of the content at all",), SAMPLES) is None
    assert slotted(INDEX, (CRAFTED[0],), SAMPLES) is not None


def test_tables_are_built_once_per_content_and_knowledge_base(kb: KnowledgeBase) -> None:
    c = content()
    assert built(c, kb, summary_tables) is built(c, kb, summary_tables)
    other = KnowledgeBase(version=kb.version, rules=dict(kb.rules))
    assert built(c, other, summary_tables) is not built(c, kb, summary_tables)


@settings(max_examples=60, deadline=None)
@given(
    anc=st.one_of(st.none(), st.floats(0, 12, allow_nan=False)),
    platelets=st.one_of(st.none(), st.floats(0, 500, allow_nan=False)),
    hb=st.one_of(st.none(), st.floats(3, 18, allow_nan=False)),
)
def test_counts_known_once_equal_counts_filled_each_time(
    kb: KnowledgeBase, anc: float | None, platelets: float | None, hb: float | None
) -> None:
    """The summary and the report items with the counts' numbers (texts known once) are those given
    with the worded counts (filled and searched each time)."""
    facts = PatientFacts(
        "male", "B-ALL", None, False, "CNS1", "induction", None, None, None, None, None, None, None,
        None if anc is None else Count(anc, 3, None),
        None if platelets is None else Count(platelets, 3, None),
        None if hb is None else Count(hb, 3, None),
        "", False, 0,
    )  # fmt: skip
    c = content()
    worded = low_counts(c, facts)
    numbers = low_numbers(built(c, kb, summary_tables).limits, facts)
    assert summarise(kb, c, facts, worded) == summarise(kb, c, facts, numbers) == summarise(kb, c, facts)
    assert report_right_away(kb, c, facts, worded) == report_right_away(kb, c, facts)
