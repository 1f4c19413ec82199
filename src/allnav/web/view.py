"""The patient page's view model: one dict that the HTML page renders and its JSON twin returns as is.

Every conclusion in it is the stored assessment's (the engine's); this module only selects and lays out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from allnav.services import patients as svc
from allnav.services.views import patient_view
from allnav.store.models import Patient
from allnav.web import charts, phases

CHART_TITLES = {
    "counts": "Blood counts (ANC ×10⁹/L, platelets ×10⁹/L drawn ÷100, haemoglobin g/dL)",
    "blasts": "Blasts (%)",
    "mrd": "MRD (fraction of cells, log scale)",
}


def _mapping(node: Any) -> Mapping[str, Any]:
    return node if isinstance(node, Mapping) else {}


def anthracycline_text(out: Mapping[str, Any]) -> str | None:
    """Cumulative anthracycline against its limit, as one line (from ``safety.anthracycline``)."""
    anth = _mapping(_mapping(out.get("safety")).get("anthracycline"))
    dose = anth.get("doxorubicin_equivalent_mg_m2")
    if not isinstance(dose, int | float):
        return None
    limit = _mapping(anth.get("limit_mg_m2")).get("warning")
    text = f"{dose:g} mg/m² doxorubicin-equivalent"
    if isinstance(limit, int | float) and limit:
        fraction = anth.get("fraction_of_limit")
        share = f" ({fraction:.0%})" if isinstance(fraction, int | float) else ""
        text += f" of a {limit:g} mg/m² limit{share}"
    return text


def thresholds(out: Mapping[str, Any]) -> list[tuple[float, str]]:
    """The MRD threshold the engine applied, drawn on the MRD chart."""
    threshold = _mapping(out.get("mrd")).get("threshold")
    if isinstance(threshold, int | float) and not isinstance(threshold, bool):
        return [(float(threshold), f"MRD threshold {threshold:g}")]
    return []


def patient_page(session: Session, patient: Patient) -> dict[str, Any]:
    """The patient, case file, stored assessment, chart series, phase timeline and anthracycline line."""
    case = svc.current_case(session, patient)
    stored = svc.latest_assessment(session, patient.id)
    out: dict[str, Any] = stored.output if stored is not None else {}
    series = charts.series_from_case(case)
    return {
        "patient": patient_view(patient, None),
        "case": case,
        "assessment": {
            "case_version": stored.case_version if stored else None,
            "allnav_version": stored.allnav_version if stored else None,
            "knowledge_version": stored.knowledge_version if stored else None,
            "output": out,
        },
        "charts": {key: {"title": CHART_TITLES[key], "series": s} for key, s in series.items()},
        "mrd_thresholds": thresholds(out),
        "phases": phases.as_json(phases.phase_timeline(case, out)),
        "anthracycline": anthracycline_text(out),
    }


def drawn_charts(model: Mapping[str, Any]) -> dict[str, str]:
    """The model's charts as inline SVG figures (MRD on a log scale with its threshold)."""
    c = model["charts"]
    return {
        key: charts.line_chart(
            key,
            c[key]["title"],
            c[key]["series"],
            log=key == "mrd",
            thresholds=model["mrd_thresholds"] if key == "mrd" else (),
        )
        for key in ("counts", "blasts", "mrd")
    }
