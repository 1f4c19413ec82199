"""Prognosis of the diagnostic assessment: prognostic factors (contract ids), genetic risk group, Ph status."""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from allnav.case.model import Case
from allnav.genetics import GeneticProfile
from allnav.knowledge import KnowledgeBase
from allnav.prognosis.clinical import age_factor, flag_factors, response_factors, wbc_factor
from allnav.prognosis.lesions import genetic_factors, ph_status
from allnav.prognosis.pending import prognosis_pending
from allnav.prognosis.risk import genetic_risk

_ALL = ("B-ALL", "T-ALL", "B-LBL", "T-LBL", "MPAL", "AUL")


class PrognosisResult(NamedTuple):
    """Prognostic factors, genetic risk, Ph status, and pending/alerts (the genetic profile's included).

    Immutable (a named tuple).
    """

    factors: list[dict[str, Any]]
    genetic_risk: dict[str, Any]
    ph_positive: dict[str, Any]
    pending: list[dict[str, Any]]
    alerts: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """The result under the section-4 keys."""
        return {
            "prognostic_factors": self.factors,
            "genetic_risk": self.genetic_risk,
            "ph_positive": self.ph_positive,
            "pending": self.pending,
            "alerts": self.alerts,
        }


#: A :class:`PrognosisResult` from a tuple of its five fields in order (skips the keyword handling).
_prognosis_result = functools.partial(tuple.__new__, PrognosisResult)


def _dedupe(items: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for it in items:
        k = str(it.get(key))
        if k not in seen:
            seen.add(k)
            out.append(it)
    return out


def assess_prognosis(
    case: Case,
    kb: KnowledgeBase,
    diagnosis: str,
    lineage: str | None,
    etp: bool | None,
    b_stage: str | None,
    cns_disease: bool | None,
    profile: GeneticProfile,
    response: dict[str, Any] | None = None,
) -> PrognosisResult:
    """Factors (``id``, ``direction``), NCCN genetic risk (with ``scheme``), ``ph_positive``, pending, alerts.

    ``response`` is the section-4 ``{"response": {...}, "mrd": {...}}`` (late_cr / no_cr / mrd_positive only
    when given). ``pending`` and ``alerts`` include the genetic profile's own items.
    """
    factors: list[dict[str, Any]] = []
    if diagnosis in _ALL:
        age = age_factor(kb, case)
        if age is not None:
            factors.append(age)
        wbc = wbc_factor(kb, case, diagnosis, lineage)
        if wbc is not None:
            factors.append(wbc)
        factors += genetic_factors(kb, profile)
        factors += flag_factors(kb, etp, b_stage, cns_disease)
        factors += response_factors(kb, response)
    own = prognosis_pending(kb, diagnosis, profile)  # one item per test
    pending = _dedupe([*profile.pending, *own], "test") if profile.pending else own
    return _prognosis_result(
        (
            factors,
            genetic_risk(kb, diagnosis, etp, profile),
            ph_status(kb, profile),
            pending,
            list(profile.alerts),
        )
    )


__all__ = ["PrognosisResult", "assess_prognosis"]
