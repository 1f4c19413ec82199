"""FHIR endpoints: ``GET /fhir/metadata``, ``GET /fhir/Patient/{id}[/$everything]``, ``POST /api/fhir/import``.

The patient's record and allnav's conclusions go out as an mCODE STU4 Bundle built by
:mod:`allnav.interop.fhir_export`; access is the same as for ``/api/patients/{id}`` (role, team or own
record) and every read is audited by the policy.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import JSONResponse

from allnav._version import __version__
from allnav.api.deps import DB, Core, actor_of
from allnav.api.policy import Action, Grant, patient_access, require
from allnav.case import load_case
from allnav.errors import UsageError
from allnav.interop.fhir_export import export_bundle
from allnav.interop.fhir_import import import_fhir
from allnav.interop.fhir_read import read_fhir_texts
from allnav.services import patients as svc
from allnav.services.imports import store_imports
from allnav.store.users import team_name

router = APIRouter(tags=["fhir"])
FHIR_JSON = "application/fhir+json"

Read = Annotated[Grant, Depends(patient_access(Action.PATIENT_READ))]


def _fhir(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, media_type=FHIR_JSON)


def capability_statement() -> dict[str, Any]:
    """What this server offers (FHIR R4 4.0.1, JSON, Patient read and $everything)."""
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-11-27",
        "kind": "instance",
        "software": {"name": "allnav", "version": __version__},
        "fhirVersion": "4.0.1",
        "format": ["json", FHIR_JSON],
        "implementationGuide": ["http://hl7.org/fhir/us/mcode/ImplementationGuide/hl7.fhir.us.mcode|4.0.0"],
        "rest": [
            {
                "mode": "server",
                "security": {"description": "OAuth2 bearer token from POST /api/token"},
                "resource": [
                    {
                        "type": "Patient",
                        "interaction": [{"code": "read"}],
                        "operation": [
                            {
                                "name": "everything",
                                "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
                            }
                        ],
                    }
                ],
            }
        ],
    }


@router.get("/fhir/metadata")
def metadata() -> JSONResponse:
    """The CapabilityStatement (no authentication needed, as FHIR expects)."""
    return _fhir(capability_statement())


def _bundle(session: DB, core: Core, grant: Grant) -> dict[str, Any]:
    assert grant.patient is not None
    case = svc.current_case(session, grant.patient)
    assessment = core.assess(case)
    return export_bundle(load_case(case), assessment)


@router.get("/fhir/Patient/{patient_id}/$everything")
def everything(session: DB, core: Core, grant: Read) -> JSONResponse:
    """The patient's record and allnav's conclusions as an mCODE STU4 collection Bundle."""
    return _fhir(_bundle(session, core, grant))


@router.get("/fhir/Patient/{patient_id}")
def patient(session: DB, core: Core, grant: Read) -> JSONResponse:
    """The CancerPatient resource."""
    bundle = _bundle(session, core, grant)
    res = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    return _fhir(res)


@router.post("/api/fhir/import")
def fhir_import(
    request: Request,
    session: DB,
    core: Core,
    grant: Annotated[Grant, Depends(require(Action.PATIENT_CREATE))],
    bundle: Annotated[
        dict[str, Any],
        Body(description="a FHIR R4 Bundle (collection, transaction, searchset) or one resource"),
    ],
    store: Annotated[bool, Query(description="save each patient in the clinician's team")] = False,
) -> dict[str, Any]:
    """Per patient, the case file made and the mapping report; with ``store=true`` the patients are saved."""
    import json

    result = import_fhir(read_fhir_texts([("request body", json.dumps(bundle))]))
    out = result.to_dict()
    if store:
        team = team_name(session, grant.user.team_id)
        if team is None:
            raise UsageError("a clinician without a team cannot store patients")
        stored = store_imports(session, core, actor_of(request, grant.user), result, team)
        for p in out["patients"]:
            p["stored"] = stored.get(p["id"])
    return out
