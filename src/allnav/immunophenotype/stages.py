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
    calls = p.calls
    k, lam, sig = calls.get("kappa"), calls.get("lambda"), calls.get("sIg")
    if k is None and lam is None and sig is None:
        # nothing reported (the usual case): the last line of this function, without the texts
        return Finding(
            None, ["sIg / kappa / lambda not reported"], ["surface Ig light chains (kappa/lambda)"]
        )
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
    tdt = p.calls.get("TdT")
    lines = sig.because  # the finding's own fresh list
    lines.append(p.texts.get("TdT") or p.describe("TdT"))
    if sig.value is False:
        return Finding(False, lines)
    if tdt is True:
        lines.append("TdT positive: precursor (lymphoblastic) phenotype")
        return Finding(False, lines)
    if sig.value is True and tdt is False:
        lines.append("surface Ig light-chain restricted and TdT negative")
        return Finding(True, lines)
    if not b_lineage and sig.value is None:
        lines.append("not B lineage")
        return Finding(False, lines)
    missing = [*sig.missing, *(["TdT"] if tdt is None else [])]
    return Finding(None, lines, missing)


def b_stage(p: Panel, mature: bool | None) -> Finding:
    """pro-B (CD10-), common (CD10+), pre-B (cytoplasmic mu+), mature-B (surface Ig restricted)."""
    if mature is True:
        return Finding("mature-B", ["surface Ig light-chain restricted, TdT negative (B-IV)"])
    calls, texts, describe = p.calls, p.texts, p.describe
    cd10 = calls.get("CD10")
    cmu = calls.get("cIgM")
    lines = [
        texts.get("CD10") or describe("CD10"),
        texts.get("cIgM") or describe("cIgM"),
        texts.get("TdT") or describe("TdT"),
    ]
    if cmu is True:
        lines.append("cytoplasmic mu positive (B-III)")
        return Finding("pre-B", lines)
    if cd10 is None:
        lines.append("CD10 not reported")
        return Finding(None, lines, ["CD10"])
    lines.append("CD10 positive (B-II)" if cd10 else "CD10 negative (B-I)")
    if cmu is not False:
        lines.append("cIgM not reported: pre-B (cytoplasmic mu+) not excluded")
    return Finding("common" if cd10 else "pro-B", lines)


def t_stage(p: Panel) -> Finding:
    """EGIL T-I pro-T, T-II pre-T, T-III cortical (CD1a+), T-IV mature (sCD3+, CD1a-)."""
    calls, texts, describe = p.calls, p.texts, p.describe
    cd1a, scd3 = calls.get("CD1a"), calls.get("sCD3")
    lines = [texts.get(n) or describe(n) for n in ("CD1a", "sCD3", "CD2", "CD5", "CD8", "CD7")]
    if cd1a is True:
        lines.append("CD1a positive: cortical")
        return Finding("T-III", lines)
    if cd1a is None:
        lines.append("CD1a not reported")
        return Finding(None, lines, ["CD1a"])
    if scd3 is True:
        lines.append("surface CD3 positive, CD1a negative: mature")
        return Finding("T-IV", lines)
    if scd3 is None:
        lines.append("surface CD3 not reported (T-II/T-III vs T-IV)")
        return Finding(None, lines, ["sCD3"])
    early = {n: calls.get(n) for n in ("CD2", "CD5", "CD8")}
    if any(early.values()):
        lines.append("CD2/CD5/CD8 expressed, CD1a and sCD3 negative: pre-T")
        return Finding("T-II", lines)
    unknown = [n for n, v in early.items() if v is None]
    if unknown:
        lines.append(f"not reported: {', '.join(unknown)}")
        return Finding(None, lines, unknown)
    lines.append("CD2, CD5, CD8, CD1a and sCD3 negative: pro-T")
    return Finding("T-I", lines)
