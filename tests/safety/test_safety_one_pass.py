"""The assessment reads the timeline once; its results equal those of the single-purpose evaluators."""

from __future__ import annotations

from typing import Any

import pytest

from allnav.case.model import Case
from allnav.knowledge import KnowledgeBase
from allnav.safety import assess_safety
from allnav.safety.anthracycline import assess_anthracycline
from allnav.safety.crs_icans import crs_grade, icans_grade
from allnav.safety.ctcae import (
    count_grades,
    grade_anc,
    grade_anemia,
    grade_febrile_neutropenia,
    grade_platelets,
    latest_counts,
)
from allnav.safety.dose_checks import dose_checks
from allnav.safety.tls import tls_clinical, tls_lab

CASES: list[dict[str, Any]] = [
    {
        "patient": {"id": "dx", "sex": "male"},
        "blood": {"wbc": 150, "anc": 0.4, "platelets": 20, "hemoglobin": 7},
    },
    {
        "patient": {"id": "course", "sex": "unknown", "bsa_m2": 1.9, "age_years": 10},
        "blood": {"anc": 2.0, "hemoglobin": 11.0, "anc_lln": 2.1},
        "labs": {"uric_acid": 5.0, "potassium": 4.0, "phosphate": 3.5, "calcium": 9.0, "creatinine": 0.8},
        "timeline": [
            {"day": 9, "blood": {"anc": 1.2}, "events": ["Seizure"]},
            {
                "day": 3,
                "labs": {"uric_acid": 6.3, "potassium": 5.1, "creatinine": 1.4},
                "blood": {"platelets": 40},
            },
            {"day": 5, "vitals": {"temperature_c": 38.5}, "blood": {"anc": 0.6}, "labs": {"calcium": 6.7}},
        ],
        "medications": [
            {"drug": "daunorubicin", "dose": 60, "unit": "mg/m2", "day": 1},
            {"drug": "Oncovin", "dose": 1.4, "unit": "mg/m2", "day": 1, "route": "IV"},
            {"drug": "blinatumomab", "dose": 9, "unit": "ug/day", "day": 2},
        ],
        "crs_icans": [{"day": 4, "temperature_c": 38.4, "ice_score": 8}, {"day": 3, "temperature_c": 37.0}],
    },
]


@pytest.mark.parametrize("data", CASES, ids=lambda d: d["patient"]["id"])
def test_one_pass_equals_single_evaluators(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    case = Case.model_validate(data)
    out = assess_safety(case, kb, {})["safety"]
    ctcae = count_grades(kb, case, latest_counts(case))
    assert ctcae["anemia"] == grade_anemia(kb, case)
    assert ctcae["neutrophil_count_decreased"] == grade_anc(kb, case)
    assert ctcae["platelet_count_decreased"] == grade_platelets(kb, case)
    assert ctcae["febrile_neutropenia"] == grade_febrile_neutropenia(kb, case)
    assert {k: v for k, v in out["ctcae"].items() if k != "febrile_neutropenia"} == {
        k: v for k, v in ctcae.items() if k != "febrile_neutropenia"
    }
    lab = tls_lab(kb, case)
    assert out["tls"]["laboratory"] == lab
    assert out["tls"]["clinical"] == tls_clinical(kb, case, lab)
    assert out["crs_grade"] == crs_grade(kb, case)
    assert out["icans_grade"] == icans_grade(kb, case)
    assert out["anthracycline"] == assess_anthracycline(kb, case, [])
    assert out["dose_checks"] == dose_checks(kb, case)[0]


def test_identical_medications_keep_their_own_index(kb: KnowledgeBase) -> None:
    vcr = {"drug": "vincristine", "dose": 2.5, "unit": "mg", "day": 1, "route": "IV"}
    case = Case.model_validate({"patient": {"id": "twice"}, "medications": [vcr, dict(vcr)]})
    checks = [
        c for c in assess_safety(case, kb, {})["safety"]["dose_checks"] if c.get("check") == "vincristine_cap"
    ]
    assert [c["medication"] for c in checks] == [0, 1]
