"""Interoperability: FHIR R4 / mCODE STU4 in (and, later, out), with mapping reports."""

from allnav.interop.fhir_import import ImportResult, PatientImport, import_fhir
from allnav.interop.fhir_read import ReadResult, read_fhir_text, read_fhir_texts

__all__ = ["ImportResult", "PatientImport", "ReadResult", "import_fhir", "read_fhir_text", "read_fhir_texts"]
