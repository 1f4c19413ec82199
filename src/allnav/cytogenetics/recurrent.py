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
from typing import Final

from allnav.cytogenetics.model import Abnormality, Rearrangement, SetAside, Span
from allnav.knowledge import RuleRef

KMT2A_RULE = RuleRef("cyto.recurrent.kmt2a_11q23")
IAMP21_RULE = RuleRef("cyto.recurrent.iamp21_written")

RECURRENT_KEYS: Final = (
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
_IGH_TYPES: Final = frozenset({"t", "ins", "inv", "der", "ider", "dic"})
_IAMP21: Final = re.compile(r"iAMP\(21\)|iAMP21|RUNX1\s*amp|amp\s*\(?RUNX1", re.IGNORECASE)
# nuc ish "RUNX1x6": RUNX1 signals per interphase nucleus; WHO-HAEM5 iAMP21 needs >= 5 (clinical_rules.md B1)
_RUNX1_COPIES: Final = re.compile(r"RUNX1\)?\s*x\s*(\d+)", re.IGNORECASE)
IAMP21_MIN_RUNX1: Final = 5
_DETAILED_BAND: Final = re.compile(r"([0-9]{1,2}|X|Y)?([pq](?:ter|[0-9][0-9.?]*)?|cen)")


def chromosome_name(written: str) -> str:
    """``"?17q"`` -> ``"17"``."""
    if written.isdigit() or written == "X" or written == "Y":
        return written
    return written.lstrip("?").rstrip("pq") or "?"


def breakpoint_pairs(r: Rearrangement, names: list[str] | None = None) -> list[tuple[str, str]]:
    """(chromosome, band) for every breakpoint, e.g. ``t(9;22)(q34;q11.2)`` -> [("9","q34"), ("22","q11.2")].

    ``names`` may pass the already computed :func:`chromosome_name` of each chromosome.
    """
    if names is None:
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


def constitutional_component(a: Abnormality) -> Rearrangement | None:
    """The one component of an otherwise acquired derivative that a ``c`` marks as constitutional.

    ``der(13;14)(q10;q10)c t(11;14)``: the der(13;14) itself (ISCN 2024 6.4 g v);
    ``der(9)t(9;11)(p22;q23)t(11;12)(p13;q22)c``: the last rearrangement, t(11;12) (6.4 g iv).
    """
    core = a.rearrangement
    if core is not None and core.constitutional:
        return core
    if a.constitutional and len(a.derivations) >= 2:
        return a.derivations[-1]
    return None


def _band_ok(pairs: list[tuple[str, str]], chrom: str, band: str) -> bool:
    """True when ``chrom`` has no breakpoint written, or one in ``band``."""
    written = False
    for c, b in pairs:
        if c == chrom:
            if b.startswith(band):
                return True
            written = True
    return not written


def _has_break(pairs: list[tuple[str, str]], chrom: str, band: str) -> bool:
    for c, b in pairs:  # noqa: SIM110 - a loop: any() over a generator costs more for 2-4 pairs
        if c == chrom and b.startswith(band):
            return True
    return False


#: chromosome -> (flag, its band, partner chromosome, partner band), from TRANSLOCATIONS (both orders).
_PARTNERS: Final[dict[str, list[tuple[str, str, str, str]]]] = {}
for _key, ((_c1, _b1), (_c2, _b2)) in TRANSLOCATIONS.items():
    _PARTNERS.setdefault(_c1, []).append((_key, _b1, _c2, _b2))


def rearrangement_flags(
    r: Rearrangement, names: list[str] | None = None, pairs: list[tuple[str, str]] | None = None
) -> list[str]:
    """The structural recurrent flags one rearrangement shows (``names``/``pairs`` if already computed)."""
    if names is None:
        names = [chromosome_name(c) for c in r.chromosomes]
    if pairs is None:
        pairs = breakpoint_pairs(r, names) if r.breakpoints else []
    hits: list[str] = []
    rtype = r.type
    if rtype == "t" or rtype == "ins":  # an exchange between chromosomes
        for c1 in names:
            for key, b1, c2, b2 in _PARTNERS.get(c1, ()):
                if (
                    c2 in names
                    and key not in hits
                    and (not r.breakpoints or (_band_ok(pairs, c1, b1) and _band_ok(pairs, c2, b2)))
                ):
                    hits.append(key)
        if ("11" in names or r.detailed) and r.breakpoints and _has_break(pairs, "11", "q23"):
            hits.append("kmt2a_11q23")
    if (
        rtype in _IGH_TYPES
        and ("14" in names or r.detailed)
        and r.breakpoints
        and _has_break(pairs, "14", "q32")
    ):
        hits.append("igh_14q32")
    return hits


def iamp21_evidence(aside: SetAside | None) -> list[tuple[Span, str]]:
    """Evidence for iAMP21 in the trailing in situ result: written as such, or >= 5 RUNX1 signals per nucleus."""
    if aside is None:
        return []
    text = aside.text
    # every match holds "amp" (_IAMP21) or "runx1" (_RUNX1_COPIES) in some case, so a cheap test comes first
    # (no non-ASCII letter matches a, m, p, r, u, n or x case-insensitively, so lower() finds every one)
    low = text.lower()
    m = _IAMP21.search(text) if "amp" in low else None
    if m is None and "runx1" in low:
        m = next((c for c in _RUNX1_COPIES.finditer(text) if int(c.group(1)) >= IAMP21_MIN_RUNX1), None)
    if m is None:
        return []
    base = aside.span[0] + 1  # the set-aside span starts at its '.'
    if aside.span[1] - aside.span[0] != len(aside.text) + 1:
        base = aside.span[1] - len(aside.text)
    return [((base + m.start(), base + m.end()), m.group(0))]
