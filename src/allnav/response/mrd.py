"""Measurable residual disease status and Ph+ molecular monitoring (clinical_rules F3, G3, G4).

MRD is negative only when the level is below 10^-4 *and* the assay reached 10^-4; a level below the
threshold from an assay that could not reach it (or whose sensitivity is not stated) is
``negative_insufficient_sensitivity`` (ELN). BCR::ABL1 depth labels (MMR, MR4, ...) are International
Scale terms calibrated for p210; a p190 result is never labelled on the IS.
"""

from __future__ import annotations

from typing import Any

from allnav.case.model import MRD, Case, TimelineEntry
from allnav.errors import FieldProblem, ImplausibleValueError
from allnav.knowledge import KnowledgeBase, RuleRef
from allnav.response.timeline import dated_entries

MRD_NEGATIVE = RuleRef("resp.mrd_negative")
MRD_POSITIVE = RuleRef("resp.mrd_positive")
MRD_INSUFFICIENT = RuleRef("resp.mrd_insufficient_sensitivity")
MRD_NOT_DONE = RuleRef("resp.mrd_not_done")
MOLECULAR = RuleRef("resp.ph_molecular")
P190_IS = RuleRef("resp.p190_not_is")

THRESHOLD = 1e-4
#: International Scale depth labels for p210 BCR::ABL1 (level as a fraction: 0.001 = 0.1 % IS).
IS_LABELS: tuple[tuple[str, float], ...] = (
    ("MR5", 1e-5),
    ("MR4.5", 3.2e-5),
    ("MR4", 1e-4),
    ("MMR (MR3)", 1e-3),
)


def _is_bcr_abl1(m: MRD) -> bool:
    target = (m.target or "").upper().replace("-", "::").replace(" ", "")
    return "BCR::ABL" in target or m.transcript is not None or m.method == "rt-qpcr"


def classify_mrd(kb: KnowledgeBase, m: MRD, day: int, path: str) -> dict[str, Any]:
    """One MRD result as a conclusion with ``status``, ``level``, ``method``, ``threshold``."""
    common: dict[str, Any] = {
        "level": m.level,
        "method": m.method,
        "sensitivity": m.sensitivity,
        "threshold": THRESHOLD,
        "day": day,
        "target": m.target,
    }
    if m.level is not None and not 0.0 <= m.level <= 1.0:
        raise ImplausibleValueError(
            "MRD level outside 0-1", [FieldProblem(path, "MRD level is a fraction of cells", m.level, "0-1")]
        )
    if m.level is None:
        return kb.conclude(
            MRD_NOT_DONE, "not done", [f"day {day}: no MRD level reported"], status="not done", **common
        )
    lvl = f"MRD level = {m.level:g} (threshold 1e-4)"
    if m.level >= THRESHOLD:
        return kb.conclude(MRD_POSITIVE, "positive", [f"{lvl}: >= 1e-4"], status="positive", **common)
    if m.sensitivity is not None and m.sensitivity <= THRESHOLD:
        why = [f"{lvl}: < 1e-4", f"assay sensitivity = {m.sensitivity:g} (reaches 1e-4)"]
        if m.level == 0:
            why.append("no MRD detected (ELN complete MRD response)")
        return kb.conclude(MRD_NEGATIVE, "negative", why, status="negative", detectable=m.level > 0, **common)
    if m.sensitivity is None:
        sens = "assay sensitivity not stated: ELN stores this as negative with sensitivity unknown"
    else:
        sens = f"assay sensitivity = {m.sensitivity:g}: cannot reach 1e-4"
    return kb.conclude(
        MRD_INSUFFICIENT,
        "negative_insufficient_sensitivity",
        [f"{lvl}: below the threshold", sens],
        status="negative_insufficient_sensitivity",
        **common,
    )


def molecular(
    kb: KnowledgeBase, m: MRD, day: int, ph_positive: bool | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """BCR::ABL1 quantification: IS depth label for p210 on the IS only; alerts for a p190 labelled IS."""
    alerts: list[dict[str, Any]] = []
    transcript = (m.transcript or "").lower() or None
    why = [
        f"BCR::ABL1 quantification on day {day}, level = {m.level if m.level is not None else 'not given'}"
    ]
    label: str | None = None
    if transcript == "p190":
        why.append("p190 transcript: reported as a ratio to a control gene, never on the International Scale")
        if m.international_scale:
            alerts.append(
                kb.conclude(
                    P190_IS,
                    "p190 result labelled International Scale",
                    [f"day {day}: transcript p190 with international_scale = true"],
                    severity="warning",
                    action="Ask the laboratory to re-issue the p190 BCR::ABL1 result as a ratio to the control "
                    "gene; do not read MMR/MR4 labels from it (the IS is calibrated for p210).",
                )
            )
    elif transcript == "p210" and m.international_scale and m.level is not None:
        for name, cut in IS_LABELS:
            if m.level <= cut:
                label = name
                break
        why.append(f"p210 on the IS: {label or 'above MMR (> 0.1% IS)'}")
        if label and label != "MMR (MR3)" and m.level == 0:
            why.append("undetectable: the MR4+ label needs adequate ABL1 control copies (not given)")
    else:
        why.append("transcript or IS calibration not stated: no depth label")
    out = kb.conclude(
        MOLECULAR,
        label,
        why,
        transcript=transcript,
        international_scale=bool(m.international_scale) if transcript != "p190" else False,
        level=m.level,
        day=day,
        ph_positive=ph_positive,
    )
    return out, alerts


def assess_mrd(
    kb: KnowledgeBase,
    case: Case,
    ph_positive: bool | None,
    entries: list[tuple[int, int, TimelineEntry]] | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Latest MRD status with its history and BCR::ABL1 monitoring, and the alerts they raise.

    ``entries``: the case's :func:`dated_entries` when the caller already has them.
    """
    history: list[dict[str, Any]] = []
    mol_history: list[dict[str, Any]] = []
    alerts: list[dict[str, Any]] = []
    latest: dict[str, Any] | None = None
    for day, i, e in dated_entries(case) if entries is None else entries:
        if e.mrd is None:
            continue
        m = e.mrd
        if _is_bcr_abl1(m):
            mol, al = molecular(kb, m, day, ph_positive)
            mol_history.append(mol)
            alerts += al
        c = classify_mrd(kb, m, day, f"timeline[{i}].mrd.level")
        history.append(c)
        latest = c
    if latest is None:  # the usual case at diagnosis: built directly
        r = kb.rules[MRD_NOT_DONE]
        return {
            "value": "not done",
            "rule": r.id,
            "rule_version": r.version,
            "because": ["no MRD result on the timeline as of the assessment day"],
            "sources": [*r.sources],
            "status": "not done",
            "level": None,
            "method": None,
            "sensitivity": None,
            "threshold": THRESHOLD,
            "day": None,
            "target": None,
            "history": [],
        }, alerts
    out = latest  # made by this call (classify_mrd above): extended in place, not copied
    out["history"] = [{"day": h["day"], "status": h["status"], "level": h["level"]} for h in history]
    if mol_history:
        out["molecular"] = mol_history[-1]
        out["molecular_history"] = [
            {"day": h["day"], "level": h["level"], "label": h["value"]} for h in mol_history
        ]
    return out, alerts
