"""Form fields -> a timeline entry (numbers parsed here; clinical validation is the core's)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from allnav.errors import CaseValidationError, FieldProblem

# form field -> (section, key) of the timeline entry
NUMBERS = {
    "marrow_blasts_pct": ("marrow", "blasts_pct"),
    "mrd_level": ("mrd", "level"),
    "anc": ("blood", "anc"),
    "platelets": ("blood", "platelets"),
    "hemoglobin": ("blood", "hemoglobin"),
    "temperature_c": ("vitals", "temperature_c"),
}


def timeline_entry(form: Mapping[str, str]) -> dict[str, Any]:
    """The timeline entry a findings form describes; CaseValidationError names each unreadable field."""
    problems: list[FieldProblem] = []
    entry: dict[str, Any] = {}
    day = (form.get("day") or "").strip()
    if not day.lstrip("-").isdigit():
        problems.append(FieldProblem(path="day", message="a whole number of days is required", value=day))
    else:
        entry["day"] = int(day)
    for name, (section, key) in NUMBERS.items():
        text = (form.get(name) or "").strip().replace(",", ".")
        if not text:
            continue
        try:
            entry.setdefault(section, {})[key] = float(text)
        except ValueError:
            problems.append(FieldProblem(path=f"{section}.{key}", message="not a number", value=text))
    if form.get("mrd_method") and "mrd" in entry:
        entry["mrd"]["method"] = form["mrd_method"]
    if (form.get("phase") or "").strip():
        entry["phase"] = form["phase"].strip()
    events = [e.strip() for e in (form.get("events") or "").split(",") if e.strip()]
    if events:
        entry["events"] = events
    if problems:
        raise CaseValidationError("some fields could not be read", problems)
    if set(entry) <= {"day", "phase"}:
        raise CaseValidationError("enter at least one result", [FieldProblem(path="form", message="empty")])
    return entry


def medication(form: Mapping[str, str]) -> dict[str, Any]:
    """The medication a medication form describes (contract section 3, ``medications``)."""
    problems: list[FieldProblem] = []
    drug = (form.get("drug") or "").strip()
    if not drug:
        problems.append(FieldProblem(path="drug", message="the drug name is required", value=drug))
    entry: dict[str, Any] = {"drug": drug}
    day = (form.get("day") or "").strip()
    if day:
        if day.lstrip("-").isdigit():
            entry["day"] = int(day)
        else:
            problems.append(FieldProblem(path="day", message="a whole number of days is required", value=day))
    dose = (form.get("dose") or "").strip().replace(",", ".")
    if dose:
        try:
            entry["dose"] = float(dose)
        except ValueError:
            problems.append(FieldProblem(path="dose", message="not a number", value=dose))
    for key in ("unit", "route"):
        if (form.get(key) or "").strip():
            entry[key] = form[key].strip()
    if problems:
        raise CaseValidationError("some fields could not be read", problems)
    return entry


# case-model path (after ``timeline[i].`` / ``medications[i].``) -> form field, per form
_TIMELINE_FIELDS = {f"{section}.{key}": name for name, (section, key) in NUMBERS.items()} | {
    "day": "day",
    "phase": "phase",
    "events": "events",
    "mrd.method": "mrd_method",
}
_MEDICATION_FIELDS = {"drug": "drug", "day": "day", "dose": "dose", "unit": "unit", "route": "route"}


def field_of(kind: str, path: str) -> str | None:
    """The form field a problem's path points at (``timeline[9].blood.anc`` -> ``anc``), if any."""
    tail = re.sub(r"^(timeline|medications)\[\d+\]\.", "", path)
    table = _TIMELINE_FIELDS if kind == "timeline" else _MEDICATION_FIELDS
    return table.get(tail)


def field_errors(kind: str, problems: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The error envelope's ``fields`` grouped by form field; problems without a field go under ``""``."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for p in problems:
        grouped.setdefault(field_of(kind, str(p.get("path", ""))) or "", []).append(p)
    return grouped
