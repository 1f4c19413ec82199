"""Burkitt / mature B-cell exclusion (R-A9) and FAB L3 (clinical_rules.md A2, D)."""

from __future__ import annotations

from dx_helpers import B_ALL

MATURE = {"CD19": "pos", "CD20": "pos", "CD10": "pos", "cCD79a": "pos", "cCD3": "neg", "MPO": "neg"}


def test_surface_ig_restricted_tdt_negative_is_not_all(run) -> None:
    im, out = run({**MATURE, "kappa": "pos", "lambda": "neg", "TdT": "neg"}, marrow={"blasts_pct": 80})
    assert im.mature_b["value"] is True
    assert out.diagnosis["value"] == "not ALL"
    assert out.diagnosis["rule"] == "dx.burkitt_exclusion"
    alert = next(a for a in out.alerts if a["rule"] == "dx.burkitt_exclusion")
    assert alert["severity"] == "critical"
    assert any("light-chain restricted" in b for b in out.diagnosis["because"])


def test_fab_l3_is_burkitt_features(run) -> None:
    im, out = run(MATURE, marrow={"blasts_pct": 80, "fab": "L3"})
    assert out.diagnosis["value"] == "not ALL"
    assert "marrow.fab = L3 (Burkitt-type morphology)" in out.diagnosis["because"]
    assert [p for p in im.pending + out.pending if "kappa/lambda" in p["test"]]


def test_l3_in_t_lineage_alerts_but_keeps_t_all(run) -> None:
    _, out = run(
        {"cCD3": "pos", "CD7": "pos", "CD19": "neg", "MPO": "neg"}, marrow={"blasts_pct": 80, "fab": "L3"}
    )
    assert out.diagnosis["value"] == "T-ALL"
    assert any(a["rule"] == "dx.burkitt_exclusion" for a in out.alerts)


def test_fab_l1_is_not_excluded(run) -> None:
    _, out = run(B_ALL, marrow={"blasts_pct": 80, "fab": "L1"})
    assert out.diagnosis["value"] == "B-ALL"


def test_t_8_14_with_unknown_phenotype_is_not_all(run) -> None:
    _, out = run(MATURE, genetics={"t_8_14": True, "myc_r": True}, marrow={"blasts_pct": 60})
    assert out.diagnosis["value"] == "not ALL"
    assert any("t(8;14)/MYC" in b for b in out.diagnosis["because"])


def test_myc_with_precursor_phenotype_keeps_b_all_and_alerts(run) -> None:
    im, out = run(B_ALL, genetics={"myc_r": True}, marrow={"blasts_pct": 60})  # TdT positive
    assert im.mature_b["value"] is False
    assert out.diagnosis["value"] == "B-ALL"
    alert = next(a for a in out.alerts if a["rule"] == "dx.burkitt_exclusion")
    assert alert["severity"] == "critical"
    assert "without a mature B phenotype" in alert["value"]
    assert any("TdT positive" in b for b in alert["because"])


def test_myc_absent_changes_nothing(run) -> None:
    _, out = run(B_ALL, genetics={"myc_r": False, "t_8_14": False}, marrow={"blasts_pct": 60})
    assert out.diagnosis["value"] == "B-ALL"
    assert out.alerts == []


def test_burkitt_wins_over_the_blast_count(run) -> None:
    _, out = run({**MATURE, "sIg": "pos", "TdT": "neg"}, marrow={"blasts_pct": 10})
    assert out.diagnosis["value"] == "not ALL"
    assert out.diagnosis["rule"] == "dx.burkitt_exclusion"
