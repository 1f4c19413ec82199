"""Run as a script: every karyotype result of the engine in this process, one JSON line per input.

Used by test_accel to compare the compiled build (run in a subprocess) with pure Python (in the test).
Reads the strings as JSON Lines on stdin; prints the build status first.
"""

from __future__ import annotations

import sys
from typing import Any

import orjson

import allnav
from allnav import accel
from allnav.errors import KaryotypeSyntaxError


def result(text: str) -> dict[str, Any]:
    """Features, canonical form and clone structure of a string, or its error (code, position, message)."""
    try:
        k = allnav.parse_karyotype(text)
    except KaryotypeSyntaxError as exc:
        return {"error": [exc.code, exc.position, str(exc)]}
    return {
        "features": k.features(),
        "format": k.format(),
        "lines": repr(k.cell_lines),
        "aside": repr(k.set_aside),
    }


def main() -> None:
    """Dump results for the strings on stdin."""
    out = sys.stdout.buffer
    out.write(orjson.dumps({"status": accel.STATUS}) + b"\n")
    for line in sys.stdin.buffer:
        out.write(orjson.dumps(result(orjson.loads(line)), option=orjson.OPT_SORT_KEYS) + b"\n")


if __name__ == "__main__":
    main()
