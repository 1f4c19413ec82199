"""What to report right away: fitted to counts (boundaries both sides), drugs and stage."""

from __future__ import annotations

from typing import Any

import pytest
from pv_helpers import make_case, patient, report_ids

from allnav.knowledge import KnowledgeBase

INDUCTION = [{"day": 10, "phase": "induction"}]


def at_counts(kb: KnowledgeBase, sex: str = "female", **blood: Any) -> dict[str, Any]:
    case = make_case(40, sex, timeline=[{"day": 10, "phase": "induction", "blood": blood}])
    return patient(kb, case)


def item(p: dict[str, Any], rid: str) -> dict[str, Any]:
    return next(r for r in p["report_right_away"] if r["id"] == rid)


@pytest.mark.parametrize(("anc", "low"), [(0.99, True), (1.0, False), (0.1, True)])
def test_fever_names_low_neutrophils_below_1_0(kb: KnowledgeBase, anc: float, low: bool) -> None:
    p = at_counts(kb, anc=anc)
    fever = item(p, "fever")
    assert ("your_numbers" in fever) is low
    assert any("neutrophils" in s["text"] for s in p["summary"]) is low


@pytest.mark.parametrize(
    ("platelets", "lln", "low"), [(149, None, True), (150, None, False), (145, 140, False), (139, 140, True)]
)
def test_bleeding_names_low_platelets_below_lln(
    kb: KnowledgeBase, platelets: float, lln: float | None, low: bool
) -> None:
    blood: dict[str, Any] = {"platelets": platelets}
    if lln is not None:
        blood["platelets_lln"] = lln
    assert ("your_numbers" in item(at_counts(kb, **blood), "bleeding")) is low


@pytest.mark.parametrize(("hb", "shown"), [(7.9, True), (8.0, False)])
def test_anemia_item_below_8(kb: KnowledgeBase, hb: float, shown: bool) -> None:
    assert ("anemia" in report_ids(at_counts(kb, hemoglobin=hb))) is shown


@pytest.mark.parametrize(
    ("sex", "hb", "low"),
    [
        ("female", 11.9, True),
        ("female", 12.0, False),
        ("male", 13.4, True),
        ("male", 13.5, False),
        ("unknown", 11.9, True),
        ("unknown", 12.0, False),
    ],
)
def test_hemoglobin_low_by_sex_default_lln(kb: KnowledgeBase, sex: str, hb: float, low: bool) -> None:
    p = at_counts(kb, sex, hemoglobin=hb)
    assert any("hemoglobin" in s["text"] for s in p["summary"] if s["topic"] == "blood_counts") is low


def meds(*names: str, product: str | None = None) -> list[dict[str, Any]]:
    return [{"drug": n, "day": 12, "product": product} for n in names]


@pytest.mark.parametrize(
    ("medications", "expected", "absent"),
    [
        (meds("blinatumomab"), {"crs", "neuro", "infusion", "fever"}, {"inotuzumab_liver"}),
        (meds("tisagenlecleucel", product="Kymriah"), {"crs", "neuro", "fever"}, {"infusion"}),
        (meds("Besponsa"), {"inotuzumab_liver", "infusion"}, {"crs"}),
        (
            meds("vincristine", "pegaspargase", "cytarabine"),
            {"vincristine", "asparaginase", "cytarabine"},
            {"crs", "nelarabine"},
        ),
        (meds("nelarabine"), {"nelarabine"}, {"vincristine"}),
        ([], {"fever", "bleeding"}, {"crs", "neuro", "vincristine"}),
    ],
)
def test_items_fitted_to_drugs(
    kb: KnowledgeBase, medications: list[dict[str, Any]], expected: set[str], absent: set[str]
) -> None:
    ids = set(report_ids(patient(kb, make_case(30, timeline=INDUCTION, medications=medications))))
    assert expected <= ids
    assert not ids & absent


def test_crs_icans_observations_alone_trigger_crs_items(kb: KnowledgeBase) -> None:
    case = make_case(30, timeline=INDUCTION, crs_icans=[{"day": 3, "temperature_c": 39.0}])
    assert {"crs", "neuro"} <= set(report_ids(patient(kb, case)))


def test_after_treatment_items(kb: KnowledgeBase) -> None:
    case = make_case(30, timeline=[{"day": 900, "phase": "off_therapy"}], medications=meds("vincristine"))
    p = patient(kb, case, response={"value": "CR", "timepoint": 29})
    ids = report_ids(p)
    assert ids == ["after_treatment"]


def test_cns_item_for_cns_disease_or_cns_relapse(kb: KnowledgeBase) -> None:
    assert "cns" in report_ids(patient(kb, make_case(30, timeline=INDUCTION), cns="CNS3"))
    assert "cns" not in report_ids(patient(kb, make_case(30, timeline=INDUCTION), cns="CNS1"))
    relapse = {"value": "relapse", "timepoint": 500, "relapse_site": "isolated CNS"}
    assert "cns" in report_ids(patient(kb, make_case(30), response=relapse))


def test_every_item_cites_sources_and_rule(kb: KnowledgeBase) -> None:
    p = patient(
        kb, make_case(30, timeline=INDUCTION, medications=meds("blinatumomab", "vincristine")), cns="CNS3"
    )
    for r in p["report_right_away"]:
        assert r["sources"]
        assert r["rule"].startswith("pt.report_")
        assert r["because"]


def test_drugs_of_an_earlier_phase_do_not_trigger_items(kb: KnowledgeBase) -> None:
    tl = [{"day": 10, "phase": "induction"}, {"day": 200, "phase": "maintenance"}]
    earlier = [{"drug": "blinatumomab", "day": 60}, {"drug": "vincristine", "day": 210}]
    ids = set(
        report_ids(
            patient(
                kb, make_case(30, timeline=tl, medications=earlier), response={"value": "CR", "timepoint": 29}
            )
        )
    )
    assert "vincristine" in ids
    assert not ids & {"crs", "neuro", "infusion"}


def test_counts_come_from_the_latest_panel_only(kb: KnowledgeBase) -> None:
    tl = [
        {"day": 10, "phase": "induction", "blood": {"hemoglobin": 7.0, "platelets": 20}},
        {"day": 40, "blood": {"platelets": 200}},
    ]
    p = patient(kb, make_case(30, blood={"hemoglobin": 6.5}, timeline=tl))
    assert "anemia" not in report_ids(p)
    assert "your_numbers" not in item(p, "bleeding")
