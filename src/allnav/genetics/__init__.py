"""Genetics integration: karyotype features + FISH/PCR/NGS/MLPA findings -> recurrent lesion calls.

>>> from allnav.case.model import Case
>>> from allnav.knowledge import load_knowledge_base
>>> case = Case.model_validate({"patient": {"id": "x"}, "genetics": [{"finding": "BCR::ABL1"}]})
>>> build_genetic_profile(case, load_knowledge_base(), None).call("bcr_abl1").present
True
"""

from allnav.genetics.features import karyotype_features_for
from allnav.genetics.findings import ParsedFinding, normalise_finding, parse_finding_text
from allnav.genetics.profile import GeneticProfile, LesionCall, build_genetic_profile

__all__ = [
    "GeneticProfile",
    "LesionCall",
    "ParsedFinding",
    "build_genetic_profile",
    "karyotype_features_for",
    "normalise_finding",
    "parse_finding_text",
]
