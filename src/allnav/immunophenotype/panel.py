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


@functools.cache
def _exact() -> dict[str, MarkerInfo]:
    """Each accepted spelling exactly as listed -> its row: names already canonical skip :func:`_key`.

    ``_lookup()[_key(s)]`` is the row of every listed spelling ``s`` (spellings are unique after
    :func:`_key`), so this gives the same row for those names.
    """
    return {spelling: m for m in marker_table().markers for spelling in (m.name, *m.aliases)}


_INSIDE = ("cytoplasmic", "nuclear", "cytochemistry")
_DIM = ("dim", "weak")


def _cutoff_of(row: MarkerInfo | None) -> float:
    """The EGIL positivity cut-off (% of blasts) for a marker's compartment (C3)."""
    pos = marker_table().positivity
    inside = row is not None and row.compartment in _INSIDE
    return pos.cytoplasmic_pct if inside else pos.surface_pct


@functools.cache
def _cutoffs() -> dict[str, float]:
    """Each known marker's canonical name -> its EGIL positivity cut-off (:func:`_cutoff_of`)."""
    return {m.name: _cutoff_of(m) for m in marker_table().markers}


def fmt(x: float) -> str:
    """A number as people write it: 20.0 -> '20', 19.9 -> '19.9'."""
    return f"{x:g}"


class Panel:
    """The case's immunophenotype, canonicalised (immutable: built once by :meth:`of`).

    The per-marker calls (:meth:`positive`, :meth:`strong`) are made once, when the panel is built;
    :meth:`describe` texts once: those of plain ``pos`` / ``neg`` markers when the panel is built, the
    others when first asked for.
    """

    __slots__ = ("calls", "notes", "strong_calls", "texts", "unknown", "values", "written_as")

    def __init__(
        self,
        values: dict[str, MarkerValue],
        written_as: dict[str, str],
        unknown: tuple[str, ...],
        notes: tuple[str, ...],
        calls: dict[str, bool | None],
        strong_calls: dict[str, bool | None],
        described: dict[str, str] | None = None,
    ) -> None:
        self.values: Mapping[str, MarkerValue] = values
        #: the name as the case wrote it, for the markers written under another spelling (by canonical name)
        self.written_as: Mapping[str, str] = written_as
        self.unknown = unknown
        self.notes = notes
        #: each reported marker's positive call (:meth:`positive`), by canonical name
        self.calls = calls
        #: each reported marker's strong call (:meth:`strong`), by canonical name
        self.strong_calls = strong_calls
        #: :meth:`describe` texts made so far, by name (:meth:`of` makes those of plain 'pos' / 'neg'
        #: markers); hot paths read ``texts.get(name) or describe(name)``, a dict look-up before a call
        self.texts: dict[str, str] = {} if described is None else described

    @classmethod
    def of(cls, markers: Mapping[str, MarkerValue]) -> Panel:
        """Canonicalise the case's markers; unknown names are kept aside, duplicates noted."""
        exact = _exact()  # the other spellings (_lookup) and the cut-offs are rarely needed
        values: dict[str, MarkerValue] = {}
        written: dict[str, str] = {}
        positive: dict[str, bool | None] = {}
        strong: dict[str, bool | None] = {}
        described: dict[str, str] = {}
        unknown: list[str] = []
        notes: list[str] = []
        for name, value in markers.items():
            row = exact.get(name)
            if row is None:
                row = _lookup().get(_key(name))
                if row is None:
                    unknown.append(name)
                    continue
            canonical = row.name
            if canonical in values:
                first = written.get(canonical, canonical)
                notes.append(f"{name} and {first} both name {canonical}; the first is used")
                continue
            values[canonical] = value
            call = value.positive
            if canonical != name:
                written[canonical] = name
                notes.append(f"marker {name!r} read as {canonical}")
            elif value.intensity is None and value.percent is None:
                # the usual plain 'pos' / 'neg': its :meth:`describe` text now, as :meth:`_describe` words it
                described[name] = (
                    f"{name} = {value.raw} (intensity not stated)" if call else f"{name} = {value.raw}"
                )
                positive[name] = strong[name] = call
                continue
            if call is None:
                percent = value.percent
                if percent is None:
                    positive[canonical] = strong[canonical] = None
                    continue
                call = percent >= _cutoffs()[canonical]
            positive[canonical] = call
            strong[canonical] = call and value.intensity not in _DIM
        if "CD3" in values:
            notes.append("CD3 given without c/s prefix: counts for T lineage, not as surface CD3 for staging")
        return cls(values, written, tuple(unknown), tuple(notes), positive, strong, described)

    def tested(self, name: str) -> bool:
        """Whether the marker was reported at all (with a readable call or percentage)."""
        v = self.values.get(name)
        return v is not None and (self.calls[name] is not None or v.percent is not None)

    def percent(self, name: str) -> float | None:
        """% of blasts positive, when the lab gave one."""
        v = self.values.get(name)
        return None if v is None else v.percent

    def positive(self, name: str) -> bool | None:
        """Positive call: the lab's own, else the EGIL percentage convention, else None."""
        return self.calls.get(name)

    def strong(self, name: str) -> bool | None:
        """Positive and not qualified as dim/weak (None when not tested)."""
        return self.strong_calls.get(name)

    def dim(self, name: str) -> bool:
        """Positive with a dim/weak qualifier."""
        return self.calls.get(name) is True and not self.strong_calls[name]

    @property
    def info(self) -> Mapping[str, MarkerInfo]:
        """Each reported marker's row of the known-marker table, by canonical name (built when asked)."""
        exact = _exact()
        return {name: exact[name] for name in self.values}

    def row(self, name: str) -> MarkerInfo | None:
        """The known-marker table row of a reported marker (None when not reported)."""
        return _exact()[name] if name in self.values else None

    def _cutoff(self, name: str) -> float:
        return _cutoff_of(self.row(name))

    def describe(self, name: str) -> str:
        """``'CD5 = 30 (30% of blasts; positive by the EGIL >= 20% convention)'`` style text."""
        text = self.texts.get(name)
        if text is None:
            text = self.texts[name] = self._describe(name)
        return text

    def _describe(self, name: str) -> str:
        v = self.values.get(name)
        if v is None:
            return f"{name} not reported"
        written = self.written_as.get(name)
        label = name if written is None else f"{name} (as {written})"
        if v.percent is None and v.intensity is None:  # the usual 'pos' / 'neg'
            return f"{label} = {v.raw} (intensity not stated)" if v.positive else f"{label} = {v.raw}"
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
