"""WHO-HAEM5 (2022) and ICC 2022 entity names (clinical_rules.md B1-B3, C4)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from allnav.classification.tables import (
    Entity,
    defining_entities,
    entity,
    lesion_present,
    lesion_states,
    near_diploid,
)
from allnav.genetics import GeneticProfile, parse_finding_text
from allnav.knowledge import KnowledgeBase, RuleRef

HAEM5 = RuleRef("cls.who2022_entity")
ICC = RuleRef("cls.icc2022_entity")

#: ICC BCR::ABL1-like subclasses by the kinase gene (B2 item 10, B4).
_ABL_CLASS = {"ABL1", "ABL2", "PDGFRA", "PDGFRB", "CSF1R"}
_JAK_STAT = {"CRLF2", "EPOR", "JAK1", "JAK2", "JAK3", "TYK2", "IL7R", "SH2B3"}


@functools.cache
def _b_table(system: str) -> tuple[tuple[tuple[Entity, str], ...], Entity]:
    """The system's B entities with a defining lesion as ``(entity, lesion)`` pairs, and its NOS entity."""
    defining = defining_entities(system, "b_")
    return tuple(zip(defining.entities, defining.lesions, strict=True)), entity(system, "b_nos")


def _pick(
    system: str,
    diagnosis: str,
    etp: bool | None,
    profile: GeneticProfile,
    states: Mapping[str, bool | None] | None = None,
) -> tuple[Entity | None, list[Entity], list[str]]:
    if diagnosis in ("B-ALL", "B-LBL"):
        if states is None:
            states = lesion_states(profile)
        pairs, default = _b_table(system)
        # usually no lesion at all is present: one scan of the map settles it
        hits = [e for e, lesion in pairs if states[lesion]] if True in states.values() else []
        if not hits:
            return default, [], ["no defining lesion found -> NOS"]
        why = [f"{e.lesion} present -> {e.name}" for e in hits]
        if len(hits) > 1:
            why.append(
                "more than one defining lesion: the sources state no precedence for this classification; "
                "the first in the listed order (clinical_rules.md B1/B2) is shown, all are kept as candidates"
            )
        return hits[0], hits, why
    if diagnosis in ("T-ALL", "T-LBL"):
        if etp:
            t_ids = defining_entities(system, "t_")
            bcl = next((e for e, x in zip(*t_ids, strict=True) if lesion_present(profile, x)), None)
            if bcl is not None:
                return bcl, [bcl], ["ETP immunophenotype with BCL11B rearrangement"]
            etp_e = entity(system, "t_etp")
            return etp_e, [etp_e], ["ETP immunophenotype (C4)"]
        t_e = entity(system, "t_all")
        return t_e, [t_e], [f"etp = {etp}"]
    return None, [], [f"diagnosis = {diagnosis}: not a precursor lymphoid neoplasm entity of this list"]


def _notes(system: str, chosen: Entity | None, profile: GeneticProfile, near_etp: bool | None) -> list[str]:
    # each note belongs to one entity: at most one applies (the usual B NOS case is tested first)
    cid = chosen.id if chosen is not None else None
    if cid == "b_nos":
        if near_diploid(profile):
            return [
                "modal 44-45 (near-diploid): B1 text is '< 46', but 44-45 is usually not treated as hypodiploid"
            ]
    elif cid == "t_all":
        if near_etp:
            return ["near-ETP: ETP phenotype but CD5 on >= 75% of blasts (descriptive, not an entity; B3)"]
    elif cid == "b_bcr_abl1":
        if system == "icc2022":
            return [
                (
                    "lymphoid-only vs multilineage involvement not determined (BCR::ABL1 in non-blast lineages, "
                    "e.g. neutrophils, decides; multilineage overlaps CML lymphoid blast phase)"
                )
            ]
    elif cid == "b_bcr_abl1_like":
        if system == "icc2022":
            genes = {
                g
                for i in profile.call("bcr_abl1_like").inputs
                for g in parse_finding_text(str(i.get("finding", ""))).genes
            }
            sub = (
                "ABL-1 class rearranged"
                if genes & _ABL_CLASS
                else "JAK-STAT activated"
                if genes & _JAK_STAT
                else "NOS"
            )
            return [f"BCR::ABL1-like subclass: {sub}"]
    elif cid == "b_hyperdiploid":
        modal = profile.modal_number
        if isinstance(modal, int) and modal > 65:
            return [
                "modal number above 65: B1 gives 51-65 for high hyperdiploidy; confirm (masked hypodiploidy?)"
            ]
    return []


def classify_2022(
    kb: KnowledgeBase,
    system: str,
    diagnosis: str,
    etp: bool | None,
    profile: GeneticProfile,
    near_etp: bool | None = None,
    states: Mapping[str, bool | None] | None = None,
) -> dict[str, Any]:
    """WHO-HAEM5 (``who2022``) or ICC (``icc2022``) conclusion: entity name as value.

    ``states``: :func:`~allnav.classification.tables.lesion_states` of the profile, when already known.
    """
    chosen, hits, why = _pick(system, diagnosis, etp, profile, states)
    r = kb.rules[HAEM5 if system == "who2022" else ICC]
    # built in kb.conclude's key order (value, rule, rule_version, because, sources, extras)
    return {
        "value": chosen.name if chosen else None,
        "rule": r.id,
        "rule_version": r.version,
        "because": [f"diagnosis = {diagnosis}", *why],
        "sources": list(r.sources),
        "entity_id": chosen.id if chosen else None,
        "verify": bool(chosen and chosen.verify),
        "candidates": [{"entity_id": e.id, "name": e.name} for e in hits] if hits else [],
        "notes": _notes(system, chosen, profile, near_etp),
    }
