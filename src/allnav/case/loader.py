"""Reading a case from a mapping, JSON/YAML text or a file.

>>> load_case_text('{"patient": {"id": "x", "age_years": 34}, "blood": {"wbc": {"value": 45200, "unit": "/uL"}}}').blood.wbc
45.2
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml

from allnav.case.fast import build_case
from allnav.case.model import Case
from allnav.case.validate import validate_case
from allnav.errors import CaseValidationError, FieldProblem

__all__ = ["load_case", "load_case_file", "load_case_text"]

Format = Literal["json", "yaml"]


def load_case(data: Mapping[str, Any]) -> Case:
    """Validate a case mapping (contracts.md section 3) into a :class:`Case`.

    Raises :class:`CaseValidationError` (or its subclass :class:`ImplausibleValueError`) listing every
    problem with its field path, the value, what is accepted and, for a misspelt field, a suggestion.
    """
    try:  # as _validated (inlined: one call less on the hot path)
        return build_case(data)
    except Exception:
        return validate_case(data)


def _validated(data: Any) -> Case:
    """A valid case in one walk (:mod:`allnav.case.fast`); anything unusual through the full walk."""
    try:
        return build_case(data)
    except Exception:  # SlowPathError, or an error on odd input: the full walk decides, words it
        return validate_case(data)


def _syntax(fmt: str, message: str) -> CaseValidationError:
    problem = FieldProblem("(file)", message, None, f"a {fmt.upper()} object", None, {"kind": "syntax"})
    return CaseValidationError(f"case file is not valid {fmt.upper()}: {message}", [problem])


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate key {k!r}")
        out[k] = v
    return out


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses duplicate keys (PyYAML keeps the last one silently) and aliases.

    Aliases (``*name``) are refused because a few nested ones expand into an exponentially large
    document ("billion laughs"); case files have no need for them.
    """

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.events.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(None, None, "YAML aliases (*name) are not accepted", mark)
        return super().compose_node(parent, index)  # type: ignore[arg-type]


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    keys: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key, list | dict) or key in keys:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate or unhashable key {key!r}", key_node.start_mark
            )
        keys.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _parse(text: str, fmt: Format) -> Any:
    if fmt == "json":
        try:
            return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
        except ValueError as exc:
            raise _syntax("json", str(exc)) from None
        except RecursionError:
            raise _syntax("json", "nesting too deep") from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.YAMLError as yaml_exc:  # its own name: compiled, one name holds one exception type
        raise _syntax("yaml", str(yaml_exc).replace("\n", " ")) from None
    except RecursionError:
        raise _syntax("yaml", "nesting too deep") from None


def load_case_text(text: str, fmt: Format | None = None) -> Case:
    """Read a case from JSON or YAML text (``fmt`` None: JSON when it starts with ``{``, else YAML)."""
    if fmt is None:
        fmt = "json" if text.lstrip().startswith("{") else "yaml"
    data = _parse(text, fmt)
    if not isinstance(data, Mapping):
        problem = FieldProblem(
            "(case)", "a case file is an object with at least `patient`", None, None, None, {"kind": "type"}
        )
        raise CaseValidationError("case file refused: not an object", [problem])
    return _validated(data)


def load_case_file(path: str | Path) -> Case:
    """Read a case file: JSON for ``.json``, YAML for ``.yaml``/``.yml``, else by its content."""
    p = Path(path)
    text = p.read_text(encoding="utf-8")
    suffix = p.suffix.lower()
    fmt: Format | None = "json" if suffix == ".json" else "yaml" if suffix in (".yaml", ".yml") else None
    return load_case_text(text, fmt)
