"""Morphological response: CR/CRi, refractory, progressive, partial, relapse and its site, at every boundary."""

from __future__ import annotations

from typing import Any

import pytest

from allnav.case.model import Case
from allnav.errors import CaseValidationError
from allnav.knowledge import KnowledgeBase
from allnav.response import assess_response

CR_DAY29: dict[str, Any] = {
    "day": 29,
    "phase": "induction",
    "marrow": {"blasts_pct": 2, "trilineage_hematopoiesis": True},
    "blood": {"anc": 1.5, "platelets": 120, "blasts_pct": 0},
}


def case(*timeline: dict[str, Any], **extra: Any) -> Case:
    data: dict[str, Any] = {
        "patient": {"id": "t", "age_years": 40},
        "marrow": {"blasts_pct": 90},
        "blood": {"wbc": 40, "blasts_pct": 50},
        "timeline": list(timeline),
    }
    data.update(extra)
    return Case.model_validate(data)


def run(kb: KnowledgeBase, diag: dict[str, Any], *timeline: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return assess_response(case(*timeline, **extra), kb, diag)


def marrow_at(
    day: int, blasts: float, anc: float = 1.5, plt: float = 120, blood_blasts: float = 0
) -> dict[str, Any]:
    return {
        "day": day,
        "marrow": {"blasts_pct": blasts, "trilineage_hematopoiesis": True},
        "blood": {"anc": anc, "platelets": plt, "blasts_pct": blood_blasts},
    }


# -- CR and CRi ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("blasts", "expected"), [(4.9, "CR"), (5.0, "refractory")])
def test_cr_marrow_boundary(kb: KnowledgeBase, diag: dict[str, Any], blasts: float, expected: str) -> None:
    out = run(kb, diag, marrow_at(29, blasts))
    assert out["response"]["value"] == expected


@pytest.mark.parametrize(
    ("anc", "plt", "nccn", "cibmtr"),
    [
        (1.0, 120, "CRi", "CR"),
        (1.01, 120, "CR", "CR"),
        (1.5, 100, "CRi", "CR"),
        (1.5, 100.1, "CR", "CR"),
        (0.9, 120, "CRi", "CRi"),
    ],
)
def test_cr_count_operators(
    kb: KnowledgeBase, diag: dict[str, Any], anc: float, plt: float, nccn: str, cibmtr: str
) -> None:
    r = run(kb, diag, marrow_at(29, 2, anc=anc, plt=plt))["response"]
    assert r["value"] == nccn
    assert r["cr_alternative"]["value"] == cibmtr
    assert r["cr_alternative"]["differs"] is (nccn != cibmtr)
    assert r["rule"] == ("resp.cr" if nccn == "CR" else "resp.cri")


def test_cri_when_counts_missing(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    r = run(kb, diag, {"day": 30, "marrow": {"blasts_pct": 1}})["response"]
    assert r["value"] == "CRi"
    assert any("count recovery not documented" in b for b in r["because"])
    assert any("trilineage" in b and "not reported" in b for b in r["because"])


def test_circulating_blasts_block_cr(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    assert run(kb, diag, marrow_at(29, 2, blood_blasts=1))["response"]["value"] == "refractory"


def test_hypoplastic_marrow_not_evaluable(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    out = run(kb, diag, {"day": 29, "marrow": {"blasts_pct": 1, "trilineage_hematopoiesis": False}})
    assert out["response"]["value"] == "not evaluable"
    assert any(p["test"] == "repeat marrow aspirate" for p in out["pending"])


# -- refractory, progressive, partial ---------------------------------------------------------------
@pytest.mark.parametrize(("day", "expected"), [(27, "not evaluable"), (28, "refractory")])
def test_end_of_induction_day(kb: KnowledgeBase, diag: dict[str, Any], day: int, expected: str) -> None:
    assert run(kb, diag, marrow_at(day, 40, anc=0.3, plt=20))["response"]["value"] == expected


def test_post_induction_phase_label_means_end_of_induction(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    entry = marrow_at(20, 40, anc=0.3, plt=20) | {"phase": "consolidation"}
    assert run(kb, diag, entry)["response"]["value"] == "refractory"


def test_refractory_alert_and_icd(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    out = run(kb, diag, marrow_at(35, 40, anc=0.3, plt=20))
    assert out["icd10cm_status"]["value"] == "C91.00"
    assert any(a["severity"] == "critical" and a["value"] == "refractory" for a in out["alerts"])


@pytest.mark.parametrize(("blasts", "expected"), [(99.9, "not evaluable"), (100.0, "progressive")])
def test_progression_25_percent(
    kb: KnowledgeBase, diag: dict[str, Any], blasts: float, expected: str
) -> None:
    out = run(kb, diag, marrow_at(14, blasts, anc=0.2, plt=10), marrow={"blasts_pct": 80})
    assert out["response"]["value"] == expected


def test_progressive_after_end_of_induction_flags_refractory(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    r = run(kb, diag, marrow_at(30, 95, anc=0.2, plt=10), marrow={"blasts_pct": 60})["response"]
    assert r["value"] == "progressive"
    assert r["refractory"] is True


def test_new_extramedullary_disease_is_progressive(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    r = run(kb, diag, {"day": 10, "extramedullary_disease": True, "extramedullary_sites": ["skin"]})[
        "response"
    ]
    assert r["value"] == "progressive"


@pytest.mark.parametrize(
    ("blasts", "expected"), [(25.0, "partial"), (25.1, "not evaluable"), (5.0, "partial"), (4.9, "CR")]
)
def test_partial_response_band(kb: KnowledgeBase, diag: dict[str, Any], blasts: float, expected: str) -> None:
    out = run(kb, diag, marrow_at(21, blasts), marrow={"blasts_pct": 90})
    assert out["response"]["value"] == expected


def test_partial_needs_count_recovery(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    out = run(kb, diag, marrow_at(21, 20, anc=1.0), marrow={"blasts_pct": 90})
    assert out["response"]["value"] == "not evaluable"


@pytest.mark.parametrize(("base", "expected"), [(40.0, "partial"), (39.9, "not evaluable")])
def test_partial_needs_half_fall(kb: KnowledgeBase, diag: dict[str, Any], base: float, expected: str) -> None:
    out = run(kb, diag, marrow_at(21, 20), marrow={"blasts_pct": base})
    assert out["response"]["value"] == expected


def test_partial_at_end_of_induction_is_refractory_with_flag(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    r = run(kb, diag, marrow_at(30, 20))["response"]
    assert r["value"] == "refractory"
    assert r["partial_response"] is True


# -- relapse -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("blasts", "expected"), [(5.0, "not evaluable"), (5.1, "relapse"), (4.9, "CR")])
def test_relapse_marrow_boundary(
    kb: KnowledgeBase, diag: dict[str, Any], blasts: float, expected: str
) -> None:
    out = run(kb, diag, CR_DAY29, marrow_at(400, blasts))
    assert out["response"]["value"] == expected
    if expected == "relapse":
        assert out["response"]["relapse_site"] == "marrow"
        assert out["icd10cm_status"]["value"] == "C91.02"
        assert out["response"]["asbmt_2010_relapse"] is False
    if expected == "not evaluable":
        assert out["icd10cm_status"]["value"] == "C91.01"
        assert out["response"]["last_established"]["value"] == "CR"


def test_asbmt_history_threshold(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    assert run(kb, diag, CR_DAY29, marrow_at(400, 25))["response"]["asbmt_2010_relapse"] is True


def test_circulating_blasts_after_cr_is_relapse(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    r = run(kb, diag, CR_DAY29, {"day": 300, "blood": {"blasts_pct": 2}})["response"]
    assert (r["value"], r["relapse_site"]) == ("relapse", "marrow")


@pytest.mark.parametrize(("wbc", "expected"), [(4, None), (5, "isolated CNS")])
def test_isolated_cns_relapse_boundary(
    kb: KnowledgeBase, diag: dict[str, Any], wbc: float, expected: str | None
) -> None:
    out = run(kb, diag, CR_DAY29, {"day": 300, "csf": {"wbc_per_ul": wbc, "blasts": True}})
    if expected is None:
        assert out["response"]["value"] == "CR"
        assert out["cns"]["value"] is None
    else:
        assert out["response"]["relapse_site"] == expected
        assert out["response"]["cns"] == "relapse"
        assert any("marrow not examined" in b for b in out["response"]["because"])


def test_cranial_nerve_palsy_is_cns_relapse(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    r = run(kb, diag, CR_DAY29, {"day": 300, "cranial_nerve_palsy": True, "marrow": {"blasts_pct": 1}})[
        "response"
    ]
    assert r["relapse_site"] == "isolated CNS"


def test_isolated_extramedullary_and_combined(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    r = run(kb, diag, CR_DAY29, {"day": 300, "testicular_involvement": True, "marrow": {"blasts_pct": 1}})[
        "response"
    ]
    assert r["relapse_site"] == "isolated extramedullary"
    entry = marrow_at(300, 30) | {"csf": {"wbc_per_ul": 20, "blasts": True}}
    r = run(kb, diag, CR_DAY29, entry)["response"]
    assert r["relapse_site"] == "combined"
    assert r["sites"] == ["marrow", "CNS"]


@pytest.mark.parametrize(("day", "late"), [(1095, False), (1096, True)])
def test_late_relapse_three_years(kb: KnowledgeBase, diag: dict[str, Any], day: int, late: bool) -> None:
    r = run(kb, diag, CR_DAY29, marrow_at(day, 40))["response"]
    assert r["late_relapse"] is late
    assert r["late_relapse_detail"]["rule"] == "resp.late_relapse"


def test_second_remission_counts(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    r = run(kb, diag, CR_DAY29, marrow_at(400, 40), marrow_at(440, 1))["response"]
    assert r["value"] == "CR"
    assert r["remission_number"] == 2
    assert r["relapse_site"] is None
    assert r["last_relapse"]["day"] == 400


def test_refractory_to_salvage_counts_from_relapse(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    out = run(kb, diag, CR_DAY29, marrow_at(400, 40), marrow_at(420, 40), marrow_at(428, 40))
    assert [h["value"] for h in out["history"]] == ["CR", "relapse", "not evaluable", "refractory"]


# -- reported status ---------------------------------------------------------------------------
def test_reported_status_used_and_marked(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    r = run(kb, diag, {"day": 60, "reported_status": "complete remission"})["response"]
    assert (r["value"], r["reported"], r["rule"]) == ("CR", True, "resp.reported_status")


def test_findings_win_over_reported_status(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    r = run(kb, diag, marrow_at(29, 30) | {"reported_status": "CR"})["response"]
    assert r["value"] == "refractory"
    assert r["reported"] is False
    assert any("not used" in b for b in r["because"])


def test_reported_relapse_without_remission_refused(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    with pytest.raises(CaseValidationError) as exc:
        run(kb, diag, {"day": 100, "reported_status": "relapse"})
    assert exc.value.problems[0].path == "timeline[0].reported_status"


def test_unknown_reported_status_refused(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    with pytest.raises(CaseValidationError):
        run(kb, diag, {"day": 100, "reported_status": "better"})


def test_reported_relapse_after_cr_is_accepted(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    r = run(kb, diag, CR_DAY29, {"day": 500, "reported_status": "relapse"})["response"]
    assert (r["value"], r["reported"]) == ("relapse", True)


# -- time, CNS, codes, as_of --------------------------------------------------------------------
@pytest.mark.parametrize(("day", "within"), [(35, True), (36, False)])
def test_time_to_cr_seed_point(kb: KnowledgeBase, diag: dict[str, Any], day: int, within: bool) -> None:
    r = run(kb, diag, marrow_at(day, 2))["response"]
    assert r["time_to_cr_days"] == day
    assert r["time_to_cr"]["within_4_to_5_weeks"] is within


def test_time_to_cr_counts_weeks_from_first_medication(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    meds = [{"drug": "vincristine", "dose": 1.4, "unit": "mg/m2", "day": 7}]
    r = run(kb, diag, marrow_at(42, 2), medications=meds)["response"]
    assert r["time_to_cr"]["weeks_from_treatment_start"] == 5.0
    assert r["time_to_cr"]["within_4_to_5_weeks"] is True


def test_cns_remission(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    diag["cns_status"] = {"value": "CNS3"}
    out = run(kb, diag, CR_DAY29 | {"csf": {"wbc_per_ul": 0, "blasts": False}})
    assert out["response"]["cns"] == "remission"
    diag["cns_status"] = {"value": "CNS1"}
    assert run(kb, diag, CR_DAY29 | {"csf": {"wbc_per_ul": 0, "blasts": False}})["response"]["cns"] is None


def test_no_timeline_new_diagnosis(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    out = run(kb, diag)
    assert out["response"]["value"] == "not evaluable"
    assert out["icd10cm_status"]["value"] == "C91.00"
    assert out["mrd"]["status"] == "not done"


@pytest.mark.parametrize(("dx", "code"), [("T-LBL", None), ("not ALL", None), ("T-ALL", "C91.01")])
def test_icd_by_diagnosis(kb: KnowledgeBase, diag: dict[str, Any], dx: str, code: str | None) -> None:
    diag["diagnosis"] = dx  # a bare value is read as well as a conclusion
    assert run(kb, diag, CR_DAY29)["icd10cm_status"]["value"] == code


def test_as_of_day_hides_later_entries(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    out = run(kb, diag, CR_DAY29, marrow_at(400, 40), as_of_day=100)
    assert out["response"]["value"] == "CR"


def test_dates_count_from_diagnosis_date(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    entry = {k: v for k, v in CR_DAY29.items() if k != "day"} | {"date": "2026-02-01"}
    out = run(kb, diag, entry, patient={"id": "t", "diagnosis_date": "2026-01-01"})
    assert out["response"]["timepoint"] == 31


def test_date_without_diagnosis_date_refused(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    entry = {k: v for k, v in CR_DAY29.items() if k != "day"} | {"date": "2026-02-01"}
    with pytest.raises(CaseValidationError):
        run(kb, diag, entry)


@pytest.mark.parametrize(("wbc", "expected"), [(50.0, "progressive"), (49.9, None)])
def test_circulating_blast_rise_uses_absolute_counts(
    kb: KnowledgeBase, diag: dict[str, Any], wbc: float, expected: str | None
) -> None:
    out = run(kb, diag, {"day": 10, "blood": {"wbc": wbc, "blasts_pct": 50}})  # baseline 50% of 40 = 20
    assert (out["history"][0]["value"] if out["history"] else None) == expected


def test_circulating_blast_rise_in_percent_without_wbc(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    out = run(kb, diag, {"day": 10, "blood": {"blasts_pct": 62.5}}, blood={"blasts_pct": 50})
    assert out["response"]["value"] == "progressive"
    out = run(kb, diag, {"day": 10, "blood": {"blasts_pct": 62.4}}, blood={"blasts_pct": 50})
    assert out["history"] == []
