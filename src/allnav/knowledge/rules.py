"""Rules as records with identity.

Every clinical rule lives once, as a record in a ``rules.yaml`` file beside the code that evaluates it
(``allnav/<domain>/rules.yaml``): an id (``area.topic.name``), a version, a plain statement, its
condition, its conclusion and its citations. Code refers to a rule through a :class:`RuleRef`
declared at module level; :func:`load_knowledge_base` checks at start-up that every reference names a
record and every record is referenced, so a typo fails when the program starts, never on a patient.

>>> kb = load_knowledge_base()
>>> kb.rule("dx.blast_threshold").id
'dx.blast_threshold'
"""

from __future__ import annotations

import functools
import importlib
import importlib.resources
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from allnav.errors import KnowledgeBaseError

#: Version of the knowledge base as a whole; bump when any rule, table or threshold changes.
KNOWLEDGE_VERSION = "2026.11.1"

#: Domain packages that may carry a ``rules.yaml`` and the modules that evaluate their rules.
RULE_PACKAGES: tuple[str, ...] = (
    "allnav.cytogenetics",
    "allnav.immunophenotype",
    "allnav.diagnosis",
    "allnav.genetics",
    "allnav.classification",
    "allnav.prognosis",
    "allnav.response",
    "allnav.treatment",
    "allnav.safety",
    "allnav.followup",
    "allnav.patient_view",
    "allnav.assessment",
)

_RULE_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+){1,3}$")
_REFERENCED: set[str] = set()


class _RuleRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_RULE_ID.pattern)
    version: str
    statement: str = Field(min_length=10)
    condition: str = Field(min_length=3)
    conclusion: str = Field(min_length=3)
    sources: list[str] = Field(min_length=1)
    history: list[str] = Field(default_factory=list)
    notes: str | None = None


@dataclass(frozen=True)
class Rule:
    """One clinical rule: identity, statement, condition, conclusion and citations."""

    id: str
    version: str
    statement: str
    condition: str
    conclusion: str
    sources: tuple[str, ...]
    history: tuple[str, ...] = ()
    notes: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready data."""
        return {
            "id": self.id,
            "version": self.version,
            "statement": self.statement,
            "condition": self.condition,
            "conclusion": self.conclusion,
            "sources": list(self.sources),
            "history": list(self.history),
            "notes": self.notes,
        }


class RuleRef(str):
    """A module-level reference to a rule id, checked against the records at start-up.

    >>> BLAST = RuleRef("dx.blast_threshold")
    """

    __slots__ = ()

    def __new__(cls, rule_id: str) -> RuleRef:
        if not _RULE_ID.match(rule_id):
            raise KnowledgeBaseError(f"malformed rule id {rule_id!r}: expected area.topic.name")
        _REFERENCED.add(rule_id)
        return super().__new__(cls, rule_id)


@dataclass(frozen=True)
class KnowledgeBase:
    """The loaded, immutable knowledge base; pass it explicitly to the evaluators."""

    version: str
    rules: Mapping[str, Rule]

    def rule(self, rule_id: str) -> Rule:
        """The rule record with this id (a missing id is a programming error caught at start-up)."""
        try:
            return self.rules[rule_id]
        except KeyError:
            raise KnowledgeBaseError(f"no rule record {rule_id!r}") from None

    def conclude(self, rule_id: str, value: Any, because: Iterable[str], **extra: Any) -> dict[str, Any]:
        """A conclusion object: value, rule id and version, reasons, sources, plus extra keys."""
        r = self.rules.get(rule_id)  # the hot path of every evaluator: no extra call on the way
        if r is None:
            raise KnowledgeBaseError(f"no rule record {rule_id!r}")
        out: dict[str, Any] = {
            "value": value,
            "rule": r.id,
            "rule_version": r.version,
            "because": list(because),
            "sources": list(r.sources),
        }
        if extra:
            out.update(extra)
        return out


def _read_records(package: str) -> list[_RuleRecord]:
    try:
        res = importlib.resources.files(package).joinpath("rules.yaml")
    except ModuleNotFoundError as exc:  # pragma: no cover - packaging error
        raise KnowledgeBaseError(f"rule package {package} missing") from exc
    if not res.is_file():
        return []
    try:
        data = yaml.safe_load(res.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"{package}/rules.yaml is not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise KnowledgeBaseError(f"{package}/rules.yaml must be a mapping with a 'rules' list")
    records = []
    for i, raw in enumerate(data["rules"]):
        try:
            records.append(_RuleRecord.model_validate(raw))
        except ValidationError as exc:
            raise KnowledgeBaseError(f"{package}/rules.yaml rule #{i}: {exc}") from exc
    return records


def build_knowledge_base(
    records: Iterable[_RuleRecord], referenced: Iterable[str], version: str = KNOWLEDGE_VERSION
) -> KnowledgeBase:
    """Check records against the references and freeze them (exposed for tests)."""
    rules: dict[str, Rule] = {}
    for rec in records:
        if rec.id in rules:
            raise KnowledgeBaseError(f"duplicate rule id {rec.id!r}")
        rules[rec.id] = Rule(
            id=rec.id,
            version=rec.version,
            statement=rec.statement,
            condition=rec.condition,
            conclusion=rec.conclusion,
            sources=tuple(rec.sources),
            history=tuple(rec.history),
            notes=rec.notes,
        )
    refs = set(referenced)
    missing = sorted(refs - rules.keys())
    if missing:
        raise KnowledgeBaseError(f"code refers to rules with no record: {', '.join(missing)}")
    unused = sorted(rules.keys() - refs)
    if unused:
        raise KnowledgeBaseError(f"rule records that no code evaluates: {', '.join(unused)}")
    return KnowledgeBase(version=version, rules=dict(sorted(rules.items())))


def _import_evaluators() -> None:
    """Import every module that declares rule references, so that all RuleRefs are registered."""
    for package in RULE_PACKAGES:
        pkg = importlib.import_module(package)
        for entry in importlib.resources.files(package).iterdir():
            name = entry.name
            if name.endswith(".py") and name != "__init__.py":
                importlib.import_module(f"{pkg.__name__}.{name[:-3]}")


def _declared_refs(package: str) -> set[str]:
    """The RuleRefs declared at module level in one package's modules."""
    refs: set[str] = set()
    for entry in importlib.resources.files(package).iterdir():
        if entry.name.endswith(".py"):
            name = package if entry.name == "__init__.py" else f"{package}.{entry.name[:-3]}"
            module = importlib.import_module(name)
            refs |= {v for v in vars(module).values() if isinstance(v, RuleRef)}
    return refs


def knowledge_base_for(packages: Iterable[str]) -> KnowledgeBase:
    """A checked knowledge base of some packages only (their records against their own RuleRefs).

    The same start-up checks as :func:`load_knowledge_base`, for tests and tools that work on one domain.
    """
    refs: set[str] = set()
    records: list[_RuleRecord] = []
    for package in packages:
        refs |= _declared_refs(package)
        records.extend(_read_records(package))
    # References made from data tables (RuleRefs built at import from a YAML file) count too.
    refs |= _REFERENCED & {r.id for r in records}
    return build_knowledge_base(records, refs)


@functools.cache
def load_knowledge_base() -> KnowledgeBase:
    """Load and check every rule record (once per process; the result is immutable)."""
    _import_evaluators()
    records: list[_RuleRecord] = []
    for package in RULE_PACKAGES:
        records.extend(_read_records(package))
    return build_knowledge_base(records, _REFERENCED)
