"""The FHIR code table (``fhir_codes.yaml``), loaded once into a validated, immutable model."""

from __future__ import annotations

import functools

from pydantic import BaseModel, ConfigDict

from allnav.knowledge.tables import load_table


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ObservationMap(_Strict):
    """Where one LOINC-coded Observation lands in the case file."""

    target: str
    kind: str
    analyte: str | None = None
    transcript: str | None = None
    international_scale: bool | None = None
    confidence: str


class GenomicsCodes(_Strict):
    variant_code: str
    gene_studied: str
    cytogenomic_nomenclature: str
    present: list[str]
    absent: list[str]


class ConditionCodes(_Strict):
    snomed: dict[str, str]
    icd10cm_prefixes: list[str]
    icdo3_morphology: list[str]


class FhirCodeTable(_Strict):
    """The whole table; see the file's header for its sources."""

    source: str
    version: str
    date: str
    observations: dict[str, ObservationMap]
    recognised_not_mapped: dict[str, str]
    reference_intervals: dict[str, tuple[float, float]]
    procedures: dict[str, str]
    procedure_analytes: dict[str, list[str]]
    report_codes: dict[str, str]
    routes: dict[str, str]
    genomics: GenomicsCodes
    conditions: ConditionCodes


@functools.cache
def fhir_code_table() -> FhirCodeTable:
    """Load and validate ``fhir_codes.yaml`` (a malformed table fails here, at start-up)."""
    return load_table("allnav.interop", "fhir_codes.yaml", FhirCodeTable)
