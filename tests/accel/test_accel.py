"""The compiled build: used only when current, and giving the same results as pure Python."""

from __future__ import annotations

import ast
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import assess_dump
import engine_dump
import orjson
import pytest
import yaml

from allnav import accel

DATA = Path(__file__).resolve().parents[1] / "cytogenetics" / "data"
CASES = Path(__file__).resolve().parents[1] / "assessment" / "data"
DEMO = Path(__file__).resolve().parents[2] / "src" / "allnav" / "services" / "demo"
REQUIRED = os.environ.get("ALLNAV_ACCEL_REQUIRED") == "1"


def _fake_build(tmp_path: Path, **changes: object) -> Path:
    """A build directory whose manifest matches the current sources (extension files are empty stand-ins)."""
    modules = {}
    for m in accel.ACCEL_MODULES:
        rel = m.replace(".", "/") + ".so"
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"")
        modules[m] = [accel.source_hash(m), rel]
    (tmp_path / "x__mypyc.so").write_bytes(b"")
    manifest = {"modules": modules, "shared": {"x__mypyc": "x__mypyc.so"}, "python": accel._python_tag()}
    manifest["compiler"] = "mypyc test"
    manifest.update(changes)
    (tmp_path / accel.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return tmp_path


def test_a_current_build_is_used(tmp_path: Path) -> None:
    files, status = accel.check(_fake_build(tmp_path))
    assert status.startswith("compiled")
    assert files is not None
    assert set(files) == {*accel.ACCEL_MODULES, "x__mypyc"}


def test_no_build_means_pure(tmp_path: Path) -> None:
    files, status = accel.check(tmp_path)
    assert files is None
    assert status.startswith("pure (no compiled build")


def test_one_changed_source_makes_the_whole_build_stale(tmp_path: Path) -> None:
    build = _fake_build(tmp_path)
    manifest = json.loads((build / accel.MANIFEST).read_text())
    manifest["modules"]["allnav.cytogenetics.features"][0] = "0" * 64
    (build / accel.MANIFEST).write_text(json.dumps(manifest))
    files, status = accel.check(build)
    assert files is None
    assert "stale: features.py changed" in status


def test_another_python_or_module_set_or_missing_file_means_pure(tmp_path: Path) -> None:
    assert accel.check(_fake_build(tmp_path / "a", python="cpython-312-other"))[1].startswith(
        "pure (compiled for"
    )
    assert accel.check(_fake_build(tmp_path / "b", modules={}))[1].startswith(
        "pure (the compiled build covers"
    )
    build = _fake_build(tmp_path / "c")
    (build / "x__mypyc.so").unlink()
    assert "incomplete" in accel.check(build)[1]
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / accel.MANIFEST).write_text("{not json")
    assert accel.check(tmp_path / "d")[0] is None


def test_accel_0_forces_pure_python(tmp_path: Path) -> None:
    code = "import allnav, allnav.cytogenetics.scanner as s; print(allnav.accel.STATUS); print(s.__file__)"
    env = {**os.environ, "ALLNAV_ACCEL": "0", "ALLNAV_ACCEL_DIR": str(_fake_build(tmp_path))}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    status, file = out.stdout.splitlines()
    assert status == "pure (ALLNAV_ACCEL=0)"
    assert file.endswith("scanner.py")


def _strings() -> list[str]:
    """Every corpus, reject and golden-table string, plus seeded mutations of the corpus."""
    texts = [
        json.loads(line)["karyotype"]
        for name in ("corpus.jsonl", "reject.jsonl", "public_sample.jsonl")
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    for line in (DATA / "grammar_golden.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            texts.append(line.split("\t")[1])
    rng = random.Random(20261127)
    alphabet = "0123456789XYpqtder(),;[]/+-~?.cmosidemslnx<> "
    base = list(texts)
    for _ in range(3000):
        chars = list(rng.choice(base))
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(chars) + 1)
            op = rng.random()
            if op < 0.4 and chars:
                del chars[min(i, len(chars) - 1)]
            elif op < 0.8:
                chars.insert(i, rng.choice(alphabet))
            elif chars:
                chars[min(i, len(chars) - 1)] = rng.choice(alphabet)
        texts.append("".join(chars))
    return texts


def _compiled_run(script: str, inputs: list[Any]) -> list[bytes]:
    """The output lines of a dump script run on the compiled build (skipped, or failed where it is required,
    when there is no current build), one per input, after checking that the script really ran compiled."""
    files, status = accel.check(accel.accel_dir())
    if files is None:
        if REQUIRED:
            pytest.fail(f"the compiled build is required here (ALLNAV_ACCEL_REQUIRED=1) but: {status}")
        pytest.skip(status)
    done = subprocess.run(
        [sys.executable, script],
        input=b"".join(orjson.dumps(x) + b"\n" for x in inputs),
        env={**os.environ, "ALLNAV_ACCEL": "1"},
        capture_output=True,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert orjson.loads(lines[0])["status"].startswith("compiled")
    assert len(lines) == len(inputs) + 1
    return lines[1:]


def test_the_compiled_build_gives_the_same_results_as_pure_python() -> None:
    texts = _strings()
    lines = _compiled_run(str(Path(engine_dump.__file__)), texts)
    valid = 0
    for text, line in zip(texts, lines, strict=True):
        expected = engine_dump.result(text)
        valid += "features" in expected
        assert orjson.loads(line) == orjson.loads(orjson.dumps(expected, option=orjson.OPT_SORT_KEYS)), text
    assert valid > 500  # the comparison covers many valid strings, not only errors


def test_this_process_runs_the_build_it_was_asked_for() -> None:
    """Under ``make test`` the second pass (ALLNAV_ACCEL unset) must really run the compiled engine."""
    from allnav.cytogenetics import scanner

    if os.environ.get("ALLNAV_ACCEL", "1") == "0":
        assert accel.STATUS == "pure (ALLNAV_ACCEL=0)"
        assert scanner.__file__.endswith(".py")
    elif REQUIRED:
        assert accel.STATUS.startswith("compiled"), accel.STATUS
        assert not scanner.__file__.endswith(".py")
    else:
        pytest.skip(f"build not required here; this process runs: {accel.STATUS}")


def _case_files() -> list[dict[str, Any]]:
    """Every case file of the assessment tests and the demo, and each course as of each of its checkpoints."""
    cases: list[dict[str, Any]] = []
    for path in sorted(CASES.rglob("*.json")):
        if path.name != "expected.json":
            cases.append(json.loads(path.read_text(encoding="utf-8")))
    for path in sorted(DEMO.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "patient" in data:
            cases.append(data)
    expected = json.loads((CASES / "courses" / "expected.json").read_text(encoding="utf-8"))
    for name, spec in sorted(expected.items()):
        course = json.loads((CASES / "courses" / name).read_text(encoding="utf-8"))
        for checkpoint in spec["checkpoints"]:
            cases.append({**course, "as_of_day": checkpoint["as_of_day"]})
    return cases


def _varied(cases: list[dict[str, Any]], n: int, seed: int = 20261127) -> list[dict[str, Any]]:
    """``n`` seeded variants: blood, marrow and CSF numbers scaled by 0.5-1.5, written as ints or floats (some
    beyond their limits, so that refusals are compared too), markers dropped, the karyotype or a genetics finding
    removed, timeline days and ages moved."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        case = json.loads(json.dumps(rng.choice(cases)))
        for section in ("blood", "marrow", "csf"):
            values = case.get(section)
            if isinstance(values, dict):
                for key, value in values.items():
                    if isinstance(value, int | float) and not isinstance(value, bool) and rng.random() < 0.5:
                        scaled = value * rng.uniform(0.5, 1.5)
                        # ints as well as floats: compiled, a float-typed parameter would turn an int into x.0
                        values[key] = round(scaled) if rng.random() < 0.5 else round(scaled, 1)
        markers = case.get("immunophenotype", {}).get("markers")
        if isinstance(markers, dict) and markers and rng.random() < 0.3:
            markers.pop(rng.choice(sorted(markers)))
        if rng.random() < 0.15:
            case.pop("karyotype", None)
        if case.get("genetics") and rng.random() < 0.3:
            case["genetics"].pop(rng.randrange(len(case["genetics"])))
        patient = case.setdefault("patient", {})
        if isinstance(patient.get("age_years"), int | float) and rng.random() < 0.3:
            patient["age_years"] = rng.choice([18, 39, 40, 55, 60, 64, 65, 75, 39.5, 60.0])
        for entry in case.get("timeline") or []:
            if isinstance(entry, dict) and isinstance(entry.get("day"), int) and rng.random() < 0.2:
                entry["day"] = max(0, entry["day"] + rng.randint(-10, 10))
        patient["id"] = f"variant-{i}"
        out.append(case)
    return out


def test_the_compiled_assessment_gives_the_same_bytes_as_pure_python() -> None:
    """Every compiled evaluator together: the ``--json`` bytes of each assessment, compiled vs pure."""
    base = _case_files()
    cases = base + _varied(base, 1500)
    lines = _compiled_run(str(Path(assess_dump.__file__)), cases)
    refused = 0
    for case, line in zip(cases, lines, strict=True):
        expected = assess_dump.result(case)
        refused += expected.startswith(b'{"error"')
        assert line == expected, case["patient"]["id"]
    assert refused < len(cases) / 3  # most comparisons are of whole assessments, not of refusals


def test_no_compiled_function_reuses_an_except_name_for_two_exception_types() -> None:
    """Compiled by mypyc, a name bound by ``except A as e`` holds only an ``A``: a second ``except B as e`` in
    the same function fails at run time with a TypeError when B is raised. Each handler gets its own name."""
    clashes = []
    for module in accel.ACCEL_MODULES:
        path = accel.source_path(module)
        for scope in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            types: dict[str, set[str]] = {}
            for node in ast.walk(scope):
                if isinstance(node, ast.ExceptHandler) and node.name and node.type is not None:
                    types.setdefault(node.name, set()).add(ast.unparse(node.type))
            clashes += [f"{path.name}:{scope.name}: {n} {sorted(t)}" for n, t in types.items() if len(t) > 1]
    assert not clashes
