"""ETP-ALL and near-ETP by the exact percentage rules (Coustan-Smith 2009; WHO 2016/2022; ICC; C4).

Percentages are used when the lab gave them; a bare ``neg`` counts as below any cut-off; a bare
``pos`` counts as above 5% but cannot tell 75% or 25% apart, so those criteria stay open (None) and
a pending item asks for the percentage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from allnav.immunophenotype.panel import Panel, fmt

STEM_MYELOID = ("CD117", "CD34", "HLA-DR", "CD13", "CD33", "CD11b", "CD65")
CD5_CUTOFF = 75.0
STEM_CUTOFF = 25.0
CD1A_CD8_CUTOFF = 5.0
MPO_CUTOFF = 3.0


@dataclass(slots=True)
class EtpCriteria:
    """The five C4 items, each True/False/None, with reasons and the markers still needed."""

    items: dict[str, bool | None]
    because: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def etp(self) -> bool | None:
        """All five items met."""
        return _all(self.items.values())

    def near_etp(self) -> bool | None:
        """Items 1, 2, 4, 5 met but CD5 on >= 75% of blasts."""
        others = _all(v for k, v in self.items.items() if k != "cd5_below_75")
        cd5 = self.items["cd5_below_75"]
        if others is False or cd5 is True:
            return False
        if others is None or cd5 is None:
            return None
        return True


def _all(values: Iterable[bool | None]) -> bool | None:
    vals = list(values)
    if any(v is False for v in vals):
        return False
    if any(v is None for v in vals):
        return None
    return True


def below(p: Panel, name: str, cutoff: float, *, dim_counts_below: bool = False) -> bool | None:
    """Marker on < cutoff % of blasts: percentage if given, bare 'neg' yes, bare 'pos' no/unknown."""
    pct = p.percent(name)
    if pct is not None:
        return pct < cutoff
    pos = p.positive(name)
    if pos is None:
        return None
    if not pos:
        return True
    if dim_counts_below and p.dim(name):
        return True
    return False if cutoff <= CD1A_CD8_CUTOFF else None


def at_least(p: Panel, name: str, cutoff: float) -> bool | None:
    """Marker on >= cutoff % of blasts: needs a percentage unless the marker is negative."""
    pct = p.percent(name)
    if pct is not None:
        return pct >= cutoff
    pos = p.positive(name)
    return False if pos is False else None


def etp_criteria(p: Panel) -> EtpCriteria:
    """Evaluate the C4 items on a T-lineage panel."""
    c = EtpCriteria(items={})
    cd7 = p.positive("CD7")
    c.items["t_lineage_cd7"] = cd7
    c.because.append(f"1. cCD3+ T lineage and {p.describe('CD7')}: {_word(cd7)}")
    if cd7 is None:
        c.missing.append("CD7")

    cd1a = below(p, "CD1a", CD1A_CD8_CUTOFF)
    cd8 = below(p, "CD8", CD1A_CD8_CUTOFF)
    c.items["cd1a_cd8_below_5"] = _all([cd1a, cd8])
    c.because.append(
        f"2. CD1a and CD8 on < 5% of blasts: {p.describe('CD1a')} -> {_word(cd1a)}; "
        f"{p.describe('CD8')} -> {_word(cd8)}"
    )
    c.missing += [n for n, v in (("CD1a", cd1a), ("CD8", cd8)) if v is None]

    cd5 = below(p, "CD5", CD5_CUTOFF, dim_counts_below=True)
    c.items["cd5_below_75"] = cd5
    pct = p.percent("CD5")
    detail = f"{fmt(pct)} ({'<' if cd5 else '>='} 75)" if pct is not None else p.describe("CD5")
    c.because.append(f"3. CD5 on < 75% of blasts (negative or dim): CD5 = {detail} -> {_word(cd5)}")
    if cd5 is None:
        c.missing.append("CD5 (% of blasts positive)")

    hits = {n: at_least(p, n, STEM_CUTOFF) for n in STEM_MYELOID}
    met = [n for n, v in hits.items() if v]
    open_ = [n for n, v in hits.items() if v is None]
    stem: bool | None = True if met else (None if open_ else False)
    c.items["stem_myeloid_25"] = stem
    shown = ", ".join(f"{n} {fmt(p.percent(n) or 0)}%" for n in met) or "none"
    c.because.append(f"4. >= 1 of {'/'.join(STEM_MYELOID)} on >= 25%: {shown} -> {_word(stem)}")
    if stem is None:
        c.missing.append(f"% of blasts positive for {', '.join(open_)}")

    mpo = below(p, "MPO", MPO_CUTOFF)
    c.items["mpo_negative"] = mpo
    c.because.append(f"5. MPO negative (< 3%): {p.describe('MPO')} -> {_word(mpo)}")
    if mpo is None:
        c.missing.append("MPO")
    return c


_WORDS = {True: "met", False: "not met", None: "unknown"}


def _word(v: bool | None) -> str:
    return _WORDS[v]
