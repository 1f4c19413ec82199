"""The treatment phases as a timeline: recorded phases from the case file, the engine's phase now and next,
and the response (and MRD) status at each assessed timepoint.

Nothing clinical is decided here: phase now/next come from the assessment's ``treatment_plan``, the
responses from ``response_history`` and ``mrd.history``; this module only lays them out by day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Mark:
    """A status at one day: ``kind`` is ``response`` or ``mrd``."""

    day: float
    kind: str
    value: str


@dataclass(frozen=True)
class Segment:
    """One phase: recorded from ``start`` (day) until ``end`` (the day before the next phase, or the last day)."""

    phase: str
    label: str
    start: float | None
    end: float | None
    state: str  # "past", "now" or "next"
    source: str  # "timeline" (recorded) or "assessment" (the engine's phase now/next)
    marks: tuple[Mark, ...] = field(default_factory=tuple)


# display names where replacing underscores is not enough (abbreviations); everything else: "_" -> " "
NAMES = {
    "car_t": "CAR T",
    "cns_prophylaxis": "CNS prophylaxis",
    "allogeneic_hct": "allogeneic HCT",
    "relapsed_refractory": "relapsed/refractory",
}


def label(phase: str) -> str:
    """A phase name for people: ``car_t`` -> ``CAR T``, ``follow_up`` -> ``follow up``."""
    return NAMES.get(phase, phase.replace("_", " "))


def _value(node: Any) -> str | None:
    if isinstance(node, Mapping) and isinstance(node.get("value"), str):
        return str(node["value"])
    return None


def _marks(out: Mapping[str, Any]) -> list[Mark]:
    marks: list[Mark] = []
    for r in out.get("response_history") or []:
        if isinstance(r, Mapping) and isinstance(r.get("timepoint"), int | float) and r.get("value"):
            marks.append(Mark(float(r["timepoint"]), "response", str(r["value"])))
    mrd = out.get("mrd") if isinstance(out.get("mrd"), Mapping) else {}
    for m in (mrd or {}).get("history") or []:
        if isinstance(m, Mapping) and isinstance(m.get("day"), int | float) and m.get("status"):
            marks.append(Mark(float(m["day"]), "mrd", f"MRD {m['status']}"))
    return sorted(marks, key=lambda m: (m.day, m.kind != "response"))


def phase_timeline(case: Mapping[str, Any], out: Mapping[str, Any]) -> list[Segment]:
    """The phase segments in order; the engine's phase now is ``now``, its phase next is added as ``next``."""
    recorded: list[tuple[float, str]] = []
    days: list[float] = []
    for e in case.get("timeline") or []:
        if isinstance(e, Mapping) and isinstance(e.get("day"), int | float):
            days.append(float(e["day"]))
            if isinstance(e.get("phase"), str) and e["phase"].strip():
                recorded.append((float(e["day"]), e["phase"].strip()))
    recorded.sort(key=lambda p: p[0])
    plan = out.get("treatment_plan") if isinstance(out.get("treatment_plan"), Mapping) else {}
    now, nxt = _value((plan or {}).get("phase_now")), _value((plan or {}).get("phase_next"))
    last_day = max(days) if days else None
    marks = _marks(out)
    segments: list[Segment] = []
    for i, (start, phase) in enumerate(recorded):
        end = recorded[i + 1][0] - 1 if i + 1 < len(recorded) else last_day
        state = "now" if i == len(recorded) - 1 and phase == now else "past"
        inside = tuple(m for m in marks if m.day >= start and (end is None or m.day <= end))
        segments.append(Segment(phase, label(phase), start, end, state, "timeline", inside))
    before = tuple(m for m in marks if recorded and m.day < recorded[0][0])
    if before:
        segments.insert(
            0, Segment("diagnosis", "before treatment", None, recorded[0][0] - 1, "past", "timeline", before)
        )
    if now and now != "unknown" and not any(s.state == "now" for s in segments):
        # the engine's phase now differs from the last recorded one (e.g. relapsed/refractory after a relapse)
        since = segments[-1].end if segments else None
        segments.append(Segment(now, label(now), since, None, "now", "assessment"))
    if nxt and nxt != "unknown":
        segments.append(Segment(nxt, label(nxt), None, None, "next", "assessment"))
    if not recorded:  # no phases recorded: still show the responses
        loose = tuple(marks)
        if loose:
            segments.insert(
                0, Segment("unrecorded", "no phase recorded", None, last_day, "past", "timeline", loose)
            )
    return segments


def as_json(segments: list[Segment]) -> list[dict[str, Any]]:
    """The segments as JSON-ready dicts (the page's JSON twin)."""
    return [asdict(s) for s in segments]
