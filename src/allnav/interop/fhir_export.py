"""A case and allnav's assessment -> an mCODE STU4 (FHIR R4) collection Bundle.

What goes out:

* the record: CancerPatient; findings as Observations (LOINC where ``fhir_codes.yaml`` has a
  verified code, else allnav's local finding code system whose codes are case-file paths, so that
  nothing is lost); GenomicVariant for each genetics finding; BCR::ABL1 and MRD levels as
  TumorMarkerTest; medications as MedicationAdministration (given) or MedicationRequest (ordered);
* the conclusions: PrimaryCancerCondition (SNOMED CT where a concept exists, ICD-10-CM, ICD-O-3
  morphology in the histology extension), CancerDiseaseStatus (coarse mCODE value, allnav's detailed
  response in the ``all-response-detail`` extension), ALLRiskAssessment, the treatment plan as a
  CarePlan with one activity per phase (mCODE has no phase profile: see ``docs/fhir.md``), and a
  Provenance per conclusion naming the rule ids, rule versions and the knowledge version.

Dates: with ``patient.diagnosis_date`` every finding gets an effectiveDateTime; without it, the
study day goes in the ``study-day`` extension (never an invented date).
Every resource is validated with the fhir.resources R4B models before the Bundle is returned.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from allnav.case.model import Case, GeneticFinding, Medication, TimelineEntry
from allnav.errors import InteropError
from allnav.interop.fhir_tables import fhir_code_table

BASE = "http://allnav.org/fhir"
EXT_STUDY_DAY = f"{BASE}/StructureDefinition/study-day"
EXT_AGE = f"{BASE}/StructureDefinition/age-at-diagnosis"
EXT_FINDING = f"{BASE}/StructureDefinition/genetic-finding"
EXT_MED_DETAIL = f"{BASE}/StructureDefinition/medication-detail"
LOCAL_FINDING = f"{BASE}/CodeSystem/finding"
MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"

#: Default UCUM unit of each numeric case field exported with a LOINC code.
_UNITS = {
    "blood.wbc": "10*9/L",
    "blood.anc": "10*9/L",
    "blood.alc": "10*9/L",
    "blood.platelets": "10*9/L",
    "blood.hemoglobin": "g/dL",
    "blood.blasts_pct": "%",
    "marrow.blasts_pct": "%",
    "csf.wbc_per_ul": "/uL",
    "patient.bsa_m2": "m2",
}
_ROUTES = {"IV": "47625008", "PO": "26643006", "IT": "72607000", "SC": "34206005", "IM": "78421000"}


#: HGNC ids confirmed in the mCODE STU4 examples (docs/codes.csv); other genes go out as text only.
_HGNC = {"BCR": "HGNC:1014", "ABL1": "HGNC:76", "ETV6": "HGNC:3495", "RUNX1": "HGNC:10471"}


def _gene(symbol: str) -> dict[str, Any]:
    if symbol in _HGNC:
        return {
            "coding": [{"system": "http://www.genenames.org", "code": _HGNC[symbol], "display": symbol}],
            "text": symbol,
        }
    return {"text": symbol}


class _Exporter:
    def __init__(self, case: Case, assessment: dict[str, Any]) -> None:
        self.case = case
        self.a = assessment
        self.pid = case.patient.id
        self.dx = date.fromisoformat(case.patient.diagnosis_date) if case.patient.diagnosis_date else None
        self.entries: list[dict[str, Any]] = []
        self.loinc_by_target: dict[str, str] = {}
        for code, spec in fhir_code_table().observations.items():
            if spec.kind in ("quantity", "percent", "integer", "string", "immunophenotype"):
                self.loinc_by_target.setdefault(spec.target, code)
        self.n = 0

    # ------------------------------------------------------------------ helpers
    def _id(self, kind: str) -> str:
        self.n += 1
        return f"{self.pid}-{kind}-{self.n}"

    def add(self, res: dict[str, Any]) -> dict[str, Any]:
        self.entries.append(res)
        return res

    def _when(self, res: dict[str, Any], day: int | None, key: str = "effectiveDateTime") -> None:
        if day is None:
            return
        if self.dx is not None:
            res[key] = (self.dx + timedelta(days=day)).isoformat()
        else:
            res.setdefault("extension", []).append({"url": EXT_STUDY_DAY, "valueInteger": day})

    def _subject(self) -> dict[str, str]:
        return {"reference": f"Patient/{self.pid}"}

    def _observation(self, path: str, value: Any, day: int | None) -> None:
        res: dict[str, Any] = {
            "resourceType": "Observation",
            "id": self._id("obs"),
            "status": "final",
            "subject": self._subject(),
        }
        base = path.removeprefix("timeline.")
        codings = (
            [{"system": LOINC, "code": self.loinc_by_target[base]}] if base in self.loinc_by_target else []
        )
        codings.append({"system": LOCAL_FINDING, "code": path})
        res["code"] = {"coding": codings, "text": path}
        if isinstance(value, bool):
            res["valueBoolean"] = value
        elif isinstance(value, int | float):
            unit = _UNITS.get(base)
            q: dict[str, Any] = {"value": value}
            if unit:
                q.update(unit=unit, system=UCUM, code=unit)
            res["valueQuantity"] = q
        else:
            res["valueString"] = str(value)
        self._when(res, day)
        self.add(res)

    # ------------------------------------------------------------------ record
    def patient(self) -> None:
        p = self.case.patient
        res: dict[str, Any] = {
            "resourceType": "Patient",
            "id": self.pid,
            "meta": {"profile": [f"{MCODE}/mcode-cancer-patient"]},
        }
        if p.sex in ("female", "male", "other"):
            res["gender"] = p.sex
        elif p.sex == "unknown":
            res["gender"] = "unknown"
        if p.age_years is not None:
            res["extension"] = [
                {"url": EXT_AGE, "valueAge": {"value": p.age_years, "unit": "a", "system": UCUM, "code": "a"}}
            ]
        self.add(res)
        if p.bsa_m2 is not None:
            self._observation("patient.bsa_m2", p.bsa_m2, 0)
        if p.weight_kg is not None:
            self._observation("patient.weight_kg", p.weight_kg, 0)

    def findings(self) -> None:
        c = self.case
        for section in ("presentation", "blood", "marrow", "csf", "labs"):
            self._section(section, getattr(c, section), 0, prefix=section)
        if c.reported_lineage:
            self._observation("reported_lineage", c.reported_lineage, 0)
        if c.karyotype:
            self._observation("karyotype", c.karyotype, 0)
        if c.immunophenotype:
            self._immunophenotype(c.immunophenotype, 0)
        for g in c.genetics:
            self._genetic(g, 0)
        for entry in c.timeline:
            self._timeline(entry)
        for m in c.medications:
            self._medication(m)
        for key in ("TPMT", "NUDT15"):
            value = getattr(c.pharmacogenomics, key)
            if value is not None:
                self._observation(f"pharmacogenomics.{key}", value, 0)
        for prior in c.prior_anthracyclines:
            self._observation("prior_anthracyclines", prior.model_dump_json(exclude_none=True), 0)
        for crs in c.crs_icans:
            self._observation("crs_icans", crs.model_dump_json(exclude_none=True), crs.day)
        if c.as_of_day is not None:
            self._observation("as_of_day", c.as_of_day, 0)

    def _section(self, name: str, model: Any, day: int | None, prefix: str) -> None:
        if model is None:
            return
        for key, value in model.model_dump(exclude_none=True).items():
            self._observation(f"{prefix}.{key}", value, day)

    def _immunophenotype(self, markers: dict[str, Any], day: int | None) -> None:
        res: dict[str, Any] = {
            "resourceType": "Observation",
            "id": self._id("ip"),
            "status": "final",
            "subject": self._subject(),
            "code": {"coding": [{"system": LOINC, "code": "101119-6"}], "text": "immunophenotype"},
            "component": [
                {
                    "code": {
                        "coding": [{"system": LOCAL_FINDING, "code": f"immunophenotype.{name}"}],
                        "text": name,
                    },
                    "valueString": mv.raw,
                }
                for name, mv in markers.items()
            ],
        }
        pos = [n for n, mv in markers.items() if mv.positive]
        neg = [n for n, mv in markers.items() if mv.positive is False]
        res["valueString"] = (
            "; ".join(
                part
                for part in (
                    f"positive for {', '.join(pos)}" if pos else "",
                    f"negative for {', '.join(neg)}" if neg else "",
                )
                if part
            )
            or "see components"
        )
        self._when(res, day)
        self.add(res)

    def _genetic(self, g: GeneticFinding, day: int | None, *, timeline: bool = False) -> None:
        gx = fhir_code_table().genomics
        comps: list[dict[str, Any]] = [
            {
                "code": {"coding": [{"system": LOINC, "code": gx.gene_studied}]},
                "valueCodeableConcept": _gene(gene),
            }
            for gene in g.genes
        ]
        if g.kind == "iscn":
            # GRIG's Variant profile allows only a CodeableConcept here: the ISCN string goes in its text.
            comps.append(
                {
                    "code": {"coding": [{"system": LOINC, "code": gx.cytogenomic_nomenclature}]},
                    "valueCodeableConcept": {"text": g.finding},
                }
            )
        value = {"detected": gx.present[0], "not_detected": gx.absent[0]}.get(g.result)
        res: dict[str, Any] = {
            "resourceType": "Observation",
            "id": self._id("gx"),
            "status": "final",
            "subject": self._subject(),
            "meta": {"profile": [f"{MCODE}/mcode-genomic-variant"]},
            "code": {"coding": [{"system": LOINC, "code": gx.variant_code}]},
            "extension": [
                {
                    "url": EXT_FINDING,
                    "valueString": json.dumps(
                        {
                            **g.model_dump(
                                include={
                                    "finding",
                                    "result",
                                    "method",
                                    "transcript",
                                    "copies",
                                    "vaf",
                                    "probability",
                                },
                                exclude_none=True,
                            ),
                            **({"timeline": True} if timeline else {}),
                        },
                        sort_keys=True,
                    ),
                }
            ],
        }
        if value:
            res["valueCodeableConcept"] = {"coding": [{"system": LOINC, "code": value}]}
        else:
            res["dataAbsentReason"] = {"text": "indeterminate"}
        if g.method:
            res["method"] = {"text": g.method}
        if comps:
            res["component"] = comps
        self._when(res, day)
        self.add(res)

    def _timeline(self, e: TimelineEntry) -> None:
        day = e.day
        for section in ("blood", "marrow", "csf", "labs", "vitals"):
            self._section(section, getattr(e, section), day, prefix=f"timeline.{section}")
        if e.mrd is not None:
            self._mrd(e.mrd.model_dump(exclude_none=True), day)
        for key in (
            "phase",
            "reported_status",
            "extramedullary_disease",
            "cranial_nerve_palsy",
            "testicular_involvement",
            "karyotype",
            "note",
        ):
            value = getattr(e, key)
            if value is not None:
                self._observation(f"timeline.{key}", value, day)
        for ev in e.events or []:
            self._observation("timeline.events", ev, day)
        if e.immunophenotype:
            self._immunophenotype(e.immunophenotype, day)
        for g in e.genetics or []:
            self._genetic(g, day, timeline=True)

    def _mrd(self, mrd: dict[str, Any], day: int | None) -> None:
        target = mrd.get("target") or ""
        res: dict[str, Any] = {
            "resourceType": "Observation",
            "id": self._id("mrd"),
            "status": "final",
            "subject": self._subject(),
            "meta": {"profile": [f"{MCODE}/mcode-tumor-marker-test"]},
        }
        if "BCR::ABL1" in target and mrd.get("transcript") == "p210" and mrd.get("international_scale"):
            res["code"] = {"coding": [{"system": LOINC, "code": "69380-4"}]}
        elif "BCR::ABL1" in target and mrd.get("transcript") == "p190":
            res["code"] = {"coding": [{"system": LOINC, "code": "52132-8"}]}
        else:
            res["code"] = {"coding": [{"system": LOCAL_FINDING, "code": "timeline.mrd"}], "text": "MRD"}
        if "level" in mrd:
            res["valueQuantity"] = {"value": mrd["level"] * 100.0, "unit": "%", "system": UCUM, "code": "%"}
        res["component"] = [
            {
                "code": {"coding": [{"system": LOCAL_FINDING, "code": f"timeline.mrd.{k}"}]},
                "valueString": str(v),
            }
            for k, v in mrd.items()
            if k != "level"
        ]
        self._when(res, day)
        self.add(res)

    def _medication(self, m: Medication) -> None:
        given = m.status == "given"
        res: dict[str, Any] = {
            "resourceType": "MedicationAdministration" if given else "MedicationRequest",
            "id": self._id("med"),
            "subject": self._subject(),
            "medicationCodeableConcept": {"coding": [{"display": m.drug}], "text": m.drug},
        }
        detail = m.model_dump(include={"infusion_hours", "levels", "product", "date"}, exclude_none=True)
        if detail:
            res["extension"] = [{"url": EXT_MED_DETAIL, "valueString": json.dumps(detail, sort_keys=True)}]
        dosage: dict[str, Any] = {}
        if m.dose is not None:
            dosage["dose"] = {"value": m.dose, "unit": m.unit or "", "system": UCUM, "code": m.unit or ""}
        if m.route:
            dosage["route"] = (
                {"coding": [{"system": SNOMED, "code": _ROUTES[m.route]}]}
                if m.route in _ROUTES
                else {"text": m.route}
            )
        if given:
            res["status"] = "completed"
            if dosage:
                res["dosage"] = dosage
            if self.dx is not None and m.day is not None:
                res["effectiveDateTime"] = (self.dx + timedelta(days=m.day)).isoformat()
            elif m.day is not None:
                res["effectivePeriod"] = {"extension": [{"url": EXT_STUDY_DAY, "valueInteger": m.day}]}
            else:
                res["effectivePeriod"] = {"extension": [{"url": DATA_ABSENT, "valueCode": "unknown"}]}
        else:
            res.update(status="active", intent="order")
            instruction: dict[str, Any] = {}
            if "route" in dosage:
                instruction["route"] = dosage["route"]
            if "dose" in dosage:
                instruction["doseAndRate"] = [{"doseQuantity": dosage["dose"]}]
            if instruction:
                res["dosageInstruction"] = [instruction]
            self._when(res, m.day, key="authoredOn")
        self.add(res)


def export_bundle(case: Case, assessment: dict[str, Any], *, recorded: str | None = None) -> dict[str, Any]:
    """The patient's record and allnav's conclusions as a validated FHIR R4 collection Bundle.

    ``recorded`` fixes the Provenance timestamp (default: now), for reproducible exports.
    """
    ex = _Exporter(case, assessment)
    ex.patient()
    ex.findings()
    from allnav.interop.fhir_conclusions import add_conclusions

    add_conclusions(ex, assessment, recorded)
    bundle = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"allnav:{case.patient.id}")),
        "type": "collection",
        "entry": [
            {"fullUrl": f"urn:allnav:{r['resourceType']}/{r['id']}", "resource": r} for r in ex.entries
        ],
    }
    for r in ex.entries:
        try:
            get_fhir_model_class(r["resourceType"]).model_validate(r)
        except ValidationError as exc:
            raise InteropError(
                f"export produced invalid {r['resourceType']}/{r['id']}: {exc.errors()[0]}"
            ) from exc
    return bundle
