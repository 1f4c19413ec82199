"""Each recurrent lesion -> entity -> code; SEER priority combinations; T, MPAL, AUL; not ALL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from allnav.case.model import Case
from allnav.classification import classify
from allnav.classification.tables import load_entities
from allnav.genetics import build_genetic_profile
from allnav.knowledge import KnowledgeBase

Make = Callable[..., Case]
Feat = Callable[[str], dict[str, Any]]


def _classify(kb: KnowledgeBase, case: Case, diagnosis: str, lineage: str | None = None, etp: bool | None = None,
              features: dict[str, Any] | None = None, **kw: Any) -> Any:  # fmt: skip
    profile = build_genetic_profile(case, kb, features)
    return classify(case, kb, diagnosis, lineage, etp, profile, features, **kw)


@pytest.mark.parametrize(
    ("finding", "code", "entity_id", "verify"),
    [
        ("BCR::ABL1", "9812/3", "b_bcr_abl1", False),
        ("KMT2A::AFF1", "9813/3", "b_kmt2a", False),
        ("ETV6::RUNX1", "9814/3", "b_etv6_runx1", False),
        ("high hyperdiploid", "9815/3", "b_hyperdiploid", False),
        ("near haploid", "9816/3", "b_hypodiploid", False),
        ("IGH::IL3", "9817/3", "b_il3_igh", False),
        ("TCF3::PBX1", "9818/3", "b_tcf3_pbx1", False),
        ("P2RY8::CRLF2", "9819/3", "b_bcr_abl1_like", True),
        ("iAMP21", "9811/3", "b_iamp21", True),
        ("IKZF1 deletion", "9811/3", "b_nos", False),
    ],
)
def test_lesion_entity_code(
    kb: KnowledgeBase, make_case: Make, finding: str, code: str, entity_id: str, verify: bool
) -> None:
    r = _classify(kb, make_case(genetics=[{"finding": finding, "method": "FISH"}]), "B-ALL", "B")
    assert (r.who2016["icdo3"], r.who2016["entity_id"], r.who2016["verify"]) == (code, entity_id, verify)
    assert r.who2016["value"] == load_entities().get("who2016", entity_id).name


@pytest.mark.parametrize(
    ("karyotype", "code"),
    [
        ("46,XX,t(9;22)(q34;q11.2)[20]", "9812/3"),
        ("46,XX,t(4;11)(q21;q23)[20]", "9813/3"),
        ("55,XY,+X,+4,+6,+10,+14,+17,+18,+21,+21[20]", "9815/3"),
        ("43,XY,-7,-9,-20[10]/46,XY[10]", "9816/3"),
        ("44,XX,-13,-20[20]", "9811/3"),  # near-diploid 44-45: not coded as hypodiploid (A3, L3)
        ("45,XX,-13[20]", "9811/3"),
        ("47,XY,+X,t(5;14)(q31;q32)[10]", "9817/3"),
        ("46,XX,der(19)t(1;19)(q23;p13.3)[20]", "9818/3"),
        ("46,XX[20]", "9811/3"),
    ],
)
def test_karyotype_entity_code(
    kb: KnowledgeBase, make_case: Make, kfeat: Feat, karyotype: str, code: str
) -> None:
    r = _classify(kb, make_case(karyotype=karyotype), "B-ALL", "B", features=kfeat(karyotype))
    assert r.who2016["icdo3"] == code


@pytest.mark.parametrize(
    ("findings", "code", "n_candidates", "phrase"),
    [
        (["BCR::ABL1", "high hyperdiploid"], "9812/3", 2, "9812/3 (BCR-ABL1) beats"),
        (["ETV6::RUNX1", "BCR::ABL1"], "9812/3", 2, "9812/3 (BCR-ABL1) beats"),
        (["iAMP21", "high hyperdiploid"], "9815/3", 2, "beats 9811/3"),
        (["iAMP21", "TCF3::PBX1"], "9818/3", 2, "beats 9811/3"),
        (["KMT2A rearrangement", "near haploid"], "9813/3", 2, "first diagnosis"),
        (["TCF3::PBX1", "ETV6::RUNX1"], "9814/3", 2, "first diagnosis"),
    ],
)
def test_seer_priority(
    kb: KnowledgeBase, make_case: Make, findings: list[str], code: str, n_candidates: int, phrase: str
) -> None:
    r = _classify(kb, make_case(genetics=[{"finding": f, "method": "FISH"} for f in findings]), "B-ALL", "B")
    assert r.who2016["icdo3"] == code
    assert r.who2016["rule"] == "cls.who2016_priority"
    assert len(r.who2016["candidates"]) == n_candidates
    assert any(phrase in b for b in r.who2016["because"])


@pytest.mark.parametrize(("etp", "entity_id"), [(True, "t_etp"), (False, "t_all"), (None, "t_all")])
def test_t_lineage(kb: KnowledgeBase, make_case: Make, etp: bool | None, entity_id: str) -> None:
    r = _classify(kb, make_case(), "T-ALL", "T", etp)
    assert (r.who2016["icdo3"], r.who2016["entity_id"]) == ("9837/3", entity_id)


def test_t_lbl_same_code(kb: KnowledgeBase, make_case: Make) -> None:
    r = _classify(kb, make_case(), "T-LBL", "T", False)
    assert r.who2016["icdo3"] == "9837/3"
    assert r.icd10cm["value"] == "C83.5x"
    assert r.icd10cm["needs_site"] is True


@pytest.mark.parametrize(
    ("lineage", "findings", "code"),
    [
        ("B/myeloid", [], "9808/3"),
        ("T/myeloid", [], "9809/3"),
        ("B/myeloid", ["BCR::ABL1"], "9806/3"),
        ("T/myeloid", ["KMT2A rearrangement"], "9807/3"),
        ("B/T", [], None),
    ],
)
def test_mpal(
    kb: KnowledgeBase, make_case: Make, lineage: str, findings: list[str], code: str | None
) -> None:
    r = _classify(kb, make_case(genetics=[{"finding": f} for f in findings]), "MPAL", lineage)
    assert r.who2016["icdo3"] == code
    assert r.icd10cm["value"] is None


def test_aul(kb: KnowledgeBase, make_case: Make) -> None:
    assert _classify(kb, make_case(), "AUL", "undifferentiated").who2016["icdo3"] == "9801/3"


@pytest.mark.parametrize("diagnosis", ["not ALL", "indeterminate"])
def test_not_all_has_no_entity(kb: KnowledgeBase, make_case: Make, diagnosis: str) -> None:
    r = _classify(kb, make_case(genetics=[{"finding": "BCR::ABL1"}]), diagnosis)
    assert r.who2016["value"] is None
    assert r.who2016["rule"] == "cls.not_all"
    assert r.who2022["value"] is None
    assert r.icc2022["value"] is None
    assert diagnosis in r.who2016["because"][0]


def test_entity_table_codes_and_verify_flags() -> None:
    table = load_entities()
    codes = {e.id: e.icdo3 for e in table.who2016}
    assert {codes[i] for i in codes if i.startswith("b_") and i not in ("b_iamp21", "b_nos")} == {
        f"98{n}/3" for n in range(12, 20)
    }
    verify = {e.id for e in table.who2016 if e.verify}
    assert verify == {"b_bcr_abl1_like", "b_iamp21"}
    assert all(e.icdo3 for e in table.who2016)
    assert table.source
    assert table.version
    assert table.date


def test_nos_names_the_untested_lesions(kb: KnowledgeBase, make_case: Make, kfeat: Feat) -> None:
    r = _classify(kb, make_case(karyotype="46,XX[20]"), "B-ALL", "B", features=kfeat("46,XX[20]"))
    assert r.who2016["entity_id"] == "b_nos"
    assert "etv6_runx1" in r.who2016["untested"]
    assert "bcr_abl1" not in r.who2016["untested"]  # excluded by the karyotype (no Ph chromosome)
    tested = _classify(
        kb,
        make_case(genetics=[{"finding": f, "result": "not_detected"} for f in ("ETV6::RUNX1", "BCR::ABL1")]),
        "B-ALL",
        "B",
    )
    assert "etv6_runx1" not in tested.who2016["untested"]


@pytest.mark.parametrize(("modal", "code"), [(43, "9816/3"), (44, "9811/3"), (45, "9811/3"), (46, "9811/3")])
def test_hypodiploid_entity_boundary(kb: KnowledgeBase, make_case: Make, modal: int, code: str) -> None:
    features = {"input": "x", "valid": True, "modal_number": modal, "recurrent": {}, "clones": []}
    r = _classify(kb, make_case(), "B-ALL", "B", features=features)
    assert r.who2016["icdo3"] == code
    assert any("near-diploid" in b for b in r.who2016["because"]) is (modal in (44, 45))
