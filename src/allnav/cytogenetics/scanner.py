"""A fast scanner for the common part of the ISCN grammar, checked against the Lark grammar.

Speed (the benchmark's hot path; the module is also compiled by mypyc, see ``allnav.accel``): a regex call
costs more than a few string operations, so the commonest items (``+21``, ``-7``, ``t(9;22)(q34;q11.2)``),
plain chromosome names and plain bands are read with ``str`` methods, each exactly as the pattern would
read it, and anything else is left to the patterns: one compiled regex reads a whole abnormality and
another a cell line's head (count, sex chromosomes, reference). Objects are NamedTuples built with
``tuple.__new__`` (no Python-level ``__new__``); spans are a constant shift of the offsets unless
normalisation changed the text's length.

The scanner accepts a strict subset of ``iscn.lark`` and builds the same immutable objects as the Lark
transformer. Whenever it meets anything outside that subset (a rare construct, an uncertain chromosome,
a value a semantic check would refuse, a syntax error) it returns ``None`` and the caller falls back to
the Lark parser, which is the reference and the only source of error messages. The tests assert, on the
golden table, the corpora, generated and fuzzed strings, that a scanner result is always equal to the
Lark result.
"""

from __future__ import annotations

import re
from typing import Final

from allnav.cytogenetics.model import Abnormality, CellLine, ParsedKaryotype, Rearrangement, SetAside
from allnav.cytogenetics.normalise import Normalised
from allnav.cytogenetics.transform import set_aside_kind

_STRUCTURAL: tuple[str, ...] = ("t", "del", "dup", "ins", "inv", "i", "add", "hsr", "trp", "qdp", "fra")
_STRUCTURAL += ("dic", "idic", "trc", "rob", "tas", "ace", "fis", "neo", "r")
_DERIVED: Final = frozenset({"der", "ider", "rec"})
_TYPE_WORDS: Final = frozenset([*_STRUCTURAL, *_DERIVED])
_STRUCT = "|".join(sorted(_STRUCTURAL, key=len, reverse=True))
_TYPES = "|".join(sorted([*_STRUCTURAL, *_DERIVED], key=len, reverse=True))
# Speed: an optional part holding a group is written ``(?:X|)``, not ``(?:X)?`` or ``(X)?``. Both match the
# same text and leave the same groups (None when skipped), but Python's regex engine runs a ``?`` over a
# group through its general repeat (a heap-allocated context per attempt); an alternation is far cheaper.
# ``(?:D(?:D)*|)`` likewise stands for ``(?:D)*``.
_CON = r"(?:(\??(?:c(?![a-z])|mat|pat|dn|inh))|)"
_PART_CON = r"(\??(?:c|mat|pat|dn|inh))"
_FOLLOW = r"(?=[,\[/.]|$)"
_FOLLOW_INNER = r"(?=[,\[)])"  # inside ISCN's doubling notation 50(25,X,+X,+21)x2
_COUNT: Final = re.compile(r"([0-9]+)(?:[~-]([0-9]+)|)(?:(<[1-9]?n>)|)([,(])")
_INNER_COUNT: Final = re.compile(r"([0-9]+)(?:[~-]([0-9]+)|),")
_DOUBLING: Final = re.compile(r"\)x([0-9]+)")
_DERIVATIVE_PART = rf"\??(?:{_STRUCT})\([^()]*\)(?:\([^()]*\)|)"


def _item_pattern(follow: str) -> re.Pattern[str]:
    return re.compile(
        r"([+-]?)(?:"
        r"(?:(\?)|)([0-9]+|X|Y)"
        r"|(?:([0-9]+)|)(?:[~-]([0-9]+)|)(mar|dmin|r(?=[^a-z(]|$))(?:([0-9]+)|)"  # +2r: counted rings
        r"|(inc)"
        rf"|(?:(\?)|)({_TYPES})\(([^()]*)\)(?:\(([^()]*)\)|)"
        rf"(?:{_PART_CON} (?=\??(?:{_STRUCT})\()|)"  # der(13;14)(q10;q10)c t(11;14)
        rf"({_DERIVATIVE_PART}(?:{_DERIVATIVE_PART})*|)"
        r"|(r)(?!\()"
        r")(?:x([0-9]+)|)" + _CON + r"(?:\[([0-9]+)\](?=[,\[])|)" + follow
    )


_REFERENCE = r"(idem|sdl[0-9]*|sl[0-9]*)(?:x([0-9]+)|)"
_SEX: Final = {f: re.compile(r"([XY]+)" + _CON + f) for f in (_FOLLOW, _FOLLOW_INNER)}
_REF: Final = {f: re.compile(_REFERENCE + f) for f in (_FOLLOW, _FOLLOW_INNER)}
_ITEM: Final = {f: _item_pattern(f) for f in (_FOLLOW, _FOLLOW_INNER)}
_ITEM_LINE: Final = _ITEM[_FOLLOW]
#: count, ploidy, then sex chromosomes (and a reference) or a reference alone: most cell lines start so
_HEAD: Final = re.compile(
    r"([0-9]+)(?:[~-]([0-9]+)|)(?:(<[1-9]?n>)|),(?:([XY]+)"
    + _CON
    + f"(?:,{_REFERENCE}{_FOLLOW}|)|{_REFERENCE})"
    + _FOLLOW
)
_DERIVATION: Final = re.compile(rf"(?:(\?)|)({_STRUCT})\(([^()]*)\)(?:\(([^()]*)\)|)")
_CHROMOSOME: Final = re.compile(r"\??([0-9]+|X|Y)[pq]?|\?")
_BAND = r"[pq](?:ter|[0-9][0-9?]*(?:\.[0-9?]+)?|\?[0-9?]*(?:\.[0-9?]+)?)?|cen"
_SUB_BAND = r"[0-9][0-9?]*(?:\.[0-9?]+)?"
_BREAKPOINT = f"({_BAND})(?:[~-]({_BAND}|{_SUB_BAND}))?"
_BREAKPOINT_RE: Final = re.compile(_BREAKPOINT)
_GROUP: Final = re.compile(f"(?:{_BREAKPOINT})+|\\?")
_DETAILED: Final = re.compile(r"[0-9XYpqtercn.?~:]*->[0-9XYpqtercn.?~:>\-]*")
_ASIDE: Final = re.compile(r"\.(?:nuc ?ish|ish|arr|rsa|mlpa)\b", re.IGNORECASE)


_RING: Final = Rearrangement("r", (), None)
#: ``tuple.__new__(Cls, values)`` builds a NamedTuple without running its generated ``__new__`` (a Python
#: frame even in the compiled build): every field must be given, in order.
_new: Final = tuple.__new__
# the classes as constants: the compiled build then reads them without a dictionary lookup
_ABNORMALITY: Final = Abnormality
_REARRANGEMENT: Final = Rearrangement
_CELL_LINE: Final = CellLine


class _FallbackError(Exception):
    """Internal: the scanner leaves this string to the Lark parser."""


#: plain chromosome names (``[1-9]|1[0-9]|2[0-2]|X|Y``): a set lookup each, cheaper than a regex call
_NAMES: Final = frozenset([str(i) for i in range(1, 23)] + ["X", "Y"])


def _simple_groups(parts: list[str]) -> bool:
    """Every part one plain band, ``[pq][0-9]+(?:\\.[0-9]+)?``; the parts must come from ASCII text (the
    caller checks once), so that ``isdigit`` means ``[0-9]`` as in the regex."""
    for p in parts:
        if len(p) < 2 or (p[0] != "p" and p[0] != "q"):
            return False
        dot = p.find(".")
        if dot < 0:
            if not p[1:].isdigit():
                return False
        elif not (p[1:dot].isdigit() and p[dot + 1 :].isdigit()):
            return False
    return True


def _chromosomes(inner: str) -> tuple[str, ...]:
    out = tuple(inner.split(";"))
    for item in out:
        m = _CHROMOSOME.fullmatch(item)
        if m is None:
            raise _FallbackError
        name = m.group(1)
        if name is not None and name.isdigit() and not 1 <= int(name) <= 22:
            raise _FallbackError
    return out


def _plain_bands(part: str) -> tuple[str, ...] | None:
    """``q21q26.2`` -> ``("q21", "q26.2")``: a group of plain bands (ASCII text) read without a regex call,
    else None."""
    bands = part.replace("p", ",p").replace("q", ",q").split(",")
    if bands[0] or len(bands) == 1:  # must start with p or q (any other ',' leaves a piece failing below)
        return None
    del bands[0]
    return tuple(bands) if _simple_groups(bands) else None


def _rearrangement(type_: str, chroms: str, bps: str | None, unc: bool = False) -> Rearrangement:
    names = chroms.split(";")
    for name in names:
        if name not in _NAMES:
            chromosomes = _chromosomes(chroms)
            break
    else:  # the common case: plain chromosome names
        chromosomes = tuple(names)
    if bps is None:
        return _new(_REARRANGEMENT, (type_, chromosomes, None, unc, False, None))
    parts = bps.split(";")
    plain = bps.isascii()
    if plain and _simple_groups(parts):  # one plain band per chromosome
        if len(parts) != len(chromosomes):
            raise _FallbackError
        return _new(_REARRANGEMENT, (type_, chromosomes, tuple([(p,) for p in parts]), unc, False, None))
    detailed = False
    gl: list[tuple[str, ...]] = []
    for part in parts:
        bands = _plain_bands(part) if plain else None
        if bands is not None:
            gl.append(bands)
        elif part == "?":
            gl.append(("?",))
        elif "->" in part:
            if _DETAILED.fullmatch(part) is None:
                raise _FallbackError
            gl.append((part,))
            detailed = True
        elif _GROUP.fullmatch(part) is None:
            raise _FallbackError
        else:
            gl.append(tuple([a if not b else f"{a}~{b}" for a, b in _BREAKPOINT_RE.findall(part)]))
    if not detailed and len(parts) != len(chromosomes):
        raise _FallbackError
    return _new(_REARRANGEMENT, (type_, chromosomes, tuple(gl), unc, detailed, None))


def _item(m: re.Match[str], start: int, end: int, shift: int, norm: Normalised, mapped: bool) -> Abnormality:
    """One abnormality from a match of the item pattern at ``start:end`` (offsets: ``+ shift``, or mapped
    through ``norm``)."""
    # sign | numerical: ?, chromosome | marker/dmin: count low~high, word, number | inc |
    # structural: ?, type, chromosomes, breakpoints, constitutional part, derivations | bare ring | xN, c, [n]
    sign, nunc, num, mlo, mhi, mk, mnum, inc, unc, type_, chs, bps, part_con, ders, _ring, mult, con, cells_ = m.groups()  # fmt: skip
    cells: int | None = None
    if cells_ is not None:  # "[n]" ends the match (only lookaheads follow it)
        end -= len(cells_) + 2
        cells = int(cells_)
        if cells == 0:
            raise _FallbackError
    span = (norm.orig(start), norm.orig_end(end)) if mapped else (start + shift, end + shift)
    text = norm.original[span[0] : span[1]]  # the input as written, so that input[span] == text
    copies = 1
    if mult is not None:
        copies = int(mult)
        if copies < 1:
            raise _FallbackError
    if type_ is not None:
        core = _rearrangement(type_, chs, bps)
        derivs: tuple[Rearrangement, ...] = ()
        if ders or part_con is not None:
            if type_ not in _DERIVED:
                raise _FallbackError
            if part_con is not None:
                core = core._replace(constitutional=part_con)
            derivs = tuple(
                [
                    _rearrangement(d.group(2), d.group(3), d.group(4), d.group(1) is not None)
                    for d in _DERIVATION.finditer(ders)
                ]
            )
        unc_ = unc is not None
        return _new(
            _ABNORMALITY,
            ("structural", text, span, sign, None, core, derivs, copies, unc_, con, None, None, cells),
        )
    if num is not None:
        if not sign or (num.isdigit() and not 1 <= int(num) <= 22):
            raise _FallbackError
        return _new(
            _ABNORMALITY,
            ("numerical", text, span, sign, num, None, (), copies, nunc is not None, con, None, None, cells),
        )
    if mk is not None:
        lo = int(mlo) if mlo is not None else 1
        hi = int(mhi) if mhi is not None else lo
        if (mlo is None and mhi is not None) or not 1 <= lo <= hi <= 400:
            raise _FallbackError
        if mk == "r":
            if mnum is not None or (mlo is not None and sign != "+"):
                raise _FallbackError
            rings = None if mlo is None else (lo, hi)
            return _new(
                _ABNORMALITY,
                ("structural", text, span, sign, None, _RING, (), copies, False, con, rings, None, cells),
            )
        if mk == "dmin":
            if sign or mnum is not None or mult is not None or con is not None:
                raise _FallbackError
            return _new(
                _ABNORMALITY, ("dmin", text, span, "", None, None, (), 1, False, None, (lo, hi), None, cells)
            )
        if not sign and (mult is not None or con is not None):
            raise _FallbackError
        number = int(mnum) if mnum is not None else None
        return _new(
            _ABNORMALITY,
            ("marker", text, span, sign, None, None, (), copies, False, con, (lo, hi), number, cells),
        )
    if inc is not None:
        if sign or mult is not None or con is not None:
            raise _FallbackError
        return _new(_ABNORMALITY, ("inc", text, span, "", None, None, (), 1, False, None, None, None, cells))
    return _new(
        _ABNORMALITY, ("structural", text, span, sign, None, _RING, (), copies, False, con, None, None, cells)
    )


def _more_items(
    t: str,
    pos: int,
    shift: int,
    norm: Normalised,
    mapped: bool,
    items: list[Abnormality],
    item_re: re.Pattern[str],
) -> int:
    """Read ``,item`` repeatedly from ``pos``; returns the offset after the last one."""
    n = len(t)
    plain = item_re is _ITEM_LINE
    while pos < n and t[pos] == ",":
        end = _plain_item(t, pos + 1, n, shift, norm, mapped, items) if plain else -1
        if end < 0:
            im = item_re.match(t, pos + 1)
            if im is None:
                raise _FallbackError
            end = im.end()
            items.append(_item(im, pos + 1, end, shift, norm, mapped))
        pos = end
    return pos


def _item_ends(t: str, end: int, n: int) -> bool:
    """True when an item ends at ``end < n`` without a cell count of its own: the item pattern's lookahead
    ``,``, ``/``, ``.`` or ``[``, but not a ``[...]`` followed by ``,`` or ``[`` (maybe a per-item count,
    ``+8[2],``, left to the pattern)."""
    c = t[end]
    if c == "," or c == "/" or c == ".":
        return True
    if c != "[":
        return False
    close = t.find("]", end)
    return close < 0 or close + 1 == n or t[close + 1] not in ",["


def _plain_item(
    t: str, start: int, n: int, shift: int, norm: Normalised, mapped: bool, items: list[Abnormality]
) -> int:
    """The commonest items read without a regex call, exactly as the item pattern reads them: a whole
    chromosome gained or lost (``+21``, ``-Y``) or one plainly written rearrangement (``t(9;22)(q34;q11.2)``,
    ``+i(17)(q10)``), followed by ``,``, ``/``, ``.`` or the end. Appends the item and returns the offset
    after it; anything else returns -1 (nothing appended) and is left to the item pattern."""
    if start >= n:
        return -1
    i = start
    c = t[i]
    sign = ""
    if c == "+" or c == "-":
        sign = c
        i += 1
        if i == n:
            return -1
        c = t[i]
    if c == "X" or c == "Y":
        end = i + 1
    elif c.isdigit():  # a non-ASCII digit is refused below: the name must be a plain one
        end = i + 1
        while end < n and t[end].isdigit():
            end += 1
    else:  # a rearrangement: type(chromosomes) and (breakpoints)
        opening = t.find("(", i)
        if opening < 0:
            return -1
        type_ = t[i:opening]
        if type_ not in _TYPE_WORDS:
            return -1
        close = t.find(")", opening)
        if close < 0:
            return -1
        chs = t[opening + 1 : close]
        if "(" in chs:
            return -1
        end = close + 1
        bps: str | None = None
        if end < n and t[end] == "(":
            close = t.find(")", end)
            if close < 0:
                return -1
            bps = t[end + 1 : close]
            if "(" in bps:
                return -1
            end = close + 1
        if end < n and not _item_ends(t, end, n):
            return -1
        core = _rearrangement(type_, chs, bps)
        span = (norm.orig(start), norm.orig_end(end)) if mapped else (start + shift, end + shift)
        text = norm.original[span[0] : span[1]]
        items.append(
            _new(
                _ABNORMALITY,
                ("structural", text, span, sign, None, core, (), 1, False, None, None, None, None),
            )
        )
        return end
    if not sign or (
        end < n and not _item_ends(t, end, n)
    ):  # "21", "+21c", "+8[2],", "+2mar": left to the pattern
        return -1
    num = t[i:end]
    if num not in _NAMES:  # "+07", "+23", non-ASCII digits: left to the pattern
        return -1
    span = (norm.orig(start), norm.orig_end(end)) if mapped else (start + shift, end + shift)
    text = norm.original[span[0] : span[1]]
    items.append(
        _new(_ABNORMALITY, ("numerical", text, span, sign, num, None, (), 1, False, None, None, None, None))
    )
    return end


_Content = tuple[str | None, str | None, str | None, int, list[Abnormality], int]


def _content(t: str, pos: int, shift: int, norm: Normalised, mapped: bool, follow: str) -> _Content:
    """Sex chromosomes and/or a reference, then the abnormalities, as ``line_content`` in the grammar."""
    sex = sex_con = ref = None
    ref_copies = 1
    items: list[Abnormality] = []
    item_re = _ITEM[follow]
    sm = _SEX[follow].match(t, pos)
    if sm is not None:
        sex, sex_con = sm.group(1, 2)
        pos = sm.end()
        rm = _REF[follow].match(t, pos + 1) if t.startswith(",", pos) else None
    else:
        rm = _REF[follow].match(t, pos)
        if rm is None:
            im = item_re.match(t, pos)
            if im is None:
                raise _FallbackError
            end = im.end()
            items.append(_item(im, pos, end, shift, norm, mapped))
            pos = end
    if rm is not None:
        ref, mult = rm.group(1, 2)
        ref_copies = int(mult) if mult is not None else 1
        if ref_copies < 1:
            raise _FallbackError
        pos = rm.end()
    return sex, sex_con, ref, ref_copies, items, _more_items(t, pos, shift, norm, mapped, items, item_re)


def _doubled(
    t: str, pos: int, shift: int, norm: Normalised, mapped: bool
) -> tuple[tuple[int, int], int, _Content]:
    """ISCN's doubling notation after ``count(``: inner count, multiplier, and the inner line content."""
    im = _INNER_COUNT.match(t, pos)
    if im is None:
        raise _FallbackError
    ilo = int(im.group(1))
    ihi = int(im.group(2)) if im.group(2) is not None else ilo
    if not 1 <= ilo <= ihi <= 400:
        raise _FallbackError
    content = _content(t, im.end(), shift, norm, mapped, _FOLLOW_INNER)
    dm = _DOUBLING.match(t, content[5])
    if dm is None or int(dm.group(1)) < 1:
        raise _FallbackError
    return (ilo, ihi), int(dm.group(1)), (*content[:5], dm.end())


def _scan(norm: Normalised) -> ParsedKaryotype:
    t = norm.text
    n = len(t)
    # offsets are a constant shift unless normalisation changed the length (then map each one)
    shift = norm.shift
    mapped = norm.offsets is not None
    pos = 0
    chim = None
    if t.startswith(("mos", "chi")):
        chim, pos = t[:3], 3
    lines: list[CellLine] = []
    aside = None
    sep = ""
    while True:
        start = pos
        doubled_count = None
        doubling = 1
        doubled_items = 0
        hm = _HEAD.match(t, pos)
        if hm is not None:  # the common head in one match: count, sex chromosomes and/or a reference
            lo_s, hi_s, ploidy_text, sex, sex_con, ref_a, mult_a, ref_b, mult_b = hm.groups()
            ref, mult = (ref_a, mult_a) if ref_b is None else (ref_b, mult_b)
            ref_copies = 1 if mult is None else int(mult)
            if ref_copies < 1:
                raise _FallbackError
            items: list[Abnormality] = []
            pos = _more_items(t, hm.end(), shift, norm, mapped, items, _ITEM_LINE)
        else:
            m = _COUNT.match(t, pos)
            if m is None:
                raise _FallbackError
            lo_s, hi_s, ploidy_text, opener = m.groups()
            if opener == "(":
                doubled_count, doubling, (sex, sex_con, ref, ref_copies, items, pos) = _doubled(
                    t, m.end(), shift, norm, mapped
                )
                doubled_items = len(items)
                pos = _more_items(t, pos, shift, norm, mapped, items, _ITEM_LINE)
            else:
                sex, sex_con, ref, ref_copies, items, pos = _content(t, m.end(), shift, norm, mapped, _FOLLOW)
        lo = int(lo_s)
        hi = int(hi_s) if hi_s is not None else lo
        if not 1 <= lo <= hi <= 400:
            raise _FallbackError
        ploidy = None if ploidy_text is None else int(ploidy_text[1:-2] or "1")
        cells = None
        composite = False
        if pos < n and t[pos] == "[":  # "[n]" or "[cpn]", read without a regex call
            close = t.find("]", pos + 1)
            if close < 0:
                raise _FallbackError
            digits = t[pos + 1 : close]
            composite = digits.startswith("cp")
            if composite:
                digits = digits[2:]
            if not (digits.isdigit() and digits.isascii()):
                raise _FallbackError
            cells = int(digits)
            if cells < 1:
                raise _FallbackError
            pos = close + 1
        span = (norm.orig(start), norm.orig_end(pos)) if mapped else (start + shift, pos + shift)
        lines.append(
            _new(
                _CELL_LINE,
                (
                    norm.original[span[0] : span[1]],
                    span,
                    (lo, hi),
                    False,
                    ploidy,
                    sex,
                    sex_con,
                    ref,
                    ref_copies,
                    tuple(items),
                    cells,
                    composite,
                    sep,
                    doubled_count,
                    doubling,
                    doubled_items,
                ),
            )
        )
        if pos == n:
            break
        if t[pos] == "/":
            sep = "//" if t.startswith("//", pos) else "/"
            pos += len(sep)
            continue
        if _ASIDE.match(t, pos):
            body = t[pos:]
            aside = _new(SetAside, (body[1:], set_aside_kind(body), (norm.orig(pos), norm.orig_end(n))))
            break
        raise _FallbackError
    return _new(ParsedKaryotype, (chim, tuple(lines), aside))


def scan(norm: Normalised) -> ParsedKaryotype | None:
    """The parsed karyotype, or ``None`` when the Lark parser must decide."""
    try:
        return _scan(norm)
    except _FallbackError:
        return None
