"""De-identified, coded rows for registrars: a keyed pseudonym, age band, sex and the coded conclusions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from allnav.services.patients import current_case, latest_assessment
from allnav.services.security import pseudonym
from allnav.store.models import Patient

CODED_KEYS = (
    "diagnosis",
    "lineage",
    "icd10cm",
    "ph_positive",
    "etp",
    "cns_status",
    "genetic_risk",
    "response",
)


def _value(obj: Any) -> Any:
    return obj.get("value") if isinstance(obj, dict) else obj


def age_band(age: Any) -> str | None:
    """A ten-year age band (``40-49``), never the exact age."""
    if not isinstance(age, int | float) or isinstance(age, bool):
        return None
    low = int(age) // 10 * 10
    return f"{low}-{low + 9}"


def registry_row(session: Session, secret: str, patient: Patient) -> dict[str, Any]:
    """One patient's registry row; nothing in it names or identifies the patient."""
    person = current_case(session, patient).get("patient") or {}
    assessment = latest_assessment(session, patient.id)
    output: dict[str, Any] = assessment.output if assessment is not None else {}
    row: dict[str, Any] = {
        "pseudonym": pseudonym(secret, patient.id),
        "age_band": age_band(person.get("age_years")),
        "sex": person.get("sex", "unknown"),
    }
    for key in CODED_KEYS:
        row[key] = _value(output.get(key))
    who2016 = output.get("who2016")
    row["icdo3"] = who2016.get("icdo3") if isinstance(who2016, dict) else None
    row["who2022"] = _value(output.get("who2022"))
    row["knowledge_version"] = assessment.knowledge_version if assessment is not None else None
    return row


def registry_rows(session: Session, secret: str, limit: int = 1000) -> list[dict[str, Any]]:
    """Registry rows for every stored patient, ordered by pseudonym."""
    patients = session.scalars(select(Patient).limit(limit)).all()
    return sorted((registry_row(session, secret, p) for p in patients), key=lambda r: str(r["pseudonym"]))
