"""The facts that the patient view reads from the case and the assessment."""

from __future__ import annotations

from pv_helpers import make_case

from allnav.patient_view.inputs import Count, PatientFacts, read_facts


def test_facts_have_every_field_and_their_counts_are_counts() -> None:
    case = make_case(blood={"anc": 0.5, "platelets": 20, "hemoglobin": 9.0})
    facts = read_facts(case, {})
    assert type(facts) is PatientFacts
    assert len(facts) == len(PatientFacts._fields)
    assert facts.anc == Count(0.5, 0, None)
    assert type(facts.anc) is Count
    assert facts.platelets is not None
    assert facts.platelets.value == 20.0
    assert (facts.diagnosis, facts.phase_now, facts.drugs, facts.pending) == (None, None, "", 0)


def test_panel_and_drugs_up_to_the_as_of_day_with_dated_entries() -> None:
    """Entries dated by ``date`` count from the diagnosis date; entries after ``as_of_day`` are not read;
    the drugs are those of the latest phase started by then."""
    case = make_case(
        patient={"id": "p", "age_years": 40, "sex": "male", "diagnosis_date": "2026-01-01"},
        as_of_day=40,
        timeline=[
            {"date": "2026-01-05", "phase": "induction", "blood": {"anc": 0.2}},
            {"day": 35, "phase": "consolidation", "blood": {"anc": 0.8}},
            {"day": 35, "blood": {"anc": 0.9}},
            {"day": 50, "phase": "maintenance", "blood": {"anc": 3.0}},
            {"date": "not a date", "blood": {"anc": 5.0}},
        ],
        medications=[
            {"drug": "Vincristine", "day": 10},
            {"drug": "Cytarabine", "day": 36},
            {"drug": "Mercaptopurine", "day": 55},
            {"drug": "Blinatumomab", "day": 60, "status": "ordered"},
        ],
    )
    facts = read_facts(case, {"treatment_plan": {"phase_now": {"value": "consolidation"}}, "pending": [1]})
    assert facts.anc == Count(0.9, 35, None)
    assert facts.drugs == "cytarabine\nblinatumomab"
    assert (facts.sex, facts.phase_now, facts.pending) == ("male", "consolidation", 1)
