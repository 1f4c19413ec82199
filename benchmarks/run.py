"""``make bench``: run the karyotype benchmark on the pure-Python engine, then on an optional mypyc build.

The compiled build is made in a temporary copy of ``src/`` (never in the working tree, so a stale
extension can never shadow an edited module) and imported from there through ``PYTHONPATH``; the
benchmark prints which build it measured. Set ``ALLNAV_BENCH_NO_ACCEL=1`` to skip the compiled run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import karyotype_bench  # noqa: E402

ACCEL_MODULES = ("scanner", "features", "recurrent", "normalise", "model", "karyotype", "formatting")


def compiled_copy() -> Path | None:
    """A copy of src/ with the karyotype hot path compiled by mypyc; None when the build fails."""
    mypyc = Path(sys.executable).parent / "mypyc"
    if not mypyc.exists():
        return None
    work = Path(tempfile.mkdtemp(prefix="allnav-accel-"))
    shutil.copytree(ROOT / "src", work / "src", ignore=shutil.ignore_patterns("__pycache__", "*.so", "build"))
    targets = [f"allnav/cytogenetics/{m}.py" for m in ACCEL_MODULES]
    done = subprocess.run([str(mypyc), *targets], cwd=work / "src", capture_output=True, text=True)
    if done.returncode != 0:
        print(f"mypyc build failed; compiled run skipped:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        return None
    return work / "src"


def main() -> int:
    """Run the benchmarks; non-zero when one of them fails."""
    print("== karyotype engine (pure Python) ==")
    status = karyotype_bench.main(sys.argv[1:])
    if status or os.environ.get("ALLNAV_BENCH_NO_ACCEL"):
        return status
    src = compiled_copy()
    if src is None:
        return status
    print("\n== karyotype engine (optional mypyc build of the same code) ==")
    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    try:
        return subprocess.run(
            [sys.executable, str(HERE / "karyotype_bench.py"), *sys.argv[1:]], env=env
        ).returncode
    finally:
        shutil.rmtree(src.parent, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
