"""A CDS Hooks 2.0 service: discovery, ``patient-view`` and ``order-sign``.

The models are written by hand from the CDS Hooks 2.0 specification (no maintained Python library
exists: ecosystem.md §3.5). The services hold no clinical rule: they build a case file from the
prefetched FHIR resources with the FHIR importer, run the one assessment core, and turn its
conclusions into cards (summary, indicator, detail with the rule and sources, a link to the
allnav patient page). ``order-sign`` adds the draft MedicationRequests as ordered medications, so
the drug-safety rules (vincristine cap and route, cumulative anthracycline, 6-MP and
TPMT/NUDT15, CAR T labels) speak about them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from allnav.errors import AllnavError, InteropError
from allnav.interop.fhir_import import import_fhir
from allnav.interop.fhir_read import read_fhir_texts

SOURCE_LABEL = "allnav (adult ALL decision support)"
SUMMARY_MAX = 140


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow")


class CdsRequest(_Model):
    """A hook call (CDS Hooks 2.0 §HTTP request)."""

    hook: str
    hookInstance: str  # noqa: N815 - the specification's field name
    context: dict[str, Any]
    fhirServer: str | None = None  # noqa: N815
    fhirAuthorization: dict[str, Any] | None = None  # noqa: N815
    prefetch: dict[str, Any] | None = None


class Source(BaseModel):
    label: str
    url: str | None = None
    topic: dict[str, Any] | None = None


class Link(BaseModel):
    label: str
    url: str
    type: Literal["absolute", "smart"] = "absolute"


class Suggestion(BaseModel):
    label: str
    uuid: str = Field(default_factory=lambda: str(uuid.uuid4()))
    isRecommended: bool | None = None  # noqa: N815
    actions: list[dict[str, Any]] = Field(default_factory=list)


class Card(BaseModel):
    """A card (CDS Hooks 2.0 §Card attributes)."""

    uuid: str = Field(default_factory=lambda: str(uuid.uuid4()))
    summary: str = Field(max_length=SUMMARY_MAX)
    detail: str | None = None
    indicator: Literal["info", "warning", "critical"]
    source: Source
    suggestions: list[Suggestion] | None = None
    selectionBehavior: Literal["at-most-one", "any"] | None = None  # noqa: N815
    links: list[Link] | None = None


class CdsResponse(BaseModel):
    cards: list[Card] = Field(default_factory=list)


SERVICES: list[dict[str, Any]] = [
    {
        "hook": "patient-view",
        "id": "allnav-patient-view",
        "title": "allnav adult ALL summary",
        "description": "Diagnosis, classification, response, pending tests and alerts for an adult with ALL, "
        "each with its rule and sources.",
        "prefetch": {
            "patient": "Patient/{{context.patientId}}",
            "observations": "Observation?subject={{context.patientId}}",
            "conditions": "Condition?subject={{context.patientId}}",
            "medications": "MedicationAdministration?subject={{context.patientId}}",
        },
    },
    {
        "hook": "order-sign",
        "id": "allnav-order-sign",
        "title": "allnav ALL drug-safety check",
        "description": "Checks medication orders against allnav's safety rules: vincristine dose cap and route, "
        "cumulative anthracycline, 6-MP dose for TPMT/NUDT15, CAR T and antibody labels.",
        "prefetch": {
            "patient": "Patient/{{context.patientId}}",
            "observations": "Observation?subject={{context.patientId}}",
            "conditions": "Condition?subject={{context.patientId}}",
            "medications": "MedicationAdministration?subject={{context.patientId}}",
        },
    },
]


def discovery() -> dict[str, Any]:
    """``GET /cds-services``."""
    return {"services": SERVICES}


def _texts(request: CdsRequest, extra: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    texts = []
    for key, value in (request.prefetch or {}).items():
        if value is None:
            continue
        if not isinstance(value, dict):
            raise InteropError(f"prefetch {key!r} must be a FHIR resource or Bundle")
        texts.append((f"prefetch.{key}", json.dumps(value)))
    if extra is not None:
        texts.append(("context.draftOrders", json.dumps(extra)))
    if not texts:
        raise InteropError("no prefetch: this service needs the Patient and its Observations and Conditions")
    return texts


def _case(request: CdsRequest, extra: dict[str, Any] | None = None) -> tuple[dict[str, Any], list[str]]:
    patient_id = request.context.get("patientId")
    if not isinstance(patient_id, str) or not patient_id:
        raise InteropError("context.patientId is required")
    result = import_fhir(read_fhir_texts(_texts(request, extra)))
    mine = [p for p in result.patients if p.id == patient_id]
    if not mine:
        raise InteropError(f"the prefetch holds no resources for Patient/{patient_id}")
    notes = [*mine[0].notes, *(f"{i['resource']}: {i['why']}" for i in mine[0].inconsistent)]
    return mine[0].case, notes


def _summary(text: str) -> str:
    return text if len(text) < SUMMARY_MAX else text[: SUMMARY_MAX - 2] + "…"


def _detail(conclusion: dict[str, Any]) -> str:
    lines = [f"- because {b}" for b in conclusion.get("because", [])]
    if conclusion.get("action"):
        lines.insert(0, f"**Action:** {conclusion['action']}")
    lines.append(f"- rule `{conclusion.get('rule')}` v{conclusion.get('rule_version')}")
    lines += [f"- source: {s}" for s in conclusion.get("sources", [])]
    return "\n".join(lines)


def _indicator(severity: Any) -> Literal["info", "warning", "critical"]:
    return severity if severity in ("info", "warning", "critical") else "warning"


def _alert_card(alert: dict[str, Any], source: Source, links: list[Link]) -> Card:
    head = alert.get("message") or alert.get("action") or (alert.get("because") or [alert.get("value")])[0]
    return Card(
        summary=_summary(str(head)),
        detail=_detail(alert),
        indicator=_indicator(alert.get("severity")),
        source=source,
        links=links,
    )


def patient_view(
    request: CdsRequest, assess: Callable[[dict[str, Any]], dict[str, Any]], link_base: str
) -> CdsResponse:
    """Cards for an opened chart: the diagnosis summary, the alerts, and pending tests."""
    case, notes = _case(request)
    out = assess(case)
    pid = request.context["patientId"]
    links = [Link(label="Open in allnav", url=f"{link_base.rstrip('/')}/patients/{pid}")]
    source = Source(label=SOURCE_LABEL, url=link_base)
    dx = out.get("diagnosis") or {}
    who = out.get("who2016") or {}
    resp = out.get("response") or {}
    summary = f"{dx.get('value')}; {who.get('value') or 'entity pending'}; response {resp.get('value') or 'not assessed'}"
    cards = [
        Card(
            summary=_summary(summary),
            detail=_detail(dx) + ("\n" + "\n".join(f"- import note: {n}" for n in notes) if notes else ""),
            indicator="info",
            source=source,
            links=links,
        )
    ]
    for alert in out.get("alerts") or []:
        cards.append(_alert_card(alert, source, links))
    pending = out.get("pending") or []
    if pending:
        text = "\n".join(f"- **{p.get('test')}**: {p.get('why')}" for p in pending)
        cards.append(
            Card(
                summary=_summary(f"{len(pending)} test(s) would settle open questions"),
                detail=text,
                indicator="info",
                source=source,
                links=links,
            )
        )
    return CdsResponse(cards=cards)


def order_sign(
    request: CdsRequest, assess: Callable[[dict[str, Any]], dict[str, Any]], link_base: str
) -> CdsResponse:
    """Warning cards for draft medication orders that break a safety rule."""
    draft = request.context.get("draftOrders")
    if not isinstance(draft, dict) or draft.get("resourceType") != "Bundle":
        raise InteropError("context.draftOrders must be a FHIR Bundle of the orders being signed")
    for entry in draft.get("entry") or []:
        res = (entry or {}).get("resource") or {}
        if res.get("resourceType") == "MedicationRequest" and "subject" not in res:
            res["subject"] = {"reference": f"Patient/{request.context.get('patientId')}"}
    case, _notes = _case(request, draft)
    out = assess(case)
    source = Source(label=SOURCE_LABEL, url=link_base)
    links = [
        Link(
            label="Open in allnav", url=f"{link_base.rstrip('/')}/patients/{request.context.get('patientId')}"
        )
    ]
    safety = out.get("safety") or {}
    cards = []
    for check in safety.get("dose_checks") or []:
        if check.get("severity") in ("warning", "critical"):
            cards.append(_alert_card(check, source, links))
    for alert in out.get("alerts") or []:
        if str(alert.get("rule", "")).startswith(("safety.", "tx.")) and alert.get("severity") in (
            "warning",
            "critical",
        ):
            card = _alert_card(alert, source, links)
            if all(c.summary != card.summary for c in cards):
                cards.append(card)
    return CdsResponse(cards=cards)


def handle(
    service_id: str, body: dict[str, Any], assess: Callable[[dict[str, Any]], dict[str, Any]], link_base: str
) -> dict[str, Any]:
    """Validate a request for a service and answer it; raises InteropError for a malformed call."""
    try:
        request = CdsRequest.model_validate(body)
    except ValueError as exc:
        raise InteropError(f"malformed CDS Hooks request: {exc}") from exc
    services = {s["id"]: s for s in SERVICES}
    if service_id not in services:
        raise InteropError(f"no CDS service {service_id!r}")
    if request.hook != services[service_id]["hook"]:
        raise InteropError(
            f"service {service_id} answers hook {services[service_id]['hook']!r}, not {request.hook!r}"
        )
    try:
        if service_id == "allnav-patient-view":
            response = patient_view(request, assess, link_base)
        else:
            response = order_sign(request, assess, link_base)
    except InteropError:
        raise
    except AllnavError as exc:
        raise InteropError(f"the prefetched data could not be assessed: {exc.message}") from exc
    return response.model_dump(exclude_none=True)
