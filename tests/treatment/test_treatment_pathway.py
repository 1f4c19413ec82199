"""Phase now/next, induction intensity, CNS, transplant question and late CR/relapse boundaries."""

from __future__ import annotations

from typing import Any

import pytest
from tx_helpers import CD19_POS, dx, make_case, resp

from allnav.knowledge import KnowledgeBase
from allnav.treatment import plan_treatment


def plan(
    kb: KnowledgeBase, age: float | None = 40, diagnostic: Any = None, response: Any = None, **case: Any
) -> dict[str, Any]:
    return plan_treatment(make_case(age, **case), kb, diagnostic or dx(), response or resp())


def phase(p: dict[str, Any], name: str) -> dict[str, Any]:
    return next(ph for ph in p["treatment_plan"]["phases"] if ph["phase"] == name)


def approaches(ph: dict[str, Any]) -> list[str]:
    return [o.get("approach", o.get("drug_id")) for o in ph["options"]]


@pytest.mark.parametrize(("age", "reduced"), [(65, False), (65.01, True), (80, True), (30, False)])
def test_reduced_intensity_over_65(kb: KnowledgeBase, age: float, reduced: bool) -> None:
    ind = phase(plan(kb, age), "induction")
    assert ("induction_reduced" in approaches(ind)) is reduced
    assert ind["rule"] == "tx.induction_ph_neg_b"


def test_age_unknown_and_ecog_are_inputs_not_thresholds(kb: KnowledgeBase) -> None:
    ind = phase(plan(kb, None), "induction")
    assert "induction_reduced" not in approaches(ind)
    assert any("age unknown" in r for r in ind["reasons"])
    ind3 = phase(plan(kb, 40, presentation={"ecog": 3}), "induction")
    assert "induction_reduced" not in approaches(ind3)
    assert any(
        "ECOG 3 recorded: fitness for intensive therapy is a clinician judgement" in r
        for r in ind3["reasons"]
    )


def test_aya_band_named(kb: KnowledgeBase) -> None:
    assert any("AYA" in r for r in phase(plan(kb, 39), "induction")["reasons"])
    assert not any("AYA" in r for r in phase(plan(kb, 40), "induction")["reasons"])


@pytest.mark.parametrize(("days", "late"), [(35, False), (36, True)])
def test_late_cr_boundary_drives_transplant(kb: KnowledgeBase, days: int, late: bool) -> None:
    p = plan(
        kb,
        40,
        dx(),
        resp("CR", days, "negative", 1e-5, time_to_cr_days=days),
        timeline=[{"day": days, "phase": "consolidation"}],
    )
    t = p["treatment_plan"]["transplant"]
    assert ("late_cr" in t["reasons"]) is late
    assert t["value"] == ("favoured" if late else "not_favoured")
    assert t["late_cr"]["value"] is late


@pytest.mark.parametrize(("day", "late"), [(1095, False), (1096, True)])
def test_late_relapse_boundary_three_years(kb: KnowledgeBase, day: int, late: bool) -> None:
    p = plan(kb, 40, dx(), resp("relapse", day, relapse_site="marrow"), immunophenotype=CD19_POS)
    ids = [o.get("approach") for o in p["treatment_plan"]["options"]]
    assert ("rr_frontline_again" in ids) is late
    assert ("rr_chemo" in ids) is not late


def test_late_relapse_from_response_engine_wins(kb: KnowledgeBase) -> None:
    p = plan(kb, 40, dx(), resp("relapse", 500, late_relapse=True), immunophenotype=CD19_POS)
    assert "rr_frontline_again" in [o.get("approach") for o in p["treatment_plan"]["options"]]


@pytest.mark.parametrize(
    ("timeline", "response", "now", "nxt"),
    [
        ([], resp(), "diagnosis", "induction"),
        ([{"day": 5, "phase": "induction"}], resp(), "induction", "response_assessment"),
        ([{"day": 29, "phase": "Induction"}], resp("CR", 29, "negative", 1e-5), "induction", "consolidation"),
        (
            [{"day": 60, "phase": "intensification"}],
            resp("CR", 29, "negative", 1e-5),
            "consolidation",
            "maintenance",
        ),
        (
            [{"day": 200, "phase": "maintenance"}],
            resp("CR", 29, "negative", 1e-5),
            "maintenance",
            "follow_up",
        ),
        ([{"day": 900, "phase": "off_therapy"}], resp("CR", 29, "negative", 1e-5), "follow_up", "follow_up"),
        (
            [{"day": 29, "phase": "induction"}],
            resp("refractory", 35),
            "relapsed_refractory",
            "relapsed_refractory",
        ),
        (
            [{"day": 300, "phase": "maintenance"}],
            resp("relapse", 480),
            "relapsed_refractory",
            "relapsed_refractory",
        ),
        ([{"day": 500, "phase": "palliative"}], resp("relapse", 480), "palliative", "palliative"),
        ([{"day": 60, "phase": "chemo block B"}], resp("CR", 29), "unknown", "unknown"),
    ],
)
def test_phase_now_and_next(
    kb: KnowledgeBase, timeline: list[dict[str, Any]], response: Any, now: str, nxt: str
) -> None:
    p = plan(kb, 40, dx(), response, timeline=timeline, immunophenotype=CD19_POS)["treatment_plan"]
    assert p["phase_now"]["value"] == now
    assert p["phase_next"]["value"] == nxt


def test_phase_next_transplant_when_favoured(kb: KnowledgeBase) -> None:
    p = plan(
        kb,
        40,
        dx(risk="poor"),
        resp("CR", 29, "negative", 1e-5),
        timeline=[{"day": 60, "phase": "consolidation"}],
    )
    assert p["treatment_plan"]["transplant"]["value"] == "favoured"
    assert p["treatment_plan"]["phase_next"]["value"] == "transplant"
    assert any(x["test"].startswith("HLA typing") for x in p["pending"])


def test_second_remission_goes_to_transplant(kb: KnowledgeBase) -> None:
    tl = [{"day": 480, "phase": "salvage"}]
    p = plan(kb, 40, dx(), resp("CR", 560, "negative", 1e-5, relapse_number=1), timeline=tl)["treatment_plan"]
    assert p["phase_now"]["value"] == "relapsed_refractory"
    assert p["phase_next"]["value"] == "transplant"
    assert p["transplant"]["value"] == "favoured"
    prior = plan(
        kb,
        40,
        dx(),
        resp("CR", 560, "negative", 1e-5, relapse_number=1),
        timeline=[{"day": 200, "phase": "alloHCT"}, *tl],
    )["treatment_plan"]
    assert prior["transplant"]["value"] == "consider"
    assert "rr_second_hct" in [o.get("approach") for o in prior["options"]]


@pytest.mark.parametrize(
    ("diagnostic", "response", "value", "reason"),
    [
        (dx(risk="poor"), resp("CR", 29, "negative", 1e-5), "favoured", "poor_genetics"),
        (dx(), resp("CR", 29, "positive", 2e-3), "favoured", "mrd_persistence"),
        (dx("T-ALL", etp=True), resp("CR", 29, "negative", 1e-5), "favoured", "etp"),
        (dx("MPAL"), resp("CR", 29, "negative", 1e-5), "favoured", "ambiguous_lineage"),
        (dx(ph=True), resp("CR", 29, "negative", 1e-5), "consider", None),
        (dx(), resp("CR", 29, "negative", 1e-5), "not_favoured", None),
        (dx(risk="indeterminate"), resp("CR", 29, "not done"), "indeterminate", None),
        (dx(), resp("refractory", 35), "consider_after_remission", None),
        (dx("not ALL"), resp(), "not_applicable", None),
    ],
)
def test_transplant_question(
    kb: KnowledgeBase, diagnostic: Any, response: Any, value: str, reason: str | None
) -> None:
    t = plan(kb, 40, diagnostic, response)["treatment_plan"]["transplant"]
    assert t["value"] == value
    assert t["rule"] == "tx.allohct_high_risk"
    if reason:
        assert reason in t["reasons"]


@pytest.mark.parametrize(
    ("cns", "name"),
    [
        ("CNS1", "cns_prophylaxis"),
        (None, "cns_prophylaxis"),
        ("CNS2b", "cns_treatment"),
        ("CNS3", "cns_treatment"),
    ],
)
def test_cns_prophylaxis_or_treatment(kb: KnowledgeBase, cns: str | None, name: str) -> None:
    p = plan(kb, 40, dx(cns=cns))
    names = [ph["phase"] for ph in p["treatment_plan"]["phases"]]
    assert name in names
    assert ("cns_treatment" if name == "cns_prophylaxis" else "cns_prophylaxis") not in names
    assert any("lumbar puncture" in x["test"] for x in p["pending"]) is (cns is None)


def test_not_all_has_no_pathway(kb: KnowledgeBase) -> None:
    p = plan(kb, 40, dx("not ALL"))
    assert p["treatment_plan"]["phases"] == []
    assert p["treatment_plan"]["phase_now"]["value"] == "diagnosis"
    assert p["treatment_plan"]["phase_next"]["value"] == "diagnosis"
    assert p["pending"][0]["test"] == "complete the diagnostic work-up"


def test_ph_unknown_b_all_asks_for_bcr_abl1(kb: KnowledgeBase) -> None:
    p = plan(kb, 40, dx(ph=None))
    assert any(x["test"].startswith("BCR::ABL1") for x in p["pending"])
    assert phase(p, "induction")["rule"] == "tx.induction_ph_neg_b"


def test_maintenance_names_tpmt_nudt15_only_when_unknown(kb: KnowledgeBase) -> None:
    tl = [{"day": 200, "phase": "maintenance"}]
    r = resp("CR", 29, "negative", 1e-5)
    unknown = phase(plan(kb, 40, dx(), r, timeline=tl), "maintenance")
    assert any("TPMT/NUDT15 status not recorded" in x for x in unknown["reasons"])
    pgx = {"TPMT": "normal", "NUDT15": "intermediate"}
    known = phase(plan(kb, 40, dx(), r, timeline=tl, pharmacogenomics=pgx), "maintenance")
    assert not any("not recorded" in x for x in known["reasons"])


def test_late_cr_prognosis_factor_used_only_without_time_to_cr(kb: KnowledgeBase) -> None:
    late_factor = [{"id": "late_cr", "direction": "poor"}]
    tl = [{"day": 45, "phase": "consolidation"}]
    with_time = plan(
        kb, 40, dx(factors=late_factor), resp("CR", 29, "negative", 1e-5, time_to_cr_days=29), timeline=tl
    )
    t = with_time["treatment_plan"]["transplant"]
    assert t["late_cr"]["value"] is False
    assert any("> 28 days" in b for b in t["late_cr"]["because"])
    without = plan(kb, 40, dx(factors=late_factor), resp("CR", 29, "negative", 1e-5), timeline=tl)
    assert without["treatment_plan"]["transplant"]["late_cr"]["value"] is True


@pytest.mark.parametrize(
    ("diagnosis", "rule"), [("B-LBL", "tx.induction_ph_neg_b"), ("T-LBL", "tx.induction_t")]
)
def test_lymphoblastic_lymphoma_uses_the_all_pathway_and_says_so(
    kb: KnowledgeBase, diagnosis: str, rule: str
) -> None:
    ind = phase(plan(kb, 40, dx(diagnosis)), "induction")
    assert ind["rule"] == rule
    assert "induction_multiagent" in approaches(ind)
    assert any("no separate lymphoma pathway" in r for r in ind["reasons"])


def test_cri_asks_to_confirm_count_recovery_and_weak_mrd_is_not_negative(kb: KnowledgeBase) -> None:
    tl = [{"day": 29, "phase": "induction"}]
    p = plan(kb, 40, dx(), resp("CRi", 29, "negative_insufficient_sensitivity"), timeline=tl)
    con = phase(p, "consolidation")
    assert any("count recovery" in r for r in con["reasons"])
    assert any("sensitivity <= 1e-4" in x["test"] for x in p["pending"])
    assert p["treatment_plan"]["transplant"]["value"] == "indeterminate"
