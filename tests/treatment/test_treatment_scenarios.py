"""Whole-course scenarios through plan_treatment, alerts, and properties of the option lists."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from tx_helpers import CD19_POS, dx, make_case, marker, resp, tx_kb

from allnav.knowledge import KnowledgeBase
from allnav.treatment import plan_treatment


def by_id(options: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {o.get("drug_id") or o.get("approach"): o for o in options}


def test_ph_pos_molecular_remission_on_tki_maintenance(kb: KnowledgeBase) -> None:
    case = make_case(
        48,
        immunophenotype=CD19_POS,
        timeline=[
            {"day": 0, "phase": "induction"},
            {
                "day": 30,
                "marrow": {"blasts_pct": 1},
                "mrd": {"level": 0.00001, "target": "BCR::ABL1", "transcript": "p190"},
            },
            {"day": 60, "phase": "consolidation"},
            {"day": 210, "phase": "maintenance"},
        ],
        medications=[{"drug": "dasatinib", "day": 1}, {"drug": "mercaptopurine", "day": 210}],
        pharmacogenomics={"TPMT": "normal", "NUDT15": "normal"},
    )
    out = plan_treatment(case, kb, dx(ph=True), resp("CR", 30, "negative", 1e-5, time_to_cr_days=30))
    p = out["treatment_plan"]
    assert p["phase_now"]["value"] == "maintenance"
    assert p["phase_next"]["value"] == "follow_up"
    status = {ph["phase"]: ph["status"] for ph in p["phases"]}
    assert status == {
        "induction": "completed",
        "cns_prophylaxis": "current",
        "consolidation": "completed",
        "maintenance": "current",
    }
    mai = next(ph for ph in p["phases"] if ph["phase"] == "maintenance")
    assert mai["rule"] == "tx.maintenance_tki"
    opts = by_id(mai["options"])
    assert opts["dasatinib"]["label_status"] == "guideline_only"
    assert "maintenance_tki" in opts
    assert p["transplant"]["value"] == "consider"
    assert p["options"] == []
    assert out["alerts"] == []
    assert not any("TPMT" in x["test"] for x in out["pending"])


def test_etp_t_all_going_to_transplant(kb: KnowledgeBase) -> None:
    case = make_case(28, timeline=[{"day": 0, "phase": "induction"}, {"day": 45, "phase": "consolidation"}])
    out = plan_treatment(
        case, kb, dx("T-ALL", etp=True), resp("CR", 40, "negative", 5e-5, time_to_cr_days=40)
    )
    p = out["treatment_plan"]
    assert p["transplant"]["value"] == "favoured"
    assert set(p["transplant"]["reasons"]) == {"etp", "late_cr"}
    assert p["phase_next"]["value"] == "transplant"
    con = next(ph for ph in p["phases"] if ph["phase"] == "consolidation")
    assert con["rule"] == "tx.consolidation_t_nelarabine"
    assert by_id(con["options"])["nelarabine"]["label_status"] == "guideline_only"
    assert "blinatumomab" not in by_id(con["options"])
    assert any(x["test"].startswith("HLA typing") for x in out["pending"])


def test_late_relapse_b_all_options(kb: KnowledgeBase) -> None:
    case = make_case(
        45,
        immunophenotype={"CD19": marker(True), "CD22": marker(True)},
        timeline=[
            {"day": 1400, "phase": "off_therapy"},
            {
                "day": 1500,
                "marrow": {"blasts_pct": 40},
                "immunophenotype": {"CD19": marker(True), "CD22": marker(True, 70)},
            },
        ],
    )
    out = plan_treatment(
        case, kb, dx(ph=False), resp("relapse", 1500, relapse_site="marrow", late_relapse=True)
    )
    p = out["treatment_plan"]
    assert p["phase_now"]["value"] == "relapsed_refractory"
    opts = by_id(p["options"])
    assert opts["rr_frontline_again"]["label_status"] == "guideline_only"
    assert opts["blinatumomab"]["label_status"] == "on_label"
    assert opts["inotuzumab_ozogamicin"]["label_status"] == "on_label"
    assert opts["tisagenlecleucel"]["label_status"] == "off_label"
    assert opts["brexucabtagene_autoleucel"]["label_status"] == "on_label"
    assert opts["obecabtagene_autoleucel"]["label_status"] == "on_label"
    assert {"clinical_trial", "rr_hct_cr2", "palliative"} <= set(opts)
    assert "imatinib" not in opts
    assert "nelarabine" not in opts
    assert "nelarabine" in by_id(p["excluded"])
    assert not any("relapse sample" in x["test"] for x in out["pending"])
    assert any(x["test"].startswith("molecular analysis") for x in out["pending"])


def test_older_patient_reduced_intensity_at_diagnosis(kb: KnowledgeBase) -> None:
    out = plan_treatment(make_case(72, presentation={"ecog": 2}), kb, dx(ph=None, cns=None), resp())
    p = out["treatment_plan"]
    assert p["phase_now"]["value"] == "diagnosis"
    assert p["phase_next"]["value"] == "induction"
    ind = p["phases"][0]
    assert ind["status"] == "next"
    assert "induction_reduced" in by_id(ind["options"])
    tests = {x["test"] for x in out["pending"]}
    assert "BCR::ABL1 (FISH or RT-PCR)" in tests
    assert "lumbar puncture with CSF cytospin at the first intrathecal dose" in tests


def test_car_t_course_second_relapse(kb: KnowledgeBase) -> None:
    case = make_case(
        22,
        immunophenotype=CD19_POS,
        timeline=[{"day": 800, "phase": "car_t", "immunophenotype": {"CD19": marker(True)}}],
        medications=[{"drug": "tisagenlecleucel", "product": "Kymriah", "day": 820, "status": "ordered"}],
    )
    out = plan_treatment(
        case, kb, dx(ph=False), resp("relapse", 790, relapse_number=2, relapse_site="marrow")
    )
    p = out["treatment_plan"]
    assert p["phase_now"]["value"] == "relapsed_refractory"
    opts = by_id(p["options"])
    assert opts["tisagenlecleucel"]["label_status"] == "on_label"
    assert "product" in opts["tisagenlecleucel"]
    assert opts["brexucabtagene_autoleucel"]["label_status"] == "on_label"
    assert "vincristine_liposome" in by_id(
        p["excluded"]
    )  # adult Ph- 2nd relapse: Marqibo's former indication


def test_t_all_relapse_refuses_b_agents_with_reason(kb: KnowledgeBase) -> None:
    out = plan_treatment(make_case(35, immunophenotype=CD19_POS), kb, dx("T-ALL"), resp("relapse", 400))
    p = out["treatment_plan"]
    excluded = by_id(p["excluded"])
    for d in (
        "blinatumomab",
        "inotuzumab_ozogamicin",
        "tisagenlecleucel",
        "brexucabtagene_autoleucel",
        "obecabtagene_autoleucel",
    ):
        assert d in excluded
        assert "only for B-cell precursor ALL" in excluded[d]["why"][0]
        assert excluded[d]["rule"] == "tx.label_lineage"
    assert by_id(p["options"])["nelarabine"]["label_status"] == "guideline_only"


def test_ph_pos_relapse_on_imatinib_with_t315i(kb: KnowledgeBase) -> None:
    case = make_case(
        55,
        immunophenotype=CD19_POS,
        genetics=[
            {"finding": "ABL1 p.T315I", "result": "detected", "kind": "gene_alteration", "genes": ["ABL1"]}
        ],
        medications=[{"drug": "Gleevec", "day": 1}],
    )
    out = plan_treatment(case, kb, dx(ph=True), resp("relapse", 600))
    p = out["treatment_plan"]
    assert by_id(p["options"])["ponatinib"]["label_status"] == "on_label"
    assert "switch to a different TKI" in by_id(p["excluded"])["imatinib"]["why"][0]
    assert not any("kinase-domain" in x["test"] for x in out["pending"])
    rr = p["phases"][0]
    assert any("T315I detected" in r for r in rr["reasons"])


def test_ph_pos_relapse_without_kd_testing_asks_for_it(kb: KnowledgeBase) -> None:
    out = plan_treatment(make_case(55, immunophenotype=CD19_POS), kb, dx(ph=True), resp("refractory", 35))
    assert any(x["test"] == "ABL1 kinase-domain mutation testing" for x in out["pending"])


def test_isolated_cns_relapse(kb: KnowledgeBase) -> None:
    out = plan_treatment(
        make_case(30, immunophenotype=CD19_POS), kb, dx(), resp("relapse", 700, relapse_site="isolated CNS")
    )
    p = out["treatment_plan"]
    assert [ph["phase"] for ph in p["phases"]] == ["relapsed_refractory", "cns_treatment", "palliative"]
    assert "rr_systemic_for_em" in by_id(p["options"])


def test_mpal_mixed_induction(kb: KnowledgeBase) -> None:
    p = plan_treatment(make_case(40), kb, dx("MPAL"), resp())["treatment_plan"]
    ind = p["phases"][0]
    assert ind["rule"] == "tx.induction_mixed"
    assert "induction_mixed" in by_id(ind["options"])


def test_follow_up_everything_completed_no_pending(kb: KnowledgeBase) -> None:
    out = plan_treatment(
        make_case(40, timeline=[{"day": 900, "phase": "off_therapy"}]),
        kb,
        dx(),
        resp("CR", 29, "negative", 1e-5),
    )
    assert {ph["status"] for ph in out["treatment_plan"]["phases"]} == {"completed"}
    assert out["pending"] == []


def test_alerts(kb: KnowledgeBase) -> None:
    tl = [{"day": 5, "phase": "induction"}]
    no_tki = plan_treatment(
        make_case(40, timeline=tl, medications=[{"drug": "vincristine", "day": 1}]), kb, dx(ph=True), resp()
    )
    assert [a["rule"] for a in no_tki["alerts"]] == ["tx.ph_pos_no_tki"]
    with_tki = plan_treatment(
        make_case(40, timeline=tl, medications=[{"drug": "Sprycel", "day": 1}]), kb, dx(ph=True), resp()
    )
    assert with_tki["alerts"] == []
    blin_t = plan_treatment(
        make_case(40, medications=[{"drug": "blinatumomab", "day": 3, "status": "ordered"}]),
        kb,
        dx("T-ALL"),
        resp(),
    )
    assert [a["rule"] for a in blin_t["alerts"]] == ["tx.label_lineage"]
    assert blin_t["alerts"][0]["severity"] == "warning"
    mq = plan_treatment(make_case(40, medications=[{"drug": "Marqibo", "day": 3}]), kb, dx(), resp())
    assert [a["rule"] for a in mq["alerts"]] == ["tx.withdrawn_marqibo"]


B_ONLY = {
    "blinatumomab",
    "inotuzumab_ozogamicin",
    "tisagenlecleucel",
    "brexucabtagene_autoleucel",
    "obecabtagene_autoleucel",
}


@settings(max_examples=40, deadline=None)
@given(
    diagnosis=st.sampled_from(["B-ALL", "T-ALL", "B-LBL", "T-LBL", "MPAL", "AUL"]),
    ph=st.sampled_from([True, False, None]),
    response=st.sampled_from(["CR", "CRi", "relapse", "refractory", "progressive", "partial", None]),
    age=st.one_of(st.none(), st.floats(min_value=0.5, max_value=95, allow_nan=False)),
    cd19=st.sampled_from([True, False, None]),
)
def test_option_lists_are_consistent(
    diagnosis: str, ph: bool | None, response: str | None, age: float | None, cd19: bool | None
) -> None:
    kb = tx_kb()
    imm = {} if cd19 is None else {"CD19": marker(cd19)}
    out = plan_treatment(
        make_case(age, immunophenotype=imm),
        kb,
        dx(diagnosis, ph=ph),
        resp(response, 100 if response else None),
    )
    p = out["treatment_plan"]
    all_opts = p["options"] + [o for ph_ in p["phases"] for o in ph_["options"]]
    assert all(o.get("label_status") != "excluded" for o in all_opts)
    assert all(o["label_status"] in ("on_label", "off_label", "guideline_only") for o in p["options"])
    assert all(o.get("sources") for o in all_opts)
    ids = {o.get("drug_id") for o in all_opts}
    if diagnosis.startswith("T"):
        assert not ids & B_ONLY
    if cd19 is False and response != "relapse":  # after a relapse a diagnostic reading is re-checked instead
        assert not ids & (B_ONLY - {"inotuzumab_ozogamicin"})
    if ph is False:
        assert not ids & {"imatinib", "dasatinib", "ponatinib", "nilotinib", "bosutinib"}
    if response in ("relapse", "refractory", "progressive"):
        assert p["phase_now"]["value"] == "relapsed_refractory"
        assert p["options"]
