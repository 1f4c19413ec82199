"""``make bench``: the karyotype benchmark on pure Python, then on the installed default build.

The default build is the mypyc-compiled karyotype engine that ``make install`` makes (``allnav.accel``);
it is used only while it matches the source, so the second run says which build it measured. Both runs
time the peer (iscn-authenticator) on the same strings, so each ratio is against a baseline measured in
the same process. ``ALLNAV_BENCH_NO_ACCEL=1`` skips the second run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(accel: str, args: list[str]) -> int:
    """One benchmark run in a fresh process with ``ALLNAV_ACCEL`` set; prints the build measured."""
    env = {**os.environ, "ALLNAV_ACCEL": accel}
    status = subprocess.run(
        [sys.executable, "-c", "import allnav; print(allnav.accel.STATUS)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(f"karyotype engine build: {status}")
    return subprocess.run(
        [sys.executable, str(HERE / "karyotype_bench.py"), *args], env=env, check=False
    ).returncode


def main() -> int:
    """Run the benchmarks; non-zero when one of them fails."""
    print("== karyotype engine, pure Python (ALLNAV_ACCEL=0) ==")
    status = run("0", sys.argv[1:])
    if status or os.environ.get("ALLNAV_BENCH_NO_ACCEL"):
        return status
    print("\n== karyotype engine, default build (compiled by `make install` when a C compiler is present) ==")
    return run("1", sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
