"""MRD status at the 1e-4 threshold and assay sensitivity; Ph+ molecular monitoring and p190 vs IS."""

from __future__ import annotations

from typing import Any

import pytest

from allnav.case.model import Case
from allnav.errors import ImplausibleValueError
from allnav.knowledge import KnowledgeBase
from allnav.response import assess_response

CR = {
    "marrow": {"blasts_pct": 1, "trilineage_hematopoiesis": True},
    "blood": {"anc": 2, "platelets": 150, "blasts_pct": 0},
}


def mrd_out(kb: KnowledgeBase, diag: dict[str, Any], *mrds: dict[str, Any]) -> dict[str, Any]:
    timeline = [{"day": 29 + 30 * i, "mrd": m, **CR} for i, m in enumerate(mrds)]
    return assess_response(Case.model_validate({"patient": {"id": "m"}, "timeline": timeline}), kb, diag)


@pytest.mark.parametrize(
    ("level", "sensitivity", "status"),
    [
        (9.9e-5, 1e-4, "negative"),
        (1e-4, 1e-4, "positive"),
        (0.0, 1e-5, "negative"),
        (9.9e-5, 1.1e-4, "negative_insufficient_sensitivity"),
        (0.0, 1e-3, "negative_insufficient_sensitivity"),
        (0.0, None, "negative_insufficient_sensitivity"),
        (0.5, None, "positive"),
        (None, 1e-4, "not done"),
    ],
)
def test_mrd_status(
    kb: KnowledgeBase, diag: dict[str, Any], level: float | None, sensitivity: float | None, status: str
) -> None:
    m = mrd_out(kb, diag, {"level": level, "sensitivity": sensitivity, "method": "flow"})["mrd"]
    assert m["status"] == status == m["value"]
    assert m["threshold"] == 1e-4
    assert m["method"] == "flow"


def test_unknown_sensitivity_is_explained(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    m = mrd_out(kb, diag, {"level": 0.0})["mrd"]
    assert any("sensitivity not stated" in b for b in m["because"])
    out = mrd_out(kb, diag, {"level": 0.0})
    assert any(p["test"].startswith("MRD with an assay") for p in out["pending"])


def test_mrd_level_above_one_refused(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    with pytest.raises(ImplausibleValueError):
        mrd_out(kb, diag, {"level": 1.5})


def test_latest_mrd_wins_and_history_kept(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    m = mrd_out(kb, diag, {"level": 1e-3, "sensitivity": 1e-5}, {"level": 0.0, "sensitivity": 1e-5})["mrd"]
    assert m["status"] == "negative"
    assert [h["status"] for h in m["history"]] == ["positive", "negative"]


def test_mrd_positive_in_cr_alerts(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    out = mrd_out(kb, diag, {"level": 1e-3, "sensitivity": 1e-5})
    assert [a["severity"] for a in out["alerts"]] == ["warning"]
    assert "blinatumomab" in out["alerts"][0]["action"]


def test_no_mrd_in_cr_is_pending(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    c = Case.model_validate({"patient": {"id": "m"}, "timeline": [{"day": 29, **CR}]})
    out = assess_response(c, kb, diag)
    assert any(p["test"].startswith("MRD") for p in out["pending"])


@pytest.mark.parametrize(
    ("level", "label"),
    [(1e-3, "MMR (MR3)"), (1.1e-3, None), (1e-4, "MR4"), (3.2e-5, "MR4.5"), (3.3e-5, "MR4"), (1e-5, "MR5")],
)
def test_p210_is_labels(kb: KnowledgeBase, diag: dict[str, Any], level: float, label: str | None) -> None:
    diag["ph_positive"] = True
    m = {
        "level": level,
        "method": "rt-qpcr",
        "target": "BCR::ABL1",
        "transcript": "p210",
        "international_scale": True,
    }
    out = mrd_out(kb, diag, m)
    assert out["mrd"]["molecular"]["value"] == label
    assert any(p["test"] == "BCR::ABL1 transcript quantification" for p in out["pending"])


def test_p190_never_on_is(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    m = {
        "level": 1e-5,
        "method": "rt-qpcr",
        "target": "BCR::ABL1",
        "transcript": "p190",
        "international_scale": True,
    }
    out = mrd_out(kb, diag, m)
    mol = out["mrd"]["molecular"]
    assert mol["value"] is None
    assert mol["international_scale"] is False
    alert = next(a for a in out["alerts"] if a["rule"] == "resp.p190_not_is")
    assert alert["severity"] == "warning"
    ok = {k: v for k, v in m.items() if k != "international_scale"}
    assert not any(a["rule"] == "resp.p190_not_is" for a in mrd_out(kb, diag, ok)["alerts"])


def test_ph_relapse_asks_for_kinase_domain_mutations(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    diag["ph_positive"] = True
    timeline = [{"day": 29, **CR}, {"day": 300, "marrow": {"blasts_pct": 30}}]
    out = assess_response(Case.model_validate({"patient": {"id": "m"}, "timeline": timeline}), kb, diag)
    assert any("kinase-domain" in p["test"] for p in out["pending"])


def test_ph_from_case_genetics_when_diagnostic_unset(kb: KnowledgeBase, diag: dict[str, Any]) -> None:
    diag["ph_positive"] = None
    genetics = [{"finding": "BCR::ABL1", "result": "detected", "transcript": "p190"}]
    c = Case.model_validate({"patient": {"id": "m"}, "genetics": genetics, "timeline": [{"day": 29, **CR}]})
    out = assess_response(c, kb, diag)
    assert any(p["test"] == "BCR::ABL1 transcript quantification" for p in out["pending"])
    c = Case.model_validate({"patient": {"id": "m"}, "timeline": [{"day": 29, **CR}]})
    assert not any(p["test"].startswith("BCR::ABL1") for p in assess_response(c, kb, diag)["pending"])
