"""Storing FHIR imports: a savepoint per patient, so one refused case never blocks the others."""

from __future__ import annotations

from sqlalchemy.orm import Session

from allnav.errors import AllnavError
from allnav.interop.fhir_import import ImportResult
from allnav.services.clinical import ClinicalCore
from allnav.services.patients import create_patient
from allnav.store.audit import Actor


def store_imports(
    session: Session, core: ClinicalCore, actor: Actor, result: ImportResult, team: str
) -> dict[str, str]:
    """Create each imported patient in ``team`` (the caller commits); per patient id, "stored" or why not."""
    outcome: dict[str, str] = {}
    for p in result.patients:
        try:
            with session.begin_nested():
                create_patient(
                    session, core, actor, name=p.name or p.id, team_name=team, patient_id=p.id, case=p.case
                )
            outcome[p.id] = "stored"
        except AllnavError as exc:
            outcome[p.id] = f"not stored: {exc.message}"
    return outcome
