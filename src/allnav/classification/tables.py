"""The entity/code table (``entities.yaml``) and lesion look-ups shared by the classifiers."""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable, Mapping
from typing import NamedTuple

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


SYSTEMS = ("who2016", "who2022", "icc2022")


@functools.cache
def load_entities() -> EntityTable:
    """Read and validate ``entities.yaml`` once per process."""
    return load_table("allnav.classification", "entities.yaml", EntityTable)


@functools.cache
def _by_id() -> dict[tuple[str, str], Entity]:
    table = load_entities()
    return {(system, e.id): e for system in SYSTEMS for e in getattr(table, system)}


def entity(system: str, entity_id: str) -> Entity:
    """``load_entities().get(system, entity_id)`` through an index built once."""
    try:
        return _by_id()[(system, entity_id)]
    except KeyError:
        return load_entities().get(system, entity_id)  # raises the KnowledgeBaseError naming the id


class Defining(NamedTuple):
    """Entities with a defining lesion, and those lesions (same order)."""

    entities: tuple[Entity, ...]
    lesions: tuple[str, ...]


@functools.cache
def defining_entities(system: str, prefix: str) -> Defining:
    """The entities of ``system`` whose id starts with ``prefix`` (``b_`` / ``t_``) and that have a
    defining lesion, in table order.
    """
    found = [e for e in getattr(load_entities(), system) if e.id.startswith(prefix) and e.lesion]
    return Defining(tuple(found), tuple(str(e.lesion) for e in found))


#: Near-diploid 44-45: within the WHO "< 46" text but usually not treated as hypodiploid (A3, L3).
NEAR_DIPLOID = (44, 45)


def near_diploid(profile: GeneticProfile) -> bool:
    """Whether the stemline modal number is 44 or 45."""
    modal = profile.modal_number
    if modal is None:  # the usual cases, without a function call
        return False
    if type(modal) is int:  # as ploidy_bounds reads it: (modal, modal); a bool is not a modal number
        return NEAR_DIPLOID[0] <= modal <= NEAR_DIPLOID[1]
    b = ploidy_bounds(modal)
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


#: The classification-only lesions that :func:`lesion_present` derives from several calls.
DERIVED_LESIONS = frozenset({"hypodiploid_entity", "low_hypodiploid_icc", "other_defined"})


def lesions_present(profile: GeneticProfile, lesions: Iterable[str]) -> list[bool | None]:
    """:func:`lesion_present` of each lesion, in order."""
    calls = profile.calls
    return [calls[x].present if x in calls else lesion_present(profile, x) for x in lesions]


def lesion_present(profile: GeneticProfile, lesion: str) -> bool | None:
    """A lesion call, including the classification-only derived lesions.

    ``hypodiploid_entity``: WHO 2016/HAEM5 hypodiploidy counted below 44 (44-45 near-diploid is usually
    not treated as hypodiploid: seed line 253, SEER in A3, L3); ``low_hypodiploid_icc``: ICC low
    hypodiploid (32-39 or its doubled form); ``other_defined``: any HAEM5 "other defined" lesion.
    """
    if lesion not in DERIVED_LESIONS:
        return profile.present(lesion)
    if lesion == "hypodiploid_entity":
        present = profile.present
        return _hypodiploid_entity(
            profile.modal_number,
            present("near_haploid") or present("low_hypodiploid"),
            present("hypodiploid_lt44"),
        )
    if lesion == "low_hypodiploid_icc":
        return _any([profile.present("low_hypodiploid"), profile.present("near_triploid_masked")])
    if lesion == "other_defined":
        return _any(lesions_present(profile, OTHER_DEFINED))
    return profile.present(lesion)


def _hypodiploid_entity(modal: object, haploid_or_low: bool | None, lt44: bool | None) -> bool | None:
    """``hypodiploid_entity`` from the modal number and the near-haploid / low-hypodiploid / < 44 calls."""
    if haploid_or_low:
        return True
    b = ploidy_bounds(modal)
    if b is None:
        return lt44
    return True if b[1] < NEAR_DIPLOID[0] else (False if b[0] >= NEAR_DIPLOID[0] else None)


def _any(vals: list[bool | None]) -> bool | None:
    """True if any is True, else None if any is unknown, else False."""
    return True if True in vals else (None if None in vals else False)


@functools.cache
def _state_lesions() -> tuple[str, ...]:
    """The plain (not derived) defining lesions of every entity of the three systems, once each."""
    seen = dict.fromkeys(
        str(e.lesion) for system in SYSTEMS for e in getattr(load_entities(), system) if e.lesion
    )
    seen.update(dict.fromkeys(OTHER_DEFINED))
    return tuple(x for x in seen if x not in DERIVED_LESIONS)


_other_defined = operator.itemgetter(*OTHER_DEFINED)


def lesion_states(profile: GeneticProfile) -> Mapping[str, bool | None]:
    """:func:`lesion_present` of every defining lesion of the three systems, computed once per case.

    The classifiers read their lesions from this map instead of asking the profile per system.
    """
    calls = profile.calls
    try:
        states: dict[str, bool | None] = {x: calls[x].present for x in _state_lesions()}
        haploid_or_low = calls["near_haploid"].present or calls["low_hypodiploid"].present
        low, masked = calls["low_hypodiploid"].present, calls["near_triploid_masked"].present
        lt44 = calls["hypodiploid_lt44"].present
    except KeyError:  # not a lesion of the catalogue: the slow path raises the UsageError naming it
        return {x: lesion_present(profile, x) for x in (*_state_lesions(), *DERIVED_LESIONS)}
    # the derived lesions, as lesion_present gives them (_any inlined)
    states["hypodiploid_entity"] = _hypodiploid_entity(profile.modal_number, haploid_or_low, lt44)
    states["low_hypodiploid_icc"] = (
        True if low is True or masked is True else (None if low is None or masked is None else False)
    )
    vals = _other_defined(states)  # (states[y] for y in OTHER_DEFINED)
    states["other_defined"] = True if True in vals else (None if None in vals else False)
    return states
