"""Unit conversion for case quantities: UCUM codes in, each field's default unit out (via pint).

The tables live in ``units.yaml``. Every conversion is linear (``a * x + b``; ``b`` is non-zero only for
temperatures); the coefficients for a (field, unit) pair are computed once with pint and cached, so a
converted value costs one multiplication.

>>> convert("blood.wbc", 45200, "/uL")
45.2
>>> round(convert("labs.creatinine", 88.4, "umol/L"), 3)
1.0
"""

from __future__ import annotations

import functools
import math
from typing import Any

from allnav.case.tables import FieldUnits, units_table
from allnav.errors import UnitError

__all__ = [
    "accepted_units",
    "convert",
    "convert_between",
    "default_unit",
    "is_quantity_field",
    "normalise_unit",
]


@functools.cache
def _registry() -> Any:
    import pint  # imported lazily: building the registry takes a while and most cases need no conversion

    return pint.UnitRegistry()


def normalise_unit(text: str) -> str | None:
    """The UCUM code for ``text`` (a UCUM code or a common lab spelling of one), or None if unknown."""
    table = units_table()
    t = text.strip()
    if t in table.ucum:
        return t
    return table.aliases.get(t)


def is_quantity_field(key: str) -> bool:
    """True when ``key`` (``section.field``, e.g. ``blood.wbc``) is a quantity with units."""
    return key in units_table().fields


def _field(key: str) -> FieldUnits:
    try:
        return units_table().fields[key]
    except KeyError:
        raise UnitError(f"{key} is not a quantity field", path=key) from None


def default_unit(key: str) -> str:
    """The default UCUM unit of the quantity field ``key``."""
    return _field(key).default


@functools.cache
def accepted_units(key: str) -> tuple[str, ...]:
    """Every UCUM code accepted for the quantity field ``key`` (default unit first)."""
    table = units_table()
    f = _field(key)
    analyte = table.analytes.get(f.analyte) if f.analyte else None
    out = [f.default]
    for code, u in table.ucum.items():
        if code == f.default or u.group not in f.groups:
            continue
        if u.per_valence and (analyte is None or analyte.valence is None):
            continue
        out.append(code)
    return tuple(out)


@functools.cache
def _linear(key: str, src_code: str, dst_code: str) -> tuple[float, float]:
    table = units_table()
    f = _field(key)
    src, dst = table.ucum[src_code], table.ucum[dst_code]
    ureg = _registry()
    if src.group == "temperature":
        y0 = ureg.Quantity(0.0, src.pint).to(dst.pint).magnitude
        y1 = ureg.Quantity(1.0, src.pint).to(dst.pint).magnitude
        return float(y1 - y0), float(y0)
    analyte = table.analytes[f.analyte] if f.analyte else None
    q = ureg.parse_expression(src.pint)
    t = ureg.parse_expression(dst.pint)
    if src.per_valence or dst.per_valence:
        if analyte is None or analyte.valence is None:
            raise UnitError(f"{key}: milliequivalents need the analyte's valence", path=key, unit=src_code)
        if src.per_valence:
            q = q / analyte.valence
        if dst.per_valence:
            t = t / analyte.valence
    ratio = q / t
    if not ratio.dimensionless:
        if analyte is None:
            raise UnitError(f"{key}: cannot convert {src_code} to {dst_code}", path=key, unit=src_code)
        molar_mass = ureg.Quantity(analyte.molar_mass_g_per_mol, "gram / mole")
        for candidate in (ratio * molar_mass, ratio / molar_mass):
            if candidate.dimensionless:
                ratio = candidate
                break
        else:
            raise UnitError(f"{key}: cannot convert {src_code} to {dst_code}", path=key, unit=src_code)
    return float(ratio.to("dimensionless").magnitude), 0.0


def convert_between(key: str, value: float, src: str, dst: str) -> float:
    """Convert ``value`` of field ``key`` from unit ``src`` to unit ``dst`` (both accepted for the field).

    Raises :class:`UnitError` (with the accepted units) for an unknown unit or one of the wrong dimension.
    """
    accepted = accepted_units(key)
    codes = []
    for unit in (src, dst):
        code = normalise_unit(unit)
        if code is None:
            raise UnitError(f"{key}: unknown unit {unit!r}", path=key, unit=unit, accepted=accepted)
        if code not in accepted:
            raise UnitError(
                f"{key}: unit {unit!r} has the wrong dimension for this field",
                path=key,
                unit=unit,
                accepted=accepted,
            )
        codes.append(code)
    if not math.isfinite(value):
        raise UnitError(
            f"{key}: value {value!r} is not a finite number", path=key, unit=src, accepted=accepted
        )
    if codes[0] == codes[1]:
        return float(value)
    a, b = _linear(key, codes[0], codes[1])
    return a * value + b


def convert(key: str, value: float, unit: str) -> float:
    """Convert ``value`` written in ``unit`` to the default unit of the quantity field ``key``."""
    return convert_between(key, value, unit, default_unit(key))
