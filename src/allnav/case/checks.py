"""Field-level checks shared by the case validator: numbers, quantities with units, plausibility, dates.

Each check returns the cleaned value, or :data:`DROP` after recording a :class:`FieldProblem` in the
:class:`Problems` collector (all problems are collected; nothing stops at the first).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Mapping
from typing import Any, Final

from allnav.case import units
from allnav.case.tables import Range, plausibility_table
from allnav.errors import FieldProblem, UnitError

__all__ = ["DROP", "Problems", "check_date", "check_number", "check_quantity", "finite", "plausible_range"]


class _Drop:
    def __repr__(self) -> str:
        return "DROP"


DROP: Final = _Drop()


class Problems:
    """Collects field problems; ``kind`` is one of type, missing, unknown_field, unit, implausible, invalid."""

    def __init__(self) -> None:
        self.items: list[FieldProblem] = []

    def add(
        self,
        path: str,
        message: str,
        value: Any = None,
        *,
        kind: str = "invalid",
        accepted: str | None = None,
        suggestion: str | None = None,
    ) -> _Drop:
        """Record one problem and return :data:`DROP`."""
        self.items.append(FieldProblem(path, message, _jsonable(value), accepted, suggestion, {"kind": kind}))
        return DROP

    def covers(self, path: str) -> bool:
        """True when a problem was already recorded at ``path`` or at one of its parents."""
        return any(path == p.path or path.startswith((p.path + ".", p.path + "[")) for p in self.items)


def finite(value: Any) -> float | None:
    """``value`` as a float when it is a finite real number (not a boolean, not text), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        f = float(value)
    except OverflowError:
        return None
    return f if math.isfinite(f) else None


def _jsonable(value: Any, depth: int = 0) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value if len(value) <= 1000 else value[:1000] + "..."
    if isinstance(value, int):
        return value if finite(value) is not None else "<integer too large>"
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if depth > 3:  # a problem shows the value's outline, not a whole nested document
        return "..."
    if isinstance(value, Mapping):
        return {str(k)[:100]: _jsonable(v, depth + 1) for k, v in list(value.items())[:20]}
    if isinstance(value, list | tuple):
        return [_jsonable(v, depth + 1) for v in value[:20]]
    return repr(value)[:200]


def plausible_range(key: str) -> Range | None:
    """The plausibility range of a ``section.field`` key (default unit), if the field has one."""
    return plausibility_table().ranges.get(key)


def _fmt(x: float) -> str:
    return f"{x:g}"


def _range_text(key: str, r: Range) -> str:
    unit = units.default_unit(key) if units.is_quantity_field(key) else ""
    return f"{_fmt(r.min)}-{_fmt(r.max)}{' ' + unit if unit else ''}"


def check_number(value: Any, path: str, key: str, problems: Problems, *, integer: bool = False) -> Any:
    """A plain number (no units), in its plausibility range; an integral float is accepted for an int."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        what = "text" if isinstance(value, str) else type(value).__name__
        return problems.add(
            path, f"expected {'an integer' if integer else 'a number'}, got {what}", value, kind="type"
        )
    if finite(value) is None:
        return problems.add(path, "expected a finite number", value, kind="type")
    if integer:
        if isinstance(value, float) and not value.is_integer():
            return problems.add(path, "expected an integer", value, kind="type")
        value = int(value)
    return _plausible(value, value, path, key, problems)


def _plausible(
    converted: int | float,  # not just float: compiled (mypyc), a float parameter would turn an int into 2.0
    given: Any,
    path: str,
    key: str,
    problems: Problems,
    hint: str | None = None,
) -> Any:
    r = plausible_range(key)
    if r is None or r.min <= converted <= r.max:
        return converted
    shown = _fmt(converted) + (f" {units.default_unit(key)}" if units.is_quantity_field(key) else "")
    msg = f"implausible value {shown} ({r.why})"
    return problems.add(path, msg, given, kind="implausible", accepted=_range_text(key, r), suggestion=hint)


def _mixup_hint(key: str, value: float) -> str | None:
    from allnav.case.tables import units_table

    r = plausible_range(key)
    if r is None:
        return None
    for unit in units_table().fields[key].mixup:
        if r.min <= units.convert(key, value, unit) <= r.max:
            return f"{{value: {_fmt(value)}, unit: '{unit}'}}"
    return None


@functools.cache
def _accepted(key: str) -> str:
    """The accepted units of a quantity field, as shown in a problem (raises UnitError for another field)."""
    return ", ".join(units.accepted_units(key))


def check_quantity(value: Any, path: str, key: str, problems: Problems) -> Any:
    """A quantity: a bare number in the default unit, or ``{"value": x, "unit": UCUM}`` converted to it."""
    accepted = _accepted(key)
    if isinstance(value, Mapping):
        extra = sorted(str(k) for k in value if k not in ("value", "unit"))
        if extra or "value" not in value or "unit" not in value:
            return problems.add(
                path, f"a quantity is {{value, unit}}; got keys {sorted(map(str, value))}", value, kind="type"
            )
        number, unit = finite(value["value"]), value["unit"]
        if number is None:
            return problems.add(f"{path}.value", "expected a finite number", value["value"], kind="type")
        if not isinstance(unit, str):
            return problems.add(
                f"{path}.unit", "expected a UCUM unit (text)", unit, kind="unit", accepted=accepted
            )
        try:
            converted = units.convert(key, number, unit)
        except UnitError as exc:
            what = "unknown unit" if units.normalise_unit(unit) is None else "unit of the wrong dimension"
            if units.normalise_unit(unit) in units.accepted_units(key):
                what = exc.message
            return problems.add(f"{path}.unit", f"{what} {unit!r}", unit, kind="unit", accepted=accepted)
        return _plausible(converted, value, path, key, problems)
    if isinstance(value, bool) or not isinstance(value, int | float):
        what = "text" if isinstance(value, str) else type(value).__name__
        return problems.add(
            path,
            f"expected a number in {units.default_unit(key)} or {{value, unit}}, got {what}",
            value,
            kind="type",
            accepted=accepted,
        )
    if finite(value) is None:
        return problems.add(path, "expected a finite number", value, kind="type")
    r = plausible_range(key)
    hint = _mixup_hint(key, float(value)) if r is not None and not r.min <= value <= r.max else None
    return _plausible(float(value), value, path, key, problems, hint)


def check_date(value: Any, path: str, problems: Problems) -> Any:
    """An ISO date (``2024-03-01``; a YAML date is accepted), returned as ISO text."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    return problems.add(path, "expected an ISO date (YYYY-MM-DD)", value, kind="type", accepted="YYYY-MM-DD")
