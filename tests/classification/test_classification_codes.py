"""WHO-HAEM5 and ICC names, ICD-10-CM status codes and the ploidy summary."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from allnav.case.model import Case
from allnav.classification import classify
from allnav.genetics import build_genetic_profile
from allnav.knowledge import KnowledgeBase

Make = Callable[..., Case]
Feat = Callable[[str], dict[str, Any]]


def _run(kb: KnowledgeBase, case: Case, diagnosis: str, etp: bool | None = None,
         features: dict[str, Any] | None = None, **kw: Any) -> Any:  # fmt: skip
    profile = build_genetic_profile(case, kb, features)
    lineage = diagnosis[0] if diagnosis[0] in "BT" else None
    return classify(case, kb, diagnosis, lineage, etp, profile, features, **kw)


@pytest.mark.parametrize(
    ("finding", "haem5", "icc"),
    [
        ("BCR::ABL1", "with BCR::ABL1 fusion", "B-ALL with t(9;22)(q34.1;q11.2)/BCR::ABL1"),
        ("TCF3::HLF", "with TCF3::HLF fusion", "B-ALL with HLF rearrangement"),
        ("IGH::DUX4", "with other defined genetic alterations", "B-ALL with DUX4 rearrangement"),
        ("PAX5 p.P80R", "with other defined genetic alterations", "B-ALL with mutated PAX5 P80R"),
        ("P2RY8::CRLF2", "with BCR::ABL1-like features", "B-ALL, BCR::ABL1-like"),
        ("iAMP21", "with iAMP21", "B-ALL with iAMP21"),
        ("MEF2D::BCL9", "with other defined genetic alterations", "B-ALL with MEF2D rearrangement"),
    ],
)
def test_haem5_and_icc_names(kb: KnowledgeBase, make_case: Make, finding: str, haem5: str, icc: str) -> None:
    r = _run(kb, make_case(genetics=[{"finding": finding}]), "B-ALL")
    assert haem5 in r.who2022["value"]
    assert r.icc2022["value"] == icc
    assert r.icc2022["verify"] is True


def test_icc_bcr_abl1_notes_multilineage_question(kb: KnowledgeBase, make_case: Make) -> None:
    r = _run(kb, make_case(genetics=[{"finding": "BCR::ABL1"}]), "B-ALL")
    assert any("multilineage" in n for n in r.icc2022["notes"])


@pytest.mark.parametrize(
    ("finding", "subclass"),
    [("P2RY8::CRLF2", "JAK-STAT"), ("EBF1::PDGFRB", "ABL-1 class"), ("ALLSorts: Ph-like", "NOS")],
)
def test_icc_bcr_abl1_like_subclass(kb: KnowledgeBase, make_case: Make, finding: str, subclass: str) -> None:
    r = _run(kb, make_case(genetics=[{"finding": finding}]), "B-ALL")
    assert any(subclass in n for n in r.icc2022["notes"])


def test_icc_splits_hypodiploidy(kb: KnowledgeBase, make_case: Make, kfeat: Feat) -> None:
    low = "36,XX,-2,-3,-4,-7,-12,-13,-15,-16,-17,-20[15]"
    assert (
        _run(kb, make_case(karyotype=low), "B-ALL", features=kfeat(low)).icc2022["value"]
        == "B-ALL, low hypodiploid"
    )
    hap = "26,X,+14,+18,+21[18]/46,XY[2]"
    r = _run(kb, make_case(karyotype=hap), "B-ALL", features=kfeat(hap))
    assert r.icc2022["value"] == "B-ALL, near haploid"
    assert r.who2022["value"] == "B-lymphoblastic leukaemia/lymphoma with hypodiploidy"


@pytest.mark.parametrize(
    ("etp", "near_etp", "findings", "haem5", "icc"),
    [
        (True, None, [], "Early T-precursor lymphoblastic leukaemia/lymphoma", "Early T-precursor ALL, NOS"),
        (True, None, ["BCL11B rearrangement"], "Early T-precursor lymphoblastic leukaemia/lymphoma",
         "Early T-precursor ALL with BCL11B rearrangement"),
        (False, True, [], "T-lymphoblastic leukaemia/lymphoma, NOS", "T-ALL, NOS"),
    ],
)  # fmt: skip
def test_t_all_names(
    kb: KnowledgeBase,
    make_case: Make,
    etp: bool,
    near_etp: bool | None,
    findings: list[str],
    haem5: str,
    icc: str,
) -> None:
    case = make_case(genetics=[{"finding": f} for f in findings])
    r = _run(kb, case, "T-ALL", etp, near_etp=near_etp)
    assert (r.who2022["value"], r.icc2022["value"]) == (haem5, icc)
    assert any("near-ETP" in n for n in r.icc2022["notes"]) is bool(near_etp)


@pytest.mark.parametrize(
    ("diagnosis", "response", "code"),
    [
        ("B-ALL", None, "C91.00"),
        ("T-ALL", None, "C91.00"),
        ("B-ALL", {"response": {"value": "refractory"}}, "C91.00"),
        ("B-ALL", {"response": {"value": "CR"}}, "C91.01"),
        ("T-ALL", {"response": {"value": "relapse"}}, "C91.02"),
        ("B-LBL", None, "C83.5x"),
        ("MPAL", None, None),
        ("not ALL", None, None),
    ],
)
def test_icd10cm(
    kb: KnowledgeBase, make_case: Make, diagnosis: str, response: dict[str, Any] | None, code: str | None
) -> None:
    r = _run(kb, make_case(), diagnosis, response=response)
    assert r.icd10cm["value"] == code


def test_icd10cm_remission_is_flagged_verify(kb: KnowledgeBase, make_case: Make) -> None:
    r = _run(kb, make_case(), "B-ALL", response={"response": {"value": "CR"}})
    assert r.icd10cm["verify"] is True


def test_ploidy_summary(kb: KnowledgeBase, make_case: Make, kfeat: Feat) -> None:
    text = "45~47,XY,+4,-7,+mar[cp10]"
    r = _run(kb, make_case(karyotype=text), "B-ALL", features=kfeat(text))
    assert r.ploidy["modal_number"] == [45, 47]
    missing = _run(kb, make_case(), "B-ALL")
    assert missing.ploidy["value"] is None
    assert missing.ploidy["because"] == ["no karyotype"]


def test_high_hyperdiploid_above_65_is_noted(kb: KnowledgeBase, make_case: Make) -> None:
    features = {"input": "66,XX", "valid": True, "modal_number": 66, "recurrent": {}, "clones": []}
    r = _run(kb, make_case(), "B-ALL", features=features)
    assert r.who2016["icdo3"] == "9815/3"
    assert any("above 65" in n for n in r.who2022["notes"])
