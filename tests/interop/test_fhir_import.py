"""FHIR R4 / mCODE import: the official mCODE STU4 examples and bundles of our own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from allnav.errors import InteropError
from allnav.interop import import_fhir, read_fhir_text, read_fhir_texts

DATA = Path(__file__).parent / "data"


def _mcode() -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(DATA.glob("*.json"))]


def _patient(result: Any, pid: str) -> Any:
    return next(p for p in result.patients if p.id == pid)


def _obs(rid: str, loinc: str, day: str, **value: Any) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": day,
    }
    res.update(value)
    return res


def _bundle(*resources: dict[str, Any], btype: str = "collection") -> str:
    return json.dumps(
        {"resourceType": "Bundle", "type": btype, "entry": [{"resource": r} for r in resources]}
    )


PATIENT = {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1980-06-15"}
CONDITION = {
    "resourceType": "Condition",
    "id": "c1",
    "code": {"coding": [{"system": "http://snomed.info/sct", "code": "91857003"}]},
    "subject": {"reference": "Patient/p1"},
    "onsetDateTime": "2025-03-01",
}


def q(value: float, unit: str) -> dict[str, Any]:
    return {
        "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}
    }


class TestMcodeExamples:
    def test_every_resource_is_accounted_for(self) -> None:
        texts = _mcode()
        result = import_fhir(read_fhir_texts(texts))
        seen = {i["resource"] for p in result.patients for i in p.mapped + p.unmapped}
        seen |= {i["resource"] for i in result.unassigned}
        expected = {f"{d['resourceType']}/{d['id']}" for d in (json.loads(t) for _, t in texts)}
        assert expected == seen

    def test_brian_l_case_is_mapped(self) -> None:
        brian = _patient(import_fhir(read_fhir_texts(_mcode())), "cancer-patient-brian-l")
        case = brian.case
        assert case["patient"]["age_years"] == 3
        assert case["patient"]["sex"] == "male"
        assert case["patient"]["bsa_m2"] == pytest.approx(0.59)
        assert case["patient"]["diagnosis_date"] == "2024-01-01"
        assert case["blood"]["wbc"] == {"value": 88.5, "unit": "10*3/uL"}
        assert case["genetics"] == [{"finding": "ETV6::RUNX1", "result": "detected", "method": "Karyotyping"}]
        assert case["immunophenotype"] == {
            "CD10": "pos",
            "CD79a": "pos",
            "TdT": "pos",
            "CD19": "pos",
            "CD20": "pos",
        }
        drugs = {m["drug"] for m in case["medications"]}
        assert drugs == {"cyclophosphamide", "idarubicin", "prednisone", "vincristine"}
        assert all(m["status"] == "given" for m in case["medications"])

    def test_brian_l_is_a_child_and_the_report_says_adult_rules_do_not_fully_apply(self) -> None:
        brian = _patient(import_fhir(read_fhir_texts(_mcode())), "cancer-patient-brian-l")
        assert any("do not fully apply to children" in n for n in brian.notes)

    def test_brian_l_defects_are_reported(self) -> None:
        brian = _patient(import_fhir(read_fhir_texts(_mcode())), "cancer-patient-brian-l")
        why = {(i["resource"], i["why"].split(" ")[0]) for i in brian.inconsistent}
        lp = "Observation/us-core-lumbar-puncture-result-brian-l"
        assert (lp, "coded") in why  # a CSF result coded as a marrow report
        assert (lp, "result") in why  # dated before its procedure
        assert ("Observation/white-blood-cell-brian-l", "reference") in why  # range copied from hematocrit
        assert ("Observation/all-risk-assessment-standard-brian-l", "dated") in why  # before the diagnosis
        dose = [i["why"] for i in brian.inconsistent if "prednisone" in i["resource"]]
        assert dose
        assert "36.01 mg/m2 x BSA 0.59" in dose[0]

    def test_fulfilled_requests_are_not_counted_twice(self) -> None:
        brian = _patient(import_fhir(read_fhir_texts(_mcode())), "cancer-patient-brian-l")
        reqs = [u for u in brian.unmapped if u["resource"].startswith("MedicationRequest/")]
        assert len(reqs) == 4
        assert all("fulfilled" in u["why"] for u in reqs)

    def test_practitioners_are_unassigned_with_a_reason(self) -> None:
        result = import_fhir(read_fhir_texts(_mcode()))
        assert {u["resource"].split("/")[0] for u in result.unassigned} == {"Practitioner"}


class TestOwnBundles:
    def test_workup_and_timeline_split_by_day(self) -> None:
        text = _bundle(
            PATIENT,
            CONDITION,
            _obs("wbc0", "6690-2", "2025-03-01", **q(45.2, "10*9/L")),
            _obs("mb0", "11150-0", "2025-03-02", **q(85, "%")),
            _obs("csf0", "26465-5", "2025-03-05", **q(3, "/uL")),
            _obs("kt", "33893-9", "2025-03-02", valueString="46,XX,t(9;22)(q34;q11.2)[20]"),
            _obs("mb29", "11150-0", "2025-03-30", **q(2, "%")),
            _obs("bcr90", "52132-8", "2025-05-30", **q(0.01, "%")),
            btype="transaction",
        )
        p = import_fhir(read_fhir_text(text)).patients[0]
        case = p.case
        assert case["patient"]["age_years"] == 44
        assert case["blood"]["wbc"] == {"value": 45.2, "unit": "10*9/L"}
        assert case["marrow"]["blasts_pct"] == 85
        assert case["csf"]["wbc_per_ul"] == {"value": 3.0, "unit": "/uL"}
        assert case["karyotype"].startswith("46,XX,t(9;22)")
        days = {e["day"]: e for e in case["timeline"]}
        assert days[29]["marrow"]["blasts_pct"] == 2
        mrd = days[90]["mrd"]
        assert mrd["transcript"] == "p190"
        assert mrd["international_scale"] is False
        assert mrd["level"] == pytest.approx(1e-4)

    def test_p210_on_the_international_scale_is_kept_apart_from_p190(self) -> None:
        text = _bundle(PATIENT, CONDITION, _obs("is", "69380-4", "2025-06-01", **q(0.1, "%")))
        mrd = import_fhir(read_fhir_text(text)).patients[0].case["timeline"][0]["mrd"]
        assert (mrd["transcript"], mrd["international_scale"]) == ("p210", True)

    def test_ndjson_bulk_input(self) -> None:
        lines = [PATIENT, CONDITION, _obs("hb", "718-7", "2025-03-01", **q(81, "g/L"))]
        text = "\n".join(json.dumps(r) for r in lines)
        p = import_fhir(read_fhir_text(text)).patients[0]
        assert p.case["blood"]["hemoglobin"] == {"value": 81.0, "unit": "g/L"}

    def test_invalid_resource_is_reported_not_dropped(self) -> None:
        bad = {
            "resourceType": "Observation",
            "id": "bad",
            "status": "final",
            "code": {},
            "valueQuantity": {"value": "abc"},
        }
        p = import_fhir(read_fhir_text(_bundle(PATIENT, CONDITION, bad))).patients[0]
        assert any(u["resource"] == "Observation/bad" and "not valid FHIR" in u["why"] for u in p.unmapped)

    def test_unknown_code_is_unmapped_with_the_code(self) -> None:
        p = import_fhir(
            read_fhir_text(_bundle(PATIENT, CONDITION, _obs("x", "9999-9", "2025-03-01", **q(1, "%"))))
        ).patients[0]
        assert {"resource": "Observation/x", "why": "no mapping for code(s) 9999-9"} in p.unmapped

    def test_first_value_wins_in_the_workup_and_the_second_is_reported(self) -> None:
        text = _bundle(
            PATIENT,
            CONDITION,
            _obs("w1", "6690-2", "2025-03-01", **q(45, "10*9/L")),
            _obs("w2", "6690-2", "2025-03-02", **q(50, "10*9/L")),
        )
        p = import_fhir(read_fhir_text(text)).patients[0]
        assert p.case["blood"]["wbc"]["value"] == 45
        assert any(u["resource"] == "Observation/w2" and "already set" in u["why"] for u in p.unmapped)

    def test_intrathecal_vincristine_route_is_carried(self) -> None:
        med = {
            "resourceType": "MedicationAdministration",
            "id": "m1",
            "status": "completed",
            "medicationCodeableConcept": {"coding": [{"display": "vincristine"}]},
            "subject": {"reference": "Patient/p1"},
            "effectiveDateTime": "2025-03-08",
            "dosage": {"route": {"text": "intrathecal"}, "dose": {"value": 2, "unit": "mg", "code": "mg"}},
        }
        p = import_fhir(read_fhir_text(_bundle(PATIENT, CONDITION, med))).patients[0]
        assert p.case["medications"] == [
            {"drug": "vincristine", "status": "given", "dose": 2.0, "unit": "mg", "route": "IT", "day": 7}
        ]

    @pytest.mark.parametrize("text", ["", "   ", "{not json", '{"resourceType": "Patient"}\nnot json'])
    def test_unreadable_input_is_a_clear_error(self, text: str) -> None:
        with pytest.raises(InteropError):
            read_fhir_text(text)

    def test_unsupported_bundle_type_is_reported(self) -> None:
        r = read_fhir_text(json.dumps({"resourceType": "Bundle", "type": "history", "entry": []}))
        assert r.invalid
        assert "unsupported Bundle type" in r.invalid[0]["why"]


def test_transaction_bundle_with_urn_uuid_references() -> None:
    pid, cid, proc = (
        "urn:uuid:0b4c2a1e-1111-4a4a-9a9a-000000000001",
        "urn:uuid:0b4c2a1e-1111-4a4a-9a9a-000000000002",
        "urn:uuid:0b4c2a1e-1111-4a4a-9a9a-000000000003",
    )
    patient = {k: v for k, v in PATIENT.items() if k != "id"}
    condition = {**{k: v for k, v in CONDITION.items() if k != "id"}, "subject": {"reference": pid}}
    lp = {
        "resourceType": "Procedure",
        "status": "completed",
        "subject": {"reference": pid},
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "277762005"}]},
        "performedDateTime": "2025-03-05",
    }
    csf = {
        **_obs("x", "26465-5", "2025-03-04", **q(2, "/uL")),
        "subject": {"reference": pid},
        "partOf": [{"reference": proc}],
    }
    csf.pop("id")
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"fullUrl": pid, "resource": patient, "request": {"method": "POST", "url": "Patient"}},
            {"fullUrl": cid, "resource": condition, "request": {"method": "POST", "url": "Condition"}},
            {"fullUrl": proc, "resource": lp, "request": {"method": "POST", "url": "Procedure"}},
            {
                "fullUrl": "urn:uuid:0b4c2a1e-1111-4a4a-9a9a-000000000004",
                "resource": csf,
                "request": {"method": "POST", "url": "Observation"},
            },
        ],
    }
    (p,) = import_fhir(read_fhir_text(json.dumps(bundle))).patients
    assert p.id == "0b4c2a1e-1111-4a4a-9a9a-000000000001"
    assert p.case["patient"]["age_years"] == 44
    assert p.case["csf"]["wbc_per_ul"] == {"value": 2.0, "unit": "/uL"}
    # the CSF count is dated before its lumbar puncture: found through the urn:uuid partOf reference
    assert any("before its procedure" in i["why"] for i in p.inconsistent)


def test_absolute_and_versioned_references_resolve() -> None:
    obs = {
        **_obs("w", "6690-2", "2025-03-01", **q(12, "10*9/L")),
        "subject": {"reference": "https://ehr.example.org/fhir/Patient/p1/_history/3"},
    }
    (p,) = import_fhir(read_fhir_text(_bundle(PATIENT, CONDITION, obs))).patients
    assert p.case["blood"]["wbc"]["value"] == 12


def test_cbc_written_as_one_panel_observation_with_components() -> None:
    panel = {
        "resourceType": "Observation",
        "id": "cbc",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "58410-2"}]},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2025-03-01",
        "component": [
            {"code": {"coding": [{"system": "http://loinc.org", "code": "6690-2"}]}, **q(45.2, "10*9/L")},
            {"code": {"coding": [{"system": "http://loinc.org", "code": "718-7"}]}, **q(8.1, "g/dL")},
            {"code": {"coding": [{"system": "http://loinc.org", "code": "777-3"}]}, **q(32, "10*9/L")},
        ],
    }
    (p,) = import_fhir(read_fhir_text(_bundle(PATIENT, CONDITION, panel))).patients
    assert p.case["blood"] == {
        "wbc": {"value": 45.2, "unit": "10*9/L"},
        "hemoglobin": {"value": 8.1, "unit": "g/dL"},
        "platelets": {"value": 32.0, "unit": "10*9/L"},
    }
    assert {m["resource"] for m in p.mapped} >= {"Observation/cbc#component0", "Observation/cbc#component2"}


def test_medication_named_through_a_medication_reference() -> None:
    drug = {"resourceType": "Medication", "id": "vcr", "code": {"coding": [{"display": "Vincristine"}]}}
    admin = {
        "resourceType": "MedicationAdministration",
        "id": "a1",
        "status": "completed",
        "medicationReference": {"reference": "Medication/vcr"},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2025-03-08",
        "dosage": {"dose": {"value": 2, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"}},
    }
    (p,) = import_fhir(read_fhir_text(_bundle(PATIENT, CONDITION, drug, admin))).patients
    assert p.case["medications"][0]["drug"] == "vincristine"
