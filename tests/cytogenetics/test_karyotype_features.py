"""Features (contract section 2): clones and roles, counts, ploidy, complex, recurrent flags with spans."""

from __future__ import annotations

import pytest

from allnav.cytogenetics import RECURRENT_KEYS, features_of, parse_karyotype
from allnav.cytogenetics.features import COMPLEX_THRESHOLD, ploidy_class

CONTRACT_KEYS = {
    "input", "valid", "error", "modal_number", "ploidy_class", "sex_chromosomes", "clone_count", "normal",
    "abnormality_count", "complex", "recurrent", "clones",
}  # fmt: skip
EXTRA_KEYS = {
    "recurrent_evidence",
    "warnings",
    "normalised",
    "set_aside",
    "complex_convention",
    "abnormalities",
}


def f(text: str) -> dict:  # type: ignore[type-arg]
    out = features_of(text)
    assert out["valid"], out["error"]
    return out


def test_contract_example_exactly() -> None:
    text = "46,XX,t(9;22)(q34;q11.2)[18]/46,XX[2]"
    out = f(text)
    assert set(out) == CONTRACT_KEYS | EXTRA_KEYS
    assert set(out["recurrent"]) == set(RECURRENT_KEYS)
    assert len(RECURRENT_KEYS) == 13
    assert out["input"] == text
    assert out["error"] is None
    assert (out["modal_number"], out["ploidy_class"], out["sex_chromosomes"]) == (46, "diploid", "XX")
    assert (out["clone_count"], out["normal"], out["abnormality_count"], out["complex"]) == (
        2,
        False,
        1,
        False,
    )
    assert [k for k, v in out["recurrent"].items() if v] == ["t_9_22"]
    stem, normal = out["clones"]
    assert {k: stem[k] for k in ("text", "cells", "chromosome_count", "role")} == {
        "text": "46,XX,t(9;22)(q34;q11.2)[18]", "cells": 18, "chromosome_count": 46, "role": "stemline",
    }  # fmt: skip
    a = stem["abnormalities"][0]
    assert {k: a[k] for k in ("type", "text", "chromosomes", "breakpoints", "span")} == {
        "type": "t", "text": "t(9;22)(q34;q11.2)", "chromosomes": ["9", "22"],
        "breakpoints": ["9q34", "22q11.2"], "span": [6, 24],
    }  # fmt: skip
    assert text[6:24] == a["text"]
    assert {k: normal[k] for k in ("text", "cells", "role", "abnormalities")} == {
        "text": "46,XX[2]",
        "cells": 2,
        "role": "normal",
        "abnormalities": [],
    }


@pytest.mark.parametrize(
    ("count", "cls"),
    [
        (24, "near_haploid"), (31, "near_haploid"), (32, "low_hypodiploid"), (39, "low_hypodiploid"),
        (40, "high_hypodiploid"), (43, "high_hypodiploid"), (44, "hypodiploid_44_45"), (45, "hypodiploid_44_45"),
        (46, "diploid"), (47, "low_hyperdiploid"), (50, "low_hyperdiploid"), (51, "high_hyperdiploid"),
        (67, "high_hyperdiploid"), (68, "near_triploid"), (80, "near_triploid"), (81, "near_tetraploid"),
    ],
)  # fmt: skip
def test_ploidy_band_edges(count: int, cls: str) -> None:
    assert ploidy_class(count) == cls


@pytest.mark.parametrize(
    ("count", "flags"),
    [
        (23, {"hypodiploid_lt44"}), (24, {"hypodiploid_lt44", "near_haploid"}),
        (31, {"hypodiploid_lt44", "near_haploid"}), (32, {"hypodiploid_lt44", "low_hypodiploid"}),
        (39, {"hypodiploid_lt44", "low_hypodiploid"}), (40, {"hypodiploid_lt44"}), (43, {"hypodiploid_lt44"}),
        (44, set()), (50, set()), (51, {"high_hyperdiploid"}), (67, {"high_hyperdiploid"}), (68, set()),
    ],
)  # fmt: skip
def test_ploidy_flags_at_boundaries(count: int, flags: set[str]) -> None:
    out = f(f"{count},XX[10]")
    on = {k for k, v in out["recurrent"].items() if v}
    assert on == flags
    for key in flags:
        assert out["recurrent_evidence"][key] == [{"span": [0, 2], "text": str(count)}]


def test_modal_number_is_a_range_when_written_so() -> None:
    out = f("45~47,XY,+4,-7,+mar[cp10]")
    assert out["modal_number"] == [45, 47]
    assert out["clones"][0]["chromosome_count"] == [45, 47]
    assert out["ploidy_class"] == "diploid"  # midpoint, with a warning
    assert any("midpoint" in w for w in out["warnings"])


def test_stemline_is_the_first_abnormal_clone_and_idem_expands() -> None:
    out = f("46,XY[2]/45,XY,-7,t(9;22)(q34;q11.2)[12]/46,idem,+der(22)t(9;22)(q34;q11.2)[6]")
    assert [c["role"] for c in out["clones"]] == ["normal", "stemline", "sideline"]
    assert out["modal_number"] == 45
    assert out["abnormality_count"] == 2
    assert [a["text"] for a in out["abnormalities"]] == ["-7", "t(9;22)(q34;q11.2)"]
    assert out["clones"][2]["reference"] == "idem"
    assert out["warnings"] == []  # the sideline's 46 = 45 + der(22) gain


def test_sdl_references_and_counts() -> None:
    out = f("46,XX,t(8;14)(q24;q32)[20]/47,sl,+7[5]/48,sdl1,+8[3]/49,sdl2,+10[2]")
    assert [c["role"] for c in out["clones"]] == ["stemline", "sideline", "sideline", "sideline"]
    assert out["warnings"] == []
    bad = f("46,XX,t(8;14)(q24;q32)[20]/47,sl,+7[5]/49,sdl1,+8[3]")
    assert any("cell line 3" in w for w in bad["warnings"])


def test_normal_karyotype() -> None:
    out = f("46,XY[20]")
    assert out["normal"] is True
    assert out["clones"][0]["role"] == "normal"
    assert out["abnormality_count"] == 0
    assert out["modal_number"] == 46


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("47,XY,+21x2[10]", 2),
        ("48,XY,+21,+21[10]", 2),
        ("48,XY,+2mar[10]", 2),
        ("46,XY,t(9;22)(q34;q11.2),del(9)(p21)[10]", 2),
        ("47,XY,+21c,t(12;21)(p13;q22)[10]", 1),
        ("46,XY,t(1;19)(q23;p13.3),inc[3]", 1),
        ("46,XY,15~25dmin[10]", 1),
    ],
)
def test_abnormality_count(text: str, count: int) -> None:
    assert f(text)["abnormality_count"] == count


@pytest.mark.parametrize(
    ("text", "complex_"),
    [
        ("46,XY,del(6)(q21),-7,+8,del(9)(p21),t(1;19)(q23;p13.3)[10]", True),  # five: the threshold
        ("46,XY,del(6)(q21),-7,+8,del(9)(p21)[10]", False),  # 4: below the threshold
        ("47,XY,del(6)(q21),-7,+8,del(9)(p21),+mar,add(7)(q22)[10]", True),
        ("55,XY,+X,+4,+6,+10,+14,+17,+18,+21,+21[20]", False),  # high hyperdiploidy alone
        ("55,XY,+X,+4,+6,+10,+14,+17,+18,+21,+21,dup(1)(q21q32),i(17q)[20]", False),
        ("50,XY,+4,+6,+10,+14[20]", False),
        ("51,XY,+4,+6,+10,+14,+21[20]", False),
        ("50,XY,+4,+6,+10,+14,del(9)(p21)[20]", True),  # 47-50 is not high hyperdiploid: gains count
    ],
)
def test_complex_convention(text: str, complex_: bool) -> None:
    out = f(text)
    assert out["complex"] is complex_, out["abnormality_count"]
    assert "high-hyperdiploid" in out["complex_convention"]
    assert str(COMPLEX_THRESHOLD) in out["complex_convention"]


def test_complex_threshold_boundary_four_and_five() -> None:
    four = f("46,XX,del(6)(q21),del(9)(p21),del(12)(p13),add(7)(q22)[10]")
    five = f("46,XX,del(6)(q21),del(9)(p21),del(12)(p13),add(7)(q22),inv(3)(q21q26)[10]")
    assert (four["abnormality_count"], four["complex"]) == (4, False)
    assert (five["abnormality_count"], five["complex"]) == (5, True)


POSITIVE = [
    ("46,XY,t(9;22)(q34;q11.2)[20]", "t_9_22", "t(9;22)(q34;q11.2)"),
    ("46,XY,der(22)t(9;22)(q34;q11.2)[20]", "t_9_22", "der(22)t(9;22)(q34;q11.2)"),
    ("45,XY,der(9)t(9;22)(q34;q11.2),-22[20]", "t_9_22", "der(9)t(9;22)(q34;q11.2)"),
    ("46,XY,t(9;22;11)(q34;q11.2;q23)[20]", "t_9_22", "t(9;22;11)(q34;q11.2;q23)"),
    ("46,XY,t(9;22;11)(q34;q11.2;q23)[20]", "kmt2a_11q23", "t(9;22;11)(q34;q11.2;q23)"),
    (
        "47,XY,+8,t(9;22)(q34;q11.2)[10]/48,idem,+der(22)t(9;22)(q34;q11.2)[5]",
        "t_9_22",
        "+der(22)t(9;22)(q34;q11.2)",
    ),
    ("46,XX,t(4;11)(q21;q23)[20]", "t_4_11", "t(4;11)(q21;q23)"),
    ("46,XX,t(4;11)(q21;q23)[20]", "kmt2a_11q23", "t(4;11)(q21;q23)"),
    ("46,XX,t(11;19)(q23;p13.3)[20]", "kmt2a_11q23", "t(11;19)(q23;p13.3)"),
    ("46,XX,ins(10;11)(p12;q23q13)[20]", "kmt2a_11q23", "ins(10;11)(p12;q23q13)"),
    ("46,XY,t(12;21)(p13;q22)[20]", "t_12_21", "t(12;21)(p13;q22)"),
    ("46,XY,t(1;19)(q23;p13.3)[20]", "t_1_19", "t(1;19)(q23;p13.3)"),
    ("46,XY,der(19)t(1;19)(q23;p13.3)[20]", "t_1_19", "der(19)t(1;19)(q23;p13.3)"),
    ("46,XY,t(5;14)(q31;q32)[20]", "t_5_14", "t(5;14)(q31;q32)"),
    ("46,XY,t(8;14)(q24;q32)[20]", "t_8_14", "t(8;14)(q24;q32)"),
    ("46,XY,t(8;14)(q24;q32)[20]", "igh_14q32", "t(8;14)(q24;q32)"),
    ("46,XY,inv(14)(q11.2q32)[20]", "igh_14q32", "inv(14)(q11.2q32)"),
    ("46,XY,t(14;19)(q32;q13)[20]", "igh_14q32", "t(14;19)(q32;q13)"),
    ("46,XY,t(9;22)[20]", "t_9_22", "t(9;22)"),
    ("46,XX,t(12;21)(p13;q22)[20].nuc ish(RUNX1 amp)[100]", "iamp21", "RUNX1 amp"),
    ("47,XX,+21[20].ish der(21)(iAMP21)", "iamp21", "iAMP21"),
]


@pytest.mark.parametrize(("text", "key", "evidence"), POSITIVE)
def test_recurrent_flag_with_evidence_span(text: str, key: str, evidence: str) -> None:
    out = f(text)
    assert out["recurrent"][key] is True
    ev = out["recurrent_evidence"][key]
    assert evidence in [e["text"] for e in ev]
    for e in ev:
        a, b = e["span"]
        assert text[a:b] == e["text"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("46,XY,del(11)(q23)[20]", "kmt2a_11q23"),  # clinical_rules A1: deletion alone does not qualify
        ("46,XY,add(11)(q23)[20]", "kmt2a_11q23"),
        ("46,XY,t(9;11)(p22;q21)[20]", "kmt2a_11q23"),
        ("46,XY,t(9;22)(p13;q11.2)[20]", "t_9_22"),  # wrong 9 band
        ("46,XY,t(4;11)(q21;q13)[20]", "t_4_11"),
        ("46,XY,t(9;11)(p22;q23)[20]", "t_4_11"),
        ("46,XY,del(14)(q32)[20]", "igh_14q32"),
        ("46,XY,t(8;14)(q24;q11.2)[20]", "igh_14q32"),
        ("47,XX,+21[20]", "iamp21"),
        ("46,XX,del(9)(p21p13)[12]/46,XX[8]", "t_9_22"),
        ("46,XY,t(1;19)(p13;q13)[20]", "t_1_19"),
        ("46,XY,t(12;21)(q13;q22)[20]", "t_12_21"),
    ],
)
def test_recurrent_flag_negative(text: str, key: str) -> None:
    out = f(text)
    assert out["recurrent"][key] is False
    assert key not in out["recurrent_evidence"]


def test_every_true_flag_has_evidence() -> None:
    for text, _, _ in POSITIVE:
        out = f(text)
        assert {k for k, v in out["recurrent"].items() if v} == set(out["recurrent_evidence"])


@pytest.mark.parametrize(
    "text",
    [
        "26,X,+14,+18,+21[18]/46,XY[2]",  # near-haploid, relative to the haploid set
        "36,XX,-2,-3,-4,-7,-12,-13,-15,-16,-17,-20[15]",
        "45,X,-Y[10]",
        "47,XY,+X[10]",
        "45,XY,dic(9;20)(p13;q11.2)[20]",
        "46,XX,+1,der(1;7)(q10;p10)[20]",
        "69<3n>,XXY[5]",
        "92,XXYY[3]",
        "48,XY,+2~4mar[cp10]",
        "47,XY,+der(22)t(9;22)(q34;q11.2)[10]",
    ],
)
def test_count_check_agrees(text: str) -> None:
    assert f(text)["warnings"] == []


@pytest.mark.parametrize("text", ["47,XY,-7[20]", "46,XY,+8[20]", "45,XX,+21,+21[20]", "70<3n>,XXY[5]"])
def test_count_check_disagreement_is_a_warning_not_an_error(text: str) -> None:
    out = f(text)
    assert out["valid"] is True
    assert any("does not match" in w for w in out["warnings"])


def test_normalisation_is_reported() -> None:
    text = "ISCN: 46,XY, t(9;22)(q34;q11.2)[18]/ 46,XY[2]"
    out = f(text)
    assert out["input"] == text
    assert any("label" in n for n in out["normalised"])
    assert sum("space" in n for n in out["normalised"]) == 2
    assert out["recurrent_evidence"]["t_9_22"][0]["text"] == "t(9;22)(q34;q11.2)"
    a, b = out["recurrent_evidence"]["t_9_22"][0]["span"]
    assert text[a:b] == "t(9;22)(q34;q11.2)"


@pytest.mark.parametrize("dash", ["\u2013", "\u2212", "\u2010", "\u2014"])
def test_non_ascii_hyphens(dash: str) -> None:
    out = f(f"46,XY,{dash}7,+8[20]")
    assert out["abnormality_count"] == 2
    assert any("replaced" in n for n in out["normalised"])


def test_clean_input_reports_no_normalisation() -> None:
    assert f("46,XY,-7,+8[20]")["normalised"] == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("46,XX,t(9;22)(q34;q11.2)[20].nuc ish(ABL1,BCR)x3(ABL1 con BCRx2)[200]", "nuc ish"),
        ("46,XX,t(9;22)(q34;q11.2)[20]. nuc ish(ABL1,BCR)x3[200]", "nuc ish"),
        ("46,XY,del(9)(p21)[20].ish del(9)(p21)(CDKN2A-)", "ish"),
        ("46,XY[20].arr[GRCh38] 9p21.3(21800000_22200000)x0", "arr"),
        ("46,XY[20] nuc ish(KMT2Ax2)[200]", "nuc ish"),
    ],
)
def test_trailing_fish_or_array_is_set_aside(text: str, kind: str) -> None:
    out = f(text)
    aside = out["set_aside"]
    assert aside["kind"] == kind
    a, b = aside["span"]
    assert text[a:b].lstrip(". ").startswith(kind.split()[0])
    assert out["clone_count"] == 1


def test_set_aside_is_null_without_fish() -> None:
    assert f("46,XY[20]")["set_aside"] is None


def test_mosaic_chimera_and_constitutional() -> None:
    assert f("mos 45,X[5]/46,XX[15]")["clone_count"] == 2
    assert f("46,XY[3]//46,XX[17]")["clone_count"] == 2
    out = f("48,XXYc,+X,+21c[10]")
    assert out["sex_chromosomes"] == "XXY"
    assert out["abnormality_count"] == 1  # +X acquired; +21c constitutional


def test_karyotype_object_api() -> None:
    k = parse_karyotype("45,XY,-7[20]")
    assert k.input == "45,XY,-7[20]"
    assert len(k.cell_lines) == 1
    assert k.set_aside is None
    assert k.features() == k.features()  # recomputed, not cached state that drifts


def test_cytogenetics_rules_are_records_in_the_knowledge_base() -> None:
    from allnav.knowledge import load_knowledge_base

    kb = load_knowledge_base()
    for rule_id in (
        "cyto.ploidy.class_bands",
        "cyto.complex.threshold",
        "cyto.recurrent.kmt2a_11q23",
        "cyto.recurrent.iamp21_written",
    ):
        rule = kb.rule(rule_id)
        assert rule.sources
        assert rule_id in f("46,XY[20]")["complex_convention"] or not rule_id.startswith("cyto.complex")


def test_constitutional_translocation_is_not_a_recurrent_flag() -> None:
    # t(11;22)(q23;q11.2)c is the commonest constitutional reciprocal translocation, not a KMT2A rearrangement
    out = f("46,XX,t(11;22)(q23;q11.2)c[20]")
    assert out["recurrent"]["kmt2a_11q23"] is False
    assert out["abnormality_count"] == 0
    acquired = f("46,XX,der(9)t(9;11)(p22;q23)t(11;12)(p13;q22)c[20]")
    assert acquired["recurrent"]["kmt2a_11q23"] is True


def test_sdl_right_after_the_stemline_refers_to_it() -> None:
    out = f("46,XY,t(9;22)(q34;q11.2)[12]/47,sdl,+8[3]")
    assert out["warnings"] == []
    assert [c["role"] for c in out["clones"]] == ["stemline", "sideline"]


def test_count_warning_names_the_nearest_ploidy_level() -> None:
    out = f("58,XY,+X,+4,+6,+10,+14,+17,+18,+21,+21,+22,+mar[20]")
    assert any("57 chromosomes" in w and "46-chromosome level" in w for w in out["warnings"]), out["warnings"]


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("\ufeff46,XY,t(9;22)(q34;q11.2)[20]", "invisible"),
        ("ISCN 2020: 46,XY,t(9;22)(q34;q11.2)[20]", "label"),
        ("46,XY,t(9;22)(q34;q11.2)[20]\u00a0", "whitespace"),
        ("46,XY,t(9;22)(q34\uff1bq11.2)[20]", "replaced"),
    ],
)
def test_more_input_tolerance_keeps_spans_in_the_original(text: str, note: str) -> None:
    out = f(text)
    assert any(note in n for n in out["normalised"]), out["normalised"]
    ev = out["recurrent_evidence"]["t_9_22"][0]
    a, b = ev["span"]
    assert text[a:b].replace("\uff1b", ";") == "t(9;22)(q34;q11.2)"


def test_upper_case_fish_label_is_set_aside() -> None:
    out = f("46,XY,t(9;22)(q34;q11.2)[20].NUC ISH(ABL1,BCR)x3[200]")
    assert out["set_aside"]["kind"] == "nuc ish"
