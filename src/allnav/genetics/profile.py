"""The genetic profile of a case: every recurrent lesion called present, absent or unknown, with the
inputs (karyotype span or finding) behind it, conflicts as alerts and missing tests as pending items.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from allnav.case.model import Case
from allnav.errors import UsageError
from allnav.genetics.catalog import LesionDef, load_catalog
from allnav.genetics.composite import (
    IKZF1PLUS,
    IKZF1PLUS_CODELETIONS,
    IMPLIED,
    ikzf1plus_from_components,
    implied_evidence,
    runx1_copy_evidence,
)
from allnav.genetics.evidence import Evidence, finding_evidence, karyotype_evidence
from allnav.genetics.ploidy import PLOIDY_LESIONS, ploidy_bounds, ploidy_evidence
from allnav.genetics.resolve import Decision, decide
from allnav.genetics.status import (
    BCR_ABL1_LIKE,
    LESION,
    cml_alerts,
    karyotype_items,
    lesion_alerts,
)
from allnav.knowledge import KnowledgeBase


@dataclass(frozen=True)
class LesionCall:
    """One lesion: ``present`` True / False / None (None = not tested or undecided, never normal)."""

    present: bool | None
    evidence: Sequence[str]
    inputs: Sequence[dict[str, Any]]
    rule: str = LESION
    label: str = ""
    conflict: bool = False
    transcript: str | None = None


@dataclass(frozen=True)
class GeneticProfile:
    """All lesion calls of a case plus the genetics alerts and pending tests."""

    calls: Mapping[str, LesionCall]
    alerts: tuple[dict[str, Any], ...] = ()
    pending: tuple[dict[str, Any], ...] = ()
    karyotype_valid: bool | None = None
    modal_number: int | list[int] | None = None
    ploidy_class: str | None = None
    antecedent_cml: bool | None = None
    tested: bool = False
    unmatched_findings: tuple[str, ...] = ()

    def call(self, lesion_id: str) -> LesionCall:
        """The call for one lesion id (an unknown id is a programming error)."""
        try:
            return self.calls[lesion_id]
        except KeyError:
            raise UsageError(f"unknown lesion id {lesion_id!r}") from None

    def present(self, lesion_id: str) -> bool | None:
        """Shorthand for ``call(lesion_id).present``."""
        return self.call(lesion_id).present


#: The rule behind each lesion call (default gen.lesion_call; gen.implied_lesions when an implication decided).
_RULES: dict[str, str] = dict(PLOIDY_LESIONS)


@functools.cache
def _unknown_calls() -> dict[str, LesionCall]:
    """One shared 'not tested' call per lesion (immutable: empty tuples)."""
    return {d.id: LesionCall(None, (), (), _RULES.get(d.id, LESION), d.label) for d in load_catalog().lesions}


@functools.cache
def _defs() -> dict[str, LesionDef]:
    """The catalog's lesions by id (the catalog is read once and never changes)."""
    return load_catalog().by_id()


def _make_call(d: LesionDef, items: Sequence[Evidence], dec: Decision, rule: str) -> LesionCall:
    texts = [e.text for e in items] + list(dec.notes)
    inputs = [dict(e.input) for e in items]
    transcripts = sorted({str(e.input["transcript"]) for e in items if e.result and "transcript" in e.input})
    return LesionCall(
        present=dec.present,
        evidence=texts,
        inputs=inputs,
        rule=rule,
        label=d.label,
        conflict=dec.tie or bool(dec.disagreeing),
        transcript="/".join(transcripts) or None,
    )


def build_genetic_profile(
    case: Case, kb: KnowledgeBase, karyotype_features: dict[str, Any] | None
) -> GeneticProfile:
    """Combine karyotype features and genetics findings into lesion calls.

    ``karyotype_features`` is the contract section-2 dict (or None when there is no karyotype, or it
    could not be parsed; an invalid dict with ``valid: false`` is also accepted and its error named).
    """
    defs = _defs()
    valid = bool(karyotype_features) and (karyotype_features or {}).get("valid", True) is not False
    features: dict[str, Any] | None = karyotype_features if valid else None
    evidence, unmatched = finding_evidence(case.genetics)
    copy_items, copy_warnings = runx1_copy_evidence(case.genetics, features)
    evidence += copy_items
    notes: dict[str, list[str]] = {}
    if features is not None:
        items, notes = karyotype_evidence(features)
        evidence += items
        evidence += ploidy_evidence(features)
    evidence += implied_evidence(evidence)
    by_lesion: dict[str, list[Evidence]] = {lid: [] for lid in notes}
    for e in evidence:
        by_lesion.setdefault(e.lesion, []).append(e)
    calls: dict[str, LesionCall] = {}
    alerts: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []
    calls.update(_unknown_calls())
    for lid, items in by_lesion.items():
        d = defs[lid]
        if not items:  # only notes: a normal G-banding that cannot exclude a cryptic lesion; nothing decided
            calls[lid] = LesionCall(None, list(notes[lid]), [], _RULES.get(lid, LESION), d.label)
            continue
        dec = decide(items, d)
        if lid in notes:
            dec = Decision(
                dec.present, dec.decided_by, dec.disagreeing, dec.tie, dec.notes + tuple(notes[lid])
            )
        rule = IMPLIED if dec.decided_by is not None and dec.decided_by.implied else _RULES.get(lid, LESION)
        calls[lid] = _make_call(d, items, dec, rule)
        a, p = lesion_alerts(kb, d, items, dec)
        alerts += a
        pending += p
    _apply_ikzf1plus(kb, calls, pending)
    _apply_bcr_abl1_like(calls)
    kt_alerts, kt_pending = karyotype_items(kb, case, karyotype_features, copy_warnings)
    alerts += kt_alerts
    pending += kt_pending
    alerts += cml_alerts(kb, case, calls["bcr_abl1"])
    return GeneticProfile(
        calls=calls,
        alerts=tuple(alerts),
        pending=tuple(pending),
        karyotype_valid=None if karyotype_features is None and case.karyotype is None else valid,
        modal_number=_modal(features),
        ploidy_class=(features or {}).get("ploidy_class"),
        antecedent_cml=case.presentation.antecedent_cml,
        tested=features is not None or bool(case.genetics),
        unmatched_findings=tuple(case.genetics[i].finding for i in unmatched),
    )


def _modal(features: Mapping[str, Any] | None) -> int | list[int] | None:
    if not features:
        return None
    b = ploidy_bounds(features.get("modal_number"))
    if b is None:
        return None
    return b[0] if b[0] == b[1] else [b[0], b[1]]


def _apply_ikzf1plus(kb: KnowledgeBase, calls: dict[str, LesionCall], pending: list[dict[str, Any]]) -> None:
    direct = calls.get("ikzf1plus")
    if direct is not None and direct.present is not None:
        return
    components = ("ikzf1_deletion", "erg_deletion", *IKZF1PLUS_CODELETIONS)
    value, why, unknown = ikzf1plus_from_components({k: calls[k].present for k in components})
    inputs = [i for k in components for i in calls[k].inputs]
    calls["ikzf1plus"] = LesionCall(value, why, inputs, IKZF1PLUS, "IKZF1plus")
    if value is None and calls["ikzf1_deletion"].present:
        tests = ", ".join(sorted(set(unknown)))
        pending.append(
            {
                "test": f"deletion status of {tests} (MLPA/array) to settle IKZF1plus",
                "why": "IKZF1 is deleted; IKZF1plus needs CDKN2A/CDKN2B/PAX5/PAR1 co-deletion without ERG deletion",
                "rule": IKZF1PLUS,
                "sources": list(kb.rule(IKZF1PLUS).sources),
            }
        )


def _apply_bcr_abl1_like(calls: dict[str, LesionCall]) -> None:
    bcr = calls["bcr_abl1"]
    like = calls["bcr_abl1_like"]
    if bcr.present is True:
        why = "BCR::ABL1 present: BCR::ABL1-like requires its absence (B1)"
        calls["bcr_abl1_like"] = LesionCall(
            False, [*like.evidence, why], like.inputs, BCR_ABL1_LIKE, like.label
        )
    elif like.present is not None:
        calls["bcr_abl1_like"] = LesionCall(
            like.present, like.evidence, like.inputs, BCR_ABL1_LIKE, like.label, like.conflict
        )


__all__ = ["GeneticProfile", "LesionCall", "build_genetic_profile"]
