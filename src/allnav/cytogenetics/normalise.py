"""Input tolerance: what real reports carry around an ISCN string, removed before parsing and recorded.

Handled: a leading label (``ISCN:``, ``Karyotype:``), surrounding whitespace, spaces next to ISCN
punctuation (``46,XX, t(9;22)`` or ``.../ 46,XX[2]``), non-ASCII hyphens, dashes, minus signs, tildes and
arrows, a trailing full stop, a space instead of the ``.`` before a trailing ``nuc ish``/``ish``/``arr``
result, and ISCN's running-text short form of an isochromosome, ``i(17q)``, written as the karyotype form
``i(17)(q10)``. The text of that trailing result is left as written. Each change is reported in plain
words (one note per replaced character, naming its positions), and :class:`Normalised` maps every offset
of the normalised text back to the original input. Kept: the space of ISCN 2024's constitutional forms
``+mar c`` (removed, as before any lone ``c``) and ``der(13;14)(q10;q10)c t(11;14)`` (kept: the grammar
reads ``c `` there).

Speed: the common input (ASCII, no whitespace, nothing to rewrite) is returned unchanged after a few
C-level checks; one-to-one replacements keep offsets a constant shift; only the general path (spaces,
``->``, ``i(17q)``) builds an offset map, copying runs of ordinary characters in bulk.
"""

from __future__ import annotations

import re
from typing import Final

#: Inputs longer than this are refused (K004) before any parsing.
MAX_INPUT_LENGTH: Final = 10_000

_LABEL: Final = re.compile(
    r"\s*(?:ISCN|karyotype|cytogenetics)(?:\s*\(?(?:19|20)[0-9]{2}\)?)?\s*(?:result)?\s*[:=]\s*",
    re.IGNORECASE,
)
_TAIL: Final = re.compile(r"(?:\.\s*|\s+)(?=(?:nuc\s?ish|ish|arr|rsa|mlpa)\b)", re.IGNORECASE)
_INVISIBLE: Final = re.compile("[\ufeff\u200b\u200c\u200d\u2060]")
_DASHES: Final = dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d", "-")
_OTHER: Final = {"\u223c": "~", "\uff5e": "~", "\u2192": "->", "\uff1b": ";", "\uff0c": ",", "\u00d7": "x"}
_SEPARATORS: Final = frozenset(",/;:")
_SPACE: Final = re.compile(r"\s")
_ONE_TO_ONE = {ord(k): v for k, v in {**_DASHES, **_OTHER}.items() if len(v) == 1}
_SPECIAL: Final = re.compile(r"\s|[" + re.escape("".join({**_DASHES, **_OTHER})) + "]")
_ONE_TO_ONE_PAIRS: Final = tuple((chr(c), v) for c, v in _ONE_TO_ONE.items())
_LONE_C: Final = re.compile(r"\??c(?![a-z])")
_PUNCT: Final = frozenset(",/;:()[]<>.~+-")
_WORDS_BEFORE_SPACE: Final = ("cp", "mos", "chi")
#: ISCN's running-text short form of an isochromosome, e.g. i(17q), i(Xq) (not ider, not idic)
_SHORT_ISO: Final = re.compile(r"(?<![a-z])(i)\(([0-9]{1,2}|X|Y)([pq])(?=\))")
#: one-to-one case repairs: ``<4N>`` (ploidy level) and ``46,xx`` (sex chromosomes after a count)
_UPPER_PLOIDY: Final = re.compile(r"<[1-9]?N>")
_LOWER_SEX: Final = re.compile(
    r"(?<![0-9A-Za-z])([0-9]{1,3}(?:[~-][0-9]{1,3})?(?:<[1-9]?[nN]>)?,)([XYxy]*[xy][XYxy]*)(?=[,\[/.]|$)"
)


class Normalised:
    """The text to parse, the offset of each of its characters in the original, and what changed.

    Immutable (``Final`` attributes; read-only in the compiled build). A plain class rather than a frozen
    dataclass: a frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``, which
    cost more than the rest of normalising a common karyotype.
    """

    __slots__ = ("notes", "offsets", "original", "shift", "text")

    def __init__(
        self, original: str, text: str, offsets: tuple[int, ...] | None, shift: int, notes: tuple[str, ...]
    ) -> None:
        self.original: Final = original
        self.text: Final = text
        self.offsets: Final = offsets
        self.shift: Final = shift
        self.notes: Final = notes

    def _key(self) -> tuple[str, str, tuple[int, ...] | None, int, tuple[str, ...]]:
        return (self.original, self.text, self.offsets, self.shift, self.notes)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Normalised) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"Normalised(original={self.original!r}, text={self.text!r}, offsets={self.offsets!r}, "
            f"shift={self.shift!r}, notes={self.notes!r})"
        )

    def orig(self, i: int) -> int:
        """Offset in the original input of offset ``i`` of the normalised text (end offsets allowed)."""
        if self.offsets is None:
            return i + self.shift
        if i < len(self.offsets):
            return self.offsets[i]
        if not self.offsets:
            return self.shift
        return self.offsets[-1] + 1 + (i - len(self.offsets))

    def orig_end(self, i: int) -> int:
        """Original offset just after the character before normalised offset ``i`` (for span ends)."""
        return self.orig(i - 1) + 1 if i > 0 else self.orig(0)


def _has_space(text: str) -> bool:
    """``_SPACE.search(text) is not None`` (``\\s`` and ``str.split`` share CPython's whitespace test): the
    first whitespace-separated word is the whole text exactly when the text has no whitespace."""
    words = text.split(None, 1)
    return len(words[0]) != len(text) if words else text != ""


def _tail(text: str) -> re.Match[str] | None:
    """``_TAIL.search(text)``, searched only when it can match: the tail begins with '.' or whitespace, and
    its word holds "ish", "arr", "rsa" or "mlpa" in some case (besides their own capitals, only U+0130,
    U+0131 and U+017F match these letters case-insensitively; with them present the search is made)."""
    if "." not in text and not _has_space(text):
        return None
    if "\u0130" not in text and "\u0131" not in text and "\u017f" not in text:
        low = text.lower()
        if "ish" not in low and "arr" not in low and "rsa" not in low and "mlpa" not in low:
            return None
    return _TAIL.search(text)


def _has_short_isochromosome(text: str) -> bool:
    return ("q)" in text or "p)" in text) and _SHORT_ISO.search(text) is not None


def _needs_case_repair(text: str) -> bool:
    return "N>" in text or ",x" in text or ",y" in text


def _case_repaired(original: str) -> Normalised:
    """``original`` with ``<4N>`` and lower-case sex chromosomes repaired (same length), then normalised.

    Only the karyotype part is repaired (not a trailing in situ/array result); the notes name positions.
    """
    tail_m = _tail(original)
    end = tail_m.start() if tail_m is not None else len(original)
    chars = list(original)
    notes: list[str] = []
    for m in _UPPER_PLOIDY.finditer(original, 0, end):
        chars[m.end() - 2] = "n"
        notes.append(f"wrote the ploidy level {m.group(0)} at position {m.start()} with a lower-case n")
    for m in _LOWER_SEX.finditer(original, 0, end):
        sex = m.group(2)
        chars[m.start(2) : m.end(2)] = sex.upper()
        notes.append(f"wrote the sex chromosomes {sex!r} at position {m.start(2)} in upper case")
    if not notes:
        return _normalise(original)
    inner = _normalise("".join(chars))
    return Normalised(original, inner.text, inner.offsets, inner.shift, tuple(notes) + inner.notes)


def normalise(original: str) -> Normalised:
    """Normalise ``original`` for the grammar; never raises."""
    if _needs_case_repair(original):
        return _case_repaired(original)
    return _normalise(original)


def _normalise(original: str) -> Normalised:
    if (
        original[:1].isdigit()
        and original[-1:] != "."
        and not _has_space(original)
        and not _has_short_isochromosome(original)
    ):
        if original.isascii():
            return Normalised(original, original, None, 0, ())  # the common case: nothing to change
        if _INVISIBLE.search(original) is None and "\u2192" not in original:
            return _same_length(original)
    if not original.isascii() and _INVISIBLE.search(original):
        # a byte-order mark or zero-width characters: parse without them, offsets still point at the original
        return _without_invisible(original)
    start = len(original) - len(original.lstrip())
    end = len(original.rstrip())
    notes: list[str] = []
    if start or end < len(original):
        notes.append("removed surrounding whitespace")
    m = _LABEL.match(original, start)
    if m and m.end() < end:
        notes.append(f"removed the leading label {original[start : m.end()].strip()!r}")
        start = m.end()
    body = original[start:end]
    tail_m = _tail(body)
    head_end = tail_m.start() + start if tail_m else end
    head = original[start:head_end]
    if tail_m is None and head.endswith(".") and len(head) > 1:
        notes.append("removed a trailing full stop")
        head_end -= 1
        head = head[:-1]
    if not _has_space(head) and "\u2192" not in head and not _has_short_isochromosome(head):
        # fast path: every change keeps the length, so offsets stay a constant shift
        if not head.isascii():
            head, replacement_notes = _replace_one_to_one(original, start, head_end)
            notes.extend(replacement_notes)
        if tail_m is None:
            return Normalised(original, head, None, start, tuple(notes))
        if original[head_end : start + tail_m.end()] == ".":
            return Normalised(original, head + original[head_end:end], None, start, tuple(notes))
    # general path: copy runs of ordinary characters in bulk; decide each space and replace each special
    chars: list[str] = []  # pieces of the normalised text
    offs: list[int] = []  # the original offset of each normalised character
    last3 = ""  # the last three normalised characters
    replaced: dict[tuple[str, str], list[str]] = {}
    n = len(head)
    k0 = 0
    for m in _SPECIAL.finditer(head):
        k = m.start()
        if k > k0:
            piece = head[k0:k]
            chars.append(piece)
            offs.extend(range(start + k0, start + k))
            last3 = (last3 + piece)[-3:]
        k0 = k + 1
        ch = m.group(0)
        pos = start + k
        if ch.isspace():
            prev = head[k - 1] if k else ""
            nxt_k = k
            while nxt_k < n and head[nxt_k].isspace():
                nxt_k += 1
            nxt = head[nxt_k] if nxt_k < n else ""
            between_separators = prev in _SEPARATORS and nxt in _SEPARATORS
            lone_c = _LONE_C.match(head, nxt_k) is not None and prev not in _SEPARATORS
            if not between_separators and (
                prev in _PUNCT or nxt in _PUNCT or lone_c or last3.endswith(_WORDS_BEFORE_SPACE)
            ):
                if not prev.isspace():
                    notes.append(f"removed a space at position {pos}")
                continue
            rep = ch
        else:
            rep = _DASHES.get(ch) or _OTHER[ch]
            replaced.setdefault((ch, rep), []).append(str(pos))
        chars.append(rep)
        offs.extend([pos] * len(rep))
        last3 = (last3 + rep)[-3:]
    if k0 < n:
        chars.append(head[k0:])
        offs.extend(range(start + k0, start + n))
    notes.extend(_replaced_note(ch, rep, at) for (ch, rep), at in replaced.items())
    if _has_short_isochromosome("".join(chars)):
        chars = list("".join(chars))
        _expand_short_isochromosomes(chars, offs, notes)
    if tail_m is not None:
        tail_start = start + tail_m.end()
        sep = original[head_end:tail_start]
        if sep != ".":
            notes.append(f"wrote the separator before the trailing result at position {head_end} as '.'")
        chars.append(".")
        offs.append(head_end)
        chars.append(original[tail_start:end])
        offs.extend(range(tail_start, end))
    return Normalised(original, "".join(chars), tuple(offs), start, tuple(notes))


def _replaced_note(ch: str, rep: str, at: list[str]) -> str:
    return f"replaced {ch!r} with {rep!r} at position{'s' if len(at) > 1 else ''} {', '.join(at)}"


def _replace_one_to_one(text: str, start: int, end: int) -> tuple[str, list[str]]:
    """``text[start:end]`` with dashes, minus signs, tildes ... replaced one-to-one, and one note per
    character replaced naming every position (offsets do not move)."""
    head = text[start:end]
    notes = []
    for ch, rep in _ONE_TO_ONE_PAIRS:
        if ch in head:
            at = []
            i = head.find(ch)
            while i >= 0:
                at.append(str(start + i))
                i = head.find(ch, i + 1)
            head = head.replace(ch, rep)  # str.replace per character present: faster than str.translate
            notes.append(_replaced_note(ch, rep, at))
    return head, notes


def _same_length(original: str) -> Normalised:
    """Only one-to-one character replacements (dashes, minus signs, tildes, ...): offsets do not move.

    A trailing in situ/array result keeps its characters as written.
    """
    tail_m = _tail(original)
    head_end = tail_m.start() if tail_m is not None else len(original)
    head, notes = _replace_one_to_one(original, 0, head_end)
    return Normalised(original, head + original[head_end:], None, 0, tuple(notes))


def _expand_short_isochromosomes(chars: list[str], offs: list[int], notes: list[str]) -> None:
    """Rewrite ISCN's text-only short form ``i(17q)`` as the karyotype form ``i(17)(q10)``, in place.

    ISCN 2024 (5.5.11) writes an isochromosome in a karyotype with its centromeric breakpoint,
    ``i(17)(q10)``; ``i(17q)`` is the short form for running text. The added characters map to the
    original offset of the arm letter, so spans still cover ``i(17q)`` in the input.
    """
    text = "".join(chars)
    out: list[str] = []
    out_offs: list[int] = []
    last = 0
    for m in _SHORT_ISO.finditer(text):
        out.extend(chars[last : m.start(2)])
        out_offs.extend(offs[last : m.start(2)])
        name, arm = m.group(2), m.group(3)
        at = offs[m.start(3)]
        replacement = f"{name})({arm}10"
        out.extend(replacement)
        out_offs.extend(
            [offs[m.start(2) + k] for k in range(len(name))] + [at] * (len(replacement) - len(name))
        )
        last = m.end(3)
        notes.append(
            f"wrote the text form {m.group(0)}) as the karyotype form {m.group(1)}({name})({arm}10) "
            f"at position {offs[m.start()]} (ISCN: the short form is for running text, not karyotypes)"
        )
    out.extend(chars[last:])
    out_offs.extend(offs[last:])
    chars[:] = out
    offs[:] = out_offs


def _without_invisible(original: str) -> Normalised:
    kept = [i for i, ch in enumerate(original) if not _INVISIBLE.match(ch)]
    inner = normalise("".join(original[i] for i in kept))
    offsets = tuple(kept[inner.orig(i)] for i in range(len(inner.text)))
    notes = (f"removed {len(original) - len(kept)} invisible character(s) (byte-order mark, zero-width)",)
    return Normalised(original, inner.text, offsets, kept[0] if kept else 0, notes + inner.notes)
