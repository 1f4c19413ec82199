"""Run as a script: the assessment of every case on stdin (JSON Lines), one orjson line per case.

Used by test_accel to compare the compiled build (run in a subprocess) with pure Python (in the test).
Prints the build status first; a refused case gives its error object.
"""

from __future__ import annotations

import sys
from typing import Any

import orjson

import allnav
from allnav import accel
from allnav.errors import AllnavError


def result(case: dict[str, Any]) -> bytes:
    """The assessment (or error object) as the bytes that ``allnav assess --json`` would write."""
    try:
        out: dict[str, Any] = allnav.assess(case)
    except AllnavError as exc:
        out = {"error": exc.to_dict()}
    return orjson.dumps(out, default=str, option=orjson.OPT_NON_STR_KEYS)


def main() -> None:
    """Dump assessments for the cases on stdin."""
    out = sys.stdout.buffer
    out.write(orjson.dumps({"status": accel.STATUS}) + b"\n")
    for line in sys.stdin.buffer:
        out.write(result(orjson.loads(line)) + b"\n")


if __name__ == "__main__":
    main()
