"""ALLSorts / TALLSorts output files read as genetics findings."""

from __future__ import annotations

import pytest

from allnav.case import load_case
from allnav.errors import InteropError
from allnav.interop.rnaseq_classifiers import ALLSORTS, TALLSORTS, read_subtype_calls

ALLSORTS_PROBS = (
    ",High hyperdiploid,Ph-like,Ph,DUX4,KMT2A Group,B-ALL,Pred\n"
    "S1,0.02,0.871,0.31,0.01,0.0,0.99,Ph-like\n"
    "S2,0.9,0.01,0.0,0.0,0.0,0.98,High hyperdiploid\n"
    "S3,0.2,0.3,0.1,0.1,0.1,0.97,Unclassified\n"
    'S4,0.0,0.6,0.7,0.0,0.0,0.99,"Ph,Ph-like"\n'
)
TALLSORTS_PROBS = "Sample,BCL11B,HOXA_KMT2A,HOXA_MLLT10,NKX2,TAL,TLX1,TLX3,Diverse\nT1,0.01,0.02,0.0,0.0,0.93,0.0,0.01,0.1\n"
TALLSORTS_PREDS = "Sample,Predictions\nT1,TAL\n"


def test_allsorts_calls_with_probabilities() -> None:
    calls = read_subtype_calls(ALLSORTS_PROBS)
    assert calls["S1"] == [
        {"finding": "Ph-like", "result": "detected", "method": ALLSORTS, "probability": 0.871}
    ]
    assert calls["S2"][0]["finding"] == "high hyperdiploid"
    assert calls["S3"] == [{"finding": "RNA-seq subtype", "result": "indeterminate", "method": ALLSORTS}]
    assert [f["finding"] for f in calls["S4"]] == ["BCR::ABL1", "Ph-like"]


def test_tallsorts_needs_and_uses_predictions() -> None:
    with pytest.raises(InteropError, match=r"predictions\.csv"):
        read_subtype_calls(TALLSORTS_PROBS)
    calls = read_subtype_calls(TALLSORTS_PROBS, TALLSORTS_PREDS)
    assert calls["T1"] == [
        {"finding": "TAL1-r", "result": "detected", "method": TALLSORTS, "probability": 0.93}
    ]


def test_findings_load_into_a_case_as_subtype_calls() -> None:
    findings = read_subtype_calls(ALLSORTS_PROBS)["S1"]
    case = load_case({"patient": {"id": "x"}, "genetics": findings})
    assert case.genetics[0].kind == "subtype"
    assert case.genetics[0].probability == pytest.approx(0.871)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (",Foo,Bar\nS1,0.1,0.2\n", "neither ALLSorts nor TALLSorts"),
        (",Ph-like,Pred\nS1,abc,Ph-like\n", "not a number"),
        (",Ph-like,Pred\nS1,1.5,Ph-like\n", "outside 0-1"),
        (",Ph-like,Pred\nS1,0.5,Martian\n", "unknown allsorts label"),
        ("", "header"),
    ],
)
def test_bad_files_are_refused_with_the_reason(text: str, match: str) -> None:
    with pytest.raises(InteropError, match=match):
        read_subtype_calls(text)
