"""Lark tree -> immutable domain objects (:mod:`allnav.cytogenetics.model`). The grammar never builds objects."""

from __future__ import annotations

from typing import Any

from lark import Token, Transformer, v_args
from lark.tree import Meta

from allnav.cytogenetics.model import (
    Abnormality,
    CellLine,
    ParsedKaryotype,
    Rearrangement,
    SetAside,
    Span,
)
from allnav.cytogenetics.normalise import Normalised
from allnav.cytogenetics.semantics import (
    check_chromosome,
    check_count,
    check_groups,
    check_positive,
)

_Children = list[Any]


def set_aside_kind(text: str) -> str:
    """``nuc ish``, ``ish``, ``arr`` ... from the text after the ``.``."""
    body = text[1:].lstrip().lower()
    if body.startswith("nuc"):
        return "nuc ish"
    for kind in ("ish", "arr", "rsa", "mlpa"):
        if body.startswith(kind):
            return kind
    return body.split("(", 1)[0]  # pragma: no cover - the terminal admits only the kinds above


@v_args(meta=True)
class IscnTransformer(Transformer[Token, Any]):
    """Builds domain objects; positions are converted to offsets in the original input."""

    def __init__(self, norm: Normalised) -> None:
        super().__init__()
        self._norm = norm

    def _span(self, meta: Meta) -> Span:
        return (self._norm.orig(meta.start_pos), self._norm.orig_end(meta.end_pos))

    def _text(self, meta: Meta) -> str:
        """The ORIGINAL input under the node's span (so that ``input[span] == text`` always holds)."""
        start, end = self._span(meta)
        return self._norm.original[start:end]

    # ---- bands and breakpoints --------------------------------------------------------------
    def band(self, meta: Meta, c: _Children) -> str:
        return str(c[0])

    def chromosome_name(self, meta: Meta, c: _Children) -> str:
        check_chromosome(str(c[0]), meta.start_pos)
        return str(c[0])

    def breakpoint_chromosome(self, meta: Meta, c: _Children) -> str:
        check_chromosome(str(c[0]), meta.start_pos)
        return str(c[0])

    def arm(self, meta: Meta, c: _Children) -> str:
        return str(c[0])

    def breakpoint(self, meta: Meta, c: _Children) -> str:
        if len(c) == 1:
            return "?"
        prefix, first, second = c
        return f"{prefix or ''}{first}" + (f"~{second}" if second is not None else "")

    def detailed_path(self, meta: Meta, c: _Children) -> str:
        return str(c[0])

    def breakpoint_group(self, meta: Meta, c: _Children) -> tuple[bool, tuple[str, ...]]:
        if len(c) == 1 and "->" in c[0]:
            return (True, (c[0],))
        return (False, tuple(c))

    def breakpoints(self, meta: Meta, c: _Children) -> tuple[bool, tuple[tuple[str, ...], ...]]:
        return (any(d for d, _ in c), tuple(g for _, g in c))

    # ---- chromosomes --------------------------------------------------------------------------
    def chromosome(self, meta: Meta, c: _Children) -> str:
        if len(c) == 1:
            return "?"
        unc, name, arm = c
        return f"{'?' if unc else ''}{name}{arm or ''}"

    def chromosomes(self, meta: Meta, c: _Children) -> tuple[str, ...]:
        return tuple(c)

    # ---- rearrangements -----------------------------------------------------------------------
    def _rearrangement(
        self, meta: Meta, type_: str, chroms: Any, bps: Any, unc: bool = False
    ) -> Rearrangement:
        chromosomes: tuple[str, ...] = chroms or ()
        detailed, groups = bps if bps is not None else (False, None)
        if groups is not None:
            check_groups(type_, len(chromosomes), len(groups), detailed, meta.start_pos)
        return Rearrangement(type_, chromosomes, groups, unc, detailed)

    def structural(self, meta: Meta, c: _Children) -> Rearrangement:
        type_, chroms, bps = [*c, None, None][:3]
        return self._rearrangement(meta, str(type_), chroms, bps)

    def derivation(self, meta: Meta, c: _Children) -> Rearrangement:
        unc, rea = c
        if unc:
            return Rearrangement(rea.type, rea.chromosomes, rea.breakpoints, True, rea.detailed)
        return rea  # type: ignore[no-any-return]

    def part_constitutional(self, meta: Meta, c: _Children) -> str:
        return str(c[0])[:-1]  # without the space that ends the terminal

    def derivative(self, meta: Meta, c: _Children) -> tuple[Rearrangement, tuple[Rearrangement, ...]]:
        type_, chroms, bps, part_con, first, *derivs = c
        core = self._rearrangement(meta, str(type_), chroms, bps)
        if part_con is not None:
            return (core._replace(constitutional=part_con), (first, *derivs))
        return (core, tuple(derivs))

    def rearranged_chromosome(self, meta: Meta, c: _Children) -> tuple[bool, Rearrangement, tuple[Any, ...]]:
        unc, core = c
        if isinstance(core, Rearrangement):
            return (bool(unc), core, ())
        return (bool(unc), core[0], core[1])

    # ---- items ---------------------------------------------------------------------------------
    def multiplier(self, meta: Meta, c: _Children) -> int:
        n = int(str(c[0])[1:])
        check_positive(n, "a multiplier", meta.start_pos)
        return n

    def constitutional(self, meta: Meta, c: _Children) -> str:
        return str(c[0])

    def marker_number(self, meta: Meta, c: _Children) -> tuple[int, int]:
        lo = int(c[0])
        hi = int(c[2]) if len(c) > 1 and c[2] is not None else lo
        check_positive(lo, "a number of markers", meta.start_pos)
        check_count(lo, hi, meta.start_pos)
        return (lo, hi)

    def marker(self, meta: Meta, c: _Children) -> Abnormality:
        rng, _mar, num = c
        return Abnormality(
            "marker",
            self._text(meta),
            self._span(meta),
            count_range=rng or (1, 1),
            marker_number=int(num) if num is not None else None,
        )

    def rings(self, meta: Meta, c: _Children) -> tuple[str, tuple[int, int]]:
        return ("rings", c[0])

    def double_minutes(self, meta: Meta, c: _Children) -> Abnormality:
        rng = c[0]
        return Abnormality("dmin", self._text(meta), self._span(meta), count_range=rng or (1, 1))

    def incomplete(self, meta: Meta, c: _Children) -> Abnormality:
        return Abnormality("inc", self._text(meta), self._span(meta))

    def _item(self, meta: Meta, sign: str, target: Any, mult: Any, con: Any) -> Abnormality:
        text, span = self._text(meta), self._span(meta)
        copies = mult or 1
        if isinstance(target, Abnormality):  # a marker
            return Abnormality(
                "marker",
                text,
                span,
                sign=sign,
                copies=copies,
                constitutional=con,
                count_range=target.count_range,
                marker_number=target.marker_number,
            )
        if isinstance(target, tuple) and target[0] == "rings":  # +2r: unidentified rings, counted
            return Abnormality(
                "structural",
                text,
                span,
                sign=sign,
                rearrangement=Rearrangement("r", (), None),
                copies=copies,
                constitutional=con,
                count_range=target[1],
            )
        if isinstance(target, str):
            unc = target.startswith("?")
            name = target.lstrip("?")
            return Abnormality(
                "numerical",
                text,
                span,
                sign=sign,
                chromosome=name or "?",
                copies=copies,
                uncertain=unc,
                constitutional=con,
            )
        unc, core, derivs = target
        return Abnormality(
            "structural",
            text,
            span,
            sign=sign,
            rearrangement=core,
            derivations=derivs,
            copies=copies,
            uncertain=unc,
            constitutional=con,
        )

    def gain(self, meta: Meta, c: _Children) -> Abnormality:
        return self._item(meta, "+", *c)

    def loss(self, meta: Meta, c: _Children) -> Abnormality:
        return self._item(meta, "-", *c)

    def rearrangement(self, meta: Meta, c: _Children) -> Abnormality:
        return self._item(meta, "", *c)

    def abnormality(self, meta: Meta, c: _Children) -> Abnormality:
        return c[0]  # type: ignore[no-any-return]

    # ---- cell lines ----------------------------------------------------------------------------
    def chromosome_count(self, meta: Meta, c: _Children) -> tuple[int, int, bool]:
        lo = int(c[0])
        unc = c[1] is not None
        hi = lo
        if len(c) > 2 and c[3] is not None:
            hi = int(c[3])
            unc = unc or c[4] is not None
        check_count(lo, hi, meta.start_pos)
        return (lo, hi, unc)

    def ploidy(self, meta: Meta, c: _Children) -> int:
        digits = str(c[0])[1:-2]
        return int(digits) if digits else 1

    def sex_chromosomes(self, meta: Meta, c: _Children) -> tuple[str, str, str | None]:
        return ("sex", str(c[0]), c[1])

    def stemline_reference(self, meta: Meta, c: _Children) -> tuple[str, str, int]:
        return ("ref", str(c[0]), c[1] or 1)

    def abnormality_cells(self, meta: Meta, c: _Children) -> int:
        n = int(str(c[0])[1:-1])
        check_positive(n, "a cell count", meta.start_pos)
        return n

    def cell_count(self, meta: Meta, c: _Children) -> tuple[bool, int]:
        n = int(c[1])
        check_positive(n, "a cell count", meta.start_pos)
        return (c[0] is not None, n)

    @staticmethod
    def _items(children: _Children) -> tuple[Abnormality, ...]:
        items: list[Abnormality] = []
        for child in children:
            if isinstance(child, Abnormality):
                items.append(child)
            elif isinstance(child, int) and items:
                items[-1] = items[-1]._replace(cells=child)
        return tuple(items)

    def line_content(self, meta: Meta, c: _Children) -> dict[str, Any]:
        out: dict[str, Any] = {"sex": None, "sex_con": None, "ref": None, "ref_copies": 1}
        for child in c:
            if isinstance(child, tuple) and child[0] == "sex":
                out["sex"], out["sex_con"] = child[1], child[2]
            elif isinstance(child, tuple) and child[0] == "ref":
                out["ref"], out["ref_copies"] = child[1], child[2]
        out["items"] = self._items(c)
        return out

    def doubled_line(self, meta: Meta, c: _Children) -> dict[str, Any]:
        (lo, hi, _unc), content, mult, *extra = c
        inner = content["items"]
        return {**content, "items": inner + self._items(extra), "doubled": ((lo, hi), mult, len(inner))}

    def cell_line(self, meta: Meta, c: _Children) -> CellLine:
        (lo, hi, unc), ploidy, content, cells = c
        doubled = content.get("doubled")
        return CellLine(
            text=self._text(meta),
            span=self._span(meta),
            chromosome_count=(lo, hi),
            count_uncertain=unc,
            ploidy=ploidy,
            sex=content["sex"],
            sex_constitutional=content["sex_con"],
            reference=content["ref"],
            reference_copies=content["ref_copies"],
            abnormalities=content["items"],
            cells=cells[1] if cells else None,
            composite=cells[0] if cells else False,
            doubled_count=doubled[0] if doubled else None,
            doubling=doubled[1] if doubled else 1,
            doubled_items=doubled[2] if doubled else 0,
        )

    def line_separator(self, meta: Meta, c: _Children) -> str:
        return str(c[0])

    def chimerism(self, meta: Meta, c: _Children) -> str:
        return str(c[0])

    def set_aside(self, meta: Meta, c: _Children) -> SetAside:
        text = str(c[0])
        return SetAside(text[1:], set_aside_kind(text), self._span(meta))

    def karyotype(self, meta: Meta, c: _Children) -> ParsedKaryotype:
        chim, first, middle, aside = c[0], c[1], c[2:-1], c[-1]
        lines = [first]
        for sep, line in zip(middle[::2], middle[1::2], strict=True):
            lines.append(line._replace(separator=sep))
        return ParsedKaryotype(chim, tuple(lines), aside)
