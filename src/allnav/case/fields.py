"""What kind of value each case-model field holds, read once from the model's annotations."""

from __future__ import annotations

import difflib
import functools
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from allnav.case import model as m

__all__ = ["FieldKind", "field_kinds", "section_of", "suggest_field"]

Kind = Literal["model", "model_list", "markers", "float", "int", "date", "other"]

_SECTIONS: dict[type[BaseModel], str] = {
    m.Case: "",
    m.Patient: "patient",
    m.Presentation: "presentation",
    m.Blood: "blood",
    m.Marrow: "marrow",
    m.CSF: "csf",
    m.Labs: "labs",
    m.MRD: "mrd",
    m.Vitals: "vitals",
    m.TimelineEntry: "timeline",
    m.Medication: "medications",
    m.PriorAnthracycline: "prior_anthracyclines",
    m.Pharmacogenomics: "pharmacogenomics",
    m.CrsIcansEntry: "crs_icans",
    m.GeneticFinding: "genetics",
    m.MarkerValue: "immunophenotype",
}
_DATE_FIELDS = {"date", "diagnosis_date"}


@dataclass(frozen=True)
class FieldKind:
    """A field's kind, its nested model (for ``model``/``model_list``) and its key (``blood.wbc``)."""

    kind: Kind
    key: str
    inner: type[BaseModel] | None = None


def section_of(cls: type[BaseModel]) -> str:
    """The contract section a model class stands for (``Blood`` -> ``blood``; the case itself -> '')."""
    return _SECTIONS[cls]


def _strip_none(tp: Any) -> Any:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _classify(name: str, tp: Any) -> tuple[Kind, type[BaseModel] | None]:
    tp = _strip_none(tp)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if name in _DATE_FIELDS:
        return "date", None
    if _is_model(tp):
        return "model", tp
    if origin is list and args and _is_model(args[0]):
        return "model_list", args[0]
    if origin is dict and len(args) == 2 and args[1] is m.MarkerValue:
        return "markers", None
    if tp is float:
        return "float", None
    if tp is int:
        return "int", None
    return "other", None


@functools.cache
def field_kinds(cls: type[BaseModel]) -> dict[str, FieldKind]:
    """Every field of ``cls`` with its kind and its ``section.field`` key."""
    section = section_of(cls)
    out: dict[str, FieldKind] = {}
    for name, info in cls.model_fields.items():
        kind, inner = _classify(name, info.annotation)
        out[name] = FieldKind(kind, f"{section}.{name}" if section else name, inner)
    return out


def suggest_field(cls: type[BaseModel], name: str) -> str | None:
    """The field of ``cls`` an unknown ``name`` most likely meant (case-insensitive, difflib), if any.

    When nothing at this level is close, a field of a nested section with exactly that name is
    suggested with its section (``wbc`` at the top level -> ``blood.wbc``).
    """
    fields = list(cls.model_fields)
    lower = {f.lower(): f for f in fields}
    if name.lower() in lower:
        return lower[name.lower()]
    close = difflib.get_close_matches(name.lower(), list(lower), n=1, cutoff=0.6)
    if close:
        return lower[close[0]]
    for fname, fk in field_kinds(cls).items():
        if fk.inner is not None and fk.kind == "model":
            nested = {f.lower(): f for f in fk.inner.model_fields}
            if name.lower() in nested:
                return f"{fname}.{nested[name.lower()]}"
    return None
