"""Reading the RNA-seq subtype classifiers' output as genetics findings.

ALLSorts (B-ALL) writes ``probabilities.csv`` (samples x subtypes, rounded to 3 decimals, plus a ``Pred``
column with the call, several calls joined by commas) and ``predictions.csv`` (``Prediction``).
TALLSorts (T-ALL) writes ``probabilities.csv`` (index label ``Sample``, eight subtype columns) and
``predictions.csv`` (``Predictions``), where ``Unclassified`` is a possible call.

Each called subtype becomes a finding ``{"finding", "result": "detected", "method", "probability"}``;
"Unclassified" becomes an ``indeterminate`` finding, so the case says the classifier was run and gave no
call. Labels are translated through ``rnaseq_labels.yaml``; an unknown label is an error, never a guess.
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import io
from typing import Any

import yaml

from allnav.errors import InteropError

ALLSORTS = "ALLSorts (RNA-seq subtype classifier)"
TALLSORTS = "TALLSorts (RNA-seq subtype classifier)"


@functools.cache
def _labels() -> dict[str, Any]:
    text = (
        importlib.resources.files("allnav.interop").joinpath("rnaseq_labels.yaml").read_text(encoding="utf-8")
    )
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _rows(text: str, origin: str) -> tuple[list[str], list[list[str]]]:
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise InteropError(f"{origin}: expected a header and at least one sample row")
    return rows[0], rows[1:]


def _which(columns: list[str], origin: str) -> str:
    labels = _labels()
    cols = {c.strip() for c in columns[1:]}
    if cols & set(labels["tallsorts"]) and not cols & set(labels["allsorts"]):
        return "tallsorts"
    if cols & set(labels["allsorts"]) or "Pred" in cols or "Prediction" in cols:
        return "allsorts"
    if "Predictions" in cols:
        return "tallsorts"
    raise InteropError(f"{origin}: neither ALLSorts nor TALLSorts output (columns {sorted(cols)})")


def read_subtype_calls(
    probabilities: str, predictions: str | None = None, origin: str = "probabilities.csv"
) -> dict[str, list[dict[str, Any]]]:
    """Per sample, the genetics findings the classifier's output supports."""
    header, rows = _rows(probabilities, origin)
    tool = _which(header, origin)
    table: dict[str, str] = _labels()[tool]
    method = ALLSORTS if tool == "allsorts" else TALLSORTS
    calls: dict[str, list[str]] = {}
    if predictions is not None:
        p_header, p_rows = _rows(predictions, "predictions.csv")
        col = next((i for i, c in enumerate(p_header) if c.strip() in ("Prediction", "Predictions")), None)
        if col is None:
            raise InteropError("predictions.csv: no Prediction(s) column")
        calls = {r[0]: [x.strip() for x in r[col].split(",") if x.strip()] for r in p_rows}
    out: dict[str, list[dict[str, Any]]] = {}
    pred_col = next((i for i, c in enumerate(header) if c.strip() == "Pred"), None)
    for lineno, row in enumerate(rows, start=2):
        sample = row[0].strip()
        probs: dict[str, float] = {}
        for name, cell in zip(header[1:], row[1:], strict=False):
            name = name.strip()
            if name in table:
                try:
                    probs[name] = float(cell)
                except ValueError as exc:
                    raise InteropError(
                        f"{origin} line {lineno}: probability {cell!r} for {name} is not a number"
                    ) from exc
                if not 0.0 <= probs[name] <= 1.0:
                    raise InteropError(
                        f"{origin} line {lineno}: probability {probs[name]} for {name} is outside 0-1"
                    )
        called = calls.get(sample)
        if called is None and pred_col is not None:
            called = [x.strip() for x in row[pred_col].split(",") if x.strip()]
        if called is None:
            raise InteropError(f"{origin}: no call for sample {sample!r}: give predictions.csv too")
        findings: list[dict[str, Any]] = []
        for label in called:
            if label == "Unclassified":
                findings.append({"finding": "RNA-seq subtype", "result": "indeterminate", "method": method})
                continue
            if label not in table:
                raise InteropError(f"{origin}: unknown {tool} label {label!r} for sample {sample!r}")
            finding: dict[str, Any] = {"finding": table[label], "result": "detected", "method": method}
            if label in probs:
                finding["probability"] = probs[label]
            findings.append(finding)
        out[sample] = findings
    return out
