"""Validate a case mapping (contracts.md section 3) into a :class:`Case`, collecting every problem.

The walk follows the model: unknown fields are refused with a suggestion, quantities are converted to
their default units and checked against ``plausibility.yaml``, marker texts and genetics findings are
read, timeline days are computed from dates. What passes is then validated by pydantic in strict mode
(no silent coercion: ``"45"`` is not a number, ``1`` is not ``true``). All problems, from the walk and
from pydantic, are raised together in one :class:`CaseValidationError` (an
:class:`ImplausibleValueError` when every problem is an implausible value).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from allnav.case import sections
from allnav.case.checks import DROP, Problems, check_date, check_number, check_quantity
from allnav.case.fields import FieldKind, field_kinds, suggest_field
from allnav.case.model import Case, GeneticFinding, Medication, TimelineEntry
from allnav.case.units import is_quantity_field
from allnav.errors import CaseValidationError, ImplausibleValueError

__all__ = ["validate_case"]


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


class _Walker:
    def __init__(self) -> None:
        self.problems = Problems()
        self.diagnosis_date: str | None = None

    def model(self, cls: type[BaseModel], data: Any, path: str) -> Any:
        if not isinstance(data, Mapping):
            what = "text" if isinstance(data, str) else type(data).__name__
            return self.problems.add(path or "(case)", f"expected an object, got {what}", data, kind="type")
        kinds = field_kinds(cls)
        out: dict[str, Any] = {}
        items: Iterable[tuple[Any, Any]] = data.items()
        if cls is Case:  # patient first: its diagnosis_date dates the timeline
            items = sorted(items, key=lambda kv: kv[0] != "patient")
        for name, value in items:
            p = _join(path, str(name))
            if not isinstance(name, str) or name not in kinds:
                sugg = suggest_field(cls, str(name))
                self.problems.add(
                    p,
                    "unknown field",
                    value,
                    kind="unknown_field",
                    suggestion=sugg,
                    accepted=", ".join(kinds),
                )
                continue
            if value is None:
                continue  # null = unknown, same as absent
            checked = self.field(cls, kinds[name], name, value, p)
            if checked is not DROP:
                out[name] = checked
        return self.finish(cls, out, path)

    def field(self, cls: type[BaseModel], fk: FieldKind, name: str, value: Any, path: str) -> Any:
        if fk.kind == "model" and fk.inner is not None:
            return self.model(fk.inner, value, path)
        if fk.kind == "model_list" and fk.inner is not None:
            if not isinstance(value, list):
                return self.problems.add(path, "expected a list", value, kind="type")
            inner = fk.inner
            return [self.model(inner, item, f"{path}[{i}]") for i, item in enumerate(value)]
        if fk.kind == "markers":
            return sections.read_panel(value, path, self.problems)
        if fk.kind == "date":
            return check_date(value, path, self.problems)
        if is_quantity_field(fk.key):
            return check_quantity(value, path, fk.key, self.problems)
        if fk.kind in ("float", "int"):
            return check_number(value, path, fk.key, self.problems, integer=fk.kind == "int")
        if cls is Medication and name == "levels":
            return sections.read_levels(value, path, self.problems)
        return value

    def finish(self, cls: type[BaseModel], out: dict[str, Any], path: str) -> Any:
        if cls is GeneticFinding:
            return sections.finish_genetics(out, path, self.problems)
        if cls is Medication:
            sections.resolve_day(out, path, self.diagnosis_date, self.problems, required=False)
            return sections.finish_medication(out, path, self.problems)
        if cls is TimelineEntry:
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
    cleaned = walker.model(Case, data, "")
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
