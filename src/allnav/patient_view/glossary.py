"""Which glossary terms a patient's texts use (patterns: :mod:`allnav.patient_view.patterns`).

The answer is the same as searching each term's regular expressions over the texts joined by newlines
(tests/patient_view checks this), but the texts of the content itself are searched once: a patient's
texts are mostly content texts, joined with spaces or with a few values filled in, and only the
surroundings of those joins and values are looked at per patient (the patient view goes further:
:mod:`allnav.patient_view.terms`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from itertools import chain, compress, repeat
from operator import gt, is_
from typing import cast

from allnav.patient_view.content import Content, Filled, template_parts
from allnav.patient_view.patterns import (
    FOLDS_INTO_ASCII,
    _Matcher,
    _matcher,
    _max_len,
    _pattern,
    _term_used,
    case_folded,
)

#: A piece of a text: a string, or a content text with its placeholders filled.
Piece = str | Filled
#: A text of the patient view: a string, or the pieces of a string that joins them with single spaces.
Text = str | tuple[Piece, ...]


def _marked(template: str) -> tuple[str, list[int]] | None:
    """The template with each placeholder as a newline, and where they are (None when it has no
    placeholder, or one that is not a plain ``{name}``)."""
    parts = template_parts(template)
    if parts is None or all(name is None for _, name in parts):
        return None
    marked = ""
    marks: list[int] = []
    for literal, name in parts:
        marked += literal
        if name is not None:
            marks.append(len(marked))
            marked += "\n"
    return marked, marks


@dataclass(frozen=True)
class _Pattern:
    """A pattern of a local term: its matcher, its longest match (None: unbounded) and, when it can match
    a joining space, where the spaces are in its anchor."""

    term: int
    matcher: _Matcher
    longest: int | None
    spaces: tuple[int, ...]

    @property
    def anchored(self) -> bool:
        """Whether every match holds the anchor and has a longest length (else it is always searched)."""
        return bool(self.matcher.anchor) and self.longest is not None


@dataclass(frozen=True)
class _Face:
    """The ends of a string of the content, for the spaces that join it to other pieces: the terms with
    an anchor of a spanning pattern within ``width`` characters of its start (``head``) or end (``tail``),
    and the (term, pattern, space) whose anchor part after (``starts``) or before (``ends``) one of its
    spaces begins or ends the string."""

    head: frozenset[int]
    tail: frozenset[int]
    starts: frozenset[tuple[int, int, int]]
    ends: frozenset[tuple[int, int, int]]


@dataclass(frozen=True)
class _Template:
    """A content text with placeholders: the terms with a match away from the placeholders (``safe``),
    those with an anchor within ``width`` characters of a placeholder (``near``, with the terms always
    searched), and its first and last literal parts when no placeholder lies within ``width`` characters
    of its start or end."""

    safe: frozenset[int]
    near: frozenset[int]
    head: str | None
    tail: str | None


#: how many caller-kept tuples of content texts an index remembers (the stages' question lists: a few dozen)
_MAX_LISTS = 256


@dataclass(frozen=True)
class _Index:
    """The glossary's matchers, and what is known once of the texts of the content.

    A local term (all its patterns read as literals, none of them holding a newline) never matches across
    a newline, and a match of its pattern with at most ``n`` characters is read within ``n + 1`` of them.
    Its matches in a text joined from pieces with spaces are those inside one piece (found alone: a piece
    is flanked by spaces, newlines or the ends, none of them a word character) and those holding a joining
    space (only patterns with a literal space can). In a filled content text, a match that neither holds
    nor touches a value is one of the template's; the others lie within ``width`` characters of a value.
    A match near a place holds its pattern's anchor there: in the text of the content around it, or
    across the place, or holding a character of the value. The terms whose anchors can be there are
    searched in the text itself.
    """

    content: Content
    matchers: tuple[tuple[_Matcher, ...], ...]
    #: the local terms in glossary order (the others are searched over all texts joined)
    local: tuple[int, ...]
    #: the local terms of each text of the content (summary snippets, report items, questions, "")
    static: dict[str, frozenset[int]]
    patterns: tuple[_Pattern, ...]
    #: the longest match of any bounded pattern of a local term, plus one
    width: int
    #: per character, the terms with an anchor that a text holding it can match there
    by_char: dict[str, frozenset[int]]
    #: the local terms with a pattern without an anchor or a longest match
    always: frozenset[int]
    #: the local terms with a pattern that can match a space, and those of them looked for at every join
    #: (a pattern without an anchor or a longest match, or whose anchor holds none of its spaces)
    spanning: frozenset[int]
    always_spanning: frozenset[int]
    #: per term, its entry in the glossary (copied for each patient)
    entries: tuple[dict[str, str], ...]
    #: what is known of the content's texts with placeholders, and of the ends of its strings (static
    #: strings of the content and of the code, read on first use: never a patient's values)
    templates: dict[str, _Template | None] = field(default_factory=dict)
    faces: dict[str, _Face] = field(default_factory=dict)
    #: per pair of such strings joined by a space, the terms that may match the space
    pairs: dict[tuple[str, str], frozenset[int]] = field(default_factory=dict)
    #: per tuple of texts of the content given whole (such as a stage's questions): the tuple, kept while
    #: it is the same object, and the local terms of its texts
    lists: dict[int, tuple[tuple[str, ...], frozenset[int]]] = field(default_factory=dict)

    def listed(self, texts: tuple[str, ...]) -> frozenset[int] | None:
        """The local terms of a tuple of texts of the content (None when one is not a text of the content)."""
        known = self.lists.get(id(texts))
        if known is not None and known[0] is texts:
            return known[1]
        static = self.static
        if not all(t in static for t in texts):
            return None
        terms = frozenset().union(*(static[t] for t in texts))
        if len(self.lists) >= _MAX_LISTS:  # bounded even if a caller passed a new tuple per call
            self.lists.clear()
        self.lists[id(texts)] = (texts, terms)
        return terms

    def used(self, text: str, terms: Iterable[int]) -> set[int]:
        """Those of ``terms`` (indices) that ``text`` uses."""
        folded = case_folded(text)
        return {i for i in terms if _term_used(self.matchers[i], text, folded)}

    def anchored_in(self, text: str, patterns: Iterable[_Pattern]) -> set[int]:
        """The terms of ``patterns`` whose anchor occurs in ``text`` (or that are always searched)."""
        folded = case_folded(text)
        out = set()
        for p in patterns:
            m = p.matcher
            if (
                not p.anchored
                or (m.folded and (folded is None or m.anchor in folded))
                or (not m.folded and m.anchor in text)
            ):
                out.add(p.term)
        return out

    def template(self, template: str) -> _Template | None:
        """What is known of a text with placeholders (None without plain ``{name}`` placeholders)."""
        if template in self.templates:
            return self.templates[template]
        marked = _marked(template)
        known = None
        if marked is not None:
            text, marks = marked
            w = self.width
            near = set(self.always)
            for h in marks:
                near |= self.anchored_in(text[max(0, h - w) : h] + text[h + 1 : h + 1 + w], self.patterns)
            parts = template_parts(template) or ()
            head, tail = parts[0][0], (parts[-1][0] if parts[-1][1] is None else "")
            known = _Template(
                self._safe(text, marks),
                frozenset(near),
                head if len(head) >= w else None,
                tail if len(tail) >= w else None,
            )
        self.templates[template] = known
        return known

    def _safe(self, marked: str, marks: list[int]) -> frozenset[int]:
        """The local terms with a match in ``marked`` that neither holds nor looks at a mark (every start
        of a match is tried, so a match elsewhere is found whatever the values filled in)."""
        found = set()
        for i in self.local:
            for p in self.content.glossary[i].match:
                regex = _pattern(p)
                m = regex.search(marked)
                while m is not None and i not in found:
                    if not any(m.start() - 1 <= h <= m.end() for h in marks):
                        found.add(i)
                    m = regex.search(marked, m.start() + 1) if m.start() < len(marked) else None
        return frozenset(found)

    def face(self, s: str) -> _Face:
        """The ends of a string (at least ``width`` characters long) of the content."""
        known = self.faces.get(s)
        if known is None:
            w = self.width
            spanning = [p for p in self.patterns if p.spaces or not p.anchored]
            folded = case_folded(s)
            starts, ends = set(), set()
            for n, p in enumerate(spanning):
                m = p.matcher
                hay = (folded if m.folded else s) or ""
                for k in p.spaces:
                    key = (p.term, n, k)
                    if (m.folded and folded is None) or hay.startswith(m.anchor[k + 1 :]):
                        starts.add(key)
                    if (m.folded and folded is None) or hay.endswith(m.anchor[:k]):
                        ends.add(key)
            known = self.faces[s] = _Face(
                frozenset(self.anchored_in(s[:w], spanning)),
                frozenset(self.anchored_in(s[-w:], spanning)),
                frozenset(starts),
                frozenset(ends),
            )
        return known

    def joins(self, pieces: tuple[Piece, ...]) -> set[int]:
        """The terms that may match a space joining the pieces (all that can, when a piece is not of
        the content or shorter than ``width``)."""
        w = self.width
        ends: list[tuple[str, str]] = []
        for p in pieces:
            if isinstance(p, Filled):
                t = self.template(p.template) if p.spans else None
                if t is None or t.head is None or t.tail is None:
                    return set(self.spanning)
                ends.append((t.head, t.tail))
            elif p in self.static and len(p) >= w:
                ends.append((p, p))
            else:
                return set(self.spanning)
        out = set(self.always_spanning)
        for (_, left), (right, _) in itertools.pairwise(ends):
            terms = self.pairs.get((left, right))
            if terms is None:
                end, start = self.face(left), self.face(right)
                both = {term for term, _, _ in end.ends & start.starts}
                terms = self.pairs[left, right] = end.tail | start.head | both
            out |= terms
        return out


_INDEXES: dict[int, _Index] = {}


def _content_texts(c: Content) -> Iterator[str]:
    s = c.summary
    groups = (s.type, s.ph, s.cns, s.phase, s.next, s.response, s.relapse_site, s.mrd, s.counts, s.transplant)
    for group in groups:
        yield from (snippet.text for snippet in group.values())
    yield from (s.etp.text, s.late_relapse.text, s.closing.text, "")
    for r in c.report.values():
        yield r.text
        if r.low_text is not None:
            yield r.low_text
    yield from (q.text for q in c.questions)


def _local_terms(
    matchers: tuple[tuple[_Matcher, ...], ...], local: Iterable[int], text: str
) -> frozenset[int]:
    folded = case_folded(text)
    return frozenset(i for i in local if _term_used(matchers[i], text, folded))


def _index(c: Content) -> _Index:
    index = _INDEXES.get(id(c))
    if index is None or index.content is not c:
        matchers = tuple(tuple(_matcher(p) for p in t.match) for t in c.glossary)
        local = tuple(i for i, ms in enumerate(matchers) if all(m.local for m in ms))
        static = {text: _local_terms(matchers, local, text) for text in set(_content_texts(c))}
        patterns = []
        for i in local:
            for pattern in c.glossary[i].match:
                m = _matcher(pattern)
                spaces = tuple(k for k, ch in enumerate(m.anchor) if ch == " ") if " " in pattern else ()
                patterns.append(_Pattern(i, m, _max_len(pattern), spaces))
        by_char: dict[str, set[int]] = {}
        folds = {p.term for p in patterns if p.anchored and p.matcher.folded}
        for ch in FOLDS_INTO_ASCII:
            by_char[ch] = set(folds)
        for p in patterns:
            if p.anchored:
                for ch in p.matcher.anchor:
                    by_char.setdefault(ch, set()).add(p.term)
                    if p.matcher.folded:
                        by_char.setdefault(ch.upper(), set()).add(p.term)
        always = frozenset(p.term for p in patterns if not p.anchored)
        spanning = [p for p in patterns if " " in p.matcher.regex.pattern]
        index = _Index(
            c,
            matchers,
            local,
            static,
            tuple(patterns),
            max((p.longest for p in patterns if p.longest is not None), default=0) + 1,
            {ch: frozenset(terms) for ch, terms in by_char.items()},
            always,
            frozenset(p.term for p in spanning),
            frozenset(p.term for p in spanning if not p.anchored or not p.spaces),
            tuple(
                {"term": t.term, "explanation": t.text, "source": c.cite(t.seed_lines)} for t in c.glossary
            ),
        )
        _INDEXES[id(c)] = index
    return index


def glossary(
    c: Content, texts: Sequence[Text], fixed: Sequence[str] = (), lists: Sequence[tuple[str, ...]] = ()
) -> list[dict[str, str]]:
    """Explanations for every glossary term that the patient's texts use, in glossary order.

    A term is used when one of its patterns occurs in the texts and ``fixed`` joined by newlines; a text
    given as pieces stands for the pieces joined by single spaces, a filled piece for its text. ``fixed``
    are more texts taken unchanged from the content, and so are the texts of ``lists``: tuples that the
    caller keeps (such as a stage's questions), whose terms are known once per tuple. The terms of the
    content's own texts are known once; per call only other pieces are searched, and for the terms that
    may match near a filled value or a joining space, the text there.
    """
    index = _index(c)
    tuples = all(map(isinstance, texts, repeat(tuple)))
    pieces = list(chain.from_iterable(texts)) if tuples else [p for t in texts for p in _pieces(t)]
    pieces += fixed
    found: set[int] = set()
    for listed in lists:
        known_terms = index.listed(listed)
        if known_terms is None:
            pieces += listed
        else:
            found |= known_terms
    static = cast("dict[Piece, frozenset[int]]", index.static)  # a filled piece is never a key
    known = list(map(static.get, pieces))
    found.update(*filter(None, known))
    dynamic: list[str] = []
    near: list[tuple[Text, AbstractSet[int]]] = []
    for piece in compress(pieces, map(is_, known, repeat(None))):
        if isinstance(piece, Filled):
            t = index.template(piece.template)
            if t is not None and piece.spans:
                found |= t.safe
                near.append((piece.text, t.near))
                for a, b in piece.spans:
                    near += [
                        (piece.text, index.by_char[ch]) for ch in set(piece.text[a:b]) if ch in index.by_char
                    ]
                continue
            piece = piece.text
        dynamic.append(piece)
    joined = compress(texts, map(gt, map(len, texts), repeat(1))) if tuples else texts
    near += [(t, index.joins(t)) for t in joined if not isinstance(t, str) and len(t) > 1]
    if dynamic:
        found |= index.used("\n".join(dynamic), [i for i in index.local if i not in found])
    for text, terms in near:
        if not terms <= found:
            found |= index.used(_string(text), terms - found)
    n = len(index.matchers)
    if len(index.local) < n:
        everything = "\n".join([*map(_string, texts), *fixed, *chain.from_iterable(lists)])
        local = set(index.local)
        found |= index.used(everything, [i for i in range(n) if i not in local])
    return list(map(dict.copy, map(index.entries.__getitem__, sorted(found))))


def _pieces(text: Text) -> tuple[Piece, ...]:
    return (text,) if isinstance(text, str) else text


def _string(text: Text) -> str:
    if isinstance(text, str):
        return text
    return " ".join([p.text if isinstance(p, Filled) else p for p in text])
