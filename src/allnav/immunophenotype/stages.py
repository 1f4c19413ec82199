"""Maturation stages (EGIL B-I..B-IV, T-I..T-IV; clinical_rules.md C5) and the mature-B check (R-A9)."""

from __future__ import annotations

from dataclasses import dataclass, field

from allnav.immunophenotype.panel import Panel


@dataclass(slots=True)
class Finding:
    """A value with its reasons and the markers that would settle it."""

    value: object
    because: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def surface_ig(p: Panel) -> Finding:
    """Surface Ig light-chain restriction: sIg+, or exactly one of kappa/lambda positive."""
    k, lam, sig = p.positive("kappa"), p.positive("lambda"), p.positive("sIg")
    shown = [p.describe(n) for n in ("sIg", "kappa", "lambda") if n in p.values]
    if k is True and lam is True:
        return Finding(False, [*shown, "kappa and lambda both positive: not restricted"])
    if k is True or lam is True:
        other = lam if k is True else k
        note = (
            "light-chain restricted" if other is False else "one light chain positive, the other not reported"
        )
        return Finding(True, [*shown, note])
    if sig is True:
        return Finding(True, shown)
    if sig is False or (k is False and lam is False):
        return Finding(False, [*shown, "no surface immunoglobulin"])
    return Finding(None, ["sIg / kappa / lambda not reported"], ["surface Ig light chains (kappa/lambda)"])


def mature_b(p: Panel, b_lineage: bool) -> Finding:
    """Mature B-cell phenotype (Burkitt features): surface Ig light-chain restricted and TdT negative."""
    sig = surface_ig(p)
    tdt = p.positive("TdT")
    lines = [*sig.because, p.describe("TdT")]
    if sig.value is False:
        return Finding(False, lines)
    if tdt is True:
        return Finding(False, [*lines, "TdT positive: precursor (lymphoblastic) phenotype"])
    if sig.value is True and tdt is False:
        return Finding(True, [*lines, "surface Ig light-chain restricted and TdT negative"])
    if not b_lineage and sig.value is None:
        return Finding(False, [*lines, "not B lineage"])
    missing = [*sig.missing, *(["TdT"] if tdt is None else [])]
    return Finding(None, lines, missing)


def b_stage(p: Panel, mature: bool | None) -> Finding:
    """pro-B (CD10-), common (CD10+), pre-B (cytoplasmic mu+), mature-B (surface Ig restricted)."""
    if mature is True:
        return Finding("mature-B", ["surface Ig light-chain restricted, TdT negative (B-IV)"])
    cd10 = p.positive("CD10")
    cmu = p.positive("cIgM")
    lines = [p.describe("CD10"), p.describe("cIgM"), p.describe("TdT")]
    if cmu is True:
        return Finding("pre-B", [*lines, "cytoplasmic mu positive (B-III)"])
    caveat = [] if cmu is False else ["cIgM not reported: pre-B (cytoplasmic mu+) not excluded"]
    if cd10 is True:
        return Finding("common", [*lines, "CD10 positive (B-II)", *caveat])
    if cd10 is False:
        return Finding("pro-B", [*lines, "CD10 negative (B-I)", *caveat])
    return Finding(None, [*lines, "CD10 not reported"], ["CD10"])


def t_stage(p: Panel) -> Finding:
    """EGIL T-I pro-T, T-II pre-T, T-III cortical (CD1a+), T-IV mature (sCD3+, CD1a-)."""
    cd1a, scd3 = p.positive("CD1a"), p.positive("sCD3")
    early = {n: p.positive(n) for n in ("CD2", "CD5", "CD8")}
    lines = [p.describe(n) for n in ("CD1a", "sCD3", "CD2", "CD5", "CD8", "CD7")]
    if cd1a is True:
        return Finding("T-III", [*lines, "CD1a positive: cortical"])
    if cd1a is None:
        return Finding(None, [*lines, "CD1a not reported"], ["CD1a"])
    if scd3 is True:
        return Finding("T-IV", [*lines, "surface CD3 positive, CD1a negative: mature"])
    if scd3 is None:
        return Finding(None, [*lines, "surface CD3 not reported (T-II/T-III vs T-IV)"], ["sCD3"])
    if any(early.values()):
        return Finding("T-II", [*lines, "CD2/CD5/CD8 expressed, CD1a and sCD3 negative: pre-T"])
    unknown = [n for n, v in early.items() if v is None]
    if unknown:
        return Finding(None, [*lines, f"not reported: {', '.join(unknown)}"], unknown)
    return Finding("T-I", [*lines, "CD2, CD5, CD8, CD1a and sCD3 negative: pro-T"])
