"""The fast path of case validation: a well-formed case is checked and built in one walk.

:func:`build_case` walks the case like :mod:`allnav.case.validate` but checks each value against what
pydantic's strict validation would accept and builds the frozen models directly (field order,
defaults and ``model_fields_set`` exactly as ``model_validate`` sets them), so a valid case is walked
once instead of twice. It vouches only for what it fully understands: at the first value it cannot
accept as it is (an unknown field, a wrong type, an implausible value, a marker text it cannot read,
an unusual shape), it raises :class:`SlowPathError` (or, on odd input, whatever error a check hits)
without recording anything, and :func:`allnav.case.loader.load_case` takes the full walk
(:func:`allnav.case.validate.validate_case`), which words every problem. A refused case is therefore
refused by exactly the same code as before; ``tests/case/test_case_fast_build.py`` checks that both
paths build identical cases. The input is never changed; every list and dict in the case is fresh.
"""

from __future__ import annotations

import functools
import operator
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from typing import Any

from annotated_types import MaxLen, MinLen
from pydantic import BaseModel

from allnav.case import markers, sections
from allnav.case.checks import DROP, Problems, check_date, check_number, check_quantity
from allnav.case.genetics_text import normalise_transcript, read_finding_text
from allnav.case.markers import MarkerTextError, _parse_text, canonical_marker
from allnav.case.model import Case, GeneticFinding, MarkerValue, Medication, TimelineEntry
from allnav.case.tables import markers_table
from allnav.case.validate import _plan

__all__ = ["SlowPathError", "build_case"]


class SlowPathError(Exception):
    """The fast path cannot vouch for this case: take the full walk."""


# How a field's value is checked (the first item of a field's entry in _Spec.fields).
_QTY = 0  # a quantity with a plausibility range: an in-range number as it is, else check_quantity
_TYPE = 1  # exactly this type (str or bool)
_MODEL = 2  # a nested model
_LIST = 3  # a list of nested models
_LIT = 4  # one of these texts (a Literal)
_NUM_F = 5  # a float field (no unit): an in-range number, else check_number
_NUM_I = 6  # an int field: an in-range int, else check_number
_DATE = 7  # check_date
_PANEL = 8  # an immunophenotype panel
_STRS = 9  # a list of texts
_LEVELS = 10  # methotrexate levels (sections.read_levels)
_TEXT_OR_BOOL = 11  # one of these texts, or a boolean
_STRLEN = 12  # text with a length between two bounds
_QTY_FULL = 13  # a quantity without a plausibility range: always check_quantity
_NEVER = 14  # never on the fast path

_Entry = tuple[int, Any, Any, str]  # code, two arguments, the field's ``section.field`` key


@dataclass(frozen=True, slots=True)
class _Spec:
    """A model class compiled for the fast path."""

    cls: type[BaseModel]
    fields: dict[str, _Entry]
    # every field in model order with its default (required ones: None, always overwritten)
    template: dict[str, Any]
    required: tuple[str, ...]
    # completes an entry (as _Walker.finish does)
    finish: Callable[[dict[str, Any], set[str], str | None], None] | None


def _literal_texts(tp: Any) -> frozenset[str] | None:
    if typing.get_origin(tp) is typing.Literal and all(isinstance(a, str) for a in typing.get_args(tp)):
        return frozenset(typing.get_args(tp))
    return None


def _plain_entry(annotation: Any, metadata: list[Any], key: str) -> _Entry:
    """The entry of a field the full walk passes to pydantic unchanged, from its annotation."""
    args: tuple[Any, ...] = (annotation,)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = tuple(a for a in typing.get_args(annotation) if a is not type(None))
    if metadata:
        lengths = {type(m): m for m in metadata}
        if args == (str,) and set(lengths) <= {MinLen, MaxLen}:
            lo = lengths[MinLen].min_length if MinLen in lengths else 0
            hi = lengths[MaxLen].max_length if MaxLen in lengths else 2**63
            return (_STRLEN, lo, hi, key)
        return (_NEVER, None, None, key)
    if args in ((str,), (bool,)):
        return (_TYPE, args[0], None, key)
    if len(args) == 1 and typing.get_origin(args[0]) is list and typing.get_args(args[0]) == (str,):
        return (_STRS, None, None, key)
    texts = _literal_texts(args[0])
    if texts is not None and len(args) == 1:
        return (_LIT, texts, None, key)
    if texts is not None and args[1:] == (bool,):
        return (_TEXT_OR_BOOL, texts, None, key)
    return (_NEVER, None, None, key)


# Fields completed by the section's finish step: checked as text here, normalised and checked there.
_AS_TEXT = {(GeneticFinding, "result"), (Medication, "unit"), (Medication, "route")}
# Derived from ``finding``: given beside it they must agree with it (the full walk says so when not).
_DERIVED = {"kind", "genes", "alteration", "notes"}
_IMMUTABLE = (str, int, float, bool, tuple, frozenset, type(None))
_SPELLINGS: dict[str, dict[str, str]] = {}  # medication unit and route spellings (sections._spellings)
_RESULTS, _RESULT_VALUES = sections._RESULTS, sections._RESULT_VALUES
# The case's fields with a default factory: lists, and the immunophenotype panel (a dict).
_CASE_LISTS = tuple(name for name, info in Case.model_fields.items() if info.default_factory is list)
if {name for name, info in Case.model_fields.items() if info.default_factory is not None} != {
    *_CASE_LISTS,
    "immunophenotype",
} or Case.model_fields["immunophenotype"].default_factory is not dict:  # pragma: no cover - model guard
    raise TypeError("Case: _finish_case does not know its default factories")


@functools.cache
def _spec(cls: type[BaseModel]) -> _Spec:
    """The compiled fast-path spec of a model class (built once per class from its walk plan)."""
    if cls.__pydantic_post_init__ or cls.__private_attributes__ or not cls.model_config.get("frozen"):
        raise TypeError(f"{cls.__name__}: the fast path builds only plain frozen models")
    fields: dict[str, _Entry] = {}
    template: dict[str, Any] = {}
    required: list[str] = []
    for name, f in _plan(cls).fields.items():
        info = cls.model_fields[name]
        key, action = f.key, f.action
        if info.is_required():
            required.append(name)
            template[name] = None
        elif info.default_factory is not None:
            if cls is not Case:
                raise TypeError(f"{cls.__name__}.{name}: only the case's fields have default factories here")
            template[name] = None  # _finish_case calls the factory when the field is not given
        else:
            default = info.default
            if not isinstance(default, _IMMUTABLE) and not (
                isinstance(default, BaseModel) and default.model_config.get("frozen")
            ):
                raise TypeError(f"{cls.__name__}.{name}: a mutable default would be shared")
            template[name] = default
        entry: _Entry
        if action == "quantity":
            entry = (_QTY, f.lo, f.hi, key) if f.lo is not None else (_QTY_FULL, None, None, key)
        elif action == "number":
            entry = (_NUM_F if f.kind == "float" else _NUM_I, f.lo, f.hi, key)
        elif action in ("model", "model_list") and f.inner is not None:
            inner = _spec(f.inner.cls)
            builder = _genetic if f.inner.cls is GeneticFinding else _build
            entry = (_MODEL if action == "model" else _LIST, builder, inner, key)
        elif action == "markers":
            entry = (_PANEL, None, None, key)
        elif action == "date":
            entry = (_DATE, None, None, key)
        elif action == "levels":
            entry = (_LEVELS, None, None, key)
        elif (cls, name) in _AS_TEXT:
            entry = (_TYPE, str, None, key)
        elif cls is GeneticFinding and name in _DERIVED:
            entry = (_NEVER, None, None, key)
        else:
            entry = _plain_entry(info.annotation, info.metadata, key)
        fields[name] = entry
    _SPELLINGS.setdefault("unit", sections._spellings("unit"))
    _SPELLINGS.setdefault("route", sections._spellings("route"))
    finish = {
        Case: _finish_case,
        GeneticFinding: _finish_genetics,
        Medication: _finish_medication,
        TimelineEntry: _finish_timeline,
    }
    return _Spec(cls, fields, template, tuple(required), finish.get(cls))


_new = object.__new__
_set_dict = BaseModel.__dict__["__dict__"].__set__  # the slot setters directly: cheaper than setattr
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def _full(check: Callable[..., Any], value: Any, key: str, **kw: Any) -> Any:
    """The full check of one value; :class:`SlowPathError` when it records a problem."""
    checked = check(value, "", key, Problems(), **kw)
    if checked is DROP:
        raise SlowPathError
    return checked


@functools.cache
def _panel_tables() -> tuple[dict[str, str], dict[str, MarkerValue]]:
    """Static tables (markers.yaml and the marker vocabulary), built once.

    The canonical name of every spelling in markers.yaml, as written (what canonical_marker gives for
    it), and the reading of every single vocabulary word (``pos``, ``Neg``, ``dim``...), which does not
    depend on the marker (only a percent does: the threshold is the marker compartment's).
    """
    spelled = {
        spelling: canonical_marker(spelling)[0]
        for canonical, marker in markers_table().markers.items()
        for spelling in (canonical, *marker.aliases)
    }
    words: dict[str, MarkerValue] = {}
    parse = _parse_text.__wrapped__  # not through its cache
    for word in sorted(markers._POSITIVE | markers._NEGATIVE | markers._UNKNOWN | set(markers._INTENSITY)):
        for text in (word, word.capitalize(), word.upper()):
            try:
                surface, cytoplasmic = parse("CD19", text), parse("cCD3", text)
            except MarkerTextError:
                continue
            if surface == cytoplasmic:
                words[text] = surface
    return spelled, words


def _panel(value: Any) -> dict[str, Any]:
    """An immunophenotype panel (other than text values: sections.read_panel; a problem: SlowPathError)."""
    if type(value) is not dict:
        raise SlowPathError
    spelled, words = _panel_tables()
    out: dict[str, Any] = {}
    try:  # the usual panel: names as spelled in markers.yaml, one-word values, no two names for a marker
        for name, raw in value.items():
            out[spelled[name]] = words[raw]
        if len(out) == len(value):
            return out
    except (KeyError, TypeError):  # another spelling or value (TypeError: an unhashable value)
        pass
    out = {}
    for name, raw in value.items():
        canonical = spelled.get(name)  # most names are spelled as in markers.yaml
        if canonical is None:
            if type(name) is not str:
                return _read_panel(value)
            if not name.strip():
                raise SlowPathError
            canonical = canonical_marker(name)[0]
        mv = words.get(raw)  # most values are one word
        if mv is None:
            if type(raw) is not str:
                return _read_panel(value)
            # raises MarkerTextError for text it cannot read (the full walk then words the problem)
            mv = _parse_text(canonical, raw)
        if canonical in out and out[canonical] != mv:
            raise SlowPathError
        out[canonical] = mv
    return out


def _read_panel(value: Any) -> dict[str, Any]:
    problems = Problems()
    out: dict[str, Any] = sections.read_panel(value, "", problems)
    if problems.items:
        raise SlowPathError
    return out


def _build(spec: _Spec, data: Any, diagnosis: str | None) -> Any:
    """Check one model's mapping and build the model (:class:`SlowPathError`, or another error, for anything unusual)."""
    if type(data) is not dict:
        raise SlowPathError
    fields = spec.fields
    out = spec.template.copy()  # checked values replace the defaults in place: the model's field order
    nulls = False
    # One loop with the field checks inlined, most frequent first (a call costs as much as a check).
    for name, value in data.items():
        code, a, b, key = fields[name]  # KeyError for an unknown field
        if value is None:
            nulls = True
            continue  # null = unknown, same as absent
        tp = type(value)
        if code == _QTY:
            if tp is float and a <= value <= b:
                out[name] = value
            elif tp is int and a <= value <= b:
                out[name] = 1.0 * value  # float(value), without a call
            else:
                out[name] = _full(check_quantity, value, key)
        elif code == _TYPE:
            if tp is not a:
                raise SlowPathError
            out[name] = value
        elif code == _MODEL:
            out[name] = a(b, value, diagnosis)
        elif code == _LIST:
            if tp is not list:
                raise SlowPathError
            out[name] = list(map(a, repeat(b), value, repeat(diagnosis)))  # no comprehension frame
        elif code == _LIT:
            if tp is not str or value not in a:
                raise SlowPathError
            out[name] = value
        elif code == _NUM_I:
            in_range = tp is int and a <= value <= b
            out[name] = value if in_range else _full(check_number, value, key, integer=True)
        elif code == _PANEL:
            out[name] = _panel(value)
        elif code == _STRLEN:
            if tp is not str or not a <= len(value) <= b:
                raise SlowPathError
            out[name] = value
        elif code == _NUM_F:
            if tp is float and a <= value <= b:
                out[name] = value
            elif tp is int and a <= value <= b:
                out[name] = 1.0 * value  # float(value), without a call
            else:
                out[name] = float(_full(check_number, value, key))
        elif code == _DATE:
            checked = check_date(value, "", Problems())
            if checked is DROP:
                raise SlowPathError
            out[name] = checked
        elif code == _STRS:
            if tp is not list or any(type(x) is not str for x in value):
                raise SlowPathError
            out[name] = list(value)
        elif code == _TEXT_OR_BOOL:
            if not (tp is bool or (tp is str and value in a)):
                raise SlowPathError
            out[name] = value
        elif code == _LEVELS:
            problems = Problems()
            out[name] = sections.read_levels(value, "", problems)
            if problems.items:
                raise SlowPathError
        elif code == _QTY_FULL:
            out[name] = _full(check_quantity, value, key)
        else:
            raise SlowPathError
    # model_fields_set: the names given (not null), and those the finish step derives.
    given = {*data} if not nulls else {k for k, v in data.items() if v is not None}
    finish = spec.finish
    if finish is not None:
        finish(out, given, diagnosis)
    if spec.required and not given.issuperset(spec.required):
        raise SlowPathError
    # The model as model_validate builds it (no validator runs again: every value is checked above).
    model = _new(spec.cls)
    _set_dict(model, out)
    _set_fields_set(model, given)
    _set_extra(model, None)
    _set_private(model, None)
    return model


# The finish steps below work on the entry with its defaults filled in (absent = None or the default).


def _finish_case(entry: dict[str, Any], given: set[str], diagnosis: str | None) -> None:
    """Fresh lists and dicts for the case's absent list and panel fields (their default factories)."""
    for name in _CASE_LISTS:
        if name not in given:
            entry[name] = []
    if "immunophenotype" not in given:
        entry["immunophenotype"] = {}
    timeline = entry["timeline"]
    if len(timeline) > 1:
        timeline.sort(key=_BY_DAY)  # stable, as validate_case's sorted(); every day is set by now


_DERIVED_SET = ("kind", "genes", "alteration", "notes")


# The usual genetics entry gives texts only (finding, result, method...), none null; its result is in the
# model's spelling, it has no transcript to normalise and its finding is read as written.
_GENETIC_TEXTS = frozenset({"finding", "result", "method", "written_as"})
_ABSENT: Any = object()


def _genetic(spec: _Spec, data: Any, diagnosis: str | None) -> Any:
    """One genetics entry: the usual one directly (see _GENETIC_TEXTS), any other through _build."""
    if type(data) is not dict or not _GENETIC_TEXTS.issuperset(data):
        return _build(spec, data, diagnosis)
    finding = data.get("finding")
    result = data.get("result", "detected")
    method = data.get("method", _ABSENT)  # absent, unlike null, needs no type check (null: through _build)
    written_as = data.get("written_as", _ABSENT)
    if type(finding) is not str or type(result) is not str:
        return _build(spec, data, diagnosis)
    if method is _ABSENT:
        method = None
    elif type(method) is not str:
        return _build(spec, data, diagnosis)
    if written_as is _ABSENT:
        written_as = None
    elif type(written_as) is not str:
        return _build(spec, data, diagnosis)
    if result not in _RESULT_VALUES or not finding or finding.isspace():
        return _build(spec, data, diagnosis)  # a result to normalise and note, or no finding to read
    parsed, kind, genes, alteration, notes = read_finding_text(finding, method, None)
    if parsed != finding:
        return _build(spec, data, diagnosis)  # normalised: written_as and a note
    values = spec.template.copy()  # in the model's field order
    values["finding"], values["result"], values["method"] = finding, result, method
    values["kind"], values["genes"], values["alteration"] = kind, genes, alteration
    values["written_as"] = written_as
    if notes:
        values["notes"] = tuple(dict.fromkeys(notes))
    model = _new(GeneticFinding)
    _set_dict(model, values)
    _set_fields_set(model, {*data, "kind", "genes", "alteration", "notes"})
    _set_extra(model, None)
    _set_private(model, None)
    return model


def _finish_genetics(entry: dict[str, Any], given: set[str], diagnosis: str | None) -> None:
    """sections.finish_genetics for an entry without its derived fields (the field checks refuse them)."""
    finding, result, transcript = entry["finding"], entry["result"], entry["transcript"]
    if finding is None or not finding or finding.isspace():
        raise SlowPathError  # missing, or blank (kept as written by the full walk)
    notes: list[str] = []
    if result not in _RESULT_VALUES:  # "detected" when not given
        normal = _RESULTS.get(result.strip().lower())
        if normal is None:
            raise SlowPathError  # not a result pydantic accepts
        entry["result"] = normal
        notes.append(f"result {result!r} read as {normal!r}")
    if transcript is not None:
        entry["transcript"] = normal_transcript = normalise_transcript(transcript)
        if normal_transcript != transcript:
            notes.append(f"transcript {transcript!r} read as {normal_transcript!r}")
    parsed, kind, genes, alteration, parsed_notes = read_finding_text(
        finding, entry["method"], entry["probability"]
    )
    entry["kind"], entry["genes"], entry["alteration"] = kind, genes, alteration
    given.update(_DERIVED_SET)
    if parsed != finding:
        entry["finding"] = parsed
        if entry["written_as"] is None:
            entry["written_as"] = finding
            given.add("written_as")
    if notes or parsed_notes:
        entry["notes"] = tuple(dict.fromkeys([*notes, *parsed_notes]))


def _finish_medication(entry: dict[str, Any], given: set[str], diagnosis: str | None) -> None:
    """The full walk's medication finish (day from date, unit and route spellings) for a valid entry."""
    if entry["date"] is not None:
        _resolve_day(entry, given, diagnosis, required=False)
    for name in ("unit", "route"):
        value = entry[name]
        if value is not None:
            canonical = _SPELLINGS[name].get(value.strip().lower())
            if canonical is None:
                raise SlowPathError
            entry[name] = canonical
    if entry["dose"] is not None and entry["unit"] is None:
        raise SlowPathError


def _finish_timeline(entry: dict[str, Any], given: set[str], diagnosis: str | None) -> None:
    """The full walk's timeline finish (day from date, both agree and in range) for a valid entry."""
    if entry["date"] is not None or entry["day"] is None:
        _resolve_day(entry, given, diagnosis, required=True)
        if entry["date"] is not None:
            _full(check_number, entry["day"], "timeline.day", integer=True)


def _resolve_day(entry: dict[str, Any], given: set[str], diagnosis: str | None, *, required: bool) -> None:
    """sections.resolve_day; :class:`SlowPathError` when it has a problem."""
    problems = Problems()
    sections.resolve_day(entry, "", diagnosis, problems, required=required)
    if problems.items:
        raise SlowPathError
    if entry["day"] is not None:  # given, or computed from the date
        given.add("day")


_BY_DAY = operator.attrgetter("day")


def build_case(data: Any) -> Case:
    """A valid case built in one walk; :class:`SlowPathError` when the full walk must decide (module doc)."""
    if type(data) is not dict:
        raise SlowPathError
    patient = data.get("patient")
    diagnosis = patient.get("diagnosis_date") if type(patient) is dict else None
    if diagnosis is not None:  # the timeline's and medications' dates count from it, wherever it is written
        diagnosis = check_date(diagnosis, "", Problems())
        if diagnosis is DROP:
            raise SlowPathError
    case: Case = _build(_spec(Case), data, diagnosis)
    return case
