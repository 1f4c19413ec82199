"""Alerts and pending tests raised while building the genetic profile."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from allnav.case.model import Case
from allnav.genetics.call import LESION
from allnav.genetics.catalog import LesionDef
from allnav.genetics.evidence import Evidence
from allnav.genetics.resolve import Decision
from allnav.knowledge import KnowledgeBase, RuleRef

CONFLICT = RuleRef("gen.method_precedence")
KARYOTYPE = RuleRef("gen.karyotype_status")
BCR_ABL1_LIKE = RuleRef("gen.bcr_abl1_like")
CML = RuleRef("gen.cml_lymphoid_blast_phase")


def _pending(kb: KnowledgeBase, rule: str, test: str, why: str) -> dict[str, Any]:
    return {"test": test, "why": why, "rule": rule, "sources": list(kb.rule(rule).sources)}


def lesion_alerts(
    kb: KnowledgeBase, d: LesionDef, items: Sequence[Evidence], dec: Decision
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A conflict alert when tests disagree; a pending test when results are tied or indeterminate."""
    alerts: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []
    if dec.tie:
        because = [e.text for e in dec.disagreeing] + ["equally specific tests disagree: left unknown"]
        alerts.append(
            kb.conclude(
                CONFLICT,
                f"conflicting results for {d.label}",
                because,
                severity="warning",
                lesion=d.id,
                inputs=[dict(e.input) for e in dec.disagreeing],
            )
        )
        pending.append(_pending(kb, CONFLICT, f"repeat or orthogonal test for {d.label}", "results disagree"))
    elif dec.disagreeing and dec.decided_by is not None:
        word = "present" if dec.present else "absent"
        because = [e.text for e in dec.disagreeing] + [
            f"decided {word} by the more specific test: {dec.decided_by.text}"
        ]
        alerts.append(
            kb.conclude(
                CONFLICT,
                f"conflicting results for {d.label}; taken as {word}",
                because,
                severity="warning",
                lesion=d.id,
                decided_by=dict(dec.decided_by.input),
                inputs=[dict(e.input) for e in (*dec.disagreeing, dec.decided_by)],
            )
        )
        pending.append(_pending(kb, CONFLICT, f"confirm {d.label} (e.g. FISH)", "tests disagree"))
    elif (
        dec.present is None
        and any(not e.karyotype for e in items)
        and all(e.result is None for e in items if not e.karyotype)
    ):
        pending.append(_pending(kb, LESION, f"repeat test for {d.label}", "result indeterminate"))
    return alerts, pending


def karyotype_items(
    kb: KnowledgeBase, case: Case, features: dict[str, Any] | None, warnings: Sequence[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Alert for an invalid karyotype (naming the parse error) and a pending item when it is missing."""
    alerts: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []
    invalid = features is not None and features.get("valid") is False
    if features is None and case.karyotype is None:
        pending.append(
            _pending(
                kb,
                KARYOTYPE,
                "karyotype (G-banded marrow metaphases)",
                "no karyotype reported: ploidy, complex karyotype and visible translocations unknown",
            )
        )
    elif invalid or features is None:
        err = (features or {}).get("error") or {}
        message = err.get("message") or "the karyotype could not be parsed"
        where = f" at position {err['position']}" if "position" in err else ""
        alerts.append(
            kb.conclude(
                KARYOTYPE,
                f"karyotype not usable: {message}{where}",
                [f"karyotype = {case.karyotype!r}", f"error code {err.get('code', 'unknown')}"],
                severity="warning",
                inputs=[{"field": "karyotype", "text": case.karyotype, "error": err or None}],
            )
        )
        pending.append(
            _pending(kb, KARYOTYPE, "corrected ISCN karyotype report", f"karyotype invalid: {message}")
        )
    for w in warnings:
        alerts.append(kb.conclude(KARYOTYPE, w, [w], severity="info"))
    return alerts, pending


def cml_alerts(kb: KnowledgeBase, case: Case, bcr: Any) -> list[dict[str, Any]]:
    """Antecedent CML and p210 BCR::ABL1 raise the question of CML in lymphoid blast phase."""
    out: list[dict[str, Any]] = []
    cml = case.presentation.antecedent_cml
    if cml is True:
        out.append(
            kb.conclude(
                CML,
                "antecedent CML: consider CML in lymphoid blast phase rather than de novo Ph+ ALL",
                ["presentation.antecedent_cml = true"],
                severity="warning",
                inputs=[{"field": "presentation.antecedent_cml", "value": True}],
            )
        )
    if bcr.present is True and bcr.transcript and "p210" in bcr.transcript and cml is not True:
        because = [f"BCR::ABL1 {bcr.transcript} detected", f"presentation.antecedent_cml = {cml}"]
        out.append(
            kb.conclude(
                CML,
                "possible CML lymphoid blast phase, especially with p210: check CML history and "
                "BCR::ABL1 in non-blast lineages",
                because,
                severity="warning" if cml is None else "info",
                inputs=[i for i in bcr.inputs if "transcript" in i],
            )
        )
    return out
