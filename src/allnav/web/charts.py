"""Inline SVG charts drawn on the server (no script, no CDN): counts, marrow blasts and MRD over time.

Each chart is a ``<figure>``: the SVG names itself with ``<title>`` and a ``<desc>`` summary, and a data table
(the text alternative) lists every plotted value as recorded (unscaled).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

Point = tuple[float, float]
# text colours on white: each >= 4.5:1 (tests/api/test_web_accessibility.py checks them)
COLOURS = ("#1f5fa8", "#b3261e", "#2e7d32", "#6a1b9a")
# drawing scale per series (the table shows the recorded value): platelets / 100 share the counts axis
SCALES = {"platelets": 0.01}
LEGEND = {"platelets": "platelets ÷100"}


def series_from_case(case: Mapping[str, Any]) -> dict[str, dict[str, list[Point]]]:
    """Per-chart series of recorded values: day 0 is the presenting section, then the timeline."""
    entries: list[tuple[float, Mapping[str, Any]]] = [(0.0, case)]
    for entry in case.get("timeline") or []:
        if isinstance(entry, Mapping) and isinstance(entry.get("day"), int | float):
            entries.append((float(entry["day"]), entry))
    charts: dict[str, dict[str, list[Point]]] = {
        "counts": {"ANC": [], "platelets": [], "hemoglobin": []},
        "blasts": {"marrow blasts %": [], "blood blasts %": []},
        "mrd": {"MRD": []},
    }
    for day, entry in sorted(entries, key=lambda e: e[0]):
        blood, marrow, mrd = (_section(entry, k) for k in ("blood", "marrow", "mrd"))
        _add(charts["counts"]["ANC"], day, blood, "anc")
        _add(charts["counts"]["platelets"], day, blood, "platelets")
        _add(charts["counts"]["hemoglobin"], day, blood, "hemoglobin")
        _add(charts["blasts"]["marrow blasts %"], day, marrow, "blasts_pct")
        _add(charts["blasts"]["blood blasts %"], day, blood, "blasts_pct")
        _add(charts["mrd"]["MRD"], day, mrd, "level")
    return charts


def _section(entry: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = entry.get(key)
    return value if isinstance(value, Mapping) else {}


def _add(points: list[Point], day: float, section: Mapping[str, Any], key: str) -> None:
    value = section.get(key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        points.append((day, float(value)))


def summary(
    title: str, series: Mapping[str, Sequence[Point]], thresholds: Sequence[tuple[float, str]]
) -> str:
    """A one-sentence description of the chart (its ``<desc>``): each series' range and latest value."""
    parts = []
    for name, pts in series.items():
        if pts:
            values = [v for _, v in pts]
            last_day, last = pts[-1]
            parts.append(
                f"{name}: {len(pts)} values from day {pts[0][0]:g} to day {last_day:g}, "
                f"lowest {min(values):g}, highest {max(values):g}, latest {last:g}"
            )
    lines = "; ".join(label for _, label in thresholds)
    return f"{title}. " + ("; ".join(parts) or "no values") + (f". Lines drawn: {lines}." if lines else ".")


def data_table(key: str, title: str, series: Mapping[str, Sequence[Point]], log: bool = False) -> str:
    """The chart's values as an HTML table (one row per day, one column per series)."""
    days = sorted({d for pts in series.values() for d, _ in pts})
    names = list(series)
    head = "".join(f'<th scope="col">{escape(n)}</th>' for n in names)
    rows = []
    for day in days:
        cells = []
        for n in names:
            found = [v for d, v in series[n] if d == day]
            text = f"{found[-1]:g}" if found else "—"
            if found and log and found[-1] <= 0:
                text += " (undetectable)"
            cells.append(f"<td>{text}</td>")
        rows.append(f'<tr><th scope="row">{day:g}</th>{"".join(cells)}</tr>')
    return (
        f'<details class="chart-data"><summary>Data table: {escape(title)}</summary>'
        f'<table id="{key}-data"><caption>{escape(title)}</caption>'
        f'<thead><tr><th scope="col">Day</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></details>'
    )


def line_chart(
    key: str,
    title: str,
    series: Mapping[str, Sequence[Point]],
    *,
    log: bool = False,
    thresholds: Sequence[tuple[float, str]] = (),
    width: int = 640,
    height: int = 220,
) -> str:
    """An SVG line chart in a figure with its data table; ``log`` plots log10 (zero drawn at the floor)."""
    drawn = {n: [(d, v * SCALES.get(n, 1.0)) for d, v in pts] for n, pts in series.items()}
    points = [p for s in drawn.values() for p in s]
    if not points:
        return f'<p class="empty" id="{key}-chart">{escape(title)}: no values recorded yet.</p>'
    positive = [v for _, v in points if v > 0] + [t for t, _ in thresholds if t > 0]
    floor = 10.0 ** (math.floor(math.log10(min(positive))) - 1) if positive else 1e-6
    zeros = log and any(v <= 0 for _, v in points)
    ty = (lambda v: math.log10(max(v, floor))) if log else (lambda v: v)
    ys = [ty(v) for _, v in points] + [ty(t) for t, _ in thresholds]
    x0, x1 = min(d for d, _ in points), max(d for d, _ in points)
    y0, y1 = (math.floor(min(ys)), math.ceil(max(ys))) if log else (0.0, max(ys) or 1.0)
    x1, y1 = (x1 if x1 > x0 else x0 + 1), (y1 if y1 > y0 else y0 + 1)
    pad, w, h = 48, width - 68, height - 50

    def sx(d: float) -> float:
        return pad + (d - x0) / (x1 - x0) * w

    def sy(v: float) -> float:
        return 10 + h - (ty(v) - y0) / (y1 - y0) * h

    parts = [
        f'<figure class="chart-figure" id="{key}-chart">',
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="{key}-title {key}-desc" class="chart">',
        f'<title id="{key}-title">{escape(title)}</title>',
        f'<desc id="{key}-desc">{escape(summary(title, series, thresholds))}</desc>',
        f'<line x1="{pad}" y1="{10 + h}" x2="{pad + w}" y2="{10 + h}" class="axis"/>',
        f'<text x="{pad}" y="{h + 30}">day {x0:g}</text>',
        f'<text x="{pad + w}" y="{h + 30}" text-anchor="end">day {x1:g}</text>',
    ]
    top = f"1e{y1:.0f}" if log else f"{y1:g}"
    bottom = f"1e{y0:.0f}" if log else "0"
    parts.append(f'<text x="2" y="16">{top}</text><text x="2" y="{10 + h}">{bottom}</text>')
    if zeros:  # undetectable (0) cannot sit on a log axis: drawn one decade below the smallest value
        parts.append(
            f'<text x="{pad + w}" y="{h + 4}" text-anchor="end">0 (undetectable) drawn at {bottom}</text>'
        )
    for value, label in thresholds:
        y = sy(value)
        parts.append(f'<line x1="{pad}" y1="{y:.1f}" x2="{pad + w}" y2="{y:.1f}" class="threshold"/>')
        parts.append(f'<text x="{pad + 4}" y="{y - 3:.1f}" class="threshold-label">{escape(label)}</text>')
    for i, (name, pts) in enumerate(drawn.items()):
        colour = COLOURS[i % len(COLOURS)]
        if pts:
            coords = " ".join(f"{sx(d):.1f},{sy(v):.1f}" for d, v in pts)
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
            parts += [f'<circle cx="{sx(d):.1f}" cy="{sy(v):.1f}" r="3" fill="{colour}"/>' for d, v in pts]
        legend = LEGEND.get(name, name)
        parts.append(
            f'<text x="{pad + 10 + i * 150}" y="{height - 4}" fill="{colour}" class="legend">■ {escape(legend)}</text>'
        )
    parts.append("</svg>")
    parts.append(f"<figcaption>{escape(title)}</figcaption>")
    parts.append(data_table(key, title, series, log))
    parts.append("</figure>")
    return "".join(parts)
