"""Readable text for the patient view (for ``allnav explain``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def patient_text(patient: Mapping[str, Any]) -> str:
    """The patient view as plain text: summary, what to report right away, questions, glossary."""
    out: list[str] = ["For the patient:"]
    out.extend(f"  {p.get('text')}" for p in patient.get("summary") or [])
    report = patient.get("report_right_away") or []
    if report:
        out.append("  Call your care team right away about:")
        for r in report:
            out.append(f"    - {r.get('text')}")
            if r.get("your_numbers"):
                out.append(f"      ({r['your_numbers']})")
    qs = patient.get("questions") or []
    if qs:
        out.append("  Questions you may want to ask:")
        out.extend(f"    - {q.get('text')}" for q in qs)
    gl = patient.get("glossary") or []
    if gl:
        out.append("  Words used here:")
        out.extend(f"    {g.get('term')}: {g.get('explanation')}" for g in gl)
    return "\n".join(out)
