"""Assessment throughput on the hand-written case corpus, against case loading alone measured in the same run.

Usage: ``.venv/bin/python benchmarks/assess_bench.py [--rounds N]`` (run by ``make bench``).
Prints cases/second for ``load_case`` (the baseline: parsing, units, validation) and for the whole
``assess`` (every evaluator), the ratio, and the per-case cost of each evaluator step.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from allnav import assess
from allnav.case import load_case
from allnav.errors import CaseValidationError
from allnav.knowledge import load_knowledge_base

ROOT = Path(__file__).resolve().parents[1]


def corpus() -> list[dict[str, Any]]:
    """The valid cases of the assessment corpus and the public examples."""
    cases = []
    paths = sorted((ROOT / "tests" / "assessment" / "data" / "corpus").glob("*.json"))
    paths += sorted((ROOT / "tests" / "assessment" / "data").glob("*.json"))
    for path in paths:
        if path.name == "expected.json":
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        try:
            load_case(data)
        except CaseValidationError:
            continue
        cases.append(data)
    return cases


def rate(fn: Any, cases: list[dict[str, Any]], rounds: int) -> float:
    """Median cases/second over ``rounds`` passes."""
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for case in cases:
            fn(case)
        rates.append(len(cases) / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    kb = load_knowledge_base()
    cases = corpus()
    assess(cases[0], kb=kb)  # warm caches (tables, grammar)
    base = rate(load_case, cases, args.rounds)
    full = rate(lambda c: assess(c, kb=kb), cases, args.rounds)
    print(f"assessment benchmark: {len(cases)} distinct cases, median of {args.rounds} rounds")
    print(f"  load_case (baseline)   {base:10.0f} cases/s")
    print(f"  assess (everything)    {full:10.0f} cases/s")
    print(f"  ratio assess/baseline  {full / base:10.3f}")


if __name__ == "__main__":
    main()
