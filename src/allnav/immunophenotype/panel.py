"""The case's markers keyed by canonical name, read three-valued (True / False / None = not tested).

The known-marker table is the data file ``markers.yaml``. A marker is *positive* when the lab said so
(``MarkerValue.positive``); when the lab gave only a percentage, the EGIL convention decides (surface
>= 20%, cytoplasmic >= 10% of blasts, clinical_rules.md C3). *Strong* means positive without a
``dim``/``weak`` qualifier: a plain ``pos`` is read as normal-intensity expression, and the
``because`` lines say so.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict

from allnav.case.model import MarkerValue
from allnav.errors import KnowledgeBaseError
from allnav.knowledge.tables import load_table

Compartment = Literal["surface", "cytoplasmic", "nuclear", "cytochemistry", "unstated"]
LineageName = Literal["B", "T", "myeloid"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MarkerInfo(_Frozen):
    """One row of the known-marker table."""

    name: str
    compartment: Compartment
    lineages: tuple[LineageName, ...] = ()
    aliases: tuple[str, ...] = ()


class Positivity(_Frozen):
    surface_pct: float
    cytoplasmic_pct: float


class MarkerTable(_Frozen):
    """The whole ``markers.yaml`` file."""

    source: str
    version: str
    date: str
    positivity: Positivity
    markers: tuple[MarkerInfo, ...]
    egil_points: dict[str, dict[str, float]]

    def lookup(self) -> dict[str, MarkerInfo]:
        """Case-insensitive map from every accepted spelling to its row."""
        out: dict[str, MarkerInfo] = {}
        for m in self.markers:
            for spelling in (m.name, *m.aliases):
                key = _key(spelling)
                if key in out:
                    raise KnowledgeBaseError(f"markers.yaml: spelling {spelling!r} used twice")
                out[key] = m
        return out


def _key(name: str) -> str:
    return name.strip().replace(" ", "").replace("_", "").lower()


@functools.cache
def marker_table() -> MarkerTable:
    """The validated known-marker table (read once)."""
    table = load_table("allnav.immunophenotype", "markers.yaml", MarkerTable)
    table.lookup()  # checks for duplicate spellings
    return table


@functools.cache
def _lookup() -> dict[str, MarkerInfo]:
    return marker_table().lookup()


def fmt(x: float) -> str:
    """A number as people write it: 20.0 -> '20', 19.9 -> '19.9'."""
    return f"{x:g}"


@dataclass(frozen=True)
class Panel:
    """The case's immunophenotype, canonicalised."""

    values: Mapping[str, MarkerValue]
    written_as: Mapping[str, str]
    info: Mapping[str, MarkerInfo]
    unknown: tuple[str, ...]
    notes: tuple[str, ...]
    #: each reported marker's positive call (:meth:`positive`), made once
    _positive: Mapping[str, bool | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_positive", {name: self._call(name) for name in self.values})

    @classmethod
    def of(cls, markers: Mapping[str, MarkerValue]) -> Panel:
        """Canonicalise the case's markers; unknown names are kept aside, duplicates noted."""
        lookup = _lookup()
        values: dict[str, MarkerValue] = {}
        written: dict[str, str] = {}
        info: dict[str, MarkerInfo] = {}
        unknown: list[str] = []
        notes: list[str] = []
        for name, value in markers.items():
            row = lookup.get(_key(name))
            if row is None:
                unknown.append(name)
                continue
            if row.name in values:
                notes.append(f"{name} and {written[row.name]} both name {row.name}; the first is used")
                continue
            if row.name != name:
                notes.append(f"marker {name!r} read as {row.name}")
            values[row.name] = value
            written[row.name] = name
            info[row.name] = row
        if "CD3" in values:
            notes.append("CD3 given without c/s prefix: counts for T lineage, not as surface CD3 for staging")
        return cls(values, written, info, tuple(unknown), tuple(notes))

    def tested(self, name: str) -> bool:
        """Whether the marker was reported at all (with a readable call or percentage)."""
        return self.positive(name) is not None or self.percent(name) is not None

    def percent(self, name: str) -> float | None:
        """% of blasts positive, when the lab gave one."""
        v = self.values.get(name)
        return None if v is None else v.percent

    def positive(self, name: str) -> bool | None:
        """Positive call: the lab's own, else the EGIL percentage convention, else None."""
        return self._positive.get(name)

    def _call(self, name: str) -> bool | None:
        v = self.values.get(name)
        if v is None:
            return None
        if v.positive is not None:
            return v.positive
        if v.percent is None:
            return None
        return v.percent >= self._cutoff(name)

    def strong(self, name: str) -> bool | None:
        """Positive and not qualified as dim/weak (None when not tested)."""
        pos = self.positive(name)
        if pos is None:
            return None
        return pos and not self.dim(name)

    def dim(self, name: str) -> bool:
        """Positive with a dim/weak qualifier."""
        v = self.values.get(name)
        return v is not None and v.intensity in ("dim", "weak") and self.positive(name) is True

    def _cutoff(self, name: str) -> float:
        pos = marker_table().positivity
        row = self.info.get(name)
        inside = row is not None and row.compartment in ("cytoplasmic", "nuclear", "cytochemistry")
        return pos.cytoplasmic_pct if inside else pos.surface_pct

    def describe(self, name: str) -> str:
        """``'CD5 = 30 (30% of blasts; positive by the EGIL >= 20% convention)'`` style text."""
        v = self.values.get(name)
        if v is None:
            return f"{name} not reported"
        label = name if self.written_as.get(name, name) == name else f"{name} (as {self.written_as[name]})"
        parts = []
        if v.percent is not None:
            parts.append(f"{fmt(v.percent)}% of blasts")
        if v.intensity is not None:
            parts.append(v.intensity)
        if v.positive is None and v.percent is not None:
            parts.append(
                f"{'positive' if self.positive(name) else 'negative'} by the EGIL "
                f">= {fmt(self._cutoff(name))}% convention"
            )
        elif v.positive is not None and v.intensity is None and v.positive:
            parts.append("intensity not stated")
        extra = f" ({'; '.join(parts)})" if parts else ""
        return f"{label} = {v.raw}{extra}"
