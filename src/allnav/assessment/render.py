"""Human-readable text for assessments and karyotype features (the CLI's non-JSON output)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeGuard

from allnav.treatment.render import plan_lines

_DIAGNOSTIC_KEYS = (
    ("diagnosis", "Diagnosis"),
    ("lineage", "Lineage"),
    ("who2016", "WHO 2016"),
    ("who2022", "WHO-HAEM5 (2022)"),
    ("icc2022", "ICC 2022"),
    ("icd10cm", "ICD-10-CM"),
    ("ph_positive", "Ph-positive"),
    ("etp", "ETP phenotype"),
    ("mpal", "Mixed phenotype"),
    ("b_stage", "B maturation stage"),
    ("t_stage", "T maturation stage"),
    ("cns_status", "CNS status"),
    ("testicular", "Testicular involvement"),
    ("genetic_risk", "Genetic risk"),
    ("response", "Response"),
    ("mrd", "MRD"),
)


def _is_conclusion(obj: Any) -> TypeGuard[Mapping[str, Any]]:
    return isinstance(obj, Mapping) and "rule" in obj and "value" in obj


def _plain(obj: Any) -> Any:
    return obj.get("value") if _is_conclusion(obj) else obj


def _fmt_value(obj: Any) -> str:
    if obj is None:
        return "unknown"
    if isinstance(obj, bool):
        return "yes" if obj else "no"
    if isinstance(obj, float):
        return f"{obj:g}"
    if isinstance(obj, list | tuple):
        return ", ".join(_fmt_value(v) for v in obj) or "none"
    return str(obj)


def _conclusion_lines(title: str, c: Mapping[str, Any], detail: bool, indent: str = "") -> list[str]:
    value = c.get("value")
    extra = []
    for key in ("substatus", "icdo3", "scheme", "status", "direction", "severity", "grade"):
        if c.get(key) not in (None, "", []):
            extra.append(f"{key} {_fmt_value(c[key])}")
    head = f"{indent}{title}: {_fmt_value(value)}"
    if extra:
        head += f"  ({'; '.join(extra)})"
    lines = [head]
    if detail:
        for reason in c.get("because", []):
            lines.append(f"{indent}    because {reason}")
        lines.append(f"{indent}    rule {c.get('rule')} v{c.get('rule_version')}")
        for src in c.get("sources", []):
            lines.append(f"{indent}    source: {src}")
    return lines


def render_text(result: Mapping[str, Any], detail: bool = False) -> str:
    """The assessment (or an error envelope) as plain text for people."""
    if "error" in result:
        return _render_error(result["error"])
    lines = [
        (
            f"allnav {result.get('allnav_version')} · knowledge {result.get('knowledge_version')}"
            f" · case {result.get('case_id')}"
        ),
        "Decision support only: check every conclusion against its sources.",
        "",
    ]
    for key, title in _DIAGNOSTIC_KEYS:
        c = result.get(key)
        if _is_conclusion(c):
            lines.extend(_conclusion_lines(title, c, detail))
        elif isinstance(c, Mapping) and c:
            lines.append(
                f"{title}: " + ", ".join(f"{k} {_fmt_value(v)}" for k, v in c.items() if v is not None)
            )
    ploidy = result.get("ploidy")
    if isinstance(ploidy, Mapping) and ploidy.get("modal_number") is not None:
        lines.append(f"Ploidy: {ploidy.get('modal_number')} chromosomes ({ploidy.get('ploidy_class')})")
    factors = result.get("prognostic_factors") or []
    if factors:
        lines += ["", "Prognostic factors:"]
        for f in factors:
            lines.extend(_conclusion_lines(f"{f.get('id')} [{f.get('direction')}]", f, detail, "  "))
    for key, title in (("alerts", "Alerts"), ("pending", "Pending (tests that would settle open questions)")):
        items = result.get(key) or []
        if items:
            lines += ["", f"{title}:"]
            for item in items:
                if _is_conclusion(item):
                    lines.extend(_conclusion_lines(str(item.get("severity", "alert")), item, detail, "  "))
                else:
                    lines.append(f"  - {item.get('test')}: {item.get('why')}")
    lines += _course_lines(result)
    lines += _safety_lines(result.get("safety"), detail)
    plan = result.get("treatment_plan")
    if isinstance(plan, Mapping) and plan:
        lines += ["", *plan_lines(plan, detail)]
    lines += _followup_lines(result.get("followup"))
    return "\n".join(lines)


def _course_lines(result: Mapping[str, Any]) -> list[str]:
    """The course over time: each assessed timepoint's status and every MRD result, by day."""
    events: list[tuple[int, str]] = []
    for item in result.get("response_history") or []:
        if isinstance(item, Mapping) and item.get("timepoint") is not None:
            extra = f" ({item['relapse_site']})" if item.get("relapse_site") else ""
            reported = " [reported elsewhere]" if item.get("reported") else ""
            events.append((int(item["timepoint"]), f"response {item.get('value')}{extra}{reported}"))
    mrd = result.get("mrd")
    for item in (mrd.get("history") or []) if isinstance(mrd, Mapping) else []:
        if isinstance(item, Mapping) and item.get("day") is not None:
            level = item.get("level")
            text = f"MRD {item.get('status')}" + (
                f" (level {level:g})" if isinstance(level, int | float) else ""
            )
            events.append((int(item["day"]), text))
    if not events:
        return []
    lines = ["", "Course (day from diagnosis):"]
    for day, text in sorted(events, key=lambda e: e[0]):
        lines.append(f"  day {day:>5}: {text}")
    return lines


def _grade(c: Any) -> str:
    value = _plain(c)
    return "not graded" if value is None else f"grade {value}"


def _safety_lines(safety: Any, detail: bool) -> list[str]:
    if not isinstance(safety, Mapping) or not safety:
        return []
    lines = ["", "Drug safety:"]
    ctcae = safety.get("ctcae") or {}
    if ctcae:
        parts = [f"{term.replace('_', ' ')} {_grade(c)}" for term, c in ctcae.items()]
        lines.append("  CTCAE v5: " + "; ".join(parts))
    tls = safety.get("tls") or {}
    if tls:
        lines.append(
            "  Tumour lysis: risk "
            + ", ".join(
                f"{k} {_fmt_value(_plain(tls.get(k)))}"
                for k in ("risk", "laboratory", "clinical")
                if k in tls
            )
        )
    for key, title in (("crs_grade", "CRS (ASTCT 2019)"), ("icans_grade", "ICANS (ASTCT 2019)")):
        if safety.get(key) is not None:
            lines.append(f"  {title}: {_grade(safety[key])}")
    anth = safety.get("anthracycline")
    if isinstance(anth, Mapping) and anth.get("doxorubicin_equivalent_mg_m2") is not None:
        limit = (anth.get("limit_mg_m2") or {}).get("warning")
        lines.append(
            f"  Cumulative anthracycline: {anth['doxorubicin_equivalent_mg_m2']:g} mg/m2 doxorubicin equivalents"
            f" ({anth.get('ratio_set_name') or anth.get('ratio_set')})"
            + (
                f", {100 * anth.get('fraction_of_limit', 0):.0f}% of the {limit:g} mg/m2 warning point"
                if limit
                else ""
            )
        )
    for check in safety.get("dose_checks") or []:
        if _is_conclusion(check):
            lines.extend(_conclusion_lines(f"dose check {check.get('check', '')}", check, detail, "  "))
    return lines


def _followup_lines(follow: Any) -> list[str]:
    if not isinstance(follow, Mapping) or not follow:
        return []
    interval = follow.get("interval_months")
    when = f"every {interval[0]}-{interval[1]} months" if interval else "not yet (on therapy)"
    lines = ["", f"Follow-up: {follow.get('status')}; visits {when}"]
    tests = follow.get("tests") or []
    if tests:
        lines.append(
            "  tests: " + ", ".join(str(t if not isinstance(t, Mapping) else t.get("test", t)) for t in tests)
        )
    return lines


def _render_error(err: Mapping[str, Any]) -> str:
    lines = [f"error {err.get('code')}: {err.get('message')}"]
    if err.get("excerpt"):
        lines.append(str(err["excerpt"]))
    for f in err.get("fields", []) or []:
        line = f"  {f.get('path')}: {f.get('message')} (got {f.get('value')!r})"
        if f.get("accepted"):
            line += f"; accepted: {f['accepted']}"
        if f.get("suggestion"):
            line += f"; did you mean {f['suggestion']!r}?"
        lines.append(line)
    return "\n".join(lines)


def render_features(feats: Mapping[str, Any]) -> str:
    """One karyotype's features as a small readable table."""
    if not feats.get("valid"):
        err = feats.get("error") or {}
        text = f"{feats.get('input')}\n  INVALID ({err.get('code')}): {err.get('message')} at position {err.get('position')}"
        if err.get("expected"):
            text += f"; expected {', '.join(map(str, err['expected']))}"
        return text
    rec = [k for k, v in (feats.get("recurrent") or {}).items() if v]
    rows = [
        ("karyotype", feats.get("input")),
        ("modal number", feats.get("modal_number")),
        ("ploidy", feats.get("ploidy_class")),
        ("sex chromosomes", feats.get("sex_chromosomes")),
        ("cell lines", feats.get("clone_count")),
        ("normal", feats.get("normal")),
        ("abnormalities", feats.get("abnormality_count")),
        ("complex (>= 5)", feats.get("complex")),
        ("recurrent", rec or "none"),
    ]
    for w in feats.get("warnings") or []:
        rows.append(("warning", w))
    return "\n".join(f"  {k:<16} {_fmt_value(v)}" for k, v in rows)
