"""Lineage criteria (WHO 2016 with the WHO-HAEM5/ICC 2022 refinements, clinical_rules.md C1-C2).

Each lineage test is three-valued: True (criteria met), False (not met), None (its defining marker -
CD19 for B, CD3 for T, MPO for myeloid - was not tested). Supportive markers that were not tested
count as not shown: the CD19-negative B route and the monocytic route need positive findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from allnav.immunophenotype.panel import Panel

B_SUPPORT: tuple[tuple[str, ...], ...] = (("cCD79a",), ("cCD22", "CD22"), ("CD10",))
T_MARKERS = ("cCD3", "sCD3", "CD3")
MONOCYTIC = ("NSE", "CD11c", "CD14", "CD64", "lysozyme")
LINEAGE_MARKERS = ("CD19", "cCD79a", "cCD22", "CD22", "CD10", *T_MARKERS, "MPO", *MONOCYTIC)
_LINEAGE_SET = frozenset(LINEAGE_MARKERS)


@dataclass(slots=True)
class Criterion:
    """One lineage test: the answer and the inputs it used."""

    met: bool | None
    because: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def b_criterion(p: Panel) -> Criterion:
    """B lineage: strong CD19 + 1, weak CD19 + 2, CD19 absent + 3 of {CD79a, CD22, CD10} strong."""
    lines = [p.describe("CD19")]
    n = 0
    tested = 0
    values = p.values
    strong = p.strong_calls
    describe = p.describe
    for names in B_SUPPORT:
        # call: True when one of the names is strong, None when none was tested, else False
        call: bool | None = None
        shown = False
        for x in names:
            if x in values:
                lines.append(describe(x))
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
    cd19 = p.positive("CD19")
    lines.append(f"strongly expressed of CD79a/CD22/CD10: {n}")
    if cd19 is None:
        if n >= 3:
            return Criterion(True, [*lines, "3 of 3 suffice whatever CD19"])
        if tested == 0 or n >= 1:
            return Criterion(None, [*lines, "CD19 not reported"], ["CD19"])
        return Criterion(False, [*lines, "no CD79a/CD22/CD10 expression"])
    if cd19:
        need = 2 if p.dim("CD19") else 1
        kind = "weak CD19" if need == 2 else "CD19 positive (strong or intensity not stated)"
    else:
        need, kind = 3, "CD19 negative"
    met = n >= need
    return Criterion(met, [*lines, f"{kind}: needs {need}, has {n} -> {'met' if met else 'not met'}"])


def t_criterion(p: Panel, *, strict: bool) -> Criterion:
    """T lineage: cytoplasmic or surface CD3; for MPAL (strict) cCD3 must be strong (C1, C2, B3)."""
    positive = p.calls
    calls = [positive.get(n) for n in T_MARKERS]  # cCD3, sCD3, CD3: each True / False / None
    if calls.count(None) == len(calls):
        return Criterion(None, ["cCD3/sCD3 not reported"], ["cCD3"])
    shown = [p.describe(n) for n in T_MARKERS if n in p.values]
    if True not in calls:
        return Criterion(False, shown)
    if not strict or calls[1] or p.strong("cCD3") or p.strong("CD3"):
        how = "strong cCD3 or sCD3 (MPAL criterion)" if strict else "CD3 expressed (no intensity needed)"
        return Criterion(True, [*shown, how])
    return Criterion(False, [*shown, "only dim/weak cCD3: too weak to assign T lineage in MPAL"])


def myeloid_criterion(p: Panel) -> Criterion:
    """Myeloid: MPO positive, or monocytic differentiation (>= 2 of NSE, CD11c, CD14, CD64, lysozyme)."""
    lines = [p.describe("MPO")]
    positive = p.calls
    mono = [n for n in MONOCYTIC if positive.get(n)]
    if mono:
        lines.append(f"monocytic markers positive: {', '.join(mono)} ({len(mono)}; >= 2 needed)")
    mpo = p.positive("MPO")
    if mpo or len(mono) >= 2:
        return Criterion(True, lines)
    if mpo is None:
        return Criterion(None, [*lines, "MPO not reported"], ["MPO"])
    return Criterion(False, lines)


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
    return any(calls[n] is not None for n in _LINEAGE_SET.intersection(calls))


def egil_scores(p: Panel, points: Iterable[tuple[str, Iterable[tuple[str, float]]]]) -> dict[str, float]:
    """EGIL 1995 points per lineage (historical; positivity by the lab call or the EGIL % convention).

    ``points``: ``(lineage, ((marker, points), ...))`` pairs, as ``markers.yaml`` lists them.
    """
    hits = {name for name, call in p.calls.items() if call}
    if not hits.isdisjoint(T_MARKERS):
        hits.add("CD3")  # EGIL's CD3: cytoplasmic or surface
    out: dict[str, float] = {}
    for lin, table in points:
        total = 0.0
        for name, pts in table:
            if name in hits:
                total += pts
        out[lin] = total
    return out
