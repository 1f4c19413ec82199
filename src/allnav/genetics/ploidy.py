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

from collections.abc import Container, Mapping
from typing import Any, NamedTuple

from allnav.errors import KnowledgeBaseError
from allnav.genetics.call import LesionCall, new_call
from allnav.genetics.catalog import load_catalog
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


#: _RANGES with the end of each evidence text by result (" within 51-67", ...).
_RANGE_ENDS: tuple[tuple[str, int, int, dict[bool | None, str]], ...] = tuple(
    (x, lo, hi, {inside: f" {word} {lo}-{hi}" for inside, word in _WORDS.items()}) for x, lo, hi in _RANGES
)

MASKED_LESION = "near_triploid_masked"


class PloidyPlan(NamedTuple):
    """The ploidy lesions with what a call made on the spot needs (see :func:`ploidy_plan`)."""

    #: (lesion, lo, hi, text ends by result, rule, label, final) for each modal-number range
    ranges: tuple[tuple[str, int, int, dict[bool | None, str], str, str, tuple[bool, bool]], ...]
    masked: tuple[str, str, tuple[bool, bool]]  # near_triploid_masked: (rule, label, final)
    #: the highest modal number at which a range lesion that implies another can be present (-1: none)
    implying_top: int


def ploidy_plan(implied: Container[str], implying: Container[str]) -> PloidyPlan:
    """The ploidy lesions' rules and labels. A lesion is final (its ploidy item is its only input when no
    finding spoke to it), in a case where nothing implies another lesion, unless a karyotype flag names
    it, and otherwise also unless it can be ``implied``. ``implying`` names the lesions that imply others.
    """
    by_id = {d.id: d for d in load_catalog().lesions}

    def final(lesion: str) -> tuple[bool, bool]:
        quiet = not by_id[lesion].karyotype_flags
        return quiet, quiet and lesion not in implied

    if MASKED_LESION in implying:
        raise KnowledgeBaseError("the ploidy plan assumes that near_triploid_masked implies no lesion")
    ranges = tuple(
        (x, lo, hi, ends, PLOIDY_LESIONS[x], by_id[x].label, final(x)) for x, lo, hi, ends in _RANGE_ENDS
    )
    masked = (PLOIDY_LESIONS[MASKED_LESION], by_id[MASKED_LESION].label, final(MASKED_LESION))
    top = max((hi for x, _, hi, _ in _RANGE_ENDS if x in implying), default=-1)
    return PloidyPlan(ranges, masked, top)


def may_imply(plan: PloidyPlan, features: Mapping[str, Any]) -> bool:
    """Whether a karyotype's modal number can make a lesion present that implies another."""
    bounds = ploidy_bounds(features.get("modal_number"))
    return bounds is not None and bounds[0] <= plan.implying_top


def _stemline_and_pair(features: Mapping[str, Any]) -> tuple[str | None, list[str]]:
    """The stemline's text (the first clone that is not normal) and the masked-hypodiploid clone pair
    (the 30-39 clones then the 60-78 clones, when there are both; empty otherwise), in one pass.
    """
    clones = features.get("clones") or []
    if len(clones) == 1:  # the common case: one clone, no pair
        clone = clones[0]
        text = clone.get("text") if clone.get("role") != "normal" else None
        return (str(text) if text is not None else None), []
    stem: str | None = None
    found_stem = False
    counts: list[tuple[int, str]] = []
    for clone in clones:
        if not found_stem and clone.get("role") != "normal":
            found_stem = True
            text = clone.get("text")
            stem = str(text) if text is not None else None
        n = clone.get("chromosome_count")
        if isinstance(n, int) and not isinstance(n, bool):
            counts.append((n, str(clone.get("text"))))
    if len(counts) < 2:  # the pair needs two clones
        return stem, []
    low = [t for n, t in counts if 30 <= n <= 39]
    high = [t for n, t in counts if 60 <= n <= 78]
    return stem, (low + high if low and high else [])


def add_ploidy_evidence(
    features: Mapping[str, Any],
    plan: PloidyPlan,
    quiet: bool,
    by_lesion: dict[str, list[Evidence]],
    positives: list[Evidence],
    calls: dict[str, LesionCall],
) -> None:
    """Add the karyotype evidence for the ploidy lesions of a valid karyotype to ``by_lesion`` (the
    positive items also to ``positives``, in order). Every item gets its own input record.

    The item of a final lesion (see :func:`ploidy_plan`; ``quiet``: nothing in the case implies another
    lesion) that no finding spoke to gives its call in ``calls`` at once (what deciding that one item
    would give).
    """
    modal = features.get("modal_number")
    bounds = ploidy_bounds(modal)
    if bounds is None:
        return
    low, high = bounds
    mode = 0 if quiet else 1
    stem, pair = _stemline_and_pair(features)
    recurrent_evidence = features.get("recurrent_evidence") or {}
    prefix = f"modal number {modal}"
    inside: bool | None
    for lesion, lo, hi, ends, rule, label, final in plan.ranges:
        if pair and lesion == "high_hyperdiploid":
            inside = False
        else:  # _in_range, inlined (four ranges per karyotype)
            inside = True if lo <= low and high <= hi else False if high < lo or low > hi else None
        inp: dict[str, Any] = {"field": "karyotype", "modal_number": modal, "text": stem}
        if inside:
            spans = recurrent_evidence.get(lesion)
            if spans and "span" in spans[0]:
                inp["span"] = list(spans[0]["span"])
        text = prefix + ends[inside]
        if final[mode] and lesion not in by_lesion:
            calls[lesion] = new_call((inside, [text], [inp], rule, label, False, None))
            if inside:  # still the source of the lesions it implies
                positives.append(new_evidence((lesion, True, 1, text, inp, None, True, False)))
            continue
        e = new_evidence((lesion, inside, 1, text, inp, None, True, False))
        items = by_lesion.get(lesion)
        if items is None:
            by_lesion[lesion] = [e]
        else:
            items.append(e)
        if inside:
            positives.append(e)
    inp = {"field": "karyotype", "modal_number": modal, "text": stem}
    masked: bool | None
    if pair:
        text = f"hypodiploid clone with its doubled clone: {' / '.join(pair)}"
        masked = True
    else:
        doubled = _in_range(bounds, 68, 78)
        ambiguous = _in_range(bounds, 60, 67)
        if doubled:
            text = f"modal number {modal} in 68-78: near-triploid, counted as low hypodiploid (NCCN)"
            masked = True
        elif ambiguous is not False or doubled is None:
            text = f"modal number {modal} in 60-67: high hyperdiploid or doubled (masked) hypodiploid"
            masked = None
        else:
            text = f"modal number {modal} outside 60-78"
            masked = False
    rule, label, final = plan.masked
    if final[mode] and MASKED_LESION not in by_lesion:
        calls[MASKED_LESION] = new_call((masked, [text], [inp], rule, label, False, None))
        if masked:
            positives.append(new_evidence((MASKED_LESION, True, 1, text, inp, None, True, False)))
        return
    e = new_evidence((MASKED_LESION, masked, 1, text, inp, None, True, False))
    by_lesion.setdefault(MASKED_LESION, []).append(e)
    if masked:
        positives.append(e)
