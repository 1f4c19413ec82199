"""The genetic profile of a case: every recurrent lesion called present, absent or unknown, with the
inputs (karyotype span or finding) behind it, conflicts as alerts and missing tests as pending items.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from allnav.case.model import Case
from allnav.errors import UsageError
from allnav.genetics.call import LESION, LesionCall, new_call
from allnav.genetics.catalog import LesionDef, load_catalog
from allnav.genetics.composite import (
    IKZF1PLUS,
    IKZF1PLUS_CODELETIONS,
    IMPLIED,
    IMPLIES,
    ikzf1plus_from_components,
    implied_evidence,
    runx1_copy_evidence,
)
from allnav.genetics.evidence import (
    ABNORMAL,
    PLAIN,
    QUIET,
    Evidence,
    FlagPlan,
    add_finding_evidence,
    add_karyotype_evidence,
    flag_plans,
)
from allnav.genetics.ploidy import (
    PLOIDY_LESIONS,
    PloidyPlan,
    add_ploidy_evidence,
    may_imply,
    ploidy_bounds,
    ploidy_plan,
)
from allnav.genetics.resolve import Decision, decide
from allnav.genetics.status import (
    BCR_ABL1_LIKE,
    cml_alerts,
    karyotype_items,
    lesion_alerts,
)
from allnav.knowledge import KnowledgeBase

#: A :class:`LesionCall` from a tuple of all seven fields in order (see :data:`allnav.genetics.call.new_call`).
_lesion_call = new_call


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
def _lesion_table() -> dict[str, tuple[LesionDef, str, str, bool]]:
    """Each lesion id's definition, default rule, label and ``negative_needs_all`` (the catalog is read
    once and never changes).
    """
    return {
        d.id: (d, _RULES.get(d.id, LESION), d.label, d.negative_needs_all) for d in load_catalog().lesions
    }


@functools.cache
def _karyotype_plans() -> tuple[dict[str, tuple[FlagPlan, ...]], PloidyPlan]:
    """The karyotype flags' and the ploidy lesions' plans (built once from the catalogue)."""
    implied = {target for targets in IMPLIES.values() for target in targets}
    return flag_plans(_RULES, set(PLOIDY_LESIONS), implied), ploidy_plan(implied, set(IMPLIES))


def _karyotype_mode(features: Mapping[str, Any], ploidy: PloidyPlan, positives: Sequence[Evidence]) -> int:
    """What can still speak to a lesion after the karyotype's flags (see :data:`QUIET`): ABNORMAL when a
    clone has abnormalities; QUIET when, besides, no finding is positive (so none implies a lesion), no
    flag is set and the modal number cannot give a lesion that implies another; PLAIN otherwise.
    """
    if any(clone.get("abnormalities") for clone in features.get("clones") or ()):
        return ABNORMAL
    if positives or features.get("complex") is True or True in (features.get("recurrent") or {}).values():
        return PLAIN
    return PLAIN if may_imply(ploidy, features) else QUIET


#: The decision of an indeterminate single result (nothing decided, no disagreement).
_UNDECIDED = Decision(None, None)


def _make_call(
    d: LesionDef, items: Sequence[Evidence], dec: Decision, rule: str, notes: Sequence[str] = ()
) -> LesionCall:
    """The call from a decision: the items' texts, then the decision's notes, then ``notes``; the items'
    own input records (see :class:`Evidence`).
    """
    texts: list[str] = []
    inputs: list[dict[str, Any]] = []
    transcripts: set[str] = set()
    for e in items:
        texts.append(e.text)
        inputs.append(e.input)
        if e.result and "transcript" in e.input:
            transcripts.add(str(e.input["transcript"]))
    texts += dec.notes
    texts += notes
    transcript = ("/".join(sorted(transcripts)) or None) if transcripts else None
    return LesionCall(dec.present, texts, inputs, rule, d.label, dec.tie or bool(dec.disagreeing), transcript)


def _lesion_calls(
    kb: KnowledgeBase,
    calls: dict[str, LesionCall],
    by_lesion: dict[str, list[Evidence]],
    notes: Mapping[str, list[str]],
    alerts: list[dict[str, Any]],
    pending: list[dict[str, Any]],
) -> None:
    """Set in ``calls`` the call of every lesion with evidence (``by_lesion``, each lesion's items in the
    order they were found) or notes; conflict alerts and pending tests are added to ``alerts`` and
    ``pending`` (lesions with notes first, then in order of their first item).
    """
    table = _lesion_table()
    if notes:
        ordered = {lid: by_lesion.pop(lid, []) for lid in notes}
        ordered.update(by_lesion)
        by_lesion = ordered
    for lid, items in by_lesion.items():
        d, rule, label, needs_all = table[lid]
        if not items:  # only notes: a normal G-banding that cannot exclude a cryptic lesion; nothing decided
            calls[lid] = _lesion_call((None, list(notes[lid]), [], rule, label, False, None))
            continue
        first = items[0]
        result = first[1]
        if len(items) == 1:
            if needs_all:
                pass
            elif result is None:  # an indeterminate result decides nothing; a test's leaves a pending repeat
                if not first[6]:  # not karyotype
                    pending += lesion_alerts(kb, d, items, _UNDECIDED)[1]
                lesion_notes = notes.get(lid) if notes else None
                texts = [first[3], *lesion_notes] if lesion_notes else [first[3]]
                calls[lid] = _lesion_call((None, texts, [first[4]], rule, label, False, None))
                continue
            else:  # one result (the common case) decides, as decide() + _make_call() give it; inlined
                inp = first[4]
                transcript = (str(inp["transcript"]) or None) if result and "transcript" in inp else None
                lesion_notes = notes.get(lid) if notes else None
                texts = [first[3], *lesion_notes] if lesion_notes else [first[3]]
                rule = IMPLIED if first[7] else rule
                calls[lid] = _lesion_call((result, texts, [inp], rule, label, False, transcript))
                continue
        elif needs_all or result is None:
            pass
        elif len(items) == 2 and items[1][1] is result:
            # Two items that agree (a test and the karyotype, most often): the first of the higher rank
            # decides, with no disagreement and no note; inlined.
            second = items[1]
            decided = second if second[2] > first[2] else first
            texts = [first[3], second[3]]
            lesion_notes = notes.get(lid) if notes else None
            if lesion_notes:
                texts += lesion_notes
            transcript = None
            if result and ("transcript" in first[4] or "transcript" in second[4]):
                transcripts = {str(e[4]["transcript"]) for e in items if "transcript" in e[4]}
                transcript = "/".join(sorted(transcripts)) or None
            rule = IMPLIED if decided[7] else rule
            calls[lid] = _lesion_call((result, texts, [first[4], second[4]], rule, label, False, transcript))
            continue
        dec = decide(items, d)
        if dec.decided_by is not None and dec.decided_by.implied:
            rule = IMPLIED
        calls[lid] = _make_call(d, items, dec, rule, notes.get(lid, ()))
        a, p = lesion_alerts(kb, d, items, dec)
        alerts += a
        pending += p


#: A :class:`GeneticProfile` from a tuple of all nine fields in order (see :data:`_lesion_call`).
_genetic_profile = functools.partial(tuple.__new__, GeneticProfile)


def _add(by_lesion: dict[str, list[Evidence]], positives: list[Evidence], items: Sequence[Evidence]) -> None:
    for e in items:
        by_lesion.setdefault(e.lesion, []).append(e)
        if e.result is True:
            positives.append(e)


def build_genetic_profile(
    case: Case, kb: KnowledgeBase, karyotype_features: dict[str, Any] | None
) -> GeneticProfile:
    """Combine karyotype features and genetics findings into lesion calls.

    ``karyotype_features`` is the contract section-2 dict (or None when there is no karyotype, or it
    could not be parsed; an invalid dict with ``valid: false`` is also accepted and its error named).
    """
    valid = bool(karyotype_features) and (karyotype_features or {}).get("valid", True) is not False
    features: dict[str, Any] | None = karyotype_features if valid else None
    genetics = case.genetics
    # Each lesion's evidence in the order found: findings, RUNX1 copy numbers, karyotype, ploidy, implied.
    by_lesion: dict[str, list[Evidence]] = {}
    positives: list[Evidence] = []  # the positive items, in that order (the sources of implied lesions)
    unmatched: list[int] = []
    copy_warnings: list[str] = []
    if genetics:
        unmatched = add_finding_evidence(genetics, by_lesion, positives)
        copy_items, copy_warnings = runx1_copy_evidence(genetics, features)
        _add(by_lesion, positives, copy_items)
    # Catalogue order; 'not tested' until evidence decides. The karyotype's only-input lesions (most of
    # them) get their calls at once, the others from by_lesion below.
    calls = dict(_unknown_calls())
    notes: dict[str, list[str]] = {}
    if features is not None:
        flags, ploidy = _karyotype_plans()
        mode = _karyotype_mode(features, ploidy, positives)
        notes = add_karyotype_evidence(features, flags, mode, by_lesion, positives, calls)
        add_ploidy_evidence(features, ploidy, mode == QUIET, by_lesion, positives, calls)
    if positives:
        _add(by_lesion, [], implied_evidence(positives))
    alerts: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []
    _lesion_calls(kb, calls, by_lesion, notes, alerts, pending)
    _apply_ikzf1plus(kb, calls, pending)
    _apply_bcr_abl1_like(calls)
    kt_alerts, kt_pending = karyotype_items(kb, case, karyotype_features, copy_warnings)
    alerts += kt_alerts
    pending += kt_pending
    alerts += cml_alerts(kb, case, calls["bcr_abl1"])
    return _genetic_profile(
        (
            calls,
            tuple(alerts),
            tuple(pending),
            None if karyotype_features is None and case.karyotype is None else valid,
            _modal(features),
            (features or {}).get("ploidy_class"),
            case.presentation.antecedent_cml,
            features is not None or bool(genetics),
            tuple(genetics[i].finding for i in unmatched) if unmatched else (),
        )
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
    components = [calls[k] for k in _IKZF1PLUS_COMPONENTS]
    present = {k: call.present for k, call in zip(_IKZF1PLUS_COMPONENTS, components, strict=True)}
    inputs = [i for call in components for i in call.inputs]
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
