"""FHIR R4 / mCODE STU4 resources -> allnav case files, with a mapping report per patient.

Every resource ends up in exactly one of the report's lists: ``mapped`` (what it became in the case
file), ``unmapped`` (recognised or not, and why it was not used) — plus any number of
``inconsistent`` notes (a reference range that does not fit the analyte, a CSF result coded as a
marrow report, a result dated before its procedure, a dose that does not match dose x BSA).
Nothing is dropped silently.

Dates: the diagnosis date is the PrimaryCancerCondition's onset (or recorded) date, else the first
bone-marrow procedure, else the first dated finding. Findings dated up to ``WORKUP_WINDOW_DAYS``
after it describe the presentation and fill the case's top-level sections (the first value wins,
later ones in the window are reported); later findings become timeline entries by day.
Quantities are passed on as UCUM quantities and converted by the case loader.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from allnav.interop.fhir_read import ReadResult
from allnav.interop.fhir_tables import FhirCodeTable, ObservationMap, fhir_code_table

#: Findings within this many days after the diagnosis date are read as the presentation work-up.
WORKUP_WINDOW_DAYS = 14
#: Findings up to this many days before the diagnosis date still count as work-up.
PRE_DIAGNOSIS_DAYS = 30
#: Relative tolerance when checking an administered dose against dose-per-m2 x BSA.
DOSE_TOLERANCE = 0.10
ADULT_AGE_YEARS = 18
BASE = "http://allnav.org/fhir"
LOCAL_FINDING = f"{BASE}/CodeSystem/finding"
EXT_STUDY_DAY = f"{BASE}/StructureDefinition/study-day"
EXT_AGE = f"{BASE}/StructureDefinition/age-at-diagnosis"
EXT_FINDING = f"{BASE}/StructureDefinition/genetic-finding"
EXT_MED_DETAIL = f"{BASE}/StructureDefinition/medication-detail"
#: Local finding codes whose value is a JSON object (lists of structured entries).
_JSON_LISTS = {"prior_anthracyclines", "crs_icans"}

_DOSE_PER_M2 = re.compile(r"(\d+(?:\.\d+)?)\s*(mg|g|mcg|ug|U|IU)\s*/\s*m\s*(?:2|²)", re.IGNORECASE)
_MARKER = re.compile(r"\b(c|cy|s)?(CD\d+[a-z]?|TdT|MPO|HLA-?DR|cIgM|sIg|kappa|lambda)\b", re.IGNORECASE)


@dataclass
class PatientImport:
    """One patient's case file and mapping report."""

    id: str
    case: dict[str, Any]
    mapped: list[dict[str, Any]] = field(default_factory=list)
    unmapped: list[dict[str, Any]] = field(default_factory=list)
    inconsistent: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    name: str | None = None  # the Patient's name, for storing; never put into the case file

    def to_dict(self) -> dict[str, Any]:
        """The contract's shape: ``{"id", "case", "mapped", "unmapped", "inconsistent"}`` (+ notes)."""
        return {
            "id": self.id,
            "case": self.case,
            "mapped": self.mapped,
            "unmapped": self.unmapped,
            "inconsistent": self.inconsistent,
            "notes": self.notes,
        }


def _label(res: dict[str, Any]) -> str:
    return f"{res.get('resourceType', '?')}/{res.get('id', '?')}"


def _codings(concept: Any) -> list[dict[str, Any]]:
    if not isinstance(concept, dict):
        return []
    return [c for c in concept.get("coding") or [] if isinstance(c, dict)]


def _codes(concept: Any) -> list[str]:
    return [str(c.get("code")) for c in _codings(concept) if c.get("code")]


def _display(concept: Any) -> str:
    for c in _codings(concept):
        if c.get("display"):
            return str(c["display"])
    return str(concept.get("text", "")) if isinstance(concept, dict) else ""


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _effective(res: dict[str, Any]) -> date | None:
    for key in (
        "effectiveDateTime",
        "performedDateTime",
        "onsetDateTime",
        "recordedDate",
        "authoredOn",
        "issued",
    ):
        d = _date(res.get(key))
        if d is not None:
            return d
    for key in ("effectivePeriod", "performedPeriod"):
        period = res.get(key)
        if isinstance(period, dict):
            d = _date(period.get("start"))
            if d is not None:
                return d
    return None


_REF = re.compile(r"(?:^|/)(?P<type>[A-Z][A-Za-z]+)/(?P<id>[A-Za-z0-9\-.]{1,64})(?:/_history/[^/]+)?$")


def resolve_reference(ref: Any, aliases: dict[str, str]) -> str | None:
    """``Type/id`` for a Reference written as ``Type/id``, an absolute URL, or a Bundle ``urn:uuid:`` fullUrl."""
    text = ref.get("reference") if isinstance(ref, dict) else None
    if not isinstance(text, str):
        return None
    if text in aliases:
        return aliases[text]
    m = _REF.search(text)
    return f"{m['type']}/{m['id']}" if m else None


def _subject_id(res: dict[str, Any], aliases: dict[str, str]) -> str | None:
    if res.get("resourceType") == "Patient":
        return str(res.get("id"))
    for key in ("subject", "patient"):
        target = resolve_reference(res.get(key), aliases)
        if target is not None and target.startswith("Patient/"):
            return target.removeprefix("Patient/")
    return None


def _observation_value(res: dict[str, Any]) -> Any:
    if "valueBoolean" in res:
        return bool(res["valueBoolean"])
    if "valueInteger" in res:
        return res["valueInteger"]
    if "valueString" in res:
        return res["valueString"]
    q = res.get("valueQuantity")
    if isinstance(q, dict) and isinstance(q.get("value"), int | float):
        unit = q.get("code") or q.get("unit")
        return {"value": q["value"], "unit": str(unit)} if unit else q["value"]
    return None


def _number(value: Any) -> float | None:
    """A bare number or the value of a ``{"value", "unit"}`` quantity."""
    if isinstance(value, dict):
        value = value.get("value")
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _typed(key: str, raw: str) -> Any:
    """Component strings back to their case types (MRD details)."""
    if raw in ("True", "False"):
        return raw == "True"
    if key in ("sensitivity", "level"):
        try:
            return float(raw)
        except ValueError:
            return raw
    return raw


class _PatientMapper:
    """Maps one patient's resources; keeps the report as it goes."""

    def __init__(
        self,
        patient: dict[str, Any] | None,
        pid: str,
        resources: list[dict[str, Any]],
        aliases: dict[str, str] | None = None,
        everything: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.aliases = aliases or {}
        self.everything = everything or {}
        self.table: FhirCodeTable = fhir_code_table()
        self.patient = patient
        self.resources = resources
        self.by_ref = {_label(r): r for r in resources}
        self.out = PatientImport(id=pid, case={"patient": {"id": pid}})
        self.dx_date: date | None = None
        self.timeline: dict[int, dict[str, Any]] = defaultdict(dict)

    # ------------------------------------------------------------------ report helpers
    def mapped(self, res: dict[str, Any], to: str, **extra: Any) -> None:
        self.out.mapped.append({"resource": _label(res), "to": to, **extra})

    def unmapped(self, res: dict[str, Any], why: str) -> None:
        self.out.unmapped.append({"resource": _label(res), "why": why})

    def inconsistent(self, res: dict[str, Any], why: str) -> None:
        self.out.inconsistent.append({"resource": _label(res), "why": why})

    # ------------------------------------------------------------------ the run
    def run(self) -> PatientImport:
        self._diagnosis_date()
        if self.patient is not None:
            self._patient(self.patient)
        else:
            self.out.notes.append("no Patient resource: age and sex unknown")
        handlers = {
            "Observation": self._observation,
            "Condition": self._condition,
            "Procedure": self._procedure,
            "MedicationAdministration": self._medication,
            "MedicationRequest": self._medication,
            "MedicationStatement": self._medication,
        }
        for res in self.resources:
            if res is self.patient:
                continue
            handler = handlers.get(str(res.get("resourceType")))
            if handler is None:
                self.unmapped(res, f"{res.get('resourceType')} resources are not used by allnav")
            else:
                handler(res)
        if self.timeline:
            self.out.case["timeline"] = [{"day": d, **entry} for d, entry in sorted(self.timeline.items())]
        if self.dx_date is not None:
            self.out.case["patient"]["diagnosis_date"] = self.dx_date.isoformat()
        return self.out

    def _diagnosis_date(self) -> None:
        conds = [
            r for r in self.resources if r.get("resourceType") == "Condition" and self._is_all_condition(r)
        ]
        dates = [d for d in (_effective(c) for c in conds) if d is not None]
        if not dates:
            marrow = [
                r
                for r in self.resources
                if r.get("resourceType") == "Procedure"
                and any(self.table.procedures.get(c, "").startswith("marrow") for c in _codes(r.get("code")))
            ]
            dates = [d for d in (_effective(p) for p in marrow) if d is not None]
        if not dates:
            dates = [
                d
                for d in (_effective(r) for r in self.resources if r.get("resourceType") == "Observation")
                if d
            ]
        if dates:
            self.dx_date = min(dates)
        else:
            self.out.notes.append(
                "no dated diagnosis, procedure or finding: findings are read as the presentation"
            )

    def _day(self, res: dict[str, Any]) -> int | None:
        for holder in (res, res.get("effectivePeriod") or {}):
            for ext in holder.get("extension") or []:
                if ext.get("url") == EXT_STUDY_DAY and isinstance(ext.get("valueInteger"), int):
                    return int(ext["valueInteger"])
        d = _effective(res)
        if d is None or self.dx_date is None:
            return None
        return (d - self.dx_date).days

    # ------------------------------------------------------------------ Patient
    def _patient(self, res: dict[str, Any]) -> None:
        pat = self.out.case["patient"]
        names = [n for n in res.get("name") or [] if isinstance(n, dict)]
        if names:
            n = names[0]
            self.out.name = (
                str(n.get("text") or " ".join([*n.get("given", []), n.get("family", "")]).strip()) or None
            )
        gender = res.get("gender")
        pat["sex"] = gender if gender in ("female", "male", "other") else "unknown"
        birth = _date(res.get("birthDate"))
        if birth is not None and self.dx_date is not None:
            age = (
                self.dx_date.year
                - birth.year
                - ((self.dx_date.month, self.dx_date.day) < (birth.month, birth.day))
            )
            if age < 0:
                self.inconsistent(res, f"birth date {birth} is after the diagnosis date {self.dx_date}")
            else:
                pat["age_years"] = age
                if age < ADULT_AGE_YEARS:
                    self.out.notes.append(
                        f"the patient was {age} years old at diagnosis: allnav's rules are written for adults "
                        "and do not fully apply to children"
                    )
        elif birth is None:
            age_ext = next((e for e in res.get("extension") or [] if e.get("url") == EXT_AGE), None)
            age_q = (age_ext or {}).get("valueAge") or {}
            if isinstance(age_q.get("value"), int | float):
                pat["age_years"] = age_q["value"]
            else:
                self.out.notes.append("no birth date: age at diagnosis unknown")
        self.mapped(res, "patient", fields=sorted(k for k in pat if k != "id"))

    # ------------------------------------------------------------------ Condition
    def _is_all_condition(self, res: dict[str, Any]) -> bool:
        conds = self.table.conditions
        codes = _codes(res.get("code"))
        if any(c in conds.snomed for c in codes):
            return True
        if any(any(c.startswith(p) for p in conds.icd10cm_prefixes) for c in codes):
            return True
        return any(c in conds.icdo3_morphology for c in self._morphology(res))

    def _morphology(self, res: dict[str, Any]) -> list[str]:
        out: list[str] = []
        for ext in res.get("extension") or []:
            if isinstance(ext, dict) and "histology" in str(ext.get("url", "")).lower():
                out.extend(_codes(ext.get("valueCodeableConcept")))
        return out

    def _condition(self, res: dict[str, Any]) -> None:
        if self._is_all_condition(res):
            codes = _codes(res.get("code")) + self._morphology(res)
            self.mapped(
                res,
                "diagnosis date (recorded diagnosis kept for comparison)",
                codes=codes,
                display=_display(res.get("code")),
            )
        else:
            self.unmapped(
                res,
                f"not an ALL diagnosis ({_display(res.get('code')) or 'uncoded'}): "
                "kept out of the ALL case file",
            )

    # ------------------------------------------------------------------ Procedure
    def _procedure(self, res: dict[str, Any]) -> None:
        kinds = [self.table.procedures[c] for c in _codes(res.get("code")) if c in self.table.procedures]
        if kinds:
            self.mapped(res, f"procedure context ({kinds[0]}) for date and consistency checks")
        else:
            self.unmapped(res, f"procedure {_display(res.get('code')) or 'uncoded'} is not used by allnav")

    # ------------------------------------------------------------------ Observation
    def _observation(self, res: dict[str, Any]) -> None:
        codes = _codes(res.get("code"))
        if res.get("status") in ("entered-in-error", "cancelled"):
            self.unmapped(res, f"status {res.get('status')}")
            return
        if self.table.genomics.variant_code in codes:
            self._genomic_variant(res)
            return
        local = next(
            (str(c.get("code")) for c in _codings(res.get("code")) if c.get("system") == LOCAL_FINDING), None
        )
        if local is not None and local != "timeline.mrd":
            self._local(res, local)
            return
        if local == "timeline.mrd":
            mrd = self._mrd_components(res, {})
            q = res.get("valueQuantity") or {}
            if isinstance(q.get("value"), int | float):
                mrd["level"] = float(q["value"]) / 100.0
            self._place(res, "mrd", mrd)
            return
        spec = next((self.table.observations[c] for c in codes if c in self.table.observations), None)
        self._check_part_of(res, codes, spec)
        if spec is None and self._panel_components(res):
            return
        if spec is None:
            reason = next(
                (self.table.recognised_not_mapped[c] for c in codes if c in self.table.recognised_not_mapped),
                None,
            )
            self.unmapped(res, reason or f"no mapping for code(s) {', '.join(codes) or 'none'}")
            if any(c in ("C167435", "97509-4") for c in codes):
                self._check_dated_before_diagnosis(res)
            return
        value = self._value(res, spec)
        if value is None:
            return
        self._check_reference_range(res, spec)
        self._place(res, spec.target, value)

    def _value(self, res: dict[str, Any], spec: ObservationMap) -> Any:
        if spec.kind in ("quantity", "percent", "integer", "bcr_abl1"):
            q = res.get("valueQuantity")
            if not isinstance(q, dict) or not isinstance(q.get("value"), int | float):
                self.unmapped(res, f"{spec.target}: no numeric valueQuantity")
                return None
            unit = q.get("code") or q.get("unit")
            if spec.kind == "integer":
                return int(q["value"])
            if spec.kind == "percent":
                if unit not in (None, "%"):
                    self.inconsistent(res, f"{spec.target}: unit {unit!r} where a percentage was expected")
                return float(q["value"])
            if spec.kind == "bcr_abl1":
                if unit not in ("%", None):
                    self.unmapped(res, f"BCR::ABL1 ratio in unit {unit!r}: only % is understood")
                    return None
                level = {"level": float(q["value"]) / 100.0}
                details = self._mrd_components(res, {})
                if details:  # written by allnav: the components carry every detail as it was
                    return {**level, **details}
                mrd: dict[str, Any] = {**level, "method": "rt-qpcr", "target": "BCR::ABL1"}
                if spec.transcript:
                    mrd["transcript"] = spec.transcript
                mrd["international_scale"] = bool(spec.international_scale)
                return mrd
            if spec.analyte == "bsa":
                return float(q["value"])
            return {"value": float(q["value"]), "unit": str(unit)} if unit else float(q["value"])
        if spec.kind == "string":
            text = res.get("valueString")
            if not isinstance(text, str) or not text.strip():
                self.unmapped(res, f"{spec.target}: no valueString")
                return None
            return text.strip()
        if spec.kind == "immunophenotype":
            return self._immunophenotype_text(res)
        self.unmapped(res, f"unsupported mapping kind {spec.kind}")
        return None

    def _immunophenotype_text(self, res: dict[str, Any]) -> dict[str, str] | None:
        from_components = {
            str(c.get("code")).removeprefix("immunophenotype."): str(comp.get("valueString"))
            for comp in res.get("component") or []
            for c in _codings(comp.get("code"))
            if c.get("system") == LOCAL_FINDING
            and str(c.get("code")).startswith("immunophenotype.")
            and isinstance(comp.get("valueString"), str)
        }
        if from_components:
            return from_components
        text = res.get("valueString")
        if not isinstance(text, str):
            self.unmapped(res, "immunophenotype without a text result")
            return None
        markers: dict[str, str] = {}
        for clause in re.split(r"[;.]", text):
            low = clause.lower()
            if "positive" in low and "negative" not in low:
                result = "pos"
            elif "negative" in low and "positive" not in low:
                result = "neg"
            else:
                continue
            for m in _MARKER.finditer(clause):
                markers[(m.group(1) or "") + m.group(2)] = result
        if not markers:
            self.unmapped(res, f"immunophenotype text not understood: {text!r}")
            return None
        return markers

    def _place(self, res: dict[str, Any], target: str, value: Any) -> None:
        day = self._day(res)
        in_workup = day is None or -PRE_DIAGNOSIS_DAYS <= day <= WORKUP_WINDOW_DAYS
        if day is not None and day < -PRE_DIAGNOSIS_DAYS:
            self.inconsistent(res, f"dated {-day} days before the diagnosis date {self.dx_date}: not used")
            return
        section, _, key = target.partition(".")
        if target == "mrd":
            dest = self.timeline[max(day or 0, 0)]
            dest["mrd"] = value
            self.mapped(res, f"timeline day {max(day or 0, 0)} mrd", day=day)
            return
        if in_workup:
            container = self.out.case
            where = target
        else:
            assert day is not None
            container = self.timeline[day]
            where = f"timeline day {day} {target}"
        if not key:
            if section in container and section != "immunophenotype":
                self.unmapped(res, f"{where} already set by an earlier result")
                return
            if section == "immunophenotype" and isinstance(value, dict):
                container.setdefault("immunophenotype", {}).update(value)
            else:
                container[section] = value
        else:
            sect = container.setdefault(section, {})
            if key in sect:
                self.unmapped(res, f"{where} already set by an earlier result (first value kept)")
                return
            sect[key] = value
        self.mapped(res, where, day=day)

    def _panel_components(self, res: dict[str, Any]) -> bool:
        """A panel Observation whose components carry mapped LOINC codes (e.g. a CBC written as one resource)."""
        parts = [
            c
            for c in res.get("component") or []
            if any(code in self.table.observations for code in _codes(c.get("code")))
        ]
        if not parts:
            return False
        for i, comp in enumerate(parts):
            member = {
                **{
                    k: v
                    for k, v in res.items()
                    if k not in ("component", "code", "id") and not k.startswith("value")
                },
                **{
                    k: v
                    for k, v in comp.items()
                    if k == "code" or k.startswith("value") or k == "referenceRange"
                },
                "resourceType": "Observation",
                "id": f"{res.get('id', '?')}#component{i}",
            }
            self._observation(member)
        return True

    def _mrd_components(self, res: dict[str, Any], mrd: dict[str, Any]) -> dict[str, Any]:
        for comp in res.get("component") or []:
            for c in _codings(comp.get("code")):
                code = str(c.get("code"))
                if c.get("system") == LOCAL_FINDING and code.startswith("timeline.mrd."):
                    key, raw = code.removeprefix("timeline.mrd."), str(comp.get("valueString"))
                    mrd[key] = _typed(key, raw)
        return mrd

    def _local(self, res: dict[str, Any], path: str) -> None:
        """An Observation coded with allnav's local finding code system: its code is the case path."""
        value = _observation_value(res)
        if value is None:
            self.unmapped(res, f"{path}: no value")
            return
        if path in _JSON_LISTS:
            try:
                value = json.loads(str(value))
            except json.JSONDecodeError:
                self.unmapped(res, f"{path}: value is not JSON")
                return
            self.out.case.setdefault(path, []).append(value)
            self.mapped(res, path)
            return
        if path.startswith("timeline."):
            day = self._day(res)
            if day is None:
                self.unmapped(res, f"{path}: a timeline finding without a date or study day")
                return
            entry = self.timeline[day]
            rest = path.removeprefix("timeline.")
            section, _, key = rest.partition(".")
            if section == "events":
                entry.setdefault("events", []).append(value)
            elif key:
                entry.setdefault(section, {})[key] = value
            else:
                entry[section] = value
            self.mapped(res, f"timeline day {day} {rest}", day=day)
            return
        section, _, key = path.partition(".")
        if key:
            self.out.case.setdefault(section, {})[key] = value
        else:
            self.out.case[section] = value
        self.mapped(res, path)

    def _check_reference_range(self, res: dict[str, Any], spec: ObservationMap) -> None:
        if spec.analyte not in self.table.reference_intervals:
            return
        lo_ref, hi_ref = self.table.reference_intervals[spec.analyte]
        for rr in res.get("referenceRange") or []:
            low = (rr.get("low") or {}).get("value")
            high = (rr.get("high") or {}).get("value")
            if (
                isinstance(low, int | float)
                and isinstance(high, int | float)
                and (high < lo_ref or low > hi_ref)
            ):
                self.inconsistent(
                    res,
                    f"reference range {low}-{high} does not fit {spec.analyte} (adult interval about "
                    f"{lo_ref}-{hi_ref}, clinical_rules.md H1); lab limits from this range were not used",
                )

    def _check_part_of(self, res: dict[str, Any], codes: list[str], spec: ObservationMap | None) -> None:
        for ref in res.get("partOf") or []:
            proc = self.by_ref.get(str(resolve_reference(ref, self.aliases)))
            if proc is None:
                continue
            kinds = [self.table.procedures[c] for c in _codes(proc.get("code")) if c in self.table.procedures]
            if not kinds:
                continue
            kind = kinds[0]
            report_kind = next(
                (self.table.report_codes[c] for c in codes if c in self.table.report_codes), None
            )
            if report_kind is not None and report_kind != kind:
                self.inconsistent(
                    res,
                    f"coded as a {report_kind.replace('_', ' ')} report but part of {_label(proc)} ({kind.replace('_', ' ')})",
                )
            if (
                spec is not None
                and spec.analyte
                and spec.analyte not in self.table.procedure_analytes.get(kind, [])
            ):
                self.inconsistent(
                    res, f"{spec.analyte} result is part of {_label(proc)} ({kind.replace('_', ' ')})"
                )
            done, performed = _effective(res), _effective(proc)
            if done is not None and performed is not None and done < performed:
                self.inconsistent(
                    res, f"result dated {done} before its procedure {_label(proc)} on {performed}"
                )

    def _check_dated_before_diagnosis(self, res: dict[str, Any]) -> None:
        d = _effective(res)
        if d is not None and self.dx_date is not None and d < self.dx_date:
            self.inconsistent(res, f"dated {d}, before the diagnosis date {self.dx_date}")

    # ------------------------------------------------------------------ GenomicVariant
    def _genomic_variant(self, res: dict[str, Any]) -> None:
        ext = next((e for e in res.get("extension") or [] if e.get("url") == EXT_FINDING), None)
        if ext is not None:
            try:
                found: dict[str, Any] = json.loads(str(ext.get("valueString")))
            except json.JSONDecodeError:
                self.inconsistent(
                    res, "allnav genetic-finding extension is not JSON: read from the components"
                )
            else:
                in_timeline = bool(found.pop("timeline", False))
                day = self._day(res)
                if in_timeline and day is not None:
                    self.timeline[day].setdefault("genetics", []).append(found)
                    self.mapped(res, f"timeline day {day} genetics", finding=found.get("finding"))
                else:
                    self.out.case.setdefault("genetics", []).append(found)
                    index = len(self.out.case["genetics"]) - 1
                    self.mapped(res, f"genetics[{index}]", finding=found.get("finding"))
                return
        g = self.table.genomics
        genes: list[str] = []
        iscn: str | None = None
        for comp in res.get("component") or []:
            ccodes = _codes(comp.get("code"))
            if g.gene_studied in ccodes:
                name = _display(comp.get("valueCodeableConcept"))
                if name:
                    genes.append(name.upper())
            elif g.cytogenomic_nomenclature in ccodes:
                iscn = comp.get("valueString") or _display(comp.get("valueCodeableConcept")) or None
        value_codes = _codes(res.get("valueCodeableConcept"))
        if any(c in g.present for c in value_codes):
            result = "detected"
        elif any(c in g.absent for c in value_codes):
            result = "not_detected"
        else:
            result = "indeterminate"
        method = _display(res.get("method")) or None
        if len(genes) >= 2:
            finding = "::".join(genes[:2])
        elif len(genes) == 1:
            finding = f"{genes[0]} alteration"
        elif iscn:
            finding = iscn
        else:
            self.unmapped(res, "GenomicVariant without gene-studied or ISCN components")
            return
        entry: dict[str, Any] = {"finding": finding, "result": result}
        if method:
            entry["method"] = method
        self.out.case.setdefault("genetics", []).append(entry)
        idx = len(self.out.case["genetics"]) - 1
        self.mapped(res, f"genetics[{idx}]", finding=finding, result=result)
        if result == "indeterminate":
            self.inconsistent(
                res, "GenomicVariant value is neither Present nor Absent: recorded as indeterminate"
            )

    # ------------------------------------------------------------------ medications
    def _medication(self, res: dict[str, Any]) -> None:
        rtype = res.get("resourceType")
        if rtype == "MedicationRequest" and self._administrations(res):
            self.unmapped(res, "fulfilled by a MedicationAdministration, which is mapped instead")
            return
        concept = res.get("medicationCodeableConcept")
        if concept is None and self.everything:
            definition = self.everything.get(
                str(resolve_reference(res.get("medicationReference"), self.aliases))
            )
            concept = (definition or {}).get("code")
        drug = _display(concept).strip().lower()
        if not drug:
            self.unmapped(res, "medication without a coded or named drug")
            return
        dose_q, route_concept, text = self._dosage(res)
        med: dict[str, Any] = {"drug": drug, "status": "ordered" if rtype == "MedicationRequest" else "given"}
        if dose_q is not None:
            med["dose"] = float(dose_q["value"])
            med["unit"] = str(dose_q.get("code") or dose_q.get("unit") or "")
        route = next((self.table.routes[c] for c in _codes(route_concept) if c in self.table.routes), None)
        if route is None and "intrathecal" in _display(route_concept).lower():
            route = "IT"
        if route:
            med["route"] = route
        day = self._day(res)
        if day is not None:
            med["day"] = day
        for e in res.get("extension") or []:
            if e.get("url") == EXT_MED_DETAIL:
                try:
                    med.update(json.loads(str(e.get("valueString"))))
                except json.JSONDecodeError:
                    self.inconsistent(res, "allnav medication-detail extension is not JSON: ignored")
        extra = self._check_dose_vs_bsa(res, med, text)
        self.out.case.setdefault("medications", []).append(med)
        self.mapped(res, f"medications[{len(self.out.case['medications']) - 1}]", drug=drug, **extra)

    def _administrations(self, req: dict[str, Any]) -> list[dict[str, Any]]:
        label = _label(req)
        return [
            r
            for r in self.resources
            if r.get("resourceType") == "MedicationAdministration"
            and resolve_reference(r.get("request"), self.aliases) == label
        ]

    def _request_text(self, admin: dict[str, Any]) -> str:
        req = self.by_ref.get(str(resolve_reference(admin.get("request"), self.aliases)))
        if req is None:
            return ""
        return " ".join(str(di.get("text", "")) for di in req.get("dosageInstruction") or [])

    def _dosage(self, res: dict[str, Any]) -> tuple[dict[str, Any] | None, Any, str]:
        texts = [n.get("text", "") for n in res.get("note") or [] if isinstance(n, dict)]
        if res.get("resourceType") == "MedicationAdministration":
            dosage = res.get("dosage") or {}
            dose = dosage.get("dose")
            return (
                dose if isinstance(dose, dict) and "value" in dose else None,
                dosage.get("route"),
                " ".join([dosage.get("text", ""), *texts, self._request_text(res)]),
            )
        for di in res.get("dosageInstruction") or res.get("dosage") or []:
            for dr in di.get("doseAndRate") or []:
                dose = dr.get("doseQuantity")
                if isinstance(dose, dict) and "value" in dose:
                    return dose, di.get("route"), " ".join([di.get("text", ""), *texts])
            return None, di.get("route"), " ".join([di.get("text", ""), *texts])
        return None, None, " ".join(texts)

    def _check_dose_vs_bsa(self, res: dict[str, Any], med: dict[str, Any], text: str) -> dict[str, Any]:
        """Compare a dose with a per-m2 dose written in the order; return extras for the report."""
        bsa = _number(self.out.case["patient"].get("bsa_m2")) or self._find_bsa()
        if bsa is None or "dose" not in med:
            return {}
        m = _DOSE_PER_M2.search(text)
        unit = med.get("unit", "")
        if m and unit.lower() == m.group(2).lower():
            expected = float(m.group(1)) * bsa
            if abs(med["dose"] - expected) > DOSE_TOLERANCE * expected:
                self.inconsistent(
                    res,
                    f"dose {med['dose']:g} {unit} does not match {m.group(1)} {m.group(2)}/m2 x BSA {bsa:g} m2 "
                    f"= {expected:.2f} {unit}",
                )
        if unit and "/m2" not in unit:
            return {"implied_per_m2": round(med["dose"] / bsa, 2), "bsa_m2": bsa}
        return {}

    def _find_bsa(self) -> float | None:
        for r in self.resources:
            if r.get("resourceType") == "Observation" and "8277-6" in _codes(r.get("code")):
                q = r.get("valueQuantity") or {}
                if isinstance(q.get("value"), int | float):
                    return float(q["value"])
        return None


@dataclass
class ImportResult:
    """Every patient's import, plus resources that belong to no patient (e.g. a Practitioner)."""

    patients: list[PatientImport]
    unassigned: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """``{"patients": [...], "unassigned": [...]}`` as in contracts.md section 1."""
        return {"patients": [p.to_dict() for p in self.patients], "unassigned": self.unassigned}


def import_fhir(read: ReadResult) -> ImportResult:
    """Group the resources by patient and map each group into a case file and a report.

    Invalid resources are reported with the single patient when there is one, else as unassigned.
    """
    patients = {str(r.get("id")): r for r in read.resources if r.get("resourceType") == "Patient"}
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    unassigned: list[dict[str, Any]] = []
    for res in read.resources:
        sid = _subject_id(res, read.aliases)
        if sid is None:
            unassigned.append({"resource": _label(res), "why": "no patient subject: not part of a case file"})
        else:
            groups[sid].append(res)
    everything = {_label(r): r for r in read.resources}
    results: list[PatientImport] = []
    for pid in sorted(set(groups) | set(patients)):
        resources = groups.get(pid, [])
        patient = patients.get(pid)
        if patient is not None and all(r is not patient for r in resources):
            resources = [patient, *resources]
        results.append(_PatientMapper(patient, pid, resources, read.aliases, everything).run())
    invalid = [{"resource": i["resource"], "why": i["why"]} for i in read.invalid]
    if len(results) == 1:
        results[0].unmapped.extend(invalid)
    else:
        unassigned.extend(invalid)
    return ImportResult(patients=results, unassigned=unassigned)
