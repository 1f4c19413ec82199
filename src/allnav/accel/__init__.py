"""The compiled build of allnav's hot path (mypyc), used only when it matches the source exactly.

``make install`` compiles the modules in :data:`ACCEL_MODULES` with mypyc (the same typed Python, no second
source) into ``<venv>/allnav-accel/`` and records the SHA-256 of every source file it compiled in
``manifest.json``. At ``import allnav``, :func:`install` puts a finder in front of the import system that
loads those compiled modules **only if every listed source file still has the recorded hash**; one edited
file and the whole set falls back to pure Python (the compiled modules call each other natively, so a
partial set could run stale code). The state is in :data:`STATUS` and ``allnav --version`` prints it.

Set ``ALLNAV_ACCEL=0`` to force pure Python (the unit tests and the coverage report do; a test then checks
that the compiled build gives the same results on the corpora). ``python -m allnav.accel build`` (or
``make accel``) rebuilds; ``python -m allnav.accel status`` prints the state.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

#: The modules compiled by mypyc: the assessment's hot path, from the karyotype engine to the patient's view.
#: Left out, because mypyc cannot compile them or they are not on the hot path: modules that define pydantic
#: models (the case model, the knowledge tables: mypyc compiles no BaseModel subclass), ``knowledge.rules``
#: (``RuleRef`` subclasses ``str``), the lark grammar and transformer, ``cytogenetics.semantics`` (a dataclass
#: exception), ``immunophenotype.stages`` (a dataclass field typed ``object``), the text renderers, and every
#: package ``__init__`` (they only re-export).
ACCEL_MODULES: tuple[str, ...] = (
    # karyotype engine
    "allnav.cytogenetics.scanner",
    "allnav.cytogenetics.features",
    "allnav.cytogenetics.recurrent",
    "allnav.cytogenetics.normalise",
    "allnav.cytogenetics.model",
    "allnav.cytogenetics.karyotype",
    "allnav.cytogenetics.formatting",
    # case loading
    "allnav.case.checks",
    "allnav.case.fast",
    "allnav.case.genetics_text",
    "allnav.case.loader",
    "allnav.case.markers",
    "allnav.case.sections",
    "allnav.case.units",
    # the evaluators, in the order allnav.assessment.assess calls them
    "allnav.genetics.call",
    "allnav.genetics.composite",
    "allnav.genetics.evidence",
    "allnav.genetics.features",
    "allnav.genetics.findings",
    "allnav.genetics.ploidy",
    "allnav.genetics.profile",
    "allnav.genetics.resolve",
    "allnav.genetics.status",
    "allnav.immunophenotype.assess",
    "allnav.immunophenotype.etp",
    "allnav.immunophenotype.lineage",
    "allnav.diagnosis.assess",
    "allnav.diagnosis.cns",
    "allnav.diagnosis.profile",
    "allnav.diagnosis.support",
    "allnav.diagnosis.threshold",
    "allnav.classification.codes",
    "allnav.classification.who2016",
    "allnav.classification.who2022",
    "allnav.response.engine",
    "allnav.response.findings",
    "allnav.response.mrd",
    "allnav.response.status",
    "allnav.response.timeline",
    "allnav.prognosis.clinical",
    "allnav.prognosis.lesions",
    "allnav.prognosis.pending",
    "allnav.prognosis.risk",
    "allnav.safety.anthracycline",
    "allnav.safety.crs_icans",
    "allnav.safety.ctcae",
    "allnav.safety.dose_checks",
    "allnav.safety.engine",
    "allnav.safety.tls",
    "allnav.followup.engine",
    "allnav.treatment.context",
    "allnav.treatment.frontline",
    "allnav.treatment.labels",
    "allnav.treatment.phase",
    "allnav.treatment.plan",
    "allnav.treatment.relapse",
    "allnav.treatment.transplant",
    "allnav.patient_view.glossary",
    "allnav.patient_view.inputs",
    "allnav.patient_view.patterns",
    "allnav.patient_view.questions",
    "allnav.patient_view.report",
    "allnav.patient_view.summary",
    "allnav.patient_view.terms",
    "allnav.patient_view.view",
    # the orchestration
    "allnav.assessment.assess",
)
MANIFEST = "manifest.json"
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # .../src/allnav

#: "compiled", or "pure (<why>)"; set by :func:`install` at ``import allnav``.
STATUS = "pure (not checked)"


@dataclass(frozen=True)
class Manifest:
    """What a build compiled: module -> (source hash, extension file), the shared library, the toolchain."""

    modules: dict[str, tuple[str, str]]
    shared: dict[str, str]
    python: str
    compiler: str


def accel_dir() -> Path:
    """Where the compiled build lives: ``$ALLNAV_ACCEL_DIR``, else ``<sys.prefix>/allnav-accel``."""
    env = os.environ.get("ALLNAV_ACCEL_DIR")
    return Path(env) if env else Path(sys.prefix) / "allnav-accel"


def source_path(module: str) -> Path:
    """The .py file of an allnav module, found without importing it."""
    parts = module.split(".")
    if parts[0] != "allnav":
        raise ValueError(f"not an allnav module: {module}")
    return _PACKAGE_ROOT.joinpath(*parts[1:]).with_suffix(".py")


def source_hash(module: str) -> str:
    """SHA-256 of a module's source file."""
    return hashlib.sha256(source_path(module).read_bytes()).hexdigest()


def _python_tag() -> str:
    return f"{sys.implementation.cache_tag}-{sysconfig.get_platform()}"


def read_manifest(directory: Path) -> Manifest | None:
    """The manifest of a build directory, or None when there is none (or it is unreadable)."""
    try:
        raw = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        return Manifest(
            modules={k: (v[0], v[1]) for k, v in raw["modules"].items()},
            shared=dict(raw["shared"]),
            python=str(raw["python"]),
            compiler=str(raw["compiler"]),
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def check(directory: Path) -> tuple[dict[str, Path] | None, str]:
    """The extension files to load and the status line; None when pure Python must be used."""
    manifest = read_manifest(directory)
    if manifest is None:
        return None, f"pure (no compiled build in {directory}; run `make accel`)"
    if manifest.python != _python_tag():
        return None, f"pure (compiled for {manifest.python}, this is {_python_tag()}; run `make accel`)"
    if set(manifest.modules) != set(ACCEL_MODULES):
        return None, "pure (the compiled build covers other modules; run `make accel`)"
    for module, (digest, _) in manifest.modules.items():
        if source_hash(module) != digest:
            return (
                None,
                f"pure (compiled build is stale: {source_path(module).name} changed; run `make accel`)",
            )
    files = {m: directory / rel for m, (_, rel) in manifest.modules.items()}
    files.update({m: directory / rel for m, rel in manifest.shared.items()})
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        return None, f"pure (compiled build incomplete: {missing[0]} missing; run `make accel`)"
    return files, f"compiled (mypyc, {len(manifest.modules)} modules, {manifest.compiler})"


class CompiledFinder(importlib.abc.MetaPathFinder):
    """Finds the checked compiled modules; everything else is left to the normal import system."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = files

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        """A spec for one of the compiled extension modules, else None."""
        file = self.files.get(fullname)
        if file is None:
            return None
        loader = importlib.machinery.ExtensionFileLoader(fullname, str(file))
        return importlib.util.spec_from_file_location(fullname, str(file), loader=loader)


def install() -> str:
    """Put the compiled build in front of the import system when it is present and current; return the status."""
    global STATUS
    if os.environ.get("ALLNAV_ACCEL", "1").strip().lower() in {"0", "no", "false", "off"}:
        STATUS = "pure (ALLNAV_ACCEL=0)"
        return STATUS
    if any(m in sys.modules for m in ACCEL_MODULES):
        STATUS = "pure (engine modules were imported before the check)"
        return STATUS
    files, STATUS = check(accel_dir())
    if files is not None and not any(isinstance(f, CompiledFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, CompiledFinder(files))
    return STATUS
