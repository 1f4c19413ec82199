"""Section-specific reading: immunophenotype panels, genetics findings, medications, days from dates.

Each function takes the already field-checked dict of one entry, completes it (derived fields,
normalised spellings) and records problems in the shared collector.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from allnav.case.checks import DROP, Problems, check_number
from allnav.case.genetics_text import normalise_transcript, read_finding
from allnav.case.markers import MarkerTextError, canonical_marker, parse_marker_value
from allnav.case.model import MarkerValue
from allnav.case.tables import units_table

__all__ = ["finish_genetics", "finish_medication", "read_levels", "read_panel", "resolve_day"]

_RESULTS = {
    "detected": "detected",
    "positive": "detected",
    "present": "detected",
    "not_detected": "not_detected",
    "not detected": "not_detected",
    "negative": "not_detected",
    "absent": "not_detected",
    "indeterminate": "indeterminate",
    "equivocal": "indeterminate",
    "inconclusive": "indeterminate",
}
_RESULT_VALUES = frozenset(_RESULTS.values())  # already in the model's spelling: nothing to normalise


def read_panel(value: Any, path: str, problems: Problems) -> Any:
    """An immunophenotype mapping, marker names in canonical spelling (unknown names kept)."""
    if not isinstance(value, Mapping):
        return problems.add(path, "expected a mapping of marker -> value", value, kind="type")
    out: dict[str, MarkerValue] = {}
    written: dict[str, str] = {}
    for name, raw in value.items():
        if type(name) is not str:
            if isinstance(name, int | float) and not isinstance(name, bool):
                name = str(name)  # a YAML number key such as `7.1:` (NG2)
            elif not isinstance(name, str):
                problems.add(f"{path}.{name}", "a marker name must be non-empty text", name, kind="type")
                continue
        if not name.strip():
            problems.add(f"{path}.{name}", "a marker name must be non-empty text", name, kind="type")
            continue
        canonical, _known = canonical_marker(name)
        try:
            mv = parse_marker_value(canonical, raw)
        except MarkerTextError as exc:
            kind = "implausible" if exc.implausible else "invalid"
            problems.add(f"{path}.{name}", str(exc), raw, kind=kind, accepted=exc.accepted)
            continue
        except ValidationError as invalid:  # its own name: compiled, one name holds one exception type
            msg = invalid.errors()[0]["msg"]
            problems.add(f"{path}.{name}", f"not a marker value: {msg}", raw, kind="type")
            continue
        if mv is None:
            continue
        if canonical in out and out[canonical] != mv:
            problems.add(
                f"{path}.{name}",
                f"{name!r} and {written[canonical]!r} both name {canonical} but disagree",
                raw,
            )
            continue
        out[canonical], written[canonical] = mv, name
    return out


def finish_genetics(entry: dict[str, Any], path: str, problems: Problems) -> dict[str, Any]:
    """Fill ``kind``/``genes``/``alteration``/``notes`` from ``finding``; normalise result and transcript."""
    given_notes = entry.get("notes")
    notes: list[str] = list(given_notes) if given_notes else []
    result = entry.get("result")
    if isinstance(result, str) and result not in _RESULT_VALUES:  # a canonical result stays as it is
        normal = _RESULTS.get(result.strip().lower())
        if normal is not None and result != normal:
            entry["result"] = normal
            notes.append(f"result {result!r} read as {normal!r}")
    transcript = entry.get("transcript")
    if isinstance(transcript, str):
        entry["transcript"] = normalise_transcript(transcript)
        if entry["transcript"] != transcript:
            notes.append(f"transcript {transcript!r} read as {entry['transcript']!r}")
    finding = entry.get("finding")
    if not isinstance(finding, str) or not finding.strip():
        return entry  # the model reports a missing/non-text finding
    method = entry.get("method")
    probability = entry.get("probability")
    parsed = read_finding(
        finding,
        method=method if isinstance(method, str) else None,
        probability=probability if isinstance(probability, float | int) else None,
    )
    if "kind" in entry or "genes" in entry or "alteration" in entry:  # given beside the finding: compare
        for name, value in (
            ("kind", parsed.kind),
            ("genes", parsed.genes),
            ("alteration", parsed.alteration),
        ):
            given = entry.get(name)
            if given is not None and (tuple(given) if isinstance(given, list) else given) != value:
                problems.add(
                    f"{path}.{name}", f"disagrees with the reading of finding {finding!r}: {value!r}", given
                )
            entry[name] = value
    else:
        entry["kind"], entry["genes"], entry["alteration"] = parsed.kind, parsed.genes, parsed.alteration
    if parsed.finding != finding:
        entry["finding"] = parsed.finding
        entry.setdefault("written_as", finding)
    entry["notes"] = tuple(dict.fromkeys([*notes, *parsed.notes])) if notes or parsed.notes else ()
    return entry


@functools.cache
def _spellings(table: str) -> dict[str, str]:
    source = units_table().medication_units if table == "unit" else units_table().routes
    index: dict[str, str] = {}
    for canonical, aliases in source.items():
        for spelling in (canonical, *aliases):
            index[spelling.strip().lower()] = canonical
    return index


def finish_medication(entry: dict[str, Any], path: str, problems: Problems) -> dict[str, Any]:
    """Normalise ``unit`` and ``route`` spellings; refuse unknown ones and a dose without a unit."""
    for name, table in (("unit", "unit"), ("route", "route")):
        value = entry.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            problems.add(f"{path}.{name}", "expected text", value, kind="type")
            entry.pop(name)
            continue
        canonical = _spellings(table).get(value.strip().lower())
        if canonical is None:
            accepted = ", ".join(units_table().medication_units if table == "unit" else units_table().routes)
            kind = "unit" if name == "unit" else "invalid"
            problems.add(f"{path}.{name}", f"unknown {name} {value!r}", value, kind=kind, accepted=accepted)
            entry.pop(name)
        else:
            entry[name] = canonical
    if entry.get("dose") is not None and entry.get("unit") is None and not problems.covers(f"{path}.unit"):
        problems.add(f"{path}.unit", "a dose needs its unit (units are never implied)", None, kind="missing")
    return entry


def read_levels(value: Any, path: str, problems: Problems) -> Any:
    """Methotrexate levels: ``[{hours: 42, umol_per_l: 12}, ...]``."""
    if not isinstance(value, list):
        return problems.add(path, "expected a list of {hours, umol_per_l}", value, kind="type")
    out: list[dict[str, float]] = []
    for i, item in enumerate(value):
        p = f"{path}[{i}]"
        if not isinstance(item, Mapping):
            problems.add(p, "expected {hours, umol_per_l}", item, kind="type")
            continue
        level: dict[str, float] = {}
        for k, v in item.items():
            if k not in ("hours", "umol_per_l"):
                sugg = (
                    "umol_per_l" if "umol" in str(k).lower() else ("hours" if "h" in str(k).lower() else None)
                )
                problems.add(f"{p}.{k}", "unknown field", v, kind="unknown_field", suggestion=sugg)
                continue
            checked = check_number(v, f"{p}.{k}", f"medications.levels.{k}", problems)
            if checked is not DROP:
                level[k] = float(checked)
        out.append(level)
    return out


def resolve_day(
    entry: dict[str, Any], path: str, diagnosis: str | None, problems: Problems, *, required: bool
) -> None:
    """Set ``day`` from ``date`` and the diagnosis date; check both agree; require one when ``required``."""
    date, day = entry.get("date"), entry.get("day")
    if date is None:
        if (
            day is None
            and required
            and not problems.covers(f"{path}.day")
            and not problems.covers(f"{path}.date")
        ):
            problems.add(
                path,
                "a timeline entry needs a day (or a date with patient.diagnosis_date)",
                None,
                kind="missing",
                accepted="day: integer days from diagnosis, or date: YYYY-MM-DD",
            )
        return
    if diagnosis is None:
        if day is None:
            problems.add(
                f"{path}.date", "a date needs patient.diagnosis_date to count days from", date, kind="missing"
            )
        return
    computed = (dt.date.fromisoformat(date) - dt.date.fromisoformat(diagnosis)).days
    if day is None:
        entry["day"] = computed
    elif day != computed:
        problems.add(
            f"{path}.day", f"day {day} disagrees with date {date} (day {computed} from diagnosis)", day
        )
