"""allnav.case: the case file (contracts.md section 3) - model, loading, validation and units.

>>> case = load_case({"patient": {"id": "demo", "age_years": 34}, "blood": {"wbc": 45.2}})
>>> case.blood.wbc
45.2
"""

from allnav.case.loader import load_case, load_case_file, load_case_text
from allnav.case.markers import canonical_marker, unknown_markers
from allnav.case.model import (
    CSF,
    MRD,
    Blood,
    Case,
    CrsIcansEntry,
    GeneticFinding,
    Labs,
    MarkerValue,
    Marrow,
    Medication,
    Patient,
    Presentation,
    TimelineEntry,
    Vitals,
)
from allnav.case.units import accepted_units, convert, convert_between, default_unit

__all__ = [
    "CSF",
    "MRD",
    "Blood",
    "Case",
    "CrsIcansEntry",
    "GeneticFinding",
    "Labs",
    "MarkerValue",
    "Marrow",
    "Medication",
    "Patient",
    "Presentation",
    "TimelineEntry",
    "Vitals",
    "accepted_units",
    "canonical_marker",
    "convert",
    "convert_between",
    "default_unit",
    "load_case",
    "load_case_file",
    "load_case_text",
    "unknown_markers",
]
