"""Karyotype engine benchmark: allnav (full parse + features, no cache) vs the iscn-authenticator parser.

Run through ``make bench`` (``benchmarks/run.py``) or directly::

    .venv/bin/python benchmarks/karyotype_bench.py [--runs 3] [--rounds 5] [--fuzz 20000]

Each run times allnav then the peer on the same strings; the summary gives the median of the runs
(the machine is shared: single runs vary by 10-20%) and splits allnav's time per karyotype into
normalisation, scanning (or the Lark grammar for the rare strings the scanner leaves to it) and features.
When an optional compiled build of the engine is importable (see ``implementation()``) the summary says so.

The peer (PyPI ``iscn-authenticator==0.2.1``, regex-based) is installed in its own virtual environment,
``.venv-bench/``, created on first use, so it never enters allnav's lock. Its entry point, found by
reading its installed source, is ``iscn_authenticator.KaryotypeParser().parse(text)`` (raises
``ParseError`` on strings it does not understand; those still count as parsed calls).

Inputs: every distinct karyotype of ``tests/cytogenetics/data/corpus.jsonl`` (real, cited) and the public
sample; when fewer than ``--min-strings`` exist, distinct variants are added by changing the cell counts
(``[20]`` -> ``[21]``), which keeps the parse work of a real karyotype while defeating any cache.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
import venv
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "cytogenetics" / "data"
BENCH_VENV = ROOT / ".venv-bench"
PEER = "iscn-authenticator==0.2.1"

PEER_SCRIPT = r"""
import json, sys, time
from iscn_authenticator import KaryotypeParser, ParseError
strings = json.load(sys.stdin)
rounds = int(sys.argv[1])
parser = KaryotypeParser()
accepted = []
for s in strings:
    try:
        parser.parse(s)
        accepted.append(s)
    except Exception:
        pass

def best_of(items):
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        for s in items:
            try:
                parser.parse(s)
            except Exception:
                pass
        best = min(best, time.perf_counter() - t)
    return best

print(json.dumps({"seconds": best_of(strings), "accepted": accepted, "accepted_seconds": best_of(accepted)}))
"""


def _bump_cells(m: re.Match[str], bump: int) -> str:
    return f"[{m.group(1) or ''}{int(m.group(2)) + bump}]"


def load_strings(min_strings: int) -> tuple[list[str], int]:
    """Distinct karyotypes (real ones first) and how many of them are real."""
    seen: dict[str, None] = {}
    for name in ("corpus.jsonl", "public_sample.jsonl"):
        path = DATA / name
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    if row.get("expect", {}).get("valid", True):
                        seen[row["karyotype"]] = None
    real = list(seen)
    out = list(real)
    rng = random.Random(7)
    bump = 1
    while len(out) < min_strings and real:
        base = rng.choice(real)
        variant = re.sub(r"\[(cp)?(\d+)\]", functools.partial(_bump_cells, bump=bump), base)
        bump += 1
        if variant not in seen:
            seen[variant] = None
            out.append(variant)
    return out, len(real)


def time_allnav(strings: list[str], rounds: int) -> dict[str, float]:
    """Best-of-``rounds`` seconds over all strings: full features_of, bare parse, and normalisation alone."""
    sys.path.append(str(ROOT / "src"))  # after PYTHONPATH: a compiled copy given there wins
    from allnav.cytogenetics import features_of, parse_karyotype
    from allnav.cytogenetics.normalise import normalise
    from allnav.errors import KaryotypeSyntaxError

    valid = sum(features_of(s)["valid"] for s in strings)  # also warms the compiled grammar
    best_full = best_parse = best_norm = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        for s in strings:
            features_of(s)
        best_full = min(best_full, time.perf_counter() - t)
        t = time.perf_counter()
        for s in strings:
            with contextlib.suppress(KaryotypeSyntaxError):
                parse_karyotype(s)
        best_parse = min(best_parse, time.perf_counter() - t)
        t = time.perf_counter()
        for s in strings:
            normalise(s)
        best_norm = min(best_norm, time.perf_counter() - t)
    return {"full": best_full, "parse": best_parse, "normalise": best_norm, "valid": valid}


def implementation() -> str:
    """``pure Python`` or ``compiled (mypyc)``: which build of the scanner and features is imported."""
    import allnav.cytogenetics.features as features_module
    import allnav.cytogenetics.scanner as scanner_module

    compiled = [
        m.__name__.rsplit(".", 1)[1]
        for m in (scanner_module, features_module)
        if m.__file__ and not m.__file__.endswith(".py")
    ]
    return f"compiled ({', '.join(compiled)})" if compiled else "pure Python"


def ensure_peer() -> Path | None:
    """The bench virtualenv's python with the peer installed, or None when it cannot be installed."""
    py = BENCH_VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    check = [str(py), "-c", "import iscn_authenticator"]
    if py.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return py
    print(f"creating {BENCH_VENV.name}/ and installing {PEER} ...", file=sys.stderr)
    venv.EnvBuilder(with_pip=True, clear=True).create(BENCH_VENV)
    pip = subprocess.run([str(py), "-m", "pip", "install", "--quiet", PEER], capture_output=True, text=True)
    if pip.returncode != 0:
        print(f"could not install {PEER}: {pip.stderr.strip()[-500:]}", file=sys.stderr)
        return None
    return py


def time_peer(py: Path, strings: list[str], rounds: int) -> dict[str, Any]:
    """Run the peer's parser in its own environment on the same strings."""
    proc = subprocess.run(
        [str(py), "-c", PEER_SCRIPT, str(rounds)], input=json.dumps(strings), capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr)
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def fuzz(n: int) -> int:
    """A long fuzz run (mutated corpus strings); returns the number of failures (crash, wrong error, >1 s)."""
    sys.path.insert(0, str(ROOT / "tests" / "cytogenetics"))
    from test_karyotype_fuzz import SEEDS, check, mutate

    rng = random.Random(time.time_ns())
    failures = 0
    for i in range(n):
        text = mutate(rng, rng.choice(SEEDS))
        try:
            check(text)
        except Exception as exc:  # report every kind of failure, keep going
            failures += 1
            print(f"fuzz failure {i}: {text!r}: {type(exc).__name__}: {exc}", file=sys.stderr)
    return failures


def _median(values: list[float]) -> float:
    return statistics.median(values)


def main(argv: list[str] | None = None) -> int:
    """Print both rates, their ratio and where allnav's time goes; exit 0 (the target is reported, not gated)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--rounds", type=int, default=5, help="timing rounds per run (best of)")
    ap.add_argument("--runs", type=int, default=3, help="independent runs; the summary gives their median")
    ap.add_argument("--min-strings", type=int, default=500)
    ap.add_argument("--fuzz", type=int, default=0, help="also run N mutated-string fuzz checks")
    ap.add_argument("--no-peer", action="store_true")
    args = ap.parse_args(argv)

    strings, real = load_strings(args.min_strings)
    n = len(strings)
    print(f"karyotypes: {n} distinct ({real} real from the corpus/sample, {n - real} variants), no cache")
    py = None if args.no_peer else ensure_peer()
    full, parse, norm, peer_rates, ratios, sub_ratios = [], [], [], [], [], []
    accepted: list[str] = []
    for run in range(1, max(args.runs, 1) + 1):
        ours = time_allnav(strings, args.rounds)
        full.append(n / ours["full"])
        parse.append(n / ours["parse"])
        norm.append(n / ours["normalise"])
        line = f"run {run}: allnav full {full[-1]:8.0f}/s, parse {parse[-1]:8.0f}/s"
        if py is not None:
            peer = time_peer(py, strings, args.rounds)  # measured in the same run, right after allnav
            peer_rates.append(n / peer["seconds"])
            ratios.append(full[-1] / peer_rates[-1])
            accepted = list(peer["accepted"])
            sub = time_allnav(accepted, args.rounds)
            sub_ratios.append((len(accepted) / sub["full"]) / (len(accepted) / peer["accepted_seconds"]))
            line += f"; peer {peer_rates[-1]:8.0f}/s; ratio {ratios[-1]:.2f}x"
        print(line)
    f_us, p_us, n_us = 1e6 / _median(full), 1e6 / _median(parse), 1e6 / _median(norm)
    print(f"median of {len(full)} run(s), allnav {implementation()}:")
    print(f"allnav  parse + features : {_median(full):10.0f} karyotypes/s  ({ours['valid']:.0f} valid)")
    print(f"allnav  parse only       : {_median(parse):10.0f} karyotypes/s")
    print(
        f"allnav  per karyotype    : {f_us:6.1f} us = normalise {n_us:4.1f} + scan/grammar {p_us - n_us:4.1f} "
        f"+ features {f_us - p_us:4.1f} (features = full - parse)"
    )
    if peer_rates:
        print(f"peer    {PEER} parse : {_median(peer_rates):10.0f} karyotypes/s  ({len(accepted)} accepted)")
        print(f"ratio   allnav full / peer bare parse = {_median(ratios):.2f}x (target >= 0.5x)")
        print(
            f"subset  the {len(accepted)} strings the peer accepts (it refuses the others at their first "
            f"'[n]'): ratio {_median(sub_ratios):.2f}x"
        )
    if args.fuzz:
        failures = fuzz(args.fuzz)
        print(f"fuzz    {args.fuzz} mutated strings, {failures} failures")
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
