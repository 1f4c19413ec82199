"""Deciding one lesion from its evidence: the most specific test decides, disagreements are kept."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from allnav.genetics.catalog import LesionDef
from allnav.genetics.evidence import Evidence


class Decision(NamedTuple):
    """The outcome for one lesion (immutable)."""

    present: bool | None
    decided_by: Evidence | None
    disagreeing: tuple[Evidence, ...] = ()
    tie: bool = False
    notes: tuple[str, ...] = ()


def decide(items: Sequence[Evidence], d: LesionDef) -> Decision:
    """Present / absent / unknown from the evidence for lesion ``d``.

    The highest-ranked method decides (sequencing/PCR > FISH/MLPA/array > karyotype); equal-rank
    disagreement leaves it unknown. A karyotype that misses what a molecular test found is a note
    (cryptic lesion), not a conflict.
    """
    counted = [e for e in items if e.result is not None]
    if not counted:
        return Decision(None, None)
    if d.negative_needs_all:
        positives = [e for e in counted if e.result]
        if positives:
            best = max(positives, key=lambda e: e.rank)
            return Decision(True, best)
        genes = set(d.mutated_genes) | set(d.deleted_genes)
        negatives = {e.gene for e in counted}
        if genes <= negatives:
            return Decision(False, max(counted, key=lambda e: e.rank))
        missing = ", ".join(sorted(genes - {g for g in negatives if g}))
        return Decision(None, None, notes=(f"not tested: {missing}",))
    # The first item of the highest rank decides; another item of that rank with the other result is a tie.
    decided = counted[0]
    tie = False
    mixed = False  # not every item gives the same result
    for e in counted:
        if e.result != counted[0].result:
            mixed = True
        if e.rank > decided.rank:
            decided, tie = e, False
        elif e.rank == decided.rank and e.result != decided.result:
            tie = True
    if tie:
        return Decision(None, None, disagreeing=tuple(counted), tie=True)
    present = decided.result
    if not mixed:
        return Decision(present, decided)
    disagreeing: list[Evidence] = []
    notes: list[str] = []
    for e in counted:
        if e.result == present:
            continue
        if present and e.karyotype and e.result is False:
            notes.append(f"{e.text}: cryptic on G-banding, found by {decided.text}")
        else:
            disagreeing.append(e)
    return Decision(present, decided, tuple(disagreeing), False, tuple(notes))
