"""Fuzzing: random and mutated strings never crash or hang the parser, and only ever raise its own error."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allnav.cytogenetics import features_of, parse_karyotype
from allnav.cytogenetics.grammar import lark_parse
from allnav.cytogenetics.normalise import normalise
from allnav.cytogenetics.scanner import scan
from allnav.errors import KaryotypeSyntaxError

DATA = Path(__file__).parent / "data"
ALPHABET = "0123456789XYpqtercdelupinvasmohfrkgx?~-+,;:()[]<>/. \u2013\u00d7\u223c"
PER_STRING_SECONDS = 1.0


def _seeds() -> list[str]:
    seeds = []
    for name in ("public_sample.jsonl", "corpus.jsonl"):
        path = DATA / name
        if path.exists():
            seeds += [
                json.loads(line)["karyotype"]
                for line in path.read_text(encoding="utf-8").splitlines()
                if line
            ]
    return seeds


SEEDS = _seeds()


def check(text: str) -> None:
    """The invariants every input must satisfy."""
    start = time.perf_counter()
    error: KaryotypeSyntaxError | None = None
    try:
        parse_karyotype(text).features()
    except KaryotypeSyntaxError as exc:
        error = exc
    if error is not None:
        assert error.code in {"K001", "K002", "K003", "K004", "K005", "K006"}
        assert 0 <= error.position <= len(text) or error.code == "K004"
        assert error.excerpt
    f = features_of(text)
    assert f["valid"] in (True, False)
    if len(text) <= 10_000:
        norm = normalise(text)
        fast = scan(norm)
        if fast is not None:
            assert fast == lark_parse(norm)
    assert time.perf_counter() - start < PER_STRING_SECONDS


def mutate(rng: random.Random, text: str) -> str:
    """Insert, delete, replace, duplicate or swap a few characters."""
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        op = rng.randint(0, 4)
        i = rng.randrange(len(chars) + 1)
        if op == 0:
            chars.insert(i, rng.choice(ALPHABET))
        elif chars and op == 1:
            del chars[min(i, len(chars) - 1)]
        elif chars and op == 2:
            chars[min(i, len(chars) - 1)] = rng.choice(ALPHABET)
        elif chars and op == 3:
            j = min(i, len(chars) - 1)
            chars[j:j] = chars[j : j + rng.randint(1, 8)]
        elif len(chars) > 1:
            j = min(i, len(chars) - 2)
            chars[j], chars[j + 1] = chars[j + 1], chars[j]
    return "".join(chars)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_random_strings(text: str) -> None:
    check(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_unicode(text: str) -> None:
    check(text)


@pytest.mark.skipif(not SEEDS, reason="no seed karyotypes")
def test_mutated_real_karyotypes() -> None:
    rng = random.Random(20261127)
    for _ in range(600):
        check(mutate(rng, rng.choice(SEEDS)))


@pytest.mark.parametrize(
    "text",
    [
        "(" * 5000,
        "46,XY," + "der(1)" * 2000,
        "46,XY," + ",".join(["+8"] * 3000),
        "46,XY,t(" + ";".join(["1"] * 3000) + ")",
        "4" * 9999,
        "46,XY" + "[" * 4000,
        "\x00\x01\ufeff46,XY[20]",
        "46,XY[20]." + "nuc ish" * 1000,
        "x" * 10_001,
    ],
)
def test_pathological_inputs_are_bounded(text: str) -> None:
    check(text)
