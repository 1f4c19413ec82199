"""Assessment throughput: in one process on the case corpus, and through ``allnav assess --file`` on 10,000 cases.

Usage: ``.venv/bin/python benchmarks/assess_bench.py [--rounds N] [--file-cases N] [--subprocess] [--jobs 1,2]``
(run by ``make bench``). Prints

* in-process: cases/second for ``load_case`` alone (the baseline: parsing, units, validation) and for the
  whole ``assess`` of a case-file dict (validation included), median of ``--rounds`` passes over the corpus,
  and their ratio; then ``assess`` apart on the cases at diagnosis (no timeline) and those with a course;
* ``--file``: cases/second through the command's code path (``allnav assess --file PATH --json`` run by
  click's CliRunner in this process, or as a real subprocess with ``--subprocess``, start-up included) over
  ``--file-cases`` JSON Lines cases generated from the corpus (distinct patient ids, small numeric variations),
  once per ``--jobs`` value (the total rate and the rate per worker process);
* where the time goes: the share of each evaluator step (karyotype parsing, owned by allnav.cytogenetics,
  shown apart), measured by timing the steps that ``allnav.assessment.assess`` calls, and the cost of
  writing one assessment as ``--json`` does (part of the ``--file`` time, not of ``assess``).
"""

from __future__ import annotations

import argparse
import copy
import importlib
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from allnav import accel, assess
from allnav.case import load_case
from allnav.cli import main as cli_main
from allnav.errors import CaseValidationError
from allnav.knowledge import load_knowledge_base

ROOT = Path(__file__).resolve().parents[1]
# the module, not the function that ``allnav.assessment`` re-exports under the same name
assess_module = importlib.import_module("allnav.assessment.assess")

#: The steps of ``allnav.assessment.assess`` timed for the breakdown (names in its module namespace).
STEPS: tuple[str, ...] = (
    "load_case",
    "features_of",
    "build_genetic_profile",
    "assess_immunophenotype",
    "assess_diagnosis",
    "classify",
    "assess_response",
    "assess_prognosis",
    "assess_safety",
    "assess_followup",
    "plan_treatment",
    "summarise_for_patient",
)
KARYOTYPE_STEP = "features_of"


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


def _vary(case: dict[str, Any], i: int, rng: random.Random) -> dict[str, Any]:
    """A distinct copy of ``case``: patient id suffixed with ``i``, blood and lab numbers moved by <= 3%."""
    out = copy.deepcopy(case)
    out.setdefault("patient", {})["id"] = f"{out['patient'].get('id', 'case')}-v{i}"
    for section in ("blood", "labs"):
        values = out.get(section)
        if not isinstance(values, dict):
            continue
        for key, value in values.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
                values[key] = round(value * (1 + rng.uniform(-0.03, 0.03)), 2)
    return out


def variant_lines(n: int, seed: int = 20261127) -> Iterator[str]:
    """``n`` JSON Lines cases from the corpus, each valid and distinct (the unvaried case when a variation fails)."""
    rng = random.Random(seed)
    cases = corpus()
    for i in range(n):
        base = cases[i % len(cases)]
        case = _vary(base, i, rng)
        try:
            load_case(case)
        except CaseValidationError:
            case = copy.deepcopy(base)
            case.setdefault("patient", {})["id"] = f"{case['patient'].get('id', 'case')}-v{i}"
        yield json.dumps(case, ensure_ascii=False)


def rate(fn: Callable[[Any], Any], cases: list[Any], rounds: int) -> float:
    """Median cases/second over ``rounds`` passes."""
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for case in cases:
            fn(case)
        rates.append(len(cases) / (time.perf_counter() - start))
    return statistics.median(rates)


class StepTimer:
    """Wraps the steps that ``assess`` calls (in its module namespace) and sums their wall time."""

    def __init__(self, names: tuple[str, ...] = STEPS) -> None:
        self.names = names
        self.seconds: dict[str, float] = dict.fromkeys(names, 0.0)
        self._saved: dict[str, Any] = {}

    def _wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        seconds = self.seconds
        clock = time.perf_counter

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                seconds[name] += clock() - start

        return timed

    def __enter__(self) -> StepTimer:
        for name in self.names:
            self._saved[name] = getattr(assess_module, name)
            setattr(assess_module, name, self._wrap(name, self._saved[name]))
        return self

    def __exit__(self, *exc: object) -> None:
        for name, fn in self._saved.items():
            setattr(assess_module, name, fn)


def breakdown(cases: list[dict[str, Any]], rounds: int) -> tuple[float, dict[str, float]]:
    """Total seconds per case of ``assess`` and seconds per case of each step (with the step timers on)."""
    kb = load_knowledge_base()
    with StepTimer() as timer:
        start = time.perf_counter()
        for _ in range(rounds):
            for case in cases:
                assess(case, kb=kb)
        total = time.perf_counter() - start
    n = len(cases) * rounds
    return total / n, {k: v / n for k, v in timer.seconds.items()}


def serialisation(cases: list[dict[str, Any]], rounds: int) -> tuple[float, float]:
    """Seconds per case to write an assessment as ``--json`` does (cli ``_dump``), and its mean size in bytes."""
    from allnav.cli import _dump as dump

    kb = load_knowledge_base()
    results = [assess(case, kb=kb) for case in cases]
    start = time.perf_counter()
    for _ in range(rounds):
        texts = [dump(r) for r in results]
    seconds = (time.perf_counter() - start) / (rounds * len(results))
    return seconds, sum(len(t.encode("utf-8")) for t in texts) / len(texts)


def file_rate(path: Path, n: int, rounds: int, use_subprocess: bool, jobs: int = 1) -> tuple[float, int]:
    """Median cases/second of ``allnav assess --file PATH --json --jobs N`` and the number of error lines.

    Only the command is timed: a subprocess writes to a file (not a pipe this script would have to drain),
    and the captured output of the in-process run is decoded and checked after the clock stops.
    """
    rates = []
    errors = 0
    command = ["assess", "--file", str(path), "--json", "--jobs", str(jobs)]
    for _ in range(rounds):
        if use_subprocess:
            out_path = path.with_suffix(".out")
            with out_path.open("wb") as sink:
                start = time.perf_counter()
                subprocess.run(
                    [str(Path(sys.executable).with_name("allnav")), *command],
                    stdout=sink,
                    stderr=subprocess.DEVNULL,
                    check=True,
                )
                rates.append(n / (time.perf_counter() - start))
            output = out_path.read_text(encoding="utf-8")
        else:
            start = time.perf_counter()
            result = CliRunner().invoke(cli_main, command, catch_exceptions=False)
            rates.append(n / (time.perf_counter() - start))
            if result.exit_code != 0:
                raise SystemExit(f"allnav assess --file failed: {result.output}")
            output = result.stdout
        lines = output.splitlines()
        if len(lines) != n:
            raise SystemExit(f"expected {n} output lines, got {len(lines)}")
        errors = sum(1 for line in lines if line.startswith('{"error"'))
    return statistics.median(rates), errors


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5, help="passes over the corpus (median reported)")
    parser.add_argument(
        "--file-cases", type=int, default=10_000, help="JSON Lines cases for --file (0: skip)"
    )
    parser.add_argument("--file-rounds", type=int, default=1, help="runs of --file (median reported)")
    parser.add_argument("--subprocess", action="store_true", help="run --file as a real `allnav` process")
    parser.add_argument(
        "--jobs",
        default="1",
        help="comma-separated --jobs values for the --file runs (e.g. 1,2; each reported with its per-process rate)",
    )
    args = parser.parse_args()
    kb = load_knowledge_base()
    cases = corpus()
    assess(cases[0], kb=kb)  # warm caches (tables, grammar)
    base = rate(load_case, cases, args.rounds)
    full = rate(lambda c: assess(c, kb=kb), cases, args.rounds)
    print(f"assessment benchmark: {len(cases)} distinct cases, median of {args.rounds} rounds")
    print(f"  build: {accel.STATUS}")
    print(f"  load_case (baseline)   {base:10.0f} cases/s")
    print(f"  assess (everything)    {full:10.0f} cases/s")
    print(f"  ratio assess/baseline  {full / base:10.3f}")
    # the same, split by kind: a case at diagnosis (no timeline) and a case followed through treatment
    at_diagnosis = [c for c in cases if not c.get("timeline")]
    with_course = [c for c in cases if c.get("timeline")]
    for label, subset in (
        ("at diagnosis (no timeline)", at_diagnosis),
        ("with a course (timeline)", with_course),
    ):
        if subset:
            sub = rate(lambda c: assess(c, kb=kb), subset, args.rounds)
            print(f"  assess, {len(subset):2d} cases {label:27s} {sub:8.0f} cases/s")

    if args.file_cases > 0:
        with tempfile.TemporaryDirectory(prefix="allnav-bench-") as tmp:
            path = Path(tmp) / "cases.jsonl"
            path.write_text("".join(line + "\n" for line in variant_lines(args.file_cases)), encoding="utf-8")
            how = "subprocess, start-up included" if args.subprocess else "CliRunner, in process"
            print(f"allnav assess --file --json: {args.file_cases} JSON Lines cases ({how})")
            for jobs in (int(j) for j in args.jobs.split(",")):
                per_s, errors = file_rate(path, args.file_cases, args.file_rounds, args.subprocess, jobs)
                print(
                    f"  --file --jobs {jobs:<2d}        {per_s:10.0f} cases/s  ({per_s / jobs:.0f} per process;"
                    f" {errors} error lines)"
                )

    if not str(assess_module.__file__).endswith(".py"):  # a compiled build calls its steps directly
        print("where the time goes: not measurable on a compiled build (step timers need the Python module)")
        return
    per_case, steps = breakdown(cases, max(1, args.rounds // 2))
    timed = sum(steps.values())
    print(f"where the time goes (step timers on: {per_case * 1e6:.0f} us/case)")
    for name in sorted(steps, key=lambda k: -steps[k]):
        owner = "  <- allnav.cytogenetics" if name == KARYOTYPE_STEP else ""
        print(f"  {name:24s} {steps[name] * 1e6:8.1f} us  {steps[name] / per_case:6.1%}{owner}")
    print(
        f"  {'(orchestration)':24s} {(per_case - timed) * 1e6:8.1f} us  {(per_case - timed) / per_case:6.1%}"
    )
    share = steps[KARYOTYPE_STEP] / per_case
    print(
        f"  karyotype share {share:.1%}; assess without karyotype {1 / (per_case - steps[KARYOTYPE_STEP]):.0f} cases/s"
    )
    dump, size = serialisation(cases, max(1, args.rounds // 2))
    print(
        f"  --json output (cli, not assess): {dump * 1e6:.1f} us/case to serialise, {size / 1024:.1f} KiB/case"
    )


if __name__ == "__main__":
    main()
