"""allnav's conclusions as mCODE STU4 resources, each with a Provenance naming its rules.

* PrimaryCancerCondition — SNOMED CT only where a verified concept exists (B-ALL 277571004; ALL
  91857003 for T-ALL, since no T-ALL concept was found: ecosystem.md §2.2), ICD-10-CM from the
  assessment, ICD-O-3 morphology in the histology-morphology-behavior extension;
  verificationStatus ``provisional``: a computed classification awaiting the clinician.
* CancerDiseaseStatus — LOINC 97509-4 with the coarse mCODE value and allnav's detailed response
  (status, MRD, time to CR, relapse site, late relapse) in the ``all-response-detail`` extension.
* ALLRiskAssessment — NCIt C167435; standard C122457, poor -> high C122458; indeterminate -> absent.
* CarePlan — one activity per phase, the phase code in the ``treatment-phase`` extension.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from allnav._version import __version__

if TYPE_CHECKING:
    from allnav.interop.fhir_export import _Exporter

BASE = "http://allnav.org/fhir"
EXT_RESPONSE = f"{BASE}/StructureDefinition/all-response-detail"
EXT_PHASE = f"{BASE}/StructureDefinition/treatment-phase"
MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition"
HISTOLOGY = f"{MCODE}/mcode-histology-morphology-behavior"
NCIT = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
ICDO3 = "http://terminology.hl7.org/CodeSystem/icd-o-3"
LOINC = "http://loinc.org"

_SNOMED_DX = {
    "B-ALL": ("277571004", "B-cell acute lymphoblastic leukemia"),
    "T-ALL": ("91857003", "Acute lymphoid leukemia"),
}
_STATUS = {
    "CR": ("268910001", "Patient's condition improved"),
    "CRi": ("268910001", "Patient's condition improved"),
    "partial": ("268910001", "Patient's condition improved"),
    "refractory": ("359746009", "Patient's condition stable"),
    "progressive": ("271299001", "Patient's condition worsened"),
    "relapse": ("271299001", "Patient's condition worsened"),
    "not evaluable": ("709137006", "Patient condition undetermined"),
}
_CLINICAL = {"CR": "remission", "CRi": "remission", "relapse": "relapse"}
_RISK = {
    "standard": ("C122457", "Standard Risk Acute Leukemia"),
    "poor": ("C122458", "High Risk Acute Leukemia"),
}
_ALL_DIAGNOSES = {"B-ALL", "T-ALL", "B-LBL", "T-LBL", "MPAL", "AUL"}


def _v(obj: Any) -> Any:
    return obj.get("value") if isinstance(obj, dict) else obj


def _rules_in(obj: Any) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    if isinstance(obj, dict):
        if "rule" in obj and "rule_version" in obj:
            found.add((str(obj["rule"]), str(obj["rule_version"])))
        for v in obj.values():
            found |= _rules_in(v)
    elif isinstance(obj, list):
        for v in obj:
            found |= _rules_in(v)
    return found


def _provenance(ex: _Exporter, target: dict[str, Any], *conclusions: Any, recorded: str) -> None:
    rules = set().union(*(_rules_in(c) for c in conclusions)) if conclusions else set()
    policy = [f"urn:allnav:rule:{rid}:v{ver}" for rid, ver in sorted(rules)]
    policy.append(f"urn:allnav:knowledge:{ex.a.get('knowledge_version')}")
    ex.add(
        {
            "resourceType": "Provenance",
            "id": ex._id("prov"),
            "target": [{"reference": f"{target['resourceType']}/{target['id']}"}],
            "recorded": recorded,
            "policy": policy,
            "activity": {"text": "computed by allnav decision support"},
            "agent": [
                {
                    "type": {"text": "assembler"},
                    "who": {"display": f"allnav {ex.a.get('allnav_version', __version__)}"},
                }
            ],
        }
    )


def _condition(ex: _Exporter, recorded: str) -> dict[str, Any] | None:
    a = ex.a
    dx = _v(a.get("diagnosis"))
    if dx not in _ALL_DIAGNOSES:
        return None
    codings: list[dict[str, Any]] = []
    if dx in _SNOMED_DX:
        code, display = _SNOMED_DX[dx]
        codings.append({"system": SNOMED, "code": code, "display": display})
    icd = _v(a.get("icd10cm"))
    if isinstance(icd, str) and "x" not in icd:
        codings.append({"system": ICD10CM, "code": icd})
    who = a.get("who2016") or {}
    res: dict[str, Any] = {
        "resourceType": "Condition",
        "id": ex._id("dx"),
        "meta": {"profile": [f"{MCODE}/mcode-primary-cancer-condition"]},
        "verificationStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                    "code": "provisional",
                }
            ]
        },
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                        "code": "problem-list-item",
                    }
                ]
            }
        ],
        "code": {"coding": codings, "text": f"{dx}: {_v(who) or 'entity not determined'}"},
        "subject": ex._subject(),
    }
    status = _CLINICAL.get(str(_v(a.get("response"))), "active")
    res["clinicalStatus"] = {
        "coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": status}]
    }
    if who.get("icdo3"):
        res["extension"] = [
            {
                "url": HISTOLOGY,
                "valueCodeableConcept": {
                    "coding": [{"system": ICDO3, "code": who["icdo3"], "display": str(_v(who))}]
                },
            }
        ]
    if ex.dx is not None:
        res["onsetDateTime"] = ex.dx.isoformat()
    ex.add(res)
    _provenance(
        ex, res, a.get("diagnosis"), a.get("who2016"), a.get("icd10cm"), a.get("lineage"), recorded=recorded
    )
    return res


def _disease_status(ex: _Exporter, cond: dict[str, Any], recorded: str) -> None:
    resp = ex.a.get("response")
    value = _v(resp)
    if value not in _STATUS:
        return
    code, display = _STATUS[value]
    detail: list[dict[str, Any]] = [{"url": "status", "valueCode": value.replace(" ", "-")}]
    if isinstance(resp, dict):
        if resp.get("time_to_cr_days") is not None:
            detail.append(
                {"url": "timeToCompleteRemissionDays", "valueInteger": int(resp["time_to_cr_days"])}
            )
        if resp.get("relapse_site"):
            detail.append({"url": "relapseSite", "valueString": str(resp["relapse_site"])})
        if resp.get("late_relapse") is not None:
            detail.append({"url": "lateRelapse", "valueBoolean": bool(resp["late_relapse"])})
    mrd = ex.a.get("mrd") or {}
    if mrd.get("status"):
        detail.append({"url": "mrdStatus", "valueCode": str(mrd["status"]).replace(" ", "-")})
    if isinstance(mrd.get("level"), int | float):
        detail.append({"url": "mrdLevel", "valueDecimal": float(mrd["level"])})
    res: dict[str, Any] = {
        "resourceType": "Observation",
        "id": ex._id("status"),
        "meta": {"profile": [f"{MCODE}/mcode-cancer-disease-status"]},
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "97509-4"}]},
        "subject": ex._subject(),
        "focus": [{"reference": f"Condition/{cond['id']}"}],
        "valueCodeableConcept": {"coding": [{"system": SNOMED, "code": code, "display": display}]},
        "extension": [{"url": EXT_RESPONSE, "extension": detail}],
    }
    if isinstance(resp, dict):
        ex._when(res, resp.get("timepoint"))
    ex.add(res)
    _provenance(ex, res, resp, mrd, recorded=recorded)


def _risk(ex: _Exporter, cond: dict[str, Any], recorded: str) -> None:
    gr = ex.a.get("genetic_risk")
    if not isinstance(gr, dict):
        return
    res: dict[str, Any] = {
        "resourceType": "Observation",
        "id": ex._id("risk"),
        "meta": {"profile": [f"{MCODE}/mcode-ALL-risk-assessment"]},
        "status": "final",
        "category": [
            {
                "coding": [
                    {"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "exam"}
                ]
            }
        ],
        "code": {"coding": [{"system": NCIT, "code": "C167435"}]},
        "subject": ex._subject(),
        "focus": [{"reference": f"Condition/{cond['id']}"}],
        "method": {"text": str(gr.get("scheme") or "allnav genetic risk")},
    }
    if _v(gr) in _RISK:
        code, display = _RISK[_v(gr)]
        res["valueCodeableConcept"] = {"coding": [{"system": NCIT, "code": code, "display": display}]}
    else:
        res["dataAbsentReason"] = {"text": f"genetic risk {_v(gr)}: pending tests"}
    ex.add(res)
    _provenance(ex, res, gr, ex.a.get("prognostic_factors"), recorded=recorded)


def _careplan(ex: _Exporter, recorded: str) -> None:
    plan = ex.a.get("treatment_plan")
    if not isinstance(plan, dict) or not plan.get("phases"):
        return
    now, nxt = _v(plan.get("phase_now")), _v(plan.get("phase_next"))
    activities = []
    for phase in plan["phases"]:
        name = str(phase.get("phase"))
        status = "in-progress" if name == now else "scheduled" if name == nxt else "unknown"
        options = [
            str(o.get("regimen") or o.get("drug") or o.get("product") or "")
            for o in phase.get("options") or []
        ]
        activities.append(
            {
                "extension": [{"url": EXT_PHASE, "valueCode": name.replace(" ", "_")}],
                "detail": {
                    "status": status,
                    "description": f"{name}: {'; '.join(o for o in options if o) or 'see allnav'}",
                },
            }
        )
    res = {
        "resourceType": "CarePlan",
        "id": ex._id("plan"),
        "status": "active",
        "intent": "plan",
        "title": "ALL treatment pathway (allnav decision support)",
        "subject": ex._subject(),
        "activity": activities,
    }
    ex.add(res)
    _provenance(ex, res, plan, recorded=recorded)


def add_conclusions(ex: _Exporter, assessment: dict[str, Any], recorded: str | None = None) -> None:
    """Append the conclusion resources and their Provenance to the exporter."""
    when = recorded or datetime.now(UTC).isoformat(timespec="seconds")
    cond = _condition(ex, when)
    if cond is not None:
        _disease_status(ex, cond, when)
        _risk(ex, cond, when)
    _careplan(ex, when)
