"""Reading one patient from a FHIR R4 server (``allnav import --from URL``), with fhirpy.

``URL`` is either the server base with a separate patient id, or the Patient's own URL
(``https://host/fhir/Patient/123``). The patient is fetched with ``Patient/{id}/$everything``; a server
that does not support the operation is asked for the Patient and its Observations, Conditions,
Procedures and medications by search instead. Whatever comes back goes through the same importer
(and mapping report) as a file.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import BaseFHIRError
from requests import RequestException

from allnav.errors import InteropError
from allnav.interop.fhir_import import ImportResult, import_fhir
from allnav.interop.fhir_read import read_fhir_texts

_PATIENT_URL = re.compile(r"^(?P<base>.+?)/Patient/(?P<id>[A-Za-z0-9\-.]{1,64})/?$")
SEARCHES = ("Observation", "Condition", "Procedure", "MedicationAdministration", "MedicationRequest")


def split_patient_url(url: str, patient_id: str | None = None) -> tuple[str, str]:
    """(base, patient id) from a Patient URL, or from a base URL and an explicit id."""
    m = _PATIENT_URL.match(url)
    if m:
        return m["base"], m["id"]
    if patient_id:
        return url.rstrip("/"), patient_id
    raise InteropError(f"{url}: give a Patient URL (.../Patient/ID) or a server base with --patient ID")


def _bundle_entries(bundle: Any) -> list[dict[str, Any]]:
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise InteropError("the server did not answer with a Bundle")
    return [e["resource"] for e in bundle.get("entry") or [] if isinstance(e, dict) and "resource" in e]


def fetch_patient(
    url: str, patient_id: str | None = None, token: str | None = None, timeout: float = 30.0
) -> ImportResult:
    """Fetch one patient's resources and import them (mapping report included)."""
    base, pid = split_patient_url(url, patient_id)
    client = SyncFHIRClient(
        base, authorization=f"Bearer {token}" if token else None, requests_config={"timeout": timeout}
    )
    try:
        try:
            resources = _bundle_entries(client.reference("Patient", pid).execute("$everything", method="get"))
        except BaseFHIRError:
            resources = [client.reference("Patient", pid).to_resource().serialize()]  # type: ignore[no-untyped-call]
            for rtype in SEARCHES:
                found = client.resources(rtype).search(subject=f"Patient/{pid}").fetch_all()
                resources += [r.serialize() for r in found]  # type: ignore[no-untyped-call]
    except BaseFHIRError as exc:
        raise InteropError(f"{base}: the FHIR server refused the request: {str(exc)[:200]}") from exc
    except RequestException as exc:
        raise InteropError(f"{base}: cannot reach the FHIR server ({type(exc).__name__})") from exc
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}
    return import_fhir(read_fhir_texts([(f"{base}/Patient/{pid}", json.dumps(bundle))]))
