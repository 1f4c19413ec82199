"""Input tolerance: what real reports carry around an ISCN string, removed before parsing and recorded.

Handled: a leading label (``ISCN:``, ``Karyotype:``), surrounding whitespace, spaces next to ISCN
punctuation (``46,XX, t(9;22)`` or ``.../ 46,XX[2]``), non-ASCII hyphens, dashes, minus signs, tildes and
arrows, a trailing full stop, and a space instead of the ``.`` before a trailing ``nuc ish``/``ish``/``arr``
result. The text of that trailing result is left as written. Each change is reported in plain words,
and :class:`Normalised` maps every offset of the normalised text back to the original input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Inputs longer than this are refused (K004) before any parsing.
MAX_INPUT_LENGTH = 10_000

_LABEL = re.compile(
    r"\s*(?:ISCN|karyotype|cytogenetics)(?:\s*\(?(?:19|20)[0-9]{2}\)?)?\s*(?:result)?\s*[:=]\s*",
    re.IGNORECASE,
)
_TAIL = re.compile(r"(?:\.\s*|\s+)(?=(?:nuc\s?ish|ish|arr|rsa|mlpa)\b)", re.IGNORECASE)
_INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060]")
_DASHES = dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d", "-")
_OTHER = {"\u223c": "~", "\uff5e": "~", "\u2192": "->", "\uff1b": ";", "\uff0c": ",", "\u00d7": "x"}
_SEPARATORS = frozenset(",/;:")
_SPACE = re.compile(r"\s")
_ONE_TO_ONE = {ord(k): v for k, v in {**_DASHES, **_OTHER}.items() if len(v) == 1}
_ONE_TO_ONE_RE = re.compile("[" + "".join(chr(c) for c in _ONE_TO_ONE) + "]")
_LONE_C = re.compile(r"\??c(?![a-z])")
_PUNCT = frozenset(",/;:()[]<>.~+-")
_WORDS_BEFORE_SPACE = ("cp", "mos", "chi")


@dataclass(frozen=True, slots=True)
class Normalised:
    """The text to parse, the offset of each of its characters in the original, and what changed."""

    original: str
    text: str
    offsets: tuple[int, ...] | None
    shift: int
    notes: tuple[str, ...]

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


def normalise(original: str) -> Normalised:
    """Normalise ``original`` for the grammar; never raises."""
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
    tail_m = _TAIL.search(body)
    head_end = tail_m.start() + start if tail_m else end
    head = original[start:head_end]
    if tail_m is None and head.endswith(".") and len(head) > 1:
        notes.append("removed a trailing full stop")
        head_end -= 1
        head = head[:-1]
    if _SPACE.search(head) is None and "\u2192" not in head:
        # fast path: every change keeps the length, so offsets stay a constant shift
        if not head.isascii():
            for m in _ONE_TO_ONE_RE.finditer(head):
                ch = m.group(0)
                notes.append(f"replaced {ch!r} with {_ONE_TO_ONE[ord(ch)]!r} at position {start + m.start()}")
            head = head.translate(_ONE_TO_ONE)
        if tail_m is None:
            return Normalised(original, head, None, start, tuple(notes))
        if original[head_end : start + tail_m.end()] == ".":
            return Normalised(original, head + original[head_end:end], None, start, tuple(notes))
    chars: list[str] = []
    offs: list[int] = []
    n = len(head)
    for k, ch in enumerate(head):
        pos = start + k
        if ch.isspace():
            prev = head[k - 1] if k else ""
            nxt_k = k
            while nxt_k < n and head[nxt_k].isspace():
                nxt_k += 1
            nxt = head[nxt_k] if nxt_k < n else ""
            before = "".join(chars[-3:])
            between_separators = prev in _SEPARATORS and nxt in _SEPARATORS
            lone_c = _LONE_C.match(head, nxt_k) is not None and prev not in _SEPARATORS
            if not between_separators and (
                prev in _PUNCT or nxt in _PUNCT or lone_c or before.endswith(_WORDS_BEFORE_SPACE)
            ):
                if not prev.isspace():
                    notes.append(f"removed a space at position {pos}")
                continue
        rep = _DASHES.get(ch) or _OTHER.get(ch)
        if rep is not None:
            notes.append(f"replaced {ch!r} with {rep!r} at position {pos}")
            for r in rep:
                chars.append(r)
                offs.append(pos)
            continue
        chars.append(ch)
        offs.append(pos)
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


def _without_invisible(original: str) -> Normalised:
    kept = [i for i, ch in enumerate(original) if not _INVISIBLE.match(ch)]
    inner = normalise("".join(original[i] for i in kept))
    offsets = tuple(kept[inner.orig(i)] for i in range(len(inner.text)))
    notes = (f"removed {len(original) - len(kept)} invisible character(s) (byte-order mark, zero-width)",)
    return Normalised(original, inner.text, offsets, kept[0] if kept else 0, notes + inner.notes)
