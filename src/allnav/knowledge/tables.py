"""Knowledge tables: YAML data files shipped beside the code that reads them, validated into models.

One loader for every table, so a malformed file always fails the same way: a :class:`KnowledgeBaseError`
naming the package, the file and what is wrong (raised when the table is first used, at start-up).
"""

from __future__ import annotations

import importlib.resources
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from allnav.errors import KnowledgeBaseError

_M = TypeVar("_M", bound=BaseModel)


def read_table(package: str, name: str) -> Any:
    """The parsed YAML of ``name`` in ``package``."""
    try:
        text = importlib.resources.files(package).joinpath(name).read_text(encoding="utf-8")
        return yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeBaseError(f"{package}/{name} is malformed or missing: {exc}") from exc


def validate_table(data: Any, model: type[_M], where: str) -> _M:
    """``data`` validated into ``model``; ``where`` names the file in the error."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise KnowledgeBaseError(f"{where} is malformed: {exc}") from exc


def load_table(package: str, name: str, model: type[_M]) -> _M:
    """Read ``name`` from ``package`` and validate it into ``model``."""
    return validate_table(read_table(package, name), model, f"{package}/{name}")
