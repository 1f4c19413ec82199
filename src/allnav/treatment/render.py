"""Readable text for a treatment plan (for ``allnav explain``); the JSON stays as in contracts.md."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _v(x: Any) -> Any:
    return x.get("value") if isinstance(x, Mapping) else x


def _name(o: Mapping[str, Any]) -> str:
    return str(o.get("drug") or o.get("product") or o.get("regimen") or o.get("approach") or "?")


def plan_lines(plan: Mapping[str, Any], detail: bool = False) -> list[str]:
    """The plan as indented lines: phase now/next, each phase with its options, transplant, R/R options."""
    lines = [f"Treatment phase now: {_v(plan.get('phase_now'))}; next: {_v(plan.get('phase_next'))}"]
    for key in ("phase_now", "phase_next"):
        c = plan.get(key)
        if detail and isinstance(c, Mapping):
            lines.extend(f"    because {b}" for b in c.get("because", []))
    for ph in plan.get("phases") or []:
        lines.append(f"  {ph.get('phase')} [{ph.get('status', '')}]  (rule {ph.get('rule')})")
        lines.extend(f"      - {r}" for r in ph.get("reasons", []))
        for o in ph.get("options", []):
            status = f" [{o['label_status']}]" if o.get("label_status") else ""
            lines.append(f"      option: {_name(o)}{status}")
            if detail:
                lines.extend(f"          why: {w}" for w in o.get("why", []))
    t = plan.get("transplant")
    if isinstance(t, Mapping):
        lines.append(f"  allogeneic HCT: {t.get('value')}  (rule {t.get('rule')})")
        lines.extend(f"      - {b}" for b in t.get("because", []))
    if plan.get("options"):
        lines.append("  relapsed/refractory options:")
        for o in plan["options"]:
            lines.append(f"      {_name(o)} [{o.get('label_status')}]")
            lines.extend(
                f"          why: {w}" for w in (o.get("why", []) if detail else o.get("why", [])[:3])
            )
    if plan.get("excluded"):
        lines.append("  not suitable:")
        lines.extend(f"      {_name(o)}: {(o.get('why') or ['?'])[0]}" for o in plan["excluded"])
    return lines
