"""WHO-HAEM5 (2022) and ICC 2022 entity names (clinical_rules.md B1-B3, C4)."""

from __future__ import annotations

from typing import Any

from allnav.classification.tables import (
    Entity,
    defining_entities,
    entity,
    lesion_present,
    lesions_present,
    near_diploid,
)
from allnav.genetics import GeneticProfile, parse_finding_text
from allnav.knowledge import KnowledgeBase, RuleRef

HAEM5 = RuleRef("cls.who2022_entity")
ICC = RuleRef("cls.icc2022_entity")

#: ICC BCR::ABL1-like subclasses by the kinase gene (B2 item 10, B4).
_ABL_CLASS = {"ABL1", "ABL2", "PDGFRA", "PDGFRB", "CSF1R"}
_JAK_STAT = {"CRLF2", "EPOR", "JAK1", "JAK2", "JAK3", "TYK2", "IL7R", "SH2B3"}


def _pick(
    system: str, diagnosis: str, etp: bool | None, profile: GeneticProfile
) -> tuple[Entity | None, list[Entity], list[str]]:
    if diagnosis in ("B-ALL", "B-LBL"):
        defining = defining_entities(system, "b_")
        present = lesions_present(profile, defining.lesions)
        hits = [e for e, value in zip(defining.entities, present, strict=True) if value]
        default = entity(system, "b_nos")
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
    notes: list[str] = []
    if chosen is None:
        return notes
    if chosen.id == "t_all" and near_etp:
        notes.append("near-ETP: ETP phenotype but CD5 on >= 75% of blasts (descriptive, not an entity; B3)")
    if system == "icc2022" and chosen.id == "b_bcr_abl1":
        notes.append(
            "lymphoid-only vs multilineage involvement not determined (BCR::ABL1 in non-blast lineages, e.g. "
            "neutrophils, decides; multilineage overlaps CML lymphoid blast phase)"
        )
    if system == "icc2022" and chosen.id == "b_bcr_abl1_like":
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
        notes.append(f"BCR::ABL1-like subclass: {sub}")
    if chosen.id == "b_nos" and near_diploid(profile):
        notes.append(
            "modal 44-45 (near-diploid): B1 text is '< 46', but 44-45 is usually not treated as hypodiploid"
        )
    if chosen.id == "b_hyperdiploid" and isinstance(profile.modal_number, int) and profile.modal_number > 65:
        notes.append(
            "modal number above 65: B1 gives 51-65 for high hyperdiploidy; confirm (masked hypodiploidy?)"
        )
    return notes


def classify_2022(
    kb: KnowledgeBase,
    system: str,
    diagnosis: str,
    etp: bool | None,
    profile: GeneticProfile,
    near_etp: bool | None = None,
) -> dict[str, Any]:
    """WHO-HAEM5 (``who2022``) or ICC (``icc2022``) conclusion: entity name as value."""
    chosen, hits, why = _pick(system, diagnosis, etp, profile)
    rule = HAEM5 if system == "who2022" else ICC
    because = [f"diagnosis = {diagnosis}", *why]
    cands = [{"entity_id": e.id, "name": e.name} for e in hits]
    return kb.conclude(
        rule,
        chosen.name if chosen else None,
        because,
        entity_id=chosen.id if chosen else None,
        verify=bool(chosen and chosen.verify),
        candidates=cands,
        notes=_notes(system, chosen, profile, near_etp),
    )
