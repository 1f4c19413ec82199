"""OMOP CDM 5.4 registry output: rows, pseudonyms, CSV files and a database."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import sqlalchemy as sa

from allnav.case import Case, load_case, load_case_file
from allnav.errors import InteropError
from allnav.interop.omop import CONDITION_FIELD, TABLES, omop_rows, pseudonym, write_csv, write_database

EXAMPLE = Path(__file__).parents[2] / "examples" / "ph-positive-course.yaml"
KEY = b"test-key"
ASSESSMENT = {
    "diagnosis": {"value": "B-ALL"},
    "who2016": {"value": "B-ALL with t(9;22)", "icdo3": "9812/3"},
    "icd10cm": {"value": "C91.01"},
    "ph_positive": {"value": True},
    "genetic_risk": {"value": "standard"},
}


def _case() -> Case:
    case = load_case_file(EXAMPLE)
    return case.model_copy(
        update={"patient": case.patient.model_copy(update={"diagnosis_date": "2025-01-10"})}
    )


def test_condition_uses_icdo3_histology_and_bone_marrow_topography() -> None:
    rows = omop_rows(_case(), ASSESSMENT, key=KEY)
    (cond,) = rows["condition_occurrence"]
    assert cond["condition_source_value"] == "9812/3-C42.1"
    assert cond["condition_start_date"] == "2025-01-10"
    modifiers = [m for m in rows["measurement"] if m["meas_event_field_concept_id"] == CONDITION_FIELD]
    assert {m["measurement_source_value"] for m in modifiers} >= {"allnav:ph_positive", "allnav:genetic_risk"}
    assert all(m["measurement_event_id"] == cond["condition_occurrence_id"] for m in modifiers)


def test_phases_become_child_treatment_episodes_of_the_disease_episode() -> None:
    rows = omop_rows(_case(), ASSESSMENT, key=KEY)
    disease = [e for e in rows["episode"] if e["episode_concept_id"] == 32528]
    treatment = [e for e in rows["episode"] if e["episode_concept_id"] == 32531]
    assert len(disease) == 1
    assert [e["episode_source_value"] for e in treatment] == ["induction", "consolidation"]
    assert all(e["episode_parent_id"] == disease[0]["episode_id"] for e in treatment)
    assert treatment[0]["episode_start_date"] == "2025-01-11"


def test_person_is_pseudonymous() -> None:
    rows = omop_rows(_case(), ASSESSMENT, key=KEY)
    text = repr(rows)
    assert "demo-ph-001" not in text
    assert rows["person"][0]["person_source_value"] == pseudonym("demo-ph-001", KEY)
    assert pseudonym("demo-ph-001", b"other") != pseudonym("demo-ph-001", KEY)


def test_undated_case_is_refused() -> None:
    with pytest.raises(InteropError, match="diagnosis_date"):
        omop_rows(load_case({"patient": {"id": "x"}}), ASSESSMENT, key=KEY)


def test_csv_and_database_hold_the_same_rows(tmp_path: Path) -> None:
    rows = omop_rows(_case(), ASSESSMENT, key=KEY)
    files = write_csv(rows, tmp_path / "csv")
    assert {f.stem for f in files} == set(TABLES)
    with (tmp_path / "csv" / "measurement.csv").open() as fh:
        assert len(list(csv.DictReader(fh))) == len(rows["measurement"])
    url = f"sqlite:///{tmp_path / 'omop.sqlite'}"
    write_database(rows, url)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(sa.text("select count(*) from drug_exposure")).scalar_one()
    engine.dispose()
    assert n == len(rows["drug_exposure"]) == 5
