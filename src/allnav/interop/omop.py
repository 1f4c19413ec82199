"""Registry output: OMOP CDM 5.4 with the oncology extension (ecosystem.md §5.4), as CSV or into a database.

One CONDITION_OCCURRENCE per ALL diagnosis with the ICDO3 source code ``histology/behaviour-C42.1``
(bone marrow; ``C77.9`` would need the lymph-node site for a lymphoma presentation, which allnav does
not record, so lymphoma rows say so in the source value); modifiers (Ph status, CNS status, genetic
risk, response, MRD) as MEASUREMENT rows pointing at the condition through ``measurement_event_id`` and
``meas_event_field_concept_id`` 1147127; findings (counts, blasts, MRD) as MEASUREMENT rows with their
LOINC source codes; medications as DRUG_EXPOSURE; a disease episode (32528) with one child Treatment
Regimen episode (32531) per phase, and EPISODE_EVENT rows linking measurements to the disease episode.

Standard concept ids other than those three need the Athena vocabularies, which are licensed and not
shipped: they are written as 0 with the source value filled, as the OMOP conventions allow.
Persons are pseudonymous: ``person_source_value`` is a keyed hash of the patient id, never the id.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from allnav.case.model import Case
from allnav.errors import InteropError
from allnav.interop.fhir_tables import fhir_code_table

CONDITION_FIELD = 1147127
DISEASE_FIRST_OCCURRENCE = 32528
TREATMENT_REGIMEN = 32531
BONE_MARROW = "C42.1"

TABLES: dict[str, list[str]] = {
    "person": [
        "person_id",
        "gender_concept_id",
        "year_of_birth",
        "person_source_value",
        "gender_source_value",
    ],
    "condition_occurrence": [
        "condition_occurrence_id",
        "person_id",
        "condition_concept_id",
        "condition_start_date",
        "condition_type_concept_id",
        "condition_source_value",
        "condition_status_source_value",
    ],
    "measurement": [
        "measurement_id",
        "person_id",
        "measurement_concept_id",
        "measurement_date",
        "measurement_type_concept_id",
        "value_as_number",
        "value_source_value",
        "unit_source_value",
        "measurement_source_value",
        "measurement_event_id",
        "meas_event_field_concept_id",
    ],
    "drug_exposure": [
        "drug_exposure_id",
        "person_id",
        "drug_concept_id",
        "drug_exposure_start_date",
        "drug_exposure_end_date",
        "drug_type_concept_id",
        "quantity",
        "dose_unit_source_value",
        "route_source_value",
        "drug_source_value",
    ],
    "episode": [
        "episode_id",
        "person_id",
        "episode_concept_id",
        "episode_start_date",
        "episode_end_date",
        "episode_parent_id",
        "episode_number",
        "episode_object_concept_id",
        "episode_type_concept_id",
        "episode_source_value",
    ],
    "episode_event": ["episode_id", "event_id", "episode_event_field_concept_id"],
}


def pseudonym(patient_id: str, key: bytes) -> str:
    """A stable keyed hash of the patient id (the registry never sees the id)."""
    return hmac.new(key, patient_id.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def _v(obj: Any) -> Any:
    return obj.get("value") if isinstance(obj, dict) else obj


class _Rows:
    def __init__(self, person_id: int) -> None:
        self.person_id = person_id
        self.tables: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
        self.next_id = person_id * 100_000

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def add(self, table: str, **row: Any) -> dict[str, Any]:
        full = {col: row.get(col) for col in TABLES[table]}
        self.tables[table].append(full)
        return full

    def measurement(self, day: date, source: str, **values: Any) -> int:
        """A MEASUREMENT row (concept ids 0: the vocabulary mapping needs Athena); returns its id."""
        mid = self.new_id()
        self.add(
            "measurement",
            measurement_id=mid,
            person_id=self.person_id,
            measurement_concept_id=0,
            measurement_date=day.isoformat(),
            measurement_type_concept_id=0,
            measurement_source_value=source,
            **values,
        )
        return mid


def omop_rows(case: Case, assessment: dict[str, Any], *, key: bytes) -> dict[str, list[dict[str, Any]]]:
    """The OMOP rows for one patient (``key`` keys the pseudonym; keep it secret and stable)."""
    if not case.patient.diagnosis_date:
        raise InteropError("OMOP rows need dates: the case has no patient.diagnosis_date")
    dx = date.fromisoformat(case.patient.diagnosis_date)
    pseudo = pseudonym(case.patient.id, key)
    rows = _Rows(int(pseudo[:6], 16) + 1)
    pid = rows.person_id
    yob = dx.year - int(case.patient.age_years) if case.patient.age_years is not None else None
    rows.add(
        "person",
        person_id=pid,
        gender_concept_id=0,
        year_of_birth=yob,
        person_source_value=pseudo,
        gender_source_value=case.patient.sex,
    )

    diagnosis = _v(assessment.get("diagnosis"))
    who = assessment.get("who2016") or {}
    cond_id = None
    if who.get("icdo3"):
        site = BONE_MARROW if diagnosis not in ("B-LBL", "T-LBL") else "site-not-recorded"
        cond_id = rows.new_id()
        rows.add(
            "condition_occurrence",
            condition_occurrence_id=cond_id,
            person_id=pid,
            condition_concept_id=0,
            condition_start_date=dx.isoformat(),
            condition_type_concept_id=0,
            condition_source_value=f"{who['icdo3']}-{site}",
            condition_status_source_value=_v(assessment.get("icd10cm")),
        )
    disease_episode = rows.new_id()
    rows.add(
        "episode",
        episode_id=disease_episode,
        person_id=pid,
        episode_concept_id=DISEASE_FIRST_OCCURRENCE,
        episode_start_date=dx.isoformat(),
        episode_number=1,
        episode_object_concept_id=0,
        episode_type_concept_id=0,
        episode_source_value=f"{diagnosis}: {_v(who) or 'entity not determined'}",
    )

    def modifier(name: str, value: Any) -> None:
        if value is None or cond_id is None:
            return
        rows.measurement(
            dx,
            f"allnav:{name}",
            value_source_value=str(value),
            measurement_event_id=cond_id,
            meas_event_field_concept_id=CONDITION_FIELD,
        )

    modifier("ph_positive", _v(assessment.get("ph_positive")))
    modifier("cns_status", _v(assessment.get("cns_status")))
    modifier("genetic_risk", _v(assessment.get("genetic_risk")))
    modifier("response", _v(assessment.get("response")))
    modifier("mrd_status", (assessment.get("mrd") or {}).get("status"))

    loinc = {
        spec.target: code
        for code, spec in fhir_code_table().observations.items()
        if spec.kind in ("quantity", "percent")
    }

    def finding(day: int, value: float, source: str) -> None:
        mid = rows.measurement(dx + timedelta(days=day), source, value_as_number=value)
        rows.add("episode_event", episode_id=disease_episode, event_id=mid, episode_event_field_concept_id=0)

    def measure(section: Any, prefix: str, day: int) -> None:
        if section is None:
            return
        for key, value in section.model_dump(exclude_none=True).items():
            path = f"{prefix}.{key}"
            if path in loinc and isinstance(value, int | float):
                finding(day, value, f"LOINC:{loinc[path]}")

    for name in ("blood", "marrow", "csf"):
        measure(getattr(case, name), name, 0)
    phases: dict[str, list[int]] = {}
    for entry in case.timeline:
        day = entry.day or 0
        for name in ("blood", "marrow", "csf"):
            measure(getattr(entry, name), name, day)
        if entry.mrd is not None and entry.mrd.level is not None:
            finding(
                day, entry.mrd.level, f"allnav:mrd:{entry.mrd.method or 'unknown'}:{entry.mrd.target or ''}"
            )
        if entry.phase:
            phases.setdefault(entry.phase, []).append(day)
    for number, (phase, days) in enumerate(sorted(phases.items(), key=lambda kv: min(kv[1])), start=1):
        rows.add(
            "episode",
            episode_id=rows.new_id(),
            person_id=pid,
            episode_concept_id=TREATMENT_REGIMEN,
            episode_start_date=(dx + timedelta(days=min(days))).isoformat(),
            episode_parent_id=disease_episode,
            episode_number=number,
            episode_object_concept_id=0,
            episode_type_concept_id=0,
            episode_source_value=phase,
        )
    for med in case.medications:
        if med.status != "given":
            continue
        start = (dx + timedelta(days=med.day or 0)).isoformat()
        rows.add(
            "drug_exposure",
            drug_exposure_id=rows.new_id(),
            person_id=pid,
            drug_concept_id=0,
            drug_exposure_start_date=start,
            drug_exposure_end_date=start,
            drug_type_concept_id=0,
            quantity=med.dose,
            dose_unit_source_value=med.unit,
            route_source_value=med.route,
            drug_source_value=med.drug,
        )
    return rows.tables


def write_csv(tables: dict[str, list[dict[str, Any]]], directory: Path) -> list[Path]:
    """One CSV file per OMOP table (header row always written)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, cols in TABLES.items():
        path = directory / f"{name}.csv"
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
        writer.writeheader()
        writer.writerows(tables.get(name, []))
        path.write_text(buf.getvalue(), encoding="utf-8")
        written.append(path)
    return written


def _metadata() -> sa.MetaData:
    md = sa.MetaData()
    for name, cols in TABLES.items():
        columns = [
            sa.Column(
                c,
                sa.Text
                if c.endswith(("source_value", "_date"))
                else sa.Float
                if c in ("value_as_number", "quantity")
                else sa.BigInteger,
            )
            for c in cols
        ]
        sa.Table(name, md, *columns)
    return md


def write_database(tables: dict[str, list[dict[str, Any]]], url: str) -> None:
    """Insert the rows into an OMOP-shaped schema at ``url`` (tables created if absent), in one transaction."""
    md = _metadata()
    engine = sa.create_engine(url)
    try:
        md.create_all(engine)
        with engine.begin() as conn:
            for name, rows in tables.items():
                if rows:
                    conn.execute(md.tables[name].insert(), rows)
    finally:
        engine.dispose()
