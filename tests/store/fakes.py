"""A tiny stand-in for the clinical core, so store and API tests do not depend on clinical rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from allnav.errors import CaseValidationError, FieldProblem


class FakeCore:
    """Assesses by counting; refuses ``blood.wbc`` over 1000 and unknown sections like the real one."""

    KNOWN = frozenset({
        "patient", "presentation", "blood", "marrow", "immunophenotype", "reported_lineage", "karyotype",
        "genetics", "csf", "labs", "timeline", "as_of_day", "medications", "prior_anthracyclines",
        "pharmacogenomics", "crs_icans",
    })

    def __init__(self) -> None:
        self.calls = 0

    def assess(self, case: Mapping[str, Any]) -> dict[str, Any]:
        self.calls += 1
        problems = [FieldProblem(path=k, message="unknown field") for k in case if k not in self.KNOWN]
        wbc = (case.get("blood") or {}).get("wbc")
        if isinstance(wbc, int | float) and wbc > 1000:
            problems.append(FieldProblem(path="blood.wbc", message="implausible", value=wbc, accepted="0-1000"))
        for i, entry in enumerate(case.get("timeline") or []):
            if not isinstance(entry, dict):
                problems.append(FieldProblem(path=f"timeline[{i}]", message="not an object", value=None))
        if problems:
            raise CaseValidationError("the case file is not valid", problems)
        blasts = (case.get("marrow") or {}).get("blasts_pct")
        return {
            "allnav_version": "test-1",
            "knowledge_version": "kb-test",
            "case_id": case["patient"]["id"],
            "diagnosis": {"value": "B-ALL" if isinstance(blasts, int | float) and blasts >= 20 else "indeterminate"},
            "icd10cm": {"value": "C91.00"},
            "timeline_entries": len(case.get("timeline") or []),
            "medications": len(case.get("medications") or []),
        }

    def explain(self, assessment: Mapping[str, Any]) -> str:
        return f"diagnosis: {assessment.get('diagnosis')}"
