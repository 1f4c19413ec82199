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
        items = self.items
        others = _all([v for k, v in items.items() if k != "cd5_below_75"])
        cd5 = items["cd5_below_75"]
        if others is False or cd5 is True:
            return False
        if others is None or cd5 is None:
            return None
        return True


def _all(values: Iterable[bool | None]) -> bool | None:
    vals = values if isinstance(values, list) else list(values)
    # `in` compares with ==, the same as `is` for True / False / None
    return False if False in vals else (None if None in vals else True)


def below(p: Panel, name: str, cutoff: float, *, dim_counts_below: bool = False) -> bool | None:
    """Marker on < cutoff % of blasts: percentage if given, bare 'neg' yes, bare 'pos' no/unknown."""
    v = p.values.get(name)
    pct = None if v is None else v.percent
    if pct is not None:
        return pct < cutoff
    pos = p.calls.get(name)
    if pos is None:
        return None
    if not pos:
        return True
    if dim_counts_below and not p.strong_calls[name]:  # positive: p.dim(name)
        return True
    return False if cutoff <= CD1A_CD8_CUTOFF else None


def at_least(p: Panel, name: str, cutoff: float) -> bool | None:
    """Marker on >= cutoff % of blasts: needs a percentage unless the marker is negative."""
    v = p.values.get(name)
    pct = None if v is None else v.percent
    if pct is not None:
        return pct >= cutoff
    return False if p.calls.get(name) is False else None


def etp_criteria(p: Panel) -> EtpCriteria:
    """Evaluate the C4 items on a T-lineage panel."""
    c = EtpCriteria({}, [], [])
    describe = p.describe
    cd7 = p.calls.get("CD7")
    c.items["t_lineage_cd7"] = cd7
    c.because.append(f"1. cCD3+ T lineage and {describe('CD7')}: {_WORDS[cd7]}")
    if cd7 is None:
        c.missing.append("CD7")

    cd1a = below(p, "CD1a", CD1A_CD8_CUTOFF)
    cd8 = below(p, "CD8", CD1A_CD8_CUTOFF)
    c.items["cd1a_cd8_below_5"] = _all([cd1a, cd8])
    c.because.append(
        f"2. CD1a and CD8 on < 5% of blasts: {describe('CD1a')} -> {_WORDS[cd1a]}; "
        f"{describe('CD8')} -> {_WORDS[cd8]}"
    )
    if cd1a is None:
        c.missing.append("CD1a")
    if cd8 is None:
        c.missing.append("CD8")

    cd5 = below(p, "CD5", CD5_CUTOFF, dim_counts_below=True)
    c.items["cd5_below_75"] = cd5
    pct = p.percent("CD5")
    detail = f"{fmt(pct)} ({'<' if cd5 else '>='} 75)" if pct is not None else p.describe("CD5")
    c.because.append(f"3. CD5 on < 75% of blasts (negative or dim): CD5 = {detail} -> {_word(cd5)}")
    if cd5 is None:
        c.missing.append("CD5 (% of blasts positive)")

    met: list[str] = []
    open_: list[str] = []
    for n in STEM_MYELOID:
        hit = at_least(p, n, STEM_CUTOFF)
        if hit:
            met.append(n)
        elif hit is None:
            open_.append(n)
    stem: bool | None = True if met else (None if open_ else False)
    c.items["stem_myeloid_25"] = stem
    shown = ", ".join(f"{n} {fmt(p.percent(n) or 0)}%" for n in met) or "none"
    c.because.append(f"4. >= 1 of {'/'.join(STEM_MYELOID)} on >= 25%: {shown} -> {_word(stem)}")
    if stem is None:
        c.missing.append(f"% of blasts positive for {', '.join(open_)}")

    mpo = below(p, "MPO", MPO_CUTOFF)
    c.items["mpo_negative"] = mpo
    c.because.append(f"5. MPO negative (< 3%): {describe('MPO')} -> {_WORDS[mpo]}")
    if mpo is None:
        c.missing.append("MPO")
    return c


_WORDS = {True: "met", False: "not met", None: "unknown"}


def _word(v: bool | None) -> str:
    return _WORDS[v]
