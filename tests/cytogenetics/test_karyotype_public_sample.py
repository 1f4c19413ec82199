"""The shared public sample (copied from shared/eval/public/karyotypes.jsonl) must all pass."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from allnav.cytogenetics import features_of

SAMPLE = Path(__file__).parent / "data" / "public_sample.jsonl"
CASES = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("case", CASES, ids=[c["karyotype"] for c in CASES])
def test_public_sample(case: dict[str, Any]) -> None:
    f = features_of(case["karyotype"])
    for key, want in case["expect"].items():
        got = f[key] if key in f else f["recurrent"][key]
        assert got == want, (key, got, want)


def test_sample_has_valid_and_invalid_rows() -> None:
    assert {c["expect"]["valid"] for c in CASES} == {True, False}
