"""Validate a case mapping (contracts.md section 3) into a :class:`Case`, collecting every problem.

The walk follows the model: unknown fields are refused with a suggestion, quantities are converted to
their default units and checked against ``plausibility.yaml``, marker texts and genetics findings are
read, timeline days are computed from dates. What passes is then validated by pydantic in strict mode
(no silent coercion: ``"45"`` is not a number, ``1`` is not ``true``). All problems, from the walk and
from pydantic, are raised together in one :class:`CaseValidationError` (an
:class:`ImplausibleValueError` when every problem is an implausible value).

Each model class is compiled once into a :class:`_Plan` (a field name -> :class:`_Field` table with
the field's kind and, for numbers, its plausibility range), so the common case - a plain number in
its default unit and range - is accepted with one type test and one comparison; anything else goes
through the full checks in :mod:`allnav.case.checks`, which word every problem.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from allnav.case import sections
from allnav.case.checks import DROP, Problems, check_date, check_number, check_quantity, plausible_range
from allnav.case.fields import field_kinds, section_of, suggest_field
from allnav.case.model import Case, GeneticFinding, Medication, TimelineEntry
from allnav.case.units import is_quantity_field
from allnav.errors import CaseValidationError, ImplausibleValueError

__all__ = ["validate_case"]

# How the walk reads a field (see _Walker.field); "plain" values go to pydantic unchanged.
Action = Literal["model", "model_list", "markers", "date", "quantity", "number", "levels", "plain"]
Finish = Literal["genetics", "medication", "timeline", "patient", "none"]

_MAX = sys.float_info.max  # a bound that excludes inf and nan: the fast path needs a finite number


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


@dataclass(frozen=True, slots=True)
class _Field:
    """One model field as the walk reads it.

    ``lo``/``hi`` bound the fast path for numbers (``quantity``/``number``): an int (or, when
    ``float_ok``, a float) within them is accepted as it is (an int becomes a float when
    ``int_to_float``), exactly what the full check returns for it; any other value takes the full check.
    """

    action: Action
    key: str
    kind: str
    inner: _Plan | None = None  # the nested model's plan, for ``model``/``model_list``
    lo: float | None = None
    hi: float = _MAX
    float_ok: bool = True
    int_to_float: bool = False


@dataclass(frozen=True, slots=True)
class _Plan:
    """A model class compiled for the walk: its fields, how it is finished, its accepted field names."""

    cls: type[BaseModel]
    fields: dict[str, _Field]
    finish: Finish
    accepted: str


def _compile_field(cls: type[BaseModel], name: str) -> _Field:
    fk = field_kinds(cls)[name]
    if fk.kind in ("model", "model_list") and fk.inner is not None:
        return _Field(fk.kind, fk.key, fk.kind, _plan(fk.inner))
    if fk.kind == "markers":
        return _Field("markers", fk.key, fk.kind)
    if fk.kind == "date":
        return _Field("date", fk.key, fk.kind)
    r = plausible_range(fk.key)
    lo, hi = (r.min, r.max) if r is not None else (-_MAX, _MAX)
    if is_quantity_field(fk.key):
        if r is None:
            return _Field("quantity", fk.key, fk.kind)  # no fast path without a range
        return _Field("quantity", fk.key, fk.kind, None, lo, hi, True, True)
    if fk.kind in ("float", "int"):
        return _Field("number", fk.key, fk.kind, None, lo, hi, fk.kind == "float", False)
    if cls is Medication and name == "levels":
        return _Field("levels", fk.key, fk.kind)
    return _Field("plain", fk.key, fk.kind)


_FINISH: dict[type[BaseModel], Finish] = {
    GeneticFinding: "genetics",
    Medication: "medication",
    TimelineEntry: "timeline",
}


@functools.cache
def _plan(cls: type[BaseModel]) -> _Plan:
    """The compiled plan of a model class (built once per class from the model and the tables)."""
    fields = {name: _compile_field(cls, name) for name in field_kinds(cls)}
    finish: Finish = _FINISH.get(cls, "patient" if section_of(cls) == "patient" else "none")
    return _Plan(cls, fields, finish, ", ".join(fields))


class _Walker:
    def __init__(self) -> None:
        self.problems = Problems()
        self.diagnosis_date: str | None = None

    def model(self, plan: _Plan, data: Any, path: str) -> Any:
        if type(data) is not dict and not isinstance(data, Mapping):
            what = "text" if isinstance(data, str) else type(data).__name__
            return self.problems.add(path or "(case)", f"expected an object, got {what}", data, kind="type")
        cls, fields = plan.cls, plan.fields
        out: dict[str, Any] = {}
        items: Iterable[tuple[Any, Any]] = data.items()
        if cls is Case and next(iter(data), "patient") != "patient" and "patient" in data:
            items = sorted(items, key=lambda kv: kv[0] != "patient")  # its diagnosis_date dates the timeline
        for name, value in items:
            f = fields.get(name)  # None for an unknown name (field names are text)
            if f is None:
                self.problems.add(
                    _join(path, str(name)),
                    "unknown field",
                    value,
                    kind="unknown_field",
                    suggestion=suggest_field(cls, str(name)),
                    accepted=plan.accepted,
                )
                continue
            if value is None:
                continue  # null = unknown, same as absent
            action = f.action
            if action == "plain":
                out[name] = value
                continue
            if f.lo is not None:  # the fast path: a finite number in range, as the full check returns it
                tp = type(value)
                if tp is float and f.float_ok and f.lo <= value <= f.hi:
                    out[name] = value
                    continue
                if tp is int and f.lo <= value <= f.hi:
                    out[name] = float(value) if f.int_to_float else value
                    continue
            checked = self.field(f, value, _join(path, name))
            if checked is not DROP:
                out[name] = checked
        return self.finish(plan.finish, out, path)

    def field(self, f: _Field, value: Any, path: str) -> Any:
        """The full check of one field's value: the cleaned value, or DROP after recording a problem."""
        action = f.action
        if action == "model" and f.inner is not None:
            return self.model(f.inner, value, path)
        if action == "model_list" and f.inner is not None:
            if not isinstance(value, list):
                return self.problems.add(path, "expected a list", value, kind="type")
            inner = f.inner
            return [self.model(inner, item, f"{path}[{i}]") for i, item in enumerate(value)]
        if action == "markers":
            return sections.read_panel(value, path, self.problems)
        if action == "date":
            return check_date(value, path, self.problems)
        if action == "quantity":
            return check_quantity(value, path, f.key, self.problems)
        if action == "number":
            return check_number(value, path, f.key, self.problems, integer=f.kind == "int")
        if action == "levels":
            return sections.read_levels(value, path, self.problems)
        return value

    def finish(self, finish: Finish, out: dict[str, Any], path: str) -> Any:
        if finish == "none":
            return out
        if finish == "genetics":
            return sections.finish_genetics(out, path, self.problems)
        if finish == "medication":
            if "date" in out:  # resolve_day has nothing to do without a date when the day is optional
                sections.resolve_day(out, path, self.diagnosis_date, self.problems, required=False)
            return sections.finish_medication(out, path, self.problems)
        if finish == "timeline":
            if "date" in out or "day" not in out:  # nothing to do for a plain day
                sections.resolve_day(out, path, self.diagnosis_date, self.problems, required=True)
            if "day" in out and "date" in out and not self.problems.covers(f"{path}.day"):
                checked = check_number(out["day"], f"{path}.day", "timeline.day", self.problems, integer=True)
                if checked is DROP:
                    out.pop("day")
        if path == "patient" and isinstance(out.get("diagnosis_date"), str):
            self.diagnosis_date = out["diagnosis_date"]
        return out


_TAGS = ("literal[", "function-", "tagged-union", "list[", "dict[", "tuple[")


def _loc_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part.startswith(_TAGS) or part in ("bool", "int", "float", "str", "none"):
            continue
        else:
            path = _join(path, part)
    return path


def _under(path: str, parent: str) -> bool:
    return path == parent or path.startswith((parent + ".", parent + "["))


def _pydantic_problems(exc: ValidationError, problems: Problems) -> None:
    seen: set[str] = set()
    already = list(problems.items)
    for err in exc.errors():
        path = _loc_path(err["loc"])
        if path in seen or any(_under(path, p.path) for p in already):
            continue
        seen.add(path)
        ctx = err.get("ctx") or {}
        kind = "missing" if err["type"] == "missing" else "type"
        accepted = str(ctx["expected"]) if "expected" in ctx else None
        value = None if err["type"] == "missing" else err.get("input")
        message = err["msg"]
        if err["type"] == "string_type" and isinstance(value, int | float) and not isinstance(value, bool):
            message += " (in YAML, quote it: '001' keeps its leading zeros)"
        problems.add(path or "(case)", message, value, kind=kind, accepted=accepted)


def validate_case(data: Any) -> Case:
    """Validate a case mapping into a :class:`Case` (timeline sorted by day).

    Raises :class:`CaseValidationError` listing every problem (field path, value, accepted values and,
    for a misspelt field, a suggestion); :class:`ImplausibleValueError` when all are implausible values.
    """
    walker = _Walker()
    cleaned = walker.model(_plan(Case), data, "")
    problems = walker.problems
    case: Case | None = None
    if cleaned is not DROP:
        try:
            case = Case.model_validate(cleaned, strict=True)
        except ValidationError as exc:
            _pydantic_problems(exc, problems)
    if problems.items or case is None:
        items = problems.items
        implausible = bool(items) and all(p.extra.get("kind") == "implausible" for p in items)
        cls = ImplausibleValueError if implausible else CaseValidationError
        first = items[0] if items else None
        head = f"{first.path}: {first.message}" if first else "invalid case"
        more = f" (and {len(items) - 1} more)" if len(items) > 1 else ""
        raise cls(f"case file refused: {head}{more}", items)
    if len(case.timeline) > 1:
        ordered = sorted(case.timeline, key=lambda e: e.day if e.day is not None else 0)
        if ordered != case.timeline:
            case = case.model_copy(update={"timeline": ordered})
    return case
