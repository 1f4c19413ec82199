"""The case package's data files (units.yaml, plausibility.yaml, markers.yaml), read once and validated.

Each file states its source, version and date; unknown keys are refused (``extra="forbid"``), so a typo in
a table fails when it is first loaded, never silently on a patient.
"""

from __future__ import annotations

import functools
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, model_validator

from allnav.errors import KnowledgeBaseError
from allnav.knowledge.tables import read_table, validate_table

Group = Literal[
    "count_concentration",
    "mass_concentration",
    "substance_concentration",
    "catalytic_concentration",
    "fraction",
    "temperature",
    "area",
    "mass",
    "time",
]


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UcumUnit(_Table):
    pint: str
    group: Group
    per_valence: bool = False
    note: str | None = None


class Analyte(_Table):
    molar_mass_g_per_mol: float
    valence: int | None = None
    source: str


class FieldUnits(_Table):
    default: str
    groups: tuple[Group, ...]
    analyte: str | None = None
    mixup: tuple[str, ...] = ()


class UnitsTable(_Table):
    source: str
    version: str
    date: str
    aliases: dict[str, str]
    ucum: dict[str, UcumUnit]
    analytes: dict[str, Analyte]
    fields: dict[str, FieldUnits]
    medication_units: dict[str, tuple[str, ...]]
    routes: dict[str, tuple[str, ...]]

    @model_validator(mode="after")
    def _consistent(self) -> UnitsTable:
        for alias, code in self.aliases.items():
            if code not in self.ucum:
                raise ValueError(f"alias {alias!r} maps to unknown UCUM code {code!r}")
        for key, f in self.fields.items():
            for code in (f.default, *f.mixup):
                if code not in self.ucum:
                    raise ValueError(f"{key}: unknown UCUM code {code!r}")
            if self.ucum[f.default].group not in f.groups:
                raise ValueError(f"{key}: default unit {f.default!r} is outside the field's groups")
            if f.analyte is not None and f.analyte not in self.analytes:
                raise ValueError(f"{key}: unknown analyte {f.analyte!r}")
        return self


class Range(_Table):
    min: float
    max: float
    why: str


class PlausibilityTable(_Table):
    source: str
    version: str
    date: str
    ranges: dict[str, Range]


_T = TypeVar("_T", bound=BaseModel)

Compartment = Literal["surface", "cytoplasmic", "nuclear", "unspecified"]


class Marker(_Table):
    compartment: Compartment
    aliases: tuple[str, ...] = ()
    note: str | None = None


class MarkersTable(_Table):
    source: str
    version: str
    date: str
    thresholds_pct: dict[Compartment, float]
    markers: dict[str, Marker]


def _read(name: str) -> Any:
    return read_table("allnav.case", name)


def _build(model: type[_T], name: str) -> _T:
    return validate_table(_read(name), model, f"allnav.case/{name}")


@functools.cache
def units_table() -> UnitsTable:
    """The validated ``units.yaml`` (read once)."""
    return _build(UnitsTable, "units.yaml")


@functools.cache
def plausibility_table() -> PlausibilityTable:
    """The validated ``plausibility.yaml`` (read once)."""
    table = _build(PlausibilityTable, "plausibility.yaml")
    for key, r in table.ranges.items():
        if r.min > r.max:
            raise KnowledgeBaseError(f"plausibility.yaml: {key} has min > max")
    return table


@functools.cache
def markers_table() -> MarkersTable:
    """The validated ``markers.yaml`` (read once)."""
    return _build(MarkersTable, "markers.yaml")
