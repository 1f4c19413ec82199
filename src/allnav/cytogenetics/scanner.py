"""A fast scanner for the common part of the ISCN grammar, checked against the Lark grammar.

The scanner accepts a strict subset of ``iscn.lark`` and builds the same frozen objects as the Lark
transformer. Whenever it meets anything outside that subset (a rare construct, an uncertain chromosome,
a value a semantic check would refuse, a syntax error) it returns ``None`` and the caller falls back to
the Lark parser, which is the reference and the only source of error messages. The tests assert, on the
golden table, the corpora, generated and fuzzed strings, that a scanner result is always equal to the
Lark result.
"""

from __future__ import annotations

import re

from allnav.cytogenetics.model import Abnormality, CellLine, ParsedKaryotype, Rearrangement, SetAside
from allnav.cytogenetics.normalise import Normalised
from allnav.cytogenetics.transform import set_aside_kind

_STRUCTURAL: tuple[str, ...] = ("t", "del", "dup", "ins", "inv", "i", "add", "hsr", "trp", "qdp", "fra")
_STRUCTURAL += ("dic", "idic", "trc", "rob", "tas", "ace", "fis", "neo", "r")
_DERIVED = frozenset({"der", "ider", "rec"})
_STRUCT = "|".join(sorted(_STRUCTURAL, key=len, reverse=True))
_TYPES = "|".join(sorted([*_STRUCTURAL, *_DERIVED], key=len, reverse=True))
_CON = r"(\??(?:c(?![a-z])|mat|pat|dn|inh))?"
_FOLLOW = r"(?=[,\[/.]|$)"
_FOLLOW_INNER = r"(?=[,\[)])"  # inside ISCN's doubling notation 50(25,X,+X,+21)x2
_COUNT = re.compile(r"([0-9]+)(?:[~-]([0-9]+))?(<[1-9]?n>)?([,(])")
_INNER_COUNT = re.compile(r"([0-9]+)(?:[~-]([0-9]+))?,")
_DOUBLING = re.compile(r"\)x([0-9]+)")


def _item_pattern(follow: str) -> re.Pattern[str]:
    return re.compile(
        r"([+-]?)(?:"
        r"(\?)?([0-9]+|X|Y)"
        r"|([0-9]+)?(?:~([0-9]+))?(mar|dmin)([0-9]+)?"
        r"|(inc)"
        rf"|(\?)?({_TYPES})\(([^()]*)\)(?:\(([^()]*)\))?((?:\??(?:{_STRUCT})\([^()]*\)(?:\([^()]*\))?)*)"
        r"|(r)(?!\()"
        r")(?:x([0-9]+))?" + _CON + r"(?:\[([0-9]+)\](?=[,\[]))?" + follow
    )


_SEX = {f: re.compile(r"([XY]+)" + _CON + f) for f in (_FOLLOW, _FOLLOW_INNER)}
_REF = {f: re.compile(r"(idem|sdl[0-9]*|sl[0-9]*)(?:x([0-9]+))?" + f) for f in (_FOLLOW, _FOLLOW_INNER)}
_ITEM = {f: _item_pattern(f) for f in (_FOLLOW, _FOLLOW_INNER)}
_DERIVATION = re.compile(rf"(\?)?({_STRUCT})\(([^()]*)\)(?:\(([^()]*)\))?")
_CHROMOSOME = re.compile(r"\??([0-9]+|X|Y)[pq]?|\?")
_BAND = r"[pq](?:ter|[0-9][0-9?]*(?:\.[0-9?]+)?|\?[0-9?]*)?|cen"
_SUB_BAND = r"[0-9][0-9?]*(?:\.[0-9?]+)?"
_BREAKPOINT = f"({_BAND})(?:[~-]({_BAND}|{_SUB_BAND}))?"
_BREAKPOINT_RE = re.compile(_BREAKPOINT)
_GROUP = re.compile(f"(?:{_BREAKPOINT})+|\\?")
_DETAILED = re.compile(r"[0-9XYpqtercn.?~:]*->[0-9XYpqtercn.?~:>\-]*")
_CELLS = re.compile(r"\[(cp)?([0-9]+)\]")
_ASIDE = re.compile(r"\.(?:nuc ?ish|ish|arr|rsa|mlpa)\b", re.IGNORECASE)


class _FallbackError(Exception):
    """Internal: the scanner leaves this string to the Lark parser."""


_NAME = "(?:[1-9]|1[0-9]|2[0-2]|X|Y)"
_SIMPLE_CHROMOSOMES = re.compile(f"{_NAME}(?:;{_NAME})*")
_SIMPLE_BAND = r"[pq][0-9]+(?:\.[0-9]+)?"
_SIMPLE_GROUPS = re.compile(f"{_SIMPLE_BAND}(?:;{_SIMPLE_BAND})*")


def _chromosomes(inner: str) -> tuple[str, ...]:
    out = tuple(inner.split(";"))
    if _SIMPLE_CHROMOSOMES.fullmatch(inner) is not None:  # the common case: plain chromosome names
        return out
    for item in out:
        m = _CHROMOSOME.fullmatch(item)
        if m is None:
            raise _FallbackError
        name = m.group(1)
        if name is not None and name.isdigit() and not 1 <= int(name) <= 22:
            raise _FallbackError
    return out


def _rearrangement(type_: str, chroms: str, bps: str | None, unc: bool = False) -> Rearrangement:
    chromosomes = _chromosomes(chroms)
    groups = None
    detailed = False
    if bps is not None and _SIMPLE_GROUPS.fullmatch(bps) is not None:  # one plain band per chromosome
        parts = bps.split(";")
        if len(parts) != len(chromosomes):
            raise _FallbackError
        return Rearrangement(type_, chromosomes, tuple([(p,) for p in parts]), unc, False)
    if bps is not None:
        parts = bps.split(";")
        gl: list[tuple[str, ...]] = []
        for part in parts:
            if "->" not in part and _GROUP.fullmatch(part) is None:
                raise _FallbackError
            if part == "?":
                gl.append(("?",))
            elif "->" in part:
                if _DETAILED.fullmatch(part) is None:
                    raise _FallbackError
                gl.append((part,))
                detailed = True
            else:
                gl.append(tuple(a if not b else f"{a}~{b}" for a, b in _BREAKPOINT_RE.findall(part)))
        groups = tuple(gl)
        if not detailed and len(parts) != len(chromosomes):
            raise _FallbackError
    return Rearrangement(type_, chromosomes, groups, unc, detailed)


def _item(m: re.Match[str], norm: Normalised) -> Abnormality:
    sign, nunc, num, mlo, mhi, mk, mnum, inc, unc, type_, chs, bps, ders, ring, mult, con, cells_ = m.groups()
    end = m.end() if cells_ is None else m.start(17) - 1
    text = m.string[m.start() : end]
    if norm.offsets is None:
        span = (m.start() + norm.shift, end + norm.shift)
    else:
        span = (norm.orig(m.start()), norm.orig_end(end))
    copies = int(mult) if mult is not None else 1
    cells = int(cells_) if cells_ is not None else None
    if copies < 1 or cells == 0:
        raise _FallbackError
    if num is not None:
        if not sign or (num.isdigit() and not 1 <= int(num) <= 22):
            raise _FallbackError
        return Abnormality(
            "numerical",
            text,
            span,
            sign=sign,
            chromosome=num,
            copies=copies,
            uncertain=nunc is not None,
            constitutional=con,
            cells=cells,
        )
    if mk is not None:
        lo = int(mlo) if mlo is not None else 1
        hi = int(mhi) if mhi is not None else lo
        if (mlo is None and mhi is not None) or not 1 <= lo <= hi <= 400:
            raise _FallbackError
        if mk == "dmin":
            if sign or mnum is not None or mult is not None or con is not None:
                raise _FallbackError
            return Abnormality("dmin", text, span, count_range=(lo, hi), cells=cells)
        if not sign and (mult is not None or con is not None):
            raise _FallbackError
        return Abnormality(
            "marker",
            text,
            span,
            sign=sign,
            copies=copies,
            constitutional=con,
            count_range=(lo, hi),
            marker_number=int(mnum) if mnum is not None else None,
            cells=cells,
        )
    if inc is not None:
        if sign or mult is not None or con is not None:
            raise _FallbackError
        return Abnormality("inc", text, span, cells=cells)
    if ring is not None:
        return Abnormality(
            "structural",
            text,
            span,
            sign=sign,
            rearrangement=Rearrangement("r", (), None, False, False),
            copies=copies,
            constitutional=con,
            cells=cells,
        )
    core = _rearrangement(type_, chs, bps)
    derivs: tuple[Rearrangement, ...] = ()
    if ders:
        if type_ not in _DERIVED:
            raise _FallbackError
        derivs = tuple(
            _rearrangement(d.group(2), d.group(3), d.group(4), d.group(1) is not None)
            for d in _DERIVATION.finditer(ders)
        )
    return Abnormality(
        "structural",
        text,
        span,
        sign=sign,
        rearrangement=core,
        derivations=derivs,
        copies=copies,
        uncertain=unc is not None,
        constitutional=con,
        cells=cells,
    )


def _more_items(t: str, pos: int, norm: Normalised, items: list[Abnormality], follow: str = _FOLLOW) -> int:
    item_re = _ITEM[follow]
    n = len(t)
    while pos < n and t[pos] == ",":
        im = item_re.match(t, pos + 1)
        if im is None:
            raise _FallbackError
        items.append(_item(im, norm))
        pos = im.end()
    return pos


_Content = tuple[str | None, str | None, str | None, int, list[Abnormality], int]


def _content(t: str, pos: int, norm: Normalised, follow: str) -> _Content:
    """Sex chromosomes and/or a reference, then the abnormalities, as ``line_content`` in the grammar."""
    sex = sex_con = ref = None
    ref_copies = 1
    items: list[Abnormality] = []
    sm = _SEX[follow].match(t, pos)
    if sm is not None:
        sex, sex_con = sm.group(1), sm.group(2)
        pos = sm.end()
        rm = _REF[follow].match(t, pos + 1) if t.startswith(",", pos) else None
    else:
        rm = _REF[follow].match(t, pos)
        if rm is None:
            im = _ITEM[follow].match(t, pos)
            if im is None:
                raise _FallbackError
            items.append(_item(im, norm))
            pos = im.end()
    if rm is not None:
        ref = rm.group(1)
        ref_copies = int(rm.group(2)) if rm.group(2) is not None else 1
        if ref_copies < 1:
            raise _FallbackError
        pos = rm.end()
    return sex, sex_con, ref, ref_copies, items, _more_items(t, pos, norm, items, follow)


def _scan(norm: Normalised) -> ParsedKaryotype:
    t = norm.text
    n = len(t)
    pos = 0
    chim = None
    if t.startswith(("mos", "chi")):
        chim, pos = t[:3], 3
    lines: list[CellLine] = []
    aside = None
    sep = ""
    while True:
        start = pos
        m = _COUNT.match(t, pos)
        if m is None:
            raise _FallbackError
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) is not None else lo
        if not 1 <= lo <= hi <= 400:
            raise _FallbackError
        ploidy_text = m.group(3)
        ploidy = None if ploidy_text is None else int(ploidy_text[1:-2] or "1")
        pos = m.end()
        doubled_count = None
        doubling = 1
        doubled_items = 0
        if m.group(4) == "(":
            im = _INNER_COUNT.match(t, pos)
            if im is None:
                raise _FallbackError
            ilo = int(im.group(1))
            ihi = int(im.group(2)) if im.group(2) is not None else ilo
            if not 1 <= ilo <= ihi <= 400:
                raise _FallbackError
            doubled_count = (ilo, ihi)
            sex, sex_con, ref, ref_copies, items, pos = _content(t, im.end(), norm, _FOLLOW_INNER)
            dm = _DOUBLING.match(t, pos)
            if dm is None or int(dm.group(1)) < 1:
                raise _FallbackError
            doubling = int(dm.group(1))
            doubled_items = len(items)
            pos = dm.end()
            pos = _more_items(t, pos, norm, items)
        else:
            sex, sex_con, ref, ref_copies, items, pos = _content(t, pos, norm, _FOLLOW)
        cells = None
        composite = False
        if pos < n and t[pos] == "[":
            cm = _CELLS.match(t, pos)
            if cm is None or cm.group(2) == "0" or int(cm.group(2)) < 1:
                raise _FallbackError
            composite = cm.group(1) is not None
            cells = int(cm.group(2))
            pos = cm.end()
        lines.append(
            CellLine(
                text=t[start:pos],
                span=(norm.orig(start), norm.orig_end(pos)),
                count=(lo, hi),
                ploidy=ploidy,
                sex=sex,
                sex_constitutional=sex_con,
                reference=ref,
                reference_copies=ref_copies,
                abnormalities=tuple(items),
                cells=cells,
                composite=composite,
                separator=sep,
                doubled_count=doubled_count,
                doubling=doubling,
                doubled_items=doubled_items,
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
            aside = SetAside(body[1:], set_aside_kind(body), (norm.orig(pos), norm.orig_end(n)))
            break
        raise _FallbackError
    return ParsedKaryotype(chim, tuple(lines), aside)


def scan(norm: Normalised) -> ParsedKaryotype | None:
    """The parsed karyotype, or ``None`` when the Lark parser must decide."""
    try:
        return _scan(norm)
    except _FallbackError:
        return None
