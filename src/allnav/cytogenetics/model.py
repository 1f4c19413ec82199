"""Immutable domain objects for a parsed ISCN karyotype.

Both parsers (the Lark grammar in ``iscn.lark`` through :mod:`allnav.cytogenetics.transform`, and the fast
scanner in :mod:`allnav.cytogenetics.scanner`) build exactly these objects, so their results can be
compared with ``==``. Every ``span`` is a ``(start, end)`` pair of offsets into the ORIGINAL input string.

The objects are :class:`typing.NamedTuple` classes: immutable like frozen dataclasses, but built several
times faster (one tuple allocation instead of one ``object.__setattr__`` call per field), which matters
because a karyotype is parsed into a few dozen of them. Build them with positional arguments in the hot
paths and use ``_replace`` for a changed copy.
"""

from __future__ import annotations

from typing import Any, NamedTuple

Span = tuple[int, int]


class Rearrangement(NamedTuple):
    """One structural rearrangement such as ``t(9;22)(q34;q11.2)``: type, chromosomes, breakpoint groups.

    ``chromosomes`` are written forms (``"9"``, ``"?7"``, ``"17q"``); ``breakpoints`` has one tuple of
    band texts per ``;``-separated group (``(("q34",), ("q11.2",))``); ``detailed`` is true when a group
    is written in the detailed ``pter->q34::...`` form, kept as text. ``constitutional`` is the ``c``
    (or ``?c``, ``mat`` ...) written, followed by a space, right after a derivative's own breakpoints
    (ISCN 2024 6.4 g v: ``der(13;14)(q10;q10)c t(11;14)``): it qualifies that part only.
    """

    type: str
    chromosomes: tuple[str, ...]
    breakpoints: tuple[tuple[str, ...], ...] | None
    uncertain: bool = False
    detailed: bool = False
    constitutional: str | None = None


class Abnormality(NamedTuple):
    """One item of a cell line after the sex chromosomes.

    ``kind`` is ``numerical`` (a whole chromosome gained or lost), ``structural``, ``marker``,
    ``dmin`` or ``inc``. ``sign`` is ``"+"``, ``"-"`` or ``""``; ``copies`` comes from ``xN``;
    ``count_range`` is the written number of markers, double minutes or unidentified rings
    (``+2mar`` -> ``(2, 2)``, ``+1-6r`` -> ``(1, 6)``, kind ``structural``, type ``r``);
    ``cells`` is a per-abnormality cell count inside a composite karyotype (``+8[2]``).
    """

    kind: str
    text: str
    span: Span
    sign: str = ""
    chromosome: str | None = None
    rearrangement: Rearrangement | None = None
    derivations: tuple[Rearrangement, ...] = ()
    copies: int = 1
    uncertain: bool = False
    constitutional: str | None = None
    count_range: tuple[int, int] | None = None
    marker_number: int | None = None
    cells: int | None = None

    @property
    def type(self) -> str:
        """Contract ``type``: ``gain``/``loss`` for whole chromosomes, else the ISCN abbreviation."""
        if self.kind == "numerical":
            return "gain" if self.sign == "+" else "loss"
        if self.rearrangement is not None:
            return self.rearrangement.type
        return self.kind if self.kind != "marker" else "mar"


class CellLine(NamedTuple):
    """One clone (cell line): chromosome count, ploidy level, sex chromosomes or reference, items, cells.

    ``chromosome_count`` is ``(low, high)`` (equal unless a range such as ``45~47`` is written). A clone
    written in ISCN's doubling notation (``50(25,X,+X,+21)x2``) keeps the inner count in ``doubled_count``
    and the factor in ``doubling``; its abnormalities are the ``doubled_items`` inner ones then the extra
    ones.
    """

    text: str
    span: Span
    chromosome_count: tuple[int, int]
    count_uncertain: bool = False
    ploidy: int | None = None
    sex: str | None = None
    sex_constitutional: str | None = None
    reference: str | None = None
    reference_copies: int = 1
    abnormalities: tuple[Abnormality, ...] = ()
    cells: int | None = None
    composite: bool = False
    separator: str = ""
    doubled_count: tuple[int, int] | None = None
    doubling: int = 1
    doubled_items: int = 0

    @property
    def count_is_range(self) -> bool:
        """True for a written range such as ``45~47``."""
        return self.chromosome_count[0] != self.chromosome_count[1]


class SetAside(NamedTuple):
    """A trailing in situ hybridisation (``nuc ish``/``ish``) or microarray (``arr``) result."""

    text: str
    kind: str
    span: Span

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"text": self.text, "kind": self.kind, "span": list(self.span)}


class ParsedKaryotype(NamedTuple):
    """The grammar-level result shared by both parsers (before features)."""

    chimerism: str | None
    cell_lines: tuple[CellLine, ...]
    set_aside: SetAside | None
