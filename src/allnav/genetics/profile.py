"""The genetic profile of a case: every recurrent lesion called present, absent or unknown, with the
inputs (karyotype span or finding) behind it, conflicts as alerts and missing tests as pending items.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

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


class LesionCall(NamedTuple):
    """One lesion: ``present`` True / False / None (None = not tested or undecided, never normal).

    Immutable (a named tuple: a dozen are built per case).
    """

    present: bool | None
    evidence: Sequence[str]
    inputs: Sequence[dict[str, Any]]
    rule: str = LESION
    label: str = ""
    conflict: bool = False
    transcript: str | None = None


#: A :class:`LesionCall` from a tuple of all seven fields in order, skipping the keyword and default
#: handling of the generated constructor (a third cheaper; a dozen calls are built per case).
_lesion_call = functools.partial(tuple.__new__, LesionCall)


class GeneticProfile(NamedTuple):
    """All lesion calls of a case plus the genetics alerts and pending tests (immutable)."""

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
        try:
            return self.calls[lesion_id].present
        except KeyError:
            raise UsageError(f"unknown lesion id {lesion_id!r}") from None


#: The rule behind each lesion call (default gen.lesion_call; gen.implied_lesions when an implication decided).
_RULES: dict[str, str] = dict(PLOIDY_LESIONS)


@functools.cache
def _unknown_calls() -> dict[str, LesionCall]:
    """One shared 'not tested' call per lesion (immutable: empty tuples)."""
    return {d.id: LesionCall(None, (), (), _RULES.get(d.id, LESION), d.label) for d in load_catalog().lesions}


@functools.cache
def _lesion_table() -> dict[str, tuple[LesionDef, str]]:
    """Each lesion id's definition and default rule (the catalog is read once and never changes)."""
    return {d.id: (d, _RULES.get(d.id, LESION)) for d in load_catalog().lesions}


def _make_call(
    d: LesionDef, items: Sequence[Evidence], dec: Decision, rule: str, notes: Sequence[str] = ()
) -> LesionCall:
    """The call from a decision: the items' texts, then the decision's notes, then ``notes``."""
    texts: list[str] = []
    inputs: list[dict[str, Any]] = []
    transcripts: set[str] = set()
    for e in items:
        texts.append(e.text)
        inputs.append(dict(e.input))
        if e.result and "transcript" in e.input:
            transcripts.add(str(e.input["transcript"]))
    texts += dec.notes
    texts += notes
    transcript = ("/".join(sorted(transcripts)) or None) if transcripts else None
    return LesionCall(dec.present, texts, inputs, rule, d.label, dec.tie or bool(dec.disagreeing), transcript)


def _single_call(
    kb: KnowledgeBase,
    d: LesionDef,
    rule: str,
    e: Evidence,
    notes: Sequence[str],
    pending: list[dict[str, Any]],
) -> LesionCall:
    """The call from one evidence item (the common case), as :func:`decide` + :func:`_make_call` give it:
    its own result decides, with no disagreement; an indeterminate test result leaves a pending repeat.
    ``rule`` is the lesion's default rule (replaced by the implication rule for implied evidence).
    """
    result = e.result
    texts = [e.text, *notes] if notes else [e.text]
    if result is None:
        if not e.karyotype:
            pending += lesion_alerts(kb, d, (e,), Decision(None, None))[1]
        return _lesion_call((None, texts, [dict(e.input)], rule, d.label, False, None))
    transcript = (str(e.input["transcript"]) or None) if result and "transcript" in e.input else None
    rule = IMPLIED if e.implied else rule
    return _lesion_call((result, texts, [dict(e.input)], rule, d.label, False, transcript))


def _lesion_calls(
    kb: KnowledgeBase,
    evidence: Sequence[Evidence],
    notes: Mapping[str, list[str]],
    alerts: list[dict[str, Any]],
    pending: list[dict[str, Any]],
) -> dict[str, LesionCall]:
    """Every lesion's call (catalogue order): decided from its evidence, 'not tested' without any;
    conflict alerts and pending tests are added to ``alerts`` and ``pending``.
    """
    table = _lesion_table()
    by_lesion: dict[str, list[Evidence]] = {lid: [] for lid in notes}
    for e in evidence:
        items = by_lesion.get(e.lesion)
        if items is None:
            by_lesion[e.lesion] = [e]
        else:
            items.append(e)
    calls = dict(_unknown_calls())
    for lid, items in by_lesion.items():
        d, rule = table[lid]
        if not items:  # only notes: a normal G-banding that cannot exclude a cryptic lesion; nothing decided
            calls[lid] = _lesion_call((None, list(notes[lid]), [], rule, d.label, False, None))
            continue
        if len(items) == 1 and not d.negative_needs_all:
            calls[lid] = _single_call(kb, d, rule, items[0], notes.get(lid, ()), pending)
            continue
        dec = decide(items, d)
        if dec.decided_by is not None and dec.decided_by.implied:
            rule = IMPLIED
        calls[lid] = _make_call(d, items, dec, rule, notes.get(lid, ()))
        a, p = lesion_alerts(kb, d, items, dec)
        alerts += a
        pending += p
    return calls


def build_genetic_profile(
    case: Case, kb: KnowledgeBase, karyotype_features: dict[str, Any] | None
) -> GeneticProfile:
    """Combine karyotype features and genetics findings into lesion calls.

    ``karyotype_features`` is the contract section-2 dict (or None when there is no karyotype, or it
    could not be parsed; an invalid dict with ``valid: false`` is also accepted and its error named).
    """
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
    alerts: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []
    calls = _lesion_calls(kb, evidence, notes, alerts, pending)
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
        unmatched_findings=tuple(case.genetics[i].finding for i in unmatched) if unmatched else (),
    )


def _modal(features: Mapping[str, Any] | None) -> int | list[int] | None:
    if not features:
        return None
    b = ploidy_bounds(features.get("modal_number"))
    if b is None:
        return None
    return b[0] if b[0] == b[1] else [b[0], b[1]]


_IKZF1PLUS_COMPONENTS = ("ikzf1_deletion", "erg_deletion", *IKZF1PLUS_CODELETIONS)


def _apply_ikzf1plus(kb: KnowledgeBase, calls: dict[str, LesionCall], pending: list[dict[str, Any]]) -> None:
    direct = calls.get("ikzf1plus")
    if direct is not None and direct.present is not None:
        return
    present: dict[str, bool | None] = {}
    inputs: list[dict[str, Any]] = []
    for k in _IKZF1PLUS_COMPONENTS:
        call = calls[k]
        present[k] = call.present
        inputs += call.inputs
    value, why, unknown = ikzf1plus_from_components(present)
    calls["ikzf1plus"] = _lesion_call((value, why, inputs, IKZF1PLUS, "IKZF1plus", False, None))
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
