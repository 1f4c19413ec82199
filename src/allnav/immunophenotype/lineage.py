"""Lineage criteria (WHO 2016 with the WHO-HAEM5/ICC 2022 refinements, clinical_rules.md C1-C2).

Each lineage test is three-valued: True (criteria met), False (not met), None (its defining marker -
CD19 for B, CD3 for T, MPO for myeloid - was not tested). Supportive markers that were not tested
count as not shown: the CD19-negative B route and the monocytic route need positive findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from allnav.errors import KnowledgeBaseError
from allnav.immunophenotype.panel import Panel

B_SUPPORT: tuple[tuple[str, ...], ...] = (("cCD79a",), ("cCD22", "CD22"), ("CD10",))
T_MARKERS = ("cCD3", "sCD3", "CD3")
MONOCYTIC = ("NSE", "CD11c", "CD14", "CD64", "lysozyme")
LINEAGE_MARKERS = ("CD19", "cCD79a", "cCD22", "CD22", "CD10", *T_MARKERS, "MPO", *MONOCYTIC)
_T_SET = frozenset(T_MARKERS)


@dataclass(slots=True)
class Criterion:
    """One lineage test: the answer and the inputs it used."""

    met: bool | None
    because: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def b_criterion(p: Panel) -> Criterion:
    """B lineage: strong CD19 + 1, weak CD19 + 2, CD19 absent + 3 of {CD79a, CD22, CD10} strong."""
    describe = p.describe
    texts = p.texts
    lines = [texts.get("CD19") or describe("CD19")]
    n = 0
    tested = 0
    values = p.values
    strong = p.strong_calls
    for names in B_SUPPORT:
        # call: True when one of the names is strong, None when none was tested, else False
        call: bool | None = None
        shown = False
        for x in names:
            if x in values:
                lines.append(texts.get(x) or describe(x))
                shown = True
                s = strong[x]
                if s:
                    call = True
                elif s is not None and call is None:
                    call = False
        if not shown:
            lines.append(f"{names[0]} not reported")
        if call is not None:
            tested += 1
            if call:
                n += 1
    cd19 = p.calls.get("CD19")
    lines.append(f"strongly expressed of CD79a/CD22/CD10: {n}")
    if cd19 is None:
        if n >= 3:
            lines.append("3 of 3 suffice whatever CD19")
            return Criterion(True, lines, [])
        if tested == 0 or n >= 1:
            lines.append("CD19 not reported")
            return Criterion(None, lines, ["CD19"])
        lines.append("no CD79a/CD22/CD10 expression")
        return Criterion(False, lines, [])
    if cd19:
        need = 1 if strong["CD19"] else 2  # weak (dim) CD19 needs two
        kind = "weak CD19" if need == 2 else "CD19 positive (strong or intensity not stated)"
    else:
        need, kind = 3, "CD19 negative"
    met = n >= need
    lines.append(f"{kind}: needs {need}, has {n} -> {'met' if met else 'not met'}")
    return Criterion(met, lines, [])


def t_criterion(p: Panel, *, strict: bool) -> Criterion:
    """T lineage: cytoplasmic or surface CD3; for MPAL (strict) cCD3 must be strong (C1, C2, B3)."""
    calls = p.calls
    # the calls of T_MARKERS (cCD3, sCD3, CD3), each True / False / None
    ccd3, scd3, cd3 = calls.get("cCD3"), calls.get("sCD3"), calls.get("CD3")
    if ccd3 is None and scd3 is None and cd3 is None:
        return Criterion(None, ["cCD3/sCD3 not reported"], ["cCD3"])
    values = p.values
    texts = p.texts
    shown = []
    for n in T_MARKERS:
        if n in values:
            shown.append(texts.get(n) or p.describe(n))
    if ccd3 is not True and scd3 is not True and cd3 is not True:
        return Criterion(False, shown, [])
    strong = p.strong_calls
    if not strict or scd3 or strong.get("cCD3") or strong.get("CD3"):
        shown.append(
            "strong cCD3 or sCD3 (MPAL criterion)" if strict else "CD3 expressed (no intensity needed)"
        )
        return Criterion(True, shown, [])
    shown.append("only dim/weak cCD3: too weak to assign T lineage in MPAL")
    return Criterion(False, shown, [])


def myeloid_criterion(p: Panel) -> Criterion:
    """Myeloid: MPO positive, or monocytic differentiation (>= 2 of NSE, CD11c, CD14, CD64, lysozyme)."""
    lines = [p.texts.get("MPO") or p.describe("MPO")]
    calls = p.calls
    mono = []
    for n in MONOCYTIC:
        if calls.get(n):
            mono.append(n)
    if mono:
        lines.append(f"monocytic markers positive: {', '.join(mono)} ({len(mono)}; >= 2 needed)")
    mpo = calls.get("MPO")
    if mpo or len(mono) >= 2:
        return Criterion(True, lines, [])
    if mpo is None:
        lines.append("MPO not reported")
        return Criterion(None, lines, ["MPO"])
    return Criterion(False, lines, [])


def aul_criterion(p: Panel) -> Criterion:
    """AUL: <= 1 membrane marker of any lineage; no cCD3, MPO, cCD22, cCD79a or strong CD19 (C2)."""
    lines: list[str] = []
    decisive = ("cCD3", "MPO", "cCD22", "cCD79a")
    missing = [n for n in ("cCD3", "MPO", "CD19") if p.positive(n) is None]
    if p.positive("cCD79a") is None and p.positive("cCD22") is None:
        missing.append("cCD79a")
    for n in decisive:
        if p.positive(n):
            return Criterion(False, [f"{p.describe(n)}: excludes AUL"])
    if p.strong("CD19"):
        return Criterion(False, [f"{p.describe('CD19')}: strong CD19 excludes AUL"])
    for lin in ("B", "T", "myeloid"):
        membrane = [
            n
            for n, row in p.info.items()
            if lin in row.lineages and row.compartment == "surface" and p.positive(n)
        ]
        lines.append(f"{lin} membrane markers positive: {', '.join(membrane) or 'none'}")
        if len(membrane) > 1:
            return Criterion(False, [*lines, f"more than one {lin} membrane marker: not AUL"])
    if missing:
        return Criterion(None, [*lines, f"not reported: {', '.join(missing)}"], missing)
    return Criterion(True, [*lines, "no lineage-defining marker, <= 1 membrane marker per lineage"])


def markers_available(p: Panel) -> bool:
    """Whether any lineage-defining marker was reported (else the lab's reported lineage is used)."""
    calls = p.calls  # a call is None exactly when neither a reading nor a percentage was given
    for n in LINEAGE_MARKERS:  # noqa: SIM110 - a loop, no generator: CD19 first, usually one look-up
        if calls.get(n) is not None:
            return True
    return False


class EgilIndex(NamedTuple):
    """The EGIL point table arranged for scoring a panel (built once from ``markers.yaml``)."""

    #: the lineages in file order (the order of the scores)
    lineages: tuple[str, ...]
    #: marker -> ``((lineage, points), ...)``, every listed marker except CD3
    by_marker: dict[str, tuple[tuple[str, float], ...]]
    #: CD3's ``((lineage, points), ...)``: EGIL's CD3 is cytoplasmic or surface (any of :data:`T_MARKERS`)
    cd3: tuple[tuple[str, float], ...]
    #: lineage -> every score it can reach -> its ``"B = 2.5"`` text (score formatted with ``:g``)
    texts: dict[str, dict[float, str]]


def egil_index(points: Iterable[tuple[str, Iterable[tuple[str, float]]]]) -> EgilIndex:
    """Index ``(lineage, ((marker, points), ...))`` pairs, as ``markers.yaml`` lists them, by marker.

    Scores are then summed in panel order rather than file order: the points must be multiples of 0.25
    (EGIL uses 0.5, 1 and 2) so that every order gives exactly the same float sums.
    """
    lineages: list[str] = []
    by_marker: dict[str, list[tuple[str, float]]] = {}
    for lin, table in points:
        lineages.append(lin)
        for name, pts in table:
            if (pts * 4) % 1:
                raise KnowledgeBaseError(f"markers.yaml: EGIL points {name} = {pts} not a multiple of 0.25")
            by_marker.setdefault(name, []).append((lin, pts))
    # scores are sums of multiples of 0.25: each lineage's possible scores are 0, 0.25, ... its total
    totals = dict.fromkeys(lineages, 0.0)
    for rows in by_marker.values():
        for lin, pts in rows:
            totals[lin] += pts
    texts = {
        lin: {k / 4: f"{lin} = {k / 4:g}" for k in range(int(total * 4) + 1)} for lin, total in totals.items()
    }
    cd3 = tuple(by_marker.pop("CD3", ()))
    return EgilIndex(tuple(lineages), {k: tuple(v) for k, v in by_marker.items()}, cd3, texts)


def egil_scores(p: Panel, index: EgilIndex) -> dict[str, float]:
    """EGIL 1995 points per lineage (historical; positivity by the lab call or the EGIL % convention).

    ``index``: the point table from :func:`egil_index`.
    """
    out = dict.fromkeys(index.lineages, 0.0)
    by_marker = index.by_marker
    cd3 = False
    for name, call in p.calls.items():
        if call:
            if name in _T_SET:
                cd3 = True
            for lin, pts in by_marker.get(name, ()):
                out[lin] += pts
    if cd3:  # counted once, whichever of cCD3 / sCD3 / CD3 is positive
        for lin, pts in index.cd3:
            out[lin] += pts
    return out
