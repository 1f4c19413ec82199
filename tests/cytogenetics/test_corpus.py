"""Evidence corpora for the ISCN parser: real karyotypes with hand-checked features, and malformed strings.

Data (read relative to this file, CI has no shared folder):
  data/corpus.jsonl  {"karyotype", "source", "expect": {...}, "note"?}  every row must parse and match
  data/reject.jsonl  {"karyotype", "why", "source", "position"?}        every row must be refused
Conventions used for "expect" (stemline, counting, complex) are written at the top of data/SOURCES.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"
RECURRENT = frozenset(
    {
        "t_9_22",
        "kmt2a_11q23",
        "t_4_11",
        "t_12_21",
        "t_1_19",
        "t_5_14",
        "t_8_14",
        "igh_14q32",
        "iamp21",
        "high_hyperdiploid",
        "hypodiploid_lt44",
        "near_haploid",
        "low_hypodiploid",
    }
)
TOP_LEVEL = frozenset(
    {
        "valid",
        "modal_number",
        "ploidy_class",
        "sex_chromosomes",
        "clone_count",
        "normal",
        "abnormality_count",
        "complex",
    }
)


def _load(name: str) -> list[dict[str, Any]]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


CORPUS = _load("corpus.jsonl")
REJECT = _load("reject.jsonl")


def _id(row: dict[str, Any]) -> str:
    k = str(row["karyotype"])
    return k if len(k) <= 60 else k[:57] + "..."


def _features(text: str) -> dict[str, Any]:
    from allnav.cytogenetics import features_of  # imported here so the data checks run without the parser

    result: dict[str, Any] = features_of(text)
    return result


def _normalise(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


@pytest.mark.parametrize("row", CORPUS, ids=[_id(r) for r in CORPUS])
def test_corpus_row_parses_with_expected_features(row: dict[str, Any]) -> None:
    features = _features(row["karyotype"])
    assert features["valid"] is True, features.get("error")
    mismatches = {}
    for key, want in row["expect"].items():
        got = features["recurrent"][key] if key in RECURRENT else features[key]
        if _normalise(got) != want:
            mismatches[key] = {"expected": want, "got": _normalise(got)}
    assert not mismatches, mismatches


@pytest.mark.parametrize("row", REJECT, ids=[_id(r) for r in REJECT])
def test_reject_row_is_refused_with_code_and_position(row: dict[str, Any]) -> None:
    text = row["karyotype"]
    features = _features(text)
    assert features["valid"] is False, f"accepted: {text!r} ({row['why']})"
    error = features["error"]
    assert isinstance(error["code"], str)
    assert error["code"]
    assert isinstance(error["position"], int)
    assert 0 <= error["position"] <= len(text)
    if "position" in row:
        assert error["position"] == row["position"], (error, row["why"])


def test_corpus_is_large_sourced_and_unique() -> None:
    assert len(CORPUS) >= 150
    keys = [r["karyotype"] for r in CORPUS]
    assert len(keys) == len(set(keys)), "duplicate karyotype in corpus.jsonl"
    for row in CORPUS:
        assert isinstance(row["source"], str)
        assert row["source"].strip(), row
        assert row["expect"]["valid"] is True, row
        unknown = set(row["expect"]) - TOP_LEVEL - RECURRENT
        assert not unknown, (row["karyotype"], unknown)


def test_reject_is_large_sourced_unique_and_disjoint_from_corpus() -> None:
    assert len(REJECT) >= 40
    keys = [r["karyotype"] for r in REJECT]
    assert len(keys) == len(set(keys)), "duplicate karyotype in reject.jsonl"
    assert not set(keys) & {r["karyotype"] for r in CORPUS}
    for row in REJECT:
        assert row["why"].strip()
        assert row["source"].strip()
        if "position" in row:
            assert 0 <= row["position"] <= len(row["karyotype"]), row


def test_every_source_is_recorded_in_sources_md() -> None:
    recorded = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    missing = sorted({r["source"] for r in CORPUS + REJECT if r["source"] not in recorded})
    assert not missing, missing
