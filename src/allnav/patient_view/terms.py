"""The glossary terms of the patient view's texts, known once where the texts are.

A text without patient values (a paragraph joined from content texts, a report item, a question) has its
terms searched once (:func:`text_terms`). A text with numbers filled in is known once as a
:class:`Slotted` format: the terms of its wording away from the numbers, and those that a number can
make with the wording next to it; per patient only those are searched. The answer is that of
:func:`allnav.patient_view.glossary.glossary` (tests/patient_view checks this).
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import NamedTuple

from allnav.patient_view.content import Content, Filled
from allnav.patient_view.glossary import Piece, _Index, _index
from allnav.patient_view.patterns import case_folded


def index_of(c: Content) -> _Index:
    """The glossary's matchers and what is known once of the texts of the content (built on first use)."""
    return _index(c)


def text_terms(index: _Index, text: str) -> frozenset[int]:
    """The local terms that a text uses (for texts known once, such as a paragraph of content texts)."""
    return frozenset(index.used(text, index.local))


def spread_terms(index: _Index) -> tuple[int, ...]:
    """The terms that are not local: searched over all the patient's texts joined by newlines."""
    local = set(index.local)
    return tuple(i for i in range(len(index.matchers)) if i not in local)


def add_terms(index: _Index, found: set[int], pieces: tuple[Piece, ...], text: str) -> None:
    """Add to ``found`` the local terms that ``text``, the pieces joined by single spaces, uses.

    As in :func:`glossary`: the terms of a content text are known once; a filled piece adds its template's
    terms away from the values, and only the terms that may match near a value (by the template around
    it, or by a character of the value) or across a joining space are searched in the text.
    """
    need: set[int] = set()
    by_char = index.by_char
    for piece in pieces:
        if isinstance(piece, Filled):
            t = index.template(piece.template) if piece.spans else None
            if t is None:
                need.update(index.local)
                continue
            found |= t.safe
            need |= t.near
            for a, b in piece.spans:
                for ch in piece.text[a:b]:
                    terms = by_char.get(ch)
                    if terms is not None:
                        need |= terms
        else:
            known = index.static.get(piece)
            if known is None:
                need.update(index.local)
            else:
                found |= known
    if len(pieces) > 1:
        need |= index.joins(pieces)
    need -= found
    if need:
        found |= index.used(text, need)


#: the characters of a number written by ``f"{x:g}"`` (digits, point, signs, exponent, inf, nan)
NUMBER_CHARS = "0123456789.+-einfa"


class Slotted(NamedTuple):
    """A text of the content with numbers in known places, known once: the text as a ``%`` format with a
    ``%s`` per number, the name of each number, the local terms that it uses whatever the values, and
    those searched in each patient's text: near a value or across a joining space (``near``), and also
    those whose anchor can overlap a value of :data:`NUMBER_CHARS` there (``near_numbers``)."""

    format: str
    names: tuple[str, ...]
    safe: frozenset[int]
    near: frozenset[int]
    near_numbers: frozenset[int]


def slotted(index: _Index, pieces: tuple[Piece, ...], samples: Mapping[str, str]) -> Slotted | None:
    """The :class:`Slotted` text of pieces (joined by single spaces) filled with ``samples`` (a unique
    string per number name, never in the content) in place of the numbers; None when a number does not
    sit alone in a plain placeholder (the caller then fills and searches each time)."""
    safe: set[int] = set()
    near: set[int] = set()
    spans: list[tuple[int, int]] = []
    at = 0
    for piece in pieces:
        if isinstance(piece, Filled):
            t = index.template(piece.template) if piece.spans else None
            if t is None:
                return None
            safe |= t.safe
            near |= t.near
            spans += [(at + a, at + b) for a, b in piece.spans]
            at += len(piece.text) + 1
        else:
            known = index.static.get(piece)
            if known is None:
                return None
            safe |= known
            at += len(piece) + 1
    if len(pieces) > 1:
        near |= index.joins(pieces)
    text = " ".join([p.text if isinstance(p, Filled) else p for p in pieces])
    name_of = {sample: name for name, sample in samples.items()}
    slots = [(a, b, name_of[text[a:b]]) for a, b in spans if text[a:b] in name_of]
    # (other values, such as an empty string, are the same for every patient: kept in the format)
    out: list[str] = []
    done = 0
    numbers: set[int] = set()
    for k, (a, b, _) in enumerate(slots):
        out += [text[done:a].replace("%", "%%"), "%s"]
        right = text[b : slots[k + 1][0] if k + 1 < len(slots) else len(text)]
        numbers |= _number_terms(index, text[done:a], right, k > 0, k + 1 < len(slots))
        done = b
    out.append(text[done:].replace("%", "%%"))
    fmt = "".join(out)
    if any(sample in fmt for sample in samples.values()):
        return None
    names = tuple(name for _, _, name in slots)
    return Slotted(fmt, names, frozenset(safe), frozenset(near - safe), frozenset((near | numbers) - safe))


def _number_terms(index: _Index, left: str, right: str, value_before: bool, value_after: bool) -> set[int]:
    """The local terms with an anchor that can overlap a value of :data:`NUMBER_CHARS` written between
    ``left`` and ``right`` (all that hold such a character when a neighbouring value is too close)."""
    w = index.width
    left_folded, right_folded = case_folded(left), case_folded(right)
    if (
        (value_before and len(left) < w)
        or (value_after and len(right) < w)
        or left_folded is None
        or right_folded is None
    ):
        return {i for ch in NUMBER_CHARS for i in index.by_char.get(ch, ())}
    out = set()
    for p in index.patterns:
        m = p.matcher
        if not p.anchored:
            continue  # searched near every value anyway
        a = m.anchor
        before, after = (left_folded, right_folded) if m.folded else (left, right)
        for i in range(len(a)):
            for j in range(i + 1, len(a) + 1):
                # anchor = a[:i] (ends ``left``) + a[i:j] (in the value) + a[j:] (starts ``right``)
                if a[i:j].strip(NUMBER_CHARS):
                    break
                if (i == 0 or before.endswith(a[:i])) and (j == len(a) or after.startswith(a[j:])):
                    out.add(p.term)
    return out


def add_slotted(index: _Index, found: set[int], s: Slotted, numbers: tuple[str, ...]) -> str:
    """The text of ``s`` with the numbers (in the order of ``s.names``); adds its terms to ``found``."""
    text = s.format % numbers
    found |= s.safe
    if "".join(numbers).strip(NUMBER_CHARS):  # a value that is not a number: by its characters
        near = set(s.near)
        by_char = index.by_char
        for n in numbers:
            for ch in n:
                terms = by_char.get(ch)
                if terms is not None:
                    near |= terms
        need: AbstractSet[int] = near - found
    else:
        need = s.near_numbers - found
    if need:
        found |= index.used(text, need)
    return text
