"""Ploidy lesions from the karyotype's modal number (clinical_rules.md A3, L2, L3).

* ``high_hyperdiploid``: 51-67 (contract section 2 class; WHO ">50, usually <66"); NCCN's standard-risk
  range is 51-65 and is kept as ``nccn_high_hyperdiploid``.
* ``hypodiploid_lt44``: modal < 44 (NCCN ALL-2 poor risk); 44-45 never triggers it (L3).
* ``near_haploid`` 24-31 and ``low_hypodiploid`` 32-39 (WHO/ICC cut-points; NCCN's 30-39 noted).
* ``near_triploid_masked``: a 30-39 clone beside its doubled 60-78 clone, a modal of 68-78, or a finding
  that says so; 60-67 is ambiguous with high hyperdiploidy (unknown, with a pending test).

>>> ploidy_bounds(45)
(45, 45)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from allnav.genetics.evidence import Evidence, new_evidence
from allnav.knowledge import RuleRef

PLOIDY = RuleRef("gen.ploidy_groups")
HYPO_LT44 = RuleRef("gen.hypodiploid_lt44")
MASKED = RuleRef("gen.masked_hypodiploidy")

PLOIDY_LESIONS: dict[str, str] = {
    "high_hyperdiploid": PLOIDY,
    "near_haploid": PLOIDY,
    "low_hypodiploid": PLOIDY,
    "hypodiploid_lt44": HYPO_LT44,
    "near_triploid_masked": MASKED,
}

#: (lesion, lo, hi) inclusive modal-number ranges.
_RANGES: tuple[tuple[str, int, int], ...] = (
    ("high_hyperdiploid", 51, 67),
    ("near_haploid", 24, 31),
    ("low_hypodiploid", 32, 39),
    ("hypodiploid_lt44", 0, 43),
)
#: _RANGES with each range as written in the evidence text ("51-67").
_RANGE_TEXTS: tuple[tuple[str, int, int, str], ...] = tuple(
    (x, lo, hi, f"{lo}-{hi}") for x, lo, hi in _RANGES
)


_WORDS: dict[bool | None, str] = {True: "within", False: "outside", None: "straddles"}


def ploidy_bounds(modal: Any) -> tuple[int, int] | None:
    """A modal number (int or ``[lo, hi]``) as inclusive bounds, or None when absent/unreadable."""
    if isinstance(modal, bool):
        return None
    if isinstance(modal, int):
        return (modal, modal)
    if isinstance(modal, (list, tuple)) and len(modal) == 2 and all(isinstance(x, int) for x in modal):
        return (int(modal[0]), int(modal[1]))
    return None


def _in_range(bounds: tuple[int, int], lo: int, hi: int) -> bool | None:
    if lo <= bounds[0] and bounds[1] <= hi:
        return True
    if bounds[1] < lo or bounds[0] > hi:
        return False
    return None


def _stemline_text(features: Mapping[str, Any]) -> str | None:
    for clone in features.get("clones") or []:
        if clone.get("role") != "normal":
            text = clone.get("text")
            return str(text) if text is not None else None
    return None


def _masked_pair(features: Mapping[str, Any]) -> list[str]:
    counts: list[tuple[int, str]] = []
    for clone in features.get("clones") or []:
        n = clone.get("chromosome_count")
        if isinstance(n, int) and not isinstance(n, bool):
            counts.append((n, str(clone.get("text"))))
    if len(counts) < 2:  # the pair needs two clones
        return []
    low = [t for n, t in counts if 30 <= n <= 39]
    high = [t for n, t in counts if 60 <= n <= 78]
    return low + high if low and high else []


def ploidy_evidence(features: Mapping[str, Any]) -> list[Evidence]:
    """Karyotype evidence for the ploidy lesions of a valid karyotype."""
    bounds = ploidy_bounds(features.get("modal_number"))
    if bounds is None:
        return []
    modal = features.get("modal_number")
    inp: dict[str, Any] = {"field": "karyotype", "modal_number": modal, "text": _stemline_text(features)}
    out: list[Evidence] = []
    pair = _masked_pair(features)
    recurrent_evidence = features.get("recurrent_evidence") or {}
    prefix = f"modal number {modal}"
    for lesion, lo, hi, range_text in _RANGE_TEXTS:
        inside = _in_range(bounds, lo, hi)
        if lesion == "high_hyperdiploid" and pair:
            inside = False
        spans = (recurrent_evidence.get(lesion) or []) if inside else []
        this = {**inp, "span": list(spans[0]["span"])} if spans and "span" in spans[0] else inp
        text = f"{prefix} {_WORDS[inside]} {range_text}"
        out.append(new_evidence((lesion, inside, 1, text, this, None, True, False)))
    if pair:
        text = f"hypodiploid clone with its doubled clone: {' / '.join(pair)}"
        out.append(Evidence("near_triploid_masked", True, 1, text, inp, None, True))
    else:
        doubled = _in_range(bounds, 68, 78)
        ambiguous = _in_range(bounds, 60, 67)
        if doubled:
            text = f"modal number {modal} in 68-78: near-triploid, counted as low hypodiploid (NCCN)"
            out.append(Evidence("near_triploid_masked", True, 1, text, inp, None, True))
        elif ambiguous is not False or doubled is None:
            text = f"modal number {modal} in 60-67: high hyperdiploid or doubled (masked) hypodiploid"
            out.append(Evidence("near_triploid_masked", None, 1, text, inp, None, True))
        else:
            text = f"modal number {modal} outside 60-78"
            out.append(Evidence("near_triploid_masked", False, 1, text, inp, None, True))
    return out
