"""WHO 2016 entity with ICD-O-3 morphology code, and the SEER coding priority (R-A1)."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from allnav.classification.tables import Defining, Entity, entity, lesion_states, near_diploid
from allnav.genetics import GeneticProfile
from allnav.knowledge import KnowledgeBase, RuleRef

ENTITY = RuleRef("cls.who2016_entity")
PRIORITY = RuleRef("cls.who2016_priority")
T_LINEAGE = RuleRef("cls.who2016_t_lineage")
AMBIGUOUS = RuleRef("cls.who2016_ambiguous")
NOT_ALL = RuleRef("cls.not_all")

_B_ENTITIES = (
    "b_bcr_abl1",
    "b_kmt2a",
    "b_etv6_runx1",
    "b_hyperdiploid",
    "b_hypodiploid",
    "b_il3_igh",
    "b_tcf3_pbx1",
    "b_bcr_abl1_like",
    "b_iamp21",
)


@functools.cache
def _b_entities() -> Defining:
    """The WHO 2016 B-lineage entities with a defining lesion, in ``_B_ENTITIES`` order."""
    found = [e for e in (entity("who2016", i) for i in _B_ENTITIES) if e.lesion]
    return Defining(tuple(found), tuple(str(e.lesion) for e in found))


class _BTable(NamedTuple):
    entities: tuple[Entity, ...]
    lesions: tuple[str, ...]
    #: ``tuple(states[lesion] for lesion in lesions)`` in one C-level step
    states_of: Callable[[Mapping[str, bool | None]], tuple[bool | None, ...]]
    nos: Entity


@functools.cache
def _b_table() -> _BTable:
    """What the B-lineage path reads, gathered once (one cached call per case)."""
    entities, lesions = _b_entities()
    # (itemgetter of one key gives the value, not a 1-tuple)
    getter: Callable[[Mapping[str, bool | None]], tuple[bool | None, ...]] = (
        operator.itemgetter(*lesions) if len(lesions) > 1 else lambda states: (states[lesions[0]],)
    )
    return _BTable(entities, lesions, getter, entity("who2016", "b_nos"))


def _code_num(e: Entity) -> int:
    return int((e.icdo3 or "0/0").split("/")[0])


def _out(
    kb: KnowledgeBase, rule: str, e: Entity | None, because: list[str], extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The conclusion (``because`` taken as is: a fresh list), built in kb.conclude's key order."""
    r = kb.rules[rule]
    if e is None:
        out = {
            "value": None,
            "rule": r.id,
            "rule_version": r.version,
            "because": because,
            "sources": list(r.sources),
            "icdo3": None,
            "entity_id": None,
            "verify": False,
        }
    else:
        out = {
            "value": e.name,
            "rule": r.id,
            "rule_version": r.version,
            "because": because,
            "sources": list(r.sources),
            "icdo3": e.icdo3,
            "entity_id": e.id,
            "verify": e.verify,
            "code_source": e.source,
        }
    if extra:
        out.update(extra)
    return out


def seer_priority(candidates: list[Entity]) -> tuple[Entity, list[str]]:
    """R-A1: any 9812-9819 beats 9811; 9812 beats every other; otherwise the first (table order)."""
    specific = [e for e in candidates if 9812 <= _code_num(e) <= 9819]
    if not specific:
        return candidates[0], []
    if len(specific) < len(candidates):
        dropped = ", ".join(f"{e.icdo3} ({e.id})" for e in candidates if e not in specific)
        why = [f"R-A1: a specific code 9812/3-9819/3 beats 9811/3 ({dropped} set aside)"]
    else:
        why = []
    bcr = next((e for e in specific if _code_num(e) == 9812), None)
    if bcr is not None:
        if len(specific) > 1:
            why.append("R-A1: 9812/3 (BCR-ABL1) beats every other code in 9813/3-9819/3")
        return bcr, why
    if len(specific) > 1:
        codes = ", ".join(str(e.icdo3) for e in specific)
        why.append(
            f"R-A1: several codes apply ({codes}); SEER keeps the code of the first diagnosis - at one "
            f"diagnostic assessment allnav takes the first in WHO 2016 list order ({specific[0].icdo3}); "
            "registrar to confirm"
        )
    return specific[0], why


def who2016(
    kb: KnowledgeBase,
    diagnosis: str,
    lineage: str | None,
    etp: bool | None,
    profile: GeneticProfile,
    states: Mapping[str, bool | None] | None = None,
) -> dict[str, Any]:
    """The WHO 2016 conclusion: entity name as value, with ``icdo3``, ``entity_id``, ``verify``.

    ``states``: :func:`~allnav.classification.tables.lesion_states` of the profile, when already known.
    """
    if diagnosis in ("B-ALL", "B-LBL"):
        if states is None:
            states = lesion_states(profile)
        entities, lesions, states_of, nos = _b_table()
        found = states_of(states)  # the lesions' states, in entity order
        # usually no lesion is present: the scans of the tuple spare the loops
        hits = [e for e, present in zip(entities, found, strict=True) if present] if True in found else []
        untested = (
            [x for x, present in zip(lesions, found, strict=True) if present is None] if None in found else []
        )
        because = [f"diagnosis = {diagnosis}"]
        for e in hits:
            because.append(f"{e.lesion} present -> {e.icdo3} ({e.id})")
        if near_diploid(profile):
            because.append(
                f"modal number {profile.modal_number} (44-45, near-diploid): inside the WHO '< 46' text but "
                "usually not treated as hypodiploid (seed line 253: fewer than 44; SEER) - not coded 9816/3; "
                "registrar to confirm"
            )
        if not hits:
            because.append("no defining lesion found -> B-lymphoblastic leukemia/lymphoma, NOS")
            if untested:
                because.append(f"not tested (unknown), so the entity may change: {', '.join(untested)}")
            r = kb.rules[ENTITY]  # the usual conclusion: _out's, inlined
            return {
                "value": nos.name,
                "rule": r.id,
                "rule_version": r.version,
                "because": because,
                "sources": list(r.sources),
                "icdo3": nos.icdo3,
                "entity_id": nos.id,
                "verify": nos.verify,
                "code_source": nos.source,
                "candidates": [],
                "untested": untested,
            }
        chosen, why = seer_priority(hits)
        cands = [{"entity_id": e.id, "name": e.name, "icdo3": e.icdo3, "verify": e.verify} for e in hits]
        rule = PRIORITY if len(hits) > 1 else ENTITY
        return _out(kb, rule, chosen, because + why, {"candidates": cands, "untested": untested})
    if diagnosis in ("T-ALL", "T-LBL"):
        eid = "t_etp" if etp else "t_all"
        because = [f"diagnosis = {diagnosis}", f"etp = {etp}"]
        if etp is None:
            because.append("ETP status unknown: T-lymphoblastic leukemia/lymphoma (same code 9837/3)")
        return _out(kb, T_LINEAGE, entity("who2016", eid), because)
    if diagnosis == "AUL":
        return _out(kb, AMBIGUOUS, entity("who2016", "aul"), ["diagnosis = AUL"])
    if diagnosis == "MPAL":
        return _mpal(kb, lineage, profile)
    return _out(kb, NOT_ALL, None, [f"diagnosis = {diagnosis}: no precursor lymphoid entity assigned"])


def _mpal(kb: KnowledgeBase, lineage: str | None, profile: GeneticProfile) -> dict[str, Any]:
    because = [f"diagnosis = MPAL, lineage = {lineage}"]
    bcr, kmt2a = profile.present("bcr_abl1"), profile.present("kmt2a_r")
    if bcr:
        because.append("BCR::ABL1 present -> 9806/3")
        if kmt2a:
            because.append("KMT2A also rearranged: the sources give no precedence; BCR-ABL1 entity shown")
        return _out(kb, AMBIGUOUS, entity("who2016", "mpal_bcr_abl1"), because)
    if kmt2a:
        return _out(kb, AMBIGUOUS, entity("who2016", "mpal_kmt2a"), [*because, "KMT2A rearranged -> 9807/3"])
    if bcr is None or kmt2a is None:
        because.append("BCR::ABL1 / KMT2A status incomplete: the NOS entity may change")
    if lineage == "B/myeloid":
        return _out(kb, AMBIGUOUS, entity("who2016", "mpal_b_myeloid"), because)
    if lineage == "T/myeloid":
        return _out(kb, AMBIGUOUS, entity("who2016", "mpal_t_myeloid"), because)
    because.append(
        f"lineage {lineage}: no WHO 2016 ICD-O-3 code for it in the sources (clinical_rules.md A1)"
    )
    return _out(
        kb, AMBIGUOUS, None, because, {"entity": "Mixed phenotype acute leukemia (lineage not coded)"}
    )
