"""``python -m allnav.accel build [--optional] | status``: make or inspect the compiled build."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from allnav.accel import accel_dir, check
from allnav.accel.build import build


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m allnav.accel build|status``."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else "status"
    directory = accel_dir()
    if command == "status":
        print(check(directory)[1])
        return 0
    if command == "build":
        try:
            print(build(directory))
        except (RuntimeError, OSError) as exc:
            print(f"allnav: compiled build not made; pure Python will be used. {exc}", file=sys.stderr)
            return 0 if "--optional" in args else 1
        return 0
    print("usage: python -m allnav.accel build [--optional] | status", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
