"""``make bench``: run every benchmark of the project in turn."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import karyotype_bench


def main() -> int:
    """Run the benchmarks; non-zero when one of them fails."""
    print("== karyotype engine ==")
    return karyotype_bench.main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
