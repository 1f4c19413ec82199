"""Immunophenotype parsing: marker names to canonical spelling, marker texts to :class:`MarkerValue`.

Conventions (``markers.yaml``): ``pos``/``+``/``positive`` -> positive; ``neg``/``-`` -> negative;
``dim``/``weak``/``bright``/``strong``/``partial`` -> positive with that intensity; ``equivocal`` (and
``not done``, ``+/-``) -> positive unknown (None). A number, or a bare ``40%``, is the percent of blasts
positive and reads as positive at >= 20% for surface markers and >= 10% for cytoplasmic/nuclear ones (EGIL,
clinical_rules.md C3); a word always wins over the number (``neg (25%)`` stays negative) and the percent
is kept for downstream rules.

>>> parse_marker_value("CD19", "pos (strong)")
MarkerValue(raw='pos (strong)', positive=True, percent=None, intensity='strong')
>>> canonical_marker("cyCD3")
('cCD3', True)
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any, Literal

from allnav.case.model import Case, MarkerValue
from allnav.case.tables import Compartment, markers_table
from allnav.errors import KnowledgeBaseError

__all__ = ["MarkerTextError", "canonical_marker", "compartment", "parse_marker_value", "unknown_markers"]

_STRIP = re.compile(r"[\s\-_.()/\[\],]+")
_CD = re.compile(
    r"^(?P<pre>c|cy|cyt|cyto|cytoplasmic|ic|i|s|m|surface|membrane)?cd(?P<num>\d+)(?P<suf>[a-z]*)$"
)
_CYTO_PREFIXES = {"c", "cy", "cyt", "cyto", "cytoplasmic", "ic", "i"}

Intensity = Literal["dim", "weak", "strong", "bright", "partial"]
_POSITIVE = {"pos", "positive", "+", "present", "expressed", "yes", "++", "+++"}
_NEGATIVE = {"neg", "negative", "-", "absent", "no", "notexpressed"}
_UNKNOWN = {
    "equivocal",
    "indeterminate",
    "inconclusive",
    "borderline",
    "?",
    "+/-",
    "nd",
    "notdone",
    "na",
    "unknown",
}
_INTENSITY: dict[str, Intensity] = {
    "dim": "dim",
    "weak": "weak",
    "strong": "strong",
    "bright": "bright",
    "partial": "partial",
    "heterogeneous": "partial",
    "variable": "partial",
    "subset": "partial",
    "++": "strong",
    "+++": "bright",
}
_FILLER = {"on", "of", "in", "the", "blasts", "cells", "population"}  # 'pos on 60% of blasts'
_PERCENT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*%")
ACCEPTED_TEXT = (
    "pos | neg | dim | weak | bright | strong | partial | equivocal | + | - | a percent of blasts (40 or '40%') "
    "| a word with a percent ('neg (2%)', 'dim 30%')"
)


class MarkerTextError(ValueError):
    """A marker value that cannot be read; ``accepted`` names the accepted forms."""

    def __init__(self, message: str, *, implausible: bool = False) -> None:
        super().__init__(message)
        self.accepted = ACCEPTED_TEXT if not implausible else "0-100 (% of blasts)"
        self.implausible = implausible


def _key(name: str) -> str:
    return _STRIP.sub("", name.strip().lower())


@functools.cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for canonical, marker in markers_table().markers.items():
        for spelling in (canonical, *marker.aliases):
            k = _key(spelling)
            if index.setdefault(k, canonical) != canonical:
                raise KnowledgeBaseError(f"markers.yaml: {spelling!r} names both {index[k]} and {canonical}")
    return index


@functools.lru_cache(maxsize=4096)
def canonical_marker(name: str) -> tuple[str, bool]:
    """The canonical spelling of a marker name and whether it is a known marker.

    Unknown names are kept (a CD number still gets the ``CD``/``c`` spelling), never refused.
    """
    index = _index()
    k = _key(name)
    if k in index:
        return index[k], True
    m = _CD.match(k)
    if m is None:
        return name.strip(), False
    suffix = m["suf"] if len(m["suf"]) <= 1 else m["suf"].upper()
    base = f"CD{m['num']}{suffix}"
    pre = m["pre"] or ""
    if pre in _CYTO_PREFIXES:
        spelled = "c" + base
        return index.get(_key(spelled), spelled), _key(spelled) in index
    known = _key(base) in index
    return (index[_key(base)] if known else base), known


def compartment(canonical: str) -> Compartment:
    """The compartment of a canonical marker name (``unspecified`` when unknown)."""
    marker = markers_table().markers.get(canonical)
    if marker is not None:
        return marker.compartment
    return "cytoplasmic" if canonical.startswith("c") and canonical[1:2].isupper() else "unspecified"


def _threshold(canonical: str) -> float:
    return markers_table().thresholds_pct[compartment(canonical)]


def _from_percent(canonical: str, raw: str, percent: float) -> MarkerValue:
    if not 0 <= percent <= 100:
        raise MarkerTextError(f"percent of blasts {percent:g} is outside 0-100", implausible=True)
    return MarkerValue(raw=raw, positive=percent >= _threshold(canonical), percent=float(percent))


def parse_marker_value(canonical: str, value: Any) -> MarkerValue | None:
    """Read one marker value (text, number, boolean or a MarkerValue mapping); None for a null value.

    Raises :class:`MarkerTextError` for text that says nothing readable or a percent outside 0-100.
    """
    if type(value) is str:  # the usual case, first
        return _parse_text(canonical, value)
    if value is None:
        return None
    if isinstance(value, MarkerValue):
        return value
    if isinstance(value, bool):
        return MarkerValue(raw=str(value).lower(), positive=value)
    if isinstance(value, int | float):
        if (isinstance(value, int) and abs(value) > 10**6) or not math.isfinite(value):
            raise MarkerTextError(f"{value!r} is not a percent", implausible=True)
        return _from_percent(canonical, f"{value:g}", float(value))
    if isinstance(value, dict):
        return MarkerValue.model_validate(value, strict=True)
    if not isinstance(value, str):
        raise MarkerTextError(f"a marker value must be text or a number, not {type(value).__name__}")
    return _parse_text(canonical, value)


@functools.lru_cache(maxsize=8192)
def _parse_text(canonical: str, text: str) -> MarkerValue:  # MarkerValue is frozen: sharing is safe
    raw = text.strip()
    low = raw.lower()
    percents = _PERCENT.findall(low)
    if len(percents) > 1:
        raise MarkerTextError(f"{raw!r} gives more than one percent")
    rest = _PERCENT.sub(" ", low)
    if re.fullmatch(r"\s*\d+(?:\.\d+)?\s*", rest) and not percents:
        return _from_percent(canonical, raw, float(rest))
    rest = rest.replace("not done", "notdone").replace("not expressed", "notexpressed")
    words = [w for w in re.split(r"[\s,;()]+", rest) if w]
    positive: bool | None = None
    decided = False
    intensity: Intensity | None = None
    for w in words:
        if w in _FILLER:
            continue
        if w in _INTENSITY and intensity is None:
            intensity = _INTENSITY[w]
        if w in _POSITIVE or w in _INTENSITY:
            verdict: bool | None = True
        elif w in _NEGATIVE:
            verdict = False
        elif w in _UNKNOWN:
            verdict = None
        else:
            raise MarkerTextError(f"cannot read {w!r} in {raw!r}")
        if decided and verdict != positive:
            raise MarkerTextError(f"{raw!r} says both {positive} and {verdict}")
        positive, decided = verdict, True
    percent = float(percents[0]) if percents else None
    if percent is not None and not 0 <= percent <= 100:
        raise MarkerTextError(f"percent of blasts {percent:g} is outside 0-100", implausible=True)
    if not decided:
        if percent is None:
            raise MarkerTextError(f"{raw!r} says nothing readable")
        return _from_percent(canonical, raw, percent)
    if positive is False:
        intensity = None
    return MarkerValue(raw=raw, positive=positive, percent=percent, intensity=intensity)


def unknown_markers(case: Case) -> list[str]:
    """Marker names in the case (diagnosis and timeline panels) not in the canonical table, in order.

    Unknown markers are kept in the case, never refused; this lists them for the output.
    """
    known = markers_table().markers
    panels = [case.immunophenotype, *(e.immunophenotype for e in case.timeline if e.immunophenotype)]
    return list(dict.fromkeys(name for panel in panels for name in panel if name not in known))
