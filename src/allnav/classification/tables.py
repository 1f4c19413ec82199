"""The entity/code table (``entities.yaml``) and lesion look-ups shared by the classifiers."""

from __future__ import annotations

import functools

from pydantic import BaseModel, ConfigDict

from allnav.errors import KnowledgeBaseError
from allnav.genetics import GeneticProfile
from allnav.genetics.ploidy import ploidy_bounds
from allnav.knowledge.tables import load_table


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Entity(_Frozen):
    """One entity of a classification: id, defining lesion (None = default), name, code, flags."""

    id: str
    name: str
    lesion: str | None = None
    icdo3: str | None = None
    verify: bool = False
    source: str | None = None


class EntityTable(_Frozen):
    """WHO 2016 (with ICD-O-3), WHO-HAEM5 and ICC 2022 entity lists, with provenance."""

    source: str
    version: str
    date: str
    who2016: tuple[Entity, ...]
    who2022: tuple[Entity, ...]
    icc2022: tuple[Entity, ...]

    def get(self, system: str, entity_id: str) -> Entity:
        """The entity ``entity_id`` of ``system`` (``who2016`` / ``who2022`` / ``icc2022``)."""
        entities: tuple[Entity, ...] = getattr(self, system)
        for e in entities:
            if e.id == entity_id:
                return e
        raise KnowledgeBaseError(f"entities.yaml: no {system} entity {entity_id!r}")


@functools.cache
def load_entities() -> EntityTable:
    """Read and validate ``entities.yaml`` once per process."""
    return load_table("allnav.classification", "entities.yaml", EntityTable)


#: Near-diploid 44-45: within the WHO "< 46" text but usually not treated as hypodiploid (A3, L3).
NEAR_DIPLOID = (44, 45)


def near_diploid(profile: GeneticProfile) -> bool:
    """Whether the stemline modal number is 44 or 45."""
    b = ploidy_bounds(profile.modal_number)
    return b is not None and NEAR_DIPLOID[0] <= b[0] and b[1] <= NEAR_DIPLOID[1]


#: WHO-HAEM5 "other defined genetic alterations" (clinical_rules.md B1).
OTHER_DEFINED = (
    "dux4_r",
    "mef2d_r",
    "znf384_r",
    "nutm1_r",
    "myc_r",
    "pax5alt",
    "pax5_p80r",
    "ikzf1_n159y",
    "cdx2_ubtf",
)


def lesion_present(profile: GeneticProfile, lesion: str) -> bool | None:
    """A lesion call, including the classification-only derived lesions.

    ``hypodiploid_entity``: WHO 2016/HAEM5 hypodiploidy counted below 44 (44-45 near-diploid is usually
    not treated as hypodiploid: seed line 253, SEER in A3, L3); ``low_hypodiploid_icc``: ICC low
    hypodiploid (32-39 or its doubled form); ``other_defined``: any HAEM5 "other defined" lesion.
    """
    if lesion == "hypodiploid_entity":
        b = ploidy_bounds(profile.modal_number)
        if profile.present("near_haploid") or profile.present("low_hypodiploid"):
            return True
        if b is None:
            return profile.present("hypodiploid_lt44")
        return True if b[1] < NEAR_DIPLOID[0] else (False if b[0] >= NEAR_DIPLOID[0] else None)
    if lesion == "low_hypodiploid_icc":
        vals = [profile.present("low_hypodiploid"), profile.present("near_triploid_masked")]
        return True if True in vals else (None if None in vals else False)
    if lesion == "other_defined":
        vals = [profile.present(x) for x in OTHER_DEFINED]
        return True if True in vals else (None if None in vals else False)
    return profile.present(lesion)
