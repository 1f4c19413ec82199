"""Inline SVG charts drawn on the server (no script, no CDN): counts, marrow blasts and MRD over time."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

Point = tuple[float, float]
COLOURS = ("#1f5fa8", "#b3261e", "#2e7d32", "#6a1b9a")


def series_from_case(case: Mapping[str, Any]) -> dict[str, dict[str, list[Point]]]:
    """Per-chart series from the case file: day 0 is the presenting section, then the timeline."""
    entries: list[tuple[float, Mapping[str, Any]]] = [(0.0, case)]
    for entry in case.get("timeline") or []:
        if isinstance(entry, Mapping) and isinstance(entry.get("day"), int | float):
            entries.append((float(entry["day"]), entry))
    charts: dict[str, dict[str, list[Point]]] = {
        "counts": {"ANC": [], "platelets/100": [], "hemoglobin": []},
        "blasts": {"marrow blasts %": [], "blood blasts %": []},
        "mrd": {"MRD": []},
    }
    for day, entry in sorted(entries, key=lambda e: e[0]):
        blood = entry.get("blood") if isinstance(entry.get("blood"), Mapping) else {}
        marrow = entry.get("marrow") if isinstance(entry.get("marrow"), Mapping) else {}
        mrd = entry.get("mrd") if isinstance(entry.get("mrd"), Mapping) else {}
        _add(charts["counts"]["ANC"], day, blood, "anc")
        _add(charts["counts"]["platelets/100"], day, blood, "platelets", 0.01)
        _add(charts["counts"]["hemoglobin"], day, blood, "hemoglobin")
        _add(charts["blasts"]["marrow blasts %"], day, marrow, "blasts_pct")
        _add(charts["blasts"]["blood blasts %"], day, blood, "blasts_pct")
        _add(charts["mrd"]["MRD"], day, mrd, "level")
    return charts


def _add(points: list[Point], day: float, section: Any, key: str, scale: float = 1.0) -> None:
    value = section.get(key) if isinstance(section, Mapping) else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        points.append((day, float(value) * scale))


def line_chart(
    title: str,
    series: Mapping[str, Sequence[Point]],
    *,
    log: bool = False,
    thresholds: Sequence[tuple[float, str]] = (),
    width: int = 640,
    height: int = 220,
) -> str:
    """An SVG line chart; ``log`` plots log10 (zero/undetectable drawn at the floor)."""
    points = [p for s in series.values() for p in s]
    if not points:
        return f'<p class="empty">{escape(title)}: no values recorded yet.</p>'
    floor = 1e-6
    ty = (lambda v: math.log10(max(v, floor))) if log else (lambda v: v)
    ys = [ty(v) for _, v in points] + [ty(t) for t, _ in thresholds]
    x0, x1 = min(d for d, _ in points), max(d for d, _ in points)
    y0, y1 = (min(ys), max(ys)) if log else (0.0, max(ys) or 1.0)
    x1, y1 = (x1 if x1 > x0 else x0 + 1), (y1 if y1 > y0 else y0 + 1)
    pad, w, h = 40, width - 60, height - 50

    def sx(d: float) -> float:
        return pad + (d - x0) / (x1 - x0) * w

    def sy(v: float) -> float:
        return 10 + h - (ty(v) - y0) / (y1 - y0) * h

    parts = [
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{pad}" y1="{10 + h}" x2="{pad + w}" y2="{10 + h}" class="axis"/>',
        f'<text x="{pad}" y="{h + 30}">day {x0:g}</text><text x="{pad + w - 40}" y="{h + 30}">day {x1:g}</text>',
    ]
    top = f"1e{y1:.0f}" if log else f"{y1:g}"
    bottom = f"1e{y0:.0f}" if log else "0"
    parts.append(f'<text x="2" y="16">{top}</text><text x="2" y="{10 + h}">{bottom}</text>')
    for value, label in thresholds:
        y = sy(value)
        parts.append(f'<line x1="{pad}" y1="{y:.1f}" x2="{pad + w}" y2="{y:.1f}" class="threshold"/>')
        parts.append(f'<text x="{pad + 4}" y="{y - 3:.1f}" class="threshold-label">{escape(label)}</text>')
    for i, (name, pts) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        coords = " ".join(f"{sx(d):.1f},{sy(v):.1f}" for d, v in pts)
        if pts:
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
            parts += [f'<circle cx="{sx(d):.1f}" cy="{sy(v):.1f}" r="3" fill="{colour}"/>' for d, v in pts]
        parts.append(
            f'<text x="{pad + 10 + i * 150}" y="{height - 4}" fill="{colour}">■ {escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
