"""Lesions defined from other lesions or from copy numbers: iAMP21 by RUNX1 FISH, IKZF1plus,
BCR::ABL1-like exclusion, and the lesions a more specific one implies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from allnav.case.model import GeneticFinding
from allnav.genetics.evidence import Evidence, new_evidence
from allnav.genetics.findings import normalise_finding
from allnav.knowledge import RuleRef

IAMP21_COPIES = RuleRef("gen.iamp21_runx1_copies")
IKZF1PLUS = RuleRef("gen.ikzf1plus")
IMPLIED = RuleRef("gen.implied_lesions")

#: B1 (WHO-HAEM5): iAMP21 = >= 5 RUNX1 signals per interphase nucleus.
IAMP21_MIN_RUNX1_COPIES = 5

#: A specific lesion implies a broader one (t(4;11) is a KMT2A rearrangement, ...).
IMPLIES: dict[str, tuple[str, ...]] = {
    "t_4_11": ("kmt2a_r",),
    "t_8_14": ("myc_r", "igh_r"),
    "igh_il3": ("igh_r",),
    "near_haploid": ("hypodiploid_lt44",),
    "low_hypodiploid": ("hypodiploid_lt44",),
}

#: B5: IKZF1plus co-deletions (any one) and the exclusion.
IKZF1PLUS_CODELETIONS = ("cdkn2a_deletion", "cdkn2b_deletion", "pax5_deletion", "par1_deletion")


def implied_evidence(items: Sequence[Evidence]) -> list[Evidence]:
    """Positive evidence copied (with its own input record) to the lesions it implies (negatives do not
    propagate).
    """
    out: list[Evidence] = []
    for e in items:
        if e.result is True:
            for target in IMPLIES.get(e.lesion, ()):
                text = f"{e.text} (implies {target})"
                out.append(
                    new_evidence((target, True, e.rank, text, dict(e.input), e.gene, e.karyotype, True))
                )
    return out


def _chr21_gains(features: Mapping[str, Any] | None) -> int:
    if not features:
        return 0
    clones = features.get("clones") or []
    stem = next((c for c in clones if c.get("role") != "normal"), None)
    if stem is None:
        return 0
    total = 0
    for ab in stem.get("abnormalities") or []:
        gain = ab.get("type") == "gain" or str(ab.get("text", "")).startswith("+")
        if gain and [str(c) for c in ab.get("chromosomes") or []] == ["21"]:
            copies = ab.get("copies")
            total += copies if isinstance(copies, int) and copies > 0 else 1
    return total


def runx1_copy_evidence(
    findings: Sequence[GeneticFinding], features: Mapping[str, Any] | None
) -> tuple[list[Evidence], list[str]]:
    """iAMP21 evidence from RUNX1 copy-number FISH (>= 5 copies present, <= 4 absent)."""
    out: list[Evidence] = []
    warnings: list[str] = []
    for i, f in enumerate(findings):
        if f.copies is None:  # only a copy number can show iAMP21
            continue
        pf = normalise_finding(f)
        if "RUNX1" not in pf.genes or pf.kind == "fusion":
            continue
        inp = {"field": f"genetics[{i}]", "finding": f.finding, "method": f.method, "copies": f.copies}
        is_fish = f.method is None or "fish" in f.method.lower()
        if not is_fish:
            text = f"RUNX1 copies {f.copies} by {f.method}: the iAMP21 criterion counts FISH signals"
            out.append(Evidence("iamp21", None, 2, text, inp))
            continue
        present = f.copies >= IAMP21_MIN_RUNX1_COPIES
        gains = _chr21_gains(features)
        if present and f.copies <= 2 + gains:
            text = (
                f"RUNX1 copies {f.copies} by FISH, but the karyotype has {gains} extra whole chromosome 21"
                " (polysomy 21 can explain the signals)"
            )
            warnings.append(text)
            out.append(Evidence("iamp21", None, 2, text, inp))
            continue
        op = ">=" if present else "<"
        text = f"RUNX1 copies {f.copies} by FISH ({op} {IAMP21_MIN_RUNX1_COPIES})"
        out.append(Evidence("iamp21", present, 2, text, inp))
    return out, warnings


def ikzf1plus_from_components(
    present: Mapping[str, bool | None],
) -> tuple[bool | None, list[str], list[str]]:
    """IKZF1plus (B5) from component calls: value, reasons, components still unknown."""
    ikzf1 = present.get("ikzf1_deletion")
    erg = present.get("erg_deletion")
    if ikzf1 is False:
        return False, ["IKZF1 deletion not detected"], []
    if ikzf1 is None:
        return None, ["IKZF1 deletion status unknown"], ["IKZF1"]
    if erg is True:
        return False, ["IKZF1 deleted, but ERG deletion present (excludes IKZF1plus)"], []
    co = {k: present.get(k) for k in IKZF1PLUS_CODELETIONS}
    hits = [k for k, v in co.items() if v is True]
    unknown = [k for k, v in co.items() if v is None]
    if hits and erg is False:
        return True, [f"IKZF1 deleted with {', '.join(hits)}; ERG deletion not detected"], []
    if hits:
        return None, [f"IKZF1 deleted with {', '.join(hits)}; ERG deletion status unknown"], ["ERG"]
    if unknown:
        return None, ["IKZF1 deleted; co-deletion status incomplete"], unknown
    return False, ["IKZF1 deleted without CDKN2A/CDKN2B/PAX5/PAR1 deletion"], []
