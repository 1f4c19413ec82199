"""The recurrent ALL abnormalities, each found with the span of the text that shows it.

Each translocation flag needs both chromosomes in one rearrangement (``t``, ``ins``, or a derivative's
component, so ``der(22)t(9;22)`` and the three-way ``t(9;22;11)`` count); when breakpoints are written
they must fall in the named bands (prefix match, ``q34.1`` matches ``q34``). ``kmt2a_11q23`` needs an
11q23 breakpoint in a translocation or insertion, never a deletion (clinical_rules.md A1: an 11q23
deletion without KMT2A rearrangement does not qualify). iAMP21 cannot be seen by G-banding: it is
flagged only when the report writes it (``iAMP21`` or ``RUNX1 amp`` in the karyotype's in situ part).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from allnav.cytogenetics.model import Abnormality, Rearrangement, SetAside, Span
from allnav.knowledge import RuleRef

PairsOf = Callable[[Rearrangement], list[tuple[str, str]]]

KMT2A_RULE = RuleRef("cyto.recurrent.kmt2a_11q23")
IAMP21_RULE = RuleRef("cyto.recurrent.iamp21_written")

RECURRENT_KEYS = (
    "t_9_22",
    "kmt2a_11q23",
    "t_4_11",
    "t_12_21",
    "t_1_19",
    "t_5_14",
    "t_8_14",
    "iamp21",
    "igh_14q32",
    "high_hyperdiploid",
    "hypodiploid_lt44",
    "near_haploid",
    "low_hypodiploid",
)

#: Translocation flags: the two chromosomes and, when breakpoints are written, their bands.
TRANSLOCATIONS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "t_9_22": (("9", "q34"), ("22", "q11")),
    "t_4_11": (("4", "q21"), ("11", "q23")),
    "t_12_21": (("12", "p13"), ("21", "q22")),
    "t_1_19": (("1", "q23"), ("19", "p13")),
    "t_5_14": (("5", "q31"), ("14", "q32")),
    "t_8_14": (("8", "q24"), ("14", "q32")),
}
_EXCHANGES = frozenset({"t", "ins"})
_IGH_TYPES = frozenset({"t", "ins", "inv", "der", "ider", "dic"})
_IAMP21 = re.compile(r"iAMP\(21\)|iAMP21|RUNX1\s*amp|amp\s*\(?RUNX1", re.IGNORECASE)
_DETAILED_BAND = re.compile(r"([0-9]{1,2}|X|Y)?([pq](?:ter|[0-9][0-9.?]*)?|cen)")


def chromosome_name(written: str) -> str:
    """``"?17q"`` -> ``"17"``."""
    if written.isdigit() or written in ("X", "Y"):
        return written
    return written.lstrip("?").rstrip("pq") or "?"


def breakpoint_pairs(r: Rearrangement) -> list[tuple[str, str]]:
    """(chromosome, band) for every breakpoint, e.g. ``t(9;22)(q34;q11.2)`` -> [("9","q34"), ("22","q11.2")]."""
    names = [chromosome_name(c) for c in r.chromosomes]
    out: list[tuple[str, str]] = []
    for i, group in enumerate(r.breakpoints or ()):
        default = names[i] if i < len(names) else (names[0] if names else "?")
        for bp in group:
            if r.detailed:
                for prefix, band in _DETAILED_BAND.findall(bp):
                    out.append((prefix or default, band))
            elif bp[0] in "pqc?":
                out.append((default, bp))
            else:
                m = _DETAILED_BAND.match(bp)
                prefix = m.group(1) if m else None
                out.append((prefix, bp[len(prefix) :]) if prefix else (default, bp))
    return out


def components(a: Abnormality) -> tuple[Rearrangement, ...]:
    """The rearrangement and, for a derivative, the rearrangements that made it."""
    if a.rearrangement is None:
        return a.derivations
    return (a.rearrangement, *a.derivations) if a.derivations else (a.rearrangement,)


def _band_ok(pairs: list[tuple[str, str]], chrom: str, band: str) -> bool:
    bands = [b for c, b in pairs if c == chrom]
    return not bands or any(b.startswith(band) for b in bands)


def _has_break(pairs: list[tuple[str, str]], chrom: str, band: str) -> bool:
    return any(c == chrom and b.startswith(band) for c, b in pairs)


def rearrangement_flags(r: Rearrangement, pairs_of: PairsOf = breakpoint_pairs) -> list[str]:
    """The structural recurrent flags one rearrangement shows."""
    names = {chromosome_name(c) for c in r.chromosomes}
    hits: list[str] = []
    if r.type in _EXCHANGES:
        for key, ((c1, b1), (c2, b2)) in TRANSLOCATIONS.items():
            if c1 in names and c2 in names:
                if not r.breakpoints:
                    hits.append(key)
                    continue
                pairs = pairs_of(r)
                if _band_ok(pairs, c1, b1) and _band_ok(pairs, c2, b2):
                    hits.append(key)
        if ("11" in names or r.detailed) and r.breakpoints and _has_break(pairs_of(r), "11", "q23"):
            hits.append("kmt2a_11q23")
    igh_possible = r.type in _IGH_TYPES and ("14" in names or r.detailed) and r.breakpoints
    if igh_possible and _has_break(pairs_of(r), "14", "q32"):
        hits.append("igh_14q32")
    return hits


def structural_flags(
    items: list[Abnormality], pairs_of: PairsOf = breakpoint_pairs
) -> dict[str, list[tuple[Span, str]]]:
    """Evidence (span, text) for each structural recurrent flag found among ``items``."""
    found: dict[str, list[tuple[Span, str]]] = {}
    for a in items:
        if a.kind != "structural":
            continue
        for r in components(a):
            for key in rearrangement_flags(r, pairs_of):
                ev = found.setdefault(key, [])
                if (a.span, a.text) not in ev:
                    ev.append((a.span, a.text))
    return found


def iamp21_evidence(aside: SetAside | None) -> list[tuple[Span, str]]:
    """Evidence for iAMP21 written in the trailing in situ result."""
    if aside is None:
        return []
    m = _IAMP21.search(aside.text)
    if m is None:
        return []
    base = aside.span[0] + 1  # the set-aside span starts at its '.'
    if aside.span[1] - aside.span[0] != len(aside.text) + 1:
        base = aside.span[1] - len(aside.text)
    return [((base + m.start(), base + m.end()), m.group(0))]
