"""Classification and codes: WHO 2016 (ICD-O-3), WHO-HAEM5, ICC 2022, ICD-10-CM and ploidy."""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from allnav.case.model import Case
from allnav.classification.codes import icd10cm, ploidy
from allnav.classification.tables import lesion_states
from allnav.classification.who2016 import who2016
from allnav.classification.who2022 import classify_2022
from allnav.genetics import GeneticProfile
from allnav.knowledge import KnowledgeBase


class ClassificationResult(NamedTuple):
    """The classification conclusions (each a conclusion dict, see contracts.md section 4); immutable."""

    who2016: dict[str, Any]
    who2022: dict[str, Any]
    icc2022: dict[str, Any]
    icd10cm: dict[str, Any]
    ploidy: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The result as the section-4 keys."""
        return {
            "who2016": self.who2016,
            "who2022": self.who2022,
            "icc2022": self.icc2022,
            "icd10cm": self.icd10cm,
            "ploidy": self.ploidy,
        }


#: A :class:`ClassificationResult` from a tuple of its fields in order, without the keyword handling of
#: the generated constructor.
_new_result = functools.partial(tuple.__new__, ClassificationResult)


def classify(
    case: Case,
    kb: KnowledgeBase,
    diagnosis: str,
    lineage: str | None,
    etp: bool | None,
    profile: GeneticProfile,
    karyotype_features: dict[str, Any] | None,
    *,
    near_etp: bool | None = None,
    response: dict[str, Any] | None = None,
) -> ClassificationResult:
    """Classify a diagnosed case: WHO 2016 entity with ICD-O-3, HAEM5 and ICC names, ICD-10-CM, ploidy.

    ``diagnosis`` is the section-4 value (``B-ALL`` ... ``not ALL``); ``not ALL`` and ``indeterminate``
    give null entities with the reason. ``response`` (section-4 response) moves C91.00 to C91.01/C91.02.
    """
    del case  # the case is read through the profile; kept for a stable signature
    # the lesion calls the three systems need, read once (B diagnoses only use them)
    states = lesion_states(profile) if diagnosis in ("B-ALL", "B-LBL") else None
    return _new_result(
        (
            who2016(kb, diagnosis, lineage, etp, profile, states),
            classify_2022(kb, "who2022", diagnosis, etp, profile, near_etp, states),
            classify_2022(kb, "icc2022", diagnosis, etp, profile, near_etp, states),
            icd10cm(kb, diagnosis, response),
            ploidy(kb, karyotype_features),
        )
    )


__all__ = ["ClassificationResult", "classify"]
