"""Genetics findings: kind, genes and alteration from the finding text; transcripts."""

from __future__ import annotations

import pytest

from allnav.case import load_case
from allnav.case.genetics_text import normalise_transcript, read_finding
from allnav.errors import CaseValidationError


@pytest.mark.parametrize(
    ("text", "finding", "kind", "genes", "alteration"),
    [
        ("BCR::ABL1", "BCR::ABL1", "fusion", ("BCR", "ABL1"), "fusion"),
        ("BCR-ABL1", "BCR::ABL1", "fusion", ("BCR", "ABL1"), "fusion"),
        ("BCR/ABL", "BCR::ABL1", "fusion", ("BCR", "ABL1"), "fusion"),
        ("ETV6-RUNX1", "ETV6::RUNX1", "fusion", ("ETV6", "RUNX1"), "fusion"),
        ("KMT2A::AFF1", "KMT2A::AFF1", "fusion", ("KMT2A", "AFF1"), "fusion"),
        ("P2RY8::CRLF2 fusion", "P2RY8::CRLF2", "fusion", ("P2RY8", "CRLF2"), "fusion"),
        ("IGH-NKX2-1", "IGH::NKX2-1", "fusion", ("IGH", "NKX2-1"), "fusion"),
        ("IKZF1 deletion", "IKZF1 deletion", "gene_alteration", ("IKZF1",), "deletion"),
        ("IKZF1 del", "IKZF1 del", "gene_alteration", ("IKZF1",), "deletion"),
        ("TP53 p.R248Q", "TP53 p.R248Q", "gene_alteration", ("TP53",), "p.R248Q"),
        ("TP53 R248Q", "TP53 R248Q", "gene_alteration", ("TP53",), "p.R248Q"),
        ("CDKN2A deletion", "CDKN2A deletion", "gene_alteration", ("CDKN2A",), "deletion"),
        ("PAX5 deletion", "PAX5 deletion", "gene_alteration", ("PAX5",), "deletion"),
        ("ERG deletion", "ERG deletion", "gene_alteration", ("ERG",), "deletion"),
        ("CRLF2 rearrangement", "CRLF2 rearrangement", "gene_alteration", ("CRLF2",), "rearrangement"),
        ("KMT2A rearrangement", "KMT2A rearrangement", "gene_alteration", ("KMT2A",), "rearrangement"),
        ("KMT2A-r", "KMT2A-r", "gene_alteration", ("KMT2A",), "rearrangement"),
        ("MLL rearrangement", "KMT2A rearrangement", "gene_alteration", ("KMT2A",), "rearrangement"),
        ("NOTCH1 mutation", "NOTCH1 mutation", "gene_alteration", ("NOTCH1",), "mutation"),
        (
            "IKZF1 exon 4-7 deletion",
            "IKZF1 exon 4-7 deletion",
            "gene_alteration",
            ("IKZF1",),
            "exon 4-7 deletion",
        ),
        ("t(4;11)(q21;q23)", "t(4;11)(q21;q23)", "iscn", (), "t(4;11)(q21;q23)"),
        ("t(9;22)", "t(9;22)", "iscn", (), "t(9;22)"),
        ("del(9p)", "del(9p)", "iscn", (), "del(9p)"),
        ("+21", "+21", "iscn", (), "+21"),
        ("iAMP21", "iAMP21", "iscn", (), "iAMP21"),
        ("RUNX1 copies", "RUNX1 copies", "copy_number", ("RUNX1",), "copies"),
        ("Ph-like", "Ph-like", "subtype", (), "Ph-like"),
        ("BCR::ABL1-like", "Ph-like", "subtype", (), "Ph-like"),
        ("Trisomy 21", "Trisomy 21", "other", (), None),
    ],
)
def test_findings(text: str, finding: str, kind: str, genes: tuple[str, ...], alteration: str | None) -> None:
    parsed = read_finding(text)
    assert (parsed.finding, parsed.kind, parsed.genes, parsed.alteration) == (
        finding,
        kind,
        genes,
        alteration,
    )


def test_classifier_calls_are_subtypes() -> None:
    assert read_finding("DUX4", probability=0.93).kind == "subtype"
    assert read_finding("DUX4", probability=0.93).genes == ("DUX4",)
    assert read_finding("ZNF384", method="ALLSorts").kind == "subtype"
    assert read_finding("DUX4").kind == "other"


def test_normalisation_is_noted() -> None:
    notes = " ".join(read_finding("BCR-ABL1").notes)
    assert "'::'" in notes
    assert read_finding("BCR::ABL1").notes == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("p190", "p190"), ("P190", "p190"), ("p 210", "p210"), ("e1a2", "p190"), ("e14a2", "p210"),
     ("b3a2", "p210"), ("e19a2", "p230"), ("P230", "p230"), ("atypical e6a2", "atypical e6a2")],
)  # fmt: skip
def test_transcripts(text: str, expected: str) -> None:
    assert normalise_transcript(text) == expected


def test_genetics_in_a_case() -> None:
    case = load_case(
        {
            "patient": {"id": "p"},
            "genetics": [
                {"finding": "BCR-ABL1", "result": "positive", "method": "RT-PCR", "transcript": "e1a2"},
                {"finding": "RUNX1 copies", "method": "FISH", "copies": 5},
                {"finding": "Ph-like", "method": "ALLSorts", "probability": 0.81},
            ],
        }
    )
    bcr = case.genetics[0]
    assert (bcr.finding, bcr.written_as, bcr.result, bcr.transcript) == (
        "BCR::ABL1",
        "BCR-ABL1",
        "detected",
        "p190",
    )
    assert len(bcr.notes) == 3
    assert case.genetics[1].copies == 5
    assert case.genetics[2].kind == "subtype"


def test_given_derived_fields_must_agree() -> None:
    with pytest.raises(CaseValidationError) as info:
        load_case({"patient": {"id": "p"}, "genetics": [{"finding": "IKZF1 deletion", "kind": "fusion"}]})
    assert info.value.problems[0].path == "genetics[0].kind"


def test_missing_finding_is_refused() -> None:
    with pytest.raises(CaseValidationError) as info:
        load_case({"patient": {"id": "p"}, "genetics": [{"result": "detected"}]})
    assert info.value.problems[0].path == "genetics[0].finding"


@pytest.mark.parametrize(
    ("text", "gene", "alteration"),
    [("FLT3-ITD", "FLT3", "ITD"), ("FLT3-TKD", "FLT3", "TKD"), ("KMT2A-PTD", "KMT2A", "PTD")],
)
def test_mutation_suffixes_are_not_fusion_partners(text: str, gene: str, alteration: str) -> None:
    parsed = read_finding(text)
    assert parsed.kind == "gene_alteration"
    assert parsed.genes == (gene,)
    assert parsed.alteration == alteration


@pytest.mark.parametrize(
    ("result", "expected", "noted"),
    [
        ("detected", "detected", False),
        ("not_detected", "not_detected", False),
        ("Negative", "not_detected", True),
    ],
)
def test_result_spellings(result: str, expected: str, noted: bool) -> None:
    case = load_case({"patient": {"id": "p"}, "genetics": [{"finding": "BCR::ABL1", "result": result}]})
    finding = case.genetics[0]
    assert finding.result == expected
    assert any("result" in note for note in finding.notes) is noted


def test_given_derived_fields_that_agree_are_kept() -> None:
    entry = {"finding": "BCR-ABL1", "kind": "fusion", "genes": ["BCR", "ABL1"], "alteration": "fusion"}
    finding = load_case({"patient": {"id": "p"}, "genetics": [entry]}).genetics[0]
    assert (finding.kind, finding.genes, finding.alteration) == ("fusion", ("BCR", "ABL1"), "fusion")
    with pytest.raises(CaseValidationError) as info:
        load_case({"patient": {"id": "p"}, "genetics": [{**entry, "genes": ["BCR"]}]})
    assert [p.path for p in info.value.problems] == ["genetics[0].genes"]
