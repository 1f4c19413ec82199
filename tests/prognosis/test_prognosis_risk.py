"""Genetic risk group (NCCN ALL v2.2026), Ph status and pending tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from allnav.case.model import Case
from allnav.genetics import build_genetic_profile
from allnav.genetics.catalog import load_catalog
from allnav.knowledge import KnowledgeBase
from allnav.prognosis import PrognosisResult, assess_prognosis
from allnav.prognosis.lesions import GOOD, POOR
from allnav.prognosis.risk import NCCN_POOR, NCCN_STANDARD

Make = Callable[..., Case]


def _run(kb: KnowledgeBase, case: Case, diagnosis: str = "B-ALL", etp: bool | None = None,
         features: dict[str, Any] | None = None) -> PrognosisResult:  # fmt: skip
    profile = build_genetic_profile(case, kb, features)
    return assess_prognosis(
        case, kb, diagnosis, diagnosis[0] if diagnosis[0] in "BT" else None, etp, None, None, profile
    )


def _g(*findings: str | tuple[str, str]) -> list[dict[str, Any]]:
    out = []
    for f in findings:
        text, result = (f, "detected") if isinstance(f, str) else f
        out.append({"finding": text, "result": result, "method": "FISH"})
    return out


@pytest.mark.parametrize(
    ("findings", "presentation", "risk"),
    [
        (["KMT2A rearrangement"], {}, "poor"),
        (["ETV6::RUNX1"], {}, "standard"),
        (["ETV6::RUNX1", "TP53 mutation"], {}, "poor"),
        (["TCF3::PBX1"], {}, "standard"),
        (["IGH::DUX4"], {}, "standard"),
        (["PAX5 p.P80R"], {}, "standard"),
        (["PAX5alt"], {}, "poor"),
        (["MEF2D::BCL9"], {}, "poor"),
        (["EP300::ZNF384"], {}, "poor"),
        (["TCF3::HLF"], {}, "poor"),
        (["BCR::ABL1", "IKZF1plus"], {}, "poor"),
        (["BCR::ABL1", ("IKZF1plus", "not_detected")], {"antecedent_cml": False}, "standard"),
        (["BCR::ABL1", ("IKZF1plus", "not_detected")], {"antecedent_cml": True}, "poor"),
        (["BCR::ABL1", ("IKZF1plus", "not_detected")], {}, "indeterminate"),
        (["BCR::ABL1"], {"antecedent_cml": False}, "indeterminate"),
        ([("BCR::ABL1", "not_detected")], {}, "indeterminate"),
    ],
)
def test_nccn_b_all_group(
    kb: KnowledgeBase, make_case: Make, findings: list[Any], presentation: dict[str, Any], risk: str
) -> None:
    r = _run(kb, make_case(genetics=_g(*findings), presentation=presentation))
    assert r.genetic_risk["value"] == risk
    assert r.genetic_risk["scheme"] == "NCCN ALL v2.2026 ALL-2 (B-ALL)"


def test_ph_sub_risk_indeterminate_pending(kb: KnowledgeBase, make_case: Make) -> None:
    r = _run(kb, make_case(genetics=_g("BCR::ABL1")))
    assert r.genetic_risk["sub_risk"] == "Ph+, sub-risk indeterminate"
    tests = {p["test"] for p in r.pending}
    assert "IKZF1 status (MLPA/array) for Ph+" in tests
    assert any(t.startswith("history of CML") for t in tests)


@pytest.mark.parametrize(
    ("modal", "risk"), [(50, "indeterminate"), (51, "standard"), (65, "standard"), (66, "indeterminate")]
)
def test_high_hyperdiploid_nccn_range(kb: KnowledgeBase, make_case: Make, modal: int, risk: str) -> None:
    features = {"input": "x", "valid": True, "modal_number": modal, "recurrent": {}, "clones": []}
    assert _run(kb, make_case(), features=features).genetic_risk["value"] == risk


def test_no_genetics_is_indeterminate_with_pending(kb: KnowledgeBase, make_case: Make) -> None:
    r = _run(kb, make_case())
    assert r.genetic_risk["value"] == "indeterminate"
    tests = {p["test"] for p in r.pending}
    assert {"BCR::ABL1 RT-PCR/FISH", "TP53 sequencing", "karyotype (G-banded marrow metaphases)"} <= tests
    assert r.ph_positive["value"] is None


def test_ph_negative_asks_for_ph_like_screening(kb: KnowledgeBase, make_case: Make) -> None:
    r = _run(kb, make_case(genetics=[{"finding": "BCR::ABL1", "result": "not_detected", "method": "RT-PCR"}]))
    tests = {p["test"] for p in r.pending}
    assert "Ph-like screening (low-density array / NGS / FISH for CRLF2, ABL-class, JAK2)" in tests
    assert "BCR::ABL1 RT-PCR/FISH" not in tests
    assert r.ph_positive["value"] is False


def test_karyotype_only_ph_negative_still_asks_for_pcr(kb: KnowledgeBase, make_case: Make) -> None:
    features = {"input": "46,XX[20]", "valid": True, "modal_number": 46, "complex": False,
                "recurrent": {"t_9_22": False}, "clones": []}  # fmt: skip
    r = _run(kb, make_case(karyotype="46,XX[20]"), features=features)
    assert r.ph_positive["value"] is False
    assert "BCR::ABL1 RT-PCR/FISH" in {p["test"] for p in r.pending}


@pytest.mark.parametrize(
    ("findings", "risk"),
    [
        (["NOTCH1 mutation", ("NRAS mutation", "not_detected"), ("KRAS mutation", "not_detected"),
          ("PTEN mutation", "not_detected")], "standard"),
        (["NOTCH1 mutation", "KRAS mutation"], "poor"),
        ([("NOTCH1 mutation", "not_detected"), ("FBXW7 mutation", "not_detected")], "poor"),
        (["NOTCH1 mutation"], "indeterminate"),
        ([], "indeterminate"),
    ],
)  # fmt: skip
def test_t_all_genetics(kb: KnowledgeBase, make_case: Make, findings: list[Any], risk: str) -> None:
    r = _run(kb, make_case(genetics=_g(*findings)), "T-ALL", etp=True)
    assert r.genetic_risk["value"] == risk
    assert "T-ALL" in r.genetic_risk["scheme"]
    assert "high-risk" in r.genetic_risk["etp_note"]


def test_t_all_pending_panel(kb: KnowledgeBase, make_case: Make) -> None:
    r = _run(kb, make_case(), "T-ALL")
    assert any(p["test"].startswith("NOTCH1/FBXW7") for p in r.pending)
    assert not any(p["test"].startswith("BCR::ABL1") for p in r.pending)


@pytest.mark.parametrize(
    ("diagnosis", "value"), [("MPAL", "indeterminate"), ("not ALL", None), ("indeterminate", None)]
)
def test_other_diagnoses(kb: KnowledgeBase, make_case: Make, diagnosis: str, value: str | None) -> None:
    assert _run(kb, make_case(), diagnosis).genetic_risk["value"] == value


def test_profile_alerts_and_pending_are_carried(kb: KnowledgeBase, make_case: Make) -> None:
    case = make_case(genetics=_g("BCR::ABL1", ("BCR::ABL1", "not_detected")))
    r = _run(kb, case)
    assert any(a["rule"] == "gen.method_precedence" for a in r.alerts)
    assert len({p["test"] for p in r.pending}) == len(r.pending)


def test_lesion_id_lists_are_catalogue_lesions() -> None:
    """b_risk and genetic_factors read these ids straight from the profile's calls: each must be a
    catalogue lesion.
    """
    ids = {d.id for d in load_catalog().lesions}
    assert set(NCCN_POOR) <= ids
    assert set(NCCN_STANDARD) <= ids
    assert set(POOR.values()) | set(GOOD.values()) <= ids
