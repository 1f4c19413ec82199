"""Fixtures shared by the store and API tests: databases (SQLite always, PostgreSQL when configured)
and a tiny stand-in for the clinical core."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from allnav.errors import CaseValidationError, FieldProblem
from allnav.store.engine import make_engine
from allnav.store.migrate import upgrade

PG_ENV = "ALLNAV_TEST_DATABASE_URL"
BACKENDS = ["sqlite", "postgresql"]


def backend_url(backend: str, tmp_path: Path) -> str:
    """The URL of a fresh database for ``backend``; skips PostgreSQL when it is not configured."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'allnav.sqlite'}"
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"PostgreSQL tests skipped: {PG_ENV} is not set (CI sets it)")
    return url


def reset_postgres(engine: Engine) -> None:
    """Drop everything in the PostgreSQL test database (alembic's table included)."""
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database of each backend."""
    engine = make_engine(backend_url(request.param, tmp_path))
    if engine.dialect.name == "postgresql":
        reset_postgres(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """An engine on a migrated, empty database of each backend."""
    upgrade(empty_engine)
    return empty_engine


class FakeCore:
    """Assesses by counting; refuses ``blood.wbc`` over 1000 and unknown sections like the real one."""

    KNOWN = frozenset(
        {
            "patient",
            "presentation",
            "blood",
            "marrow",
            "immunophenotype",
            "reported_lineage",
            "karyotype",
            "genetics",
            "csf",
            "labs",
            "timeline",
            "as_of_day",
            "medications",
            "prior_anthracyclines",
            "pharmacogenomics",
            "crs_icans",
        }
    )

    def __init__(self) -> None:
        self.calls = 0

    def assess(self, case: Mapping[str, Any]) -> dict[str, Any]:
        self.calls += 1
        problems = [FieldProblem(path=k, message="unknown field") for k in case if k not in self.KNOWN]
        for key in ("patient", "presentation", "blood", "marrow", "csf", "labs"):
            if key in case and not isinstance(case[key], dict):
                problems.append(FieldProblem(path=key, message="not an object", value=None))
        if not isinstance(case.get("patient"), dict):
            problems.append(FieldProblem(path="patient", message="required"))
        for key in ("timeline", "medications"):
            items = case.get(key) or []
            if not isinstance(items, list) or not all(isinstance(e, dict) for e in items):
                problems.append(FieldProblem(path=key, message="not a list of objects", value=None))
        blood = case.get("blood")
        wbc = blood.get("wbc") if isinstance(blood, dict) else None
        if isinstance(wbc, int | float) and wbc > 1000:
            problems.append(
                FieldProblem(path="blood.wbc", message="implausible", value=wbc, accepted="0-1000")
            )
        if problems:
            raise CaseValidationError("the case file is not valid", problems)
        if problems:
            raise CaseValidationError("the case file is not valid", problems)
        blasts = (case.get("marrow") or {}).get("blasts_pct")
        return {
            "allnav_version": "test-1",
            "knowledge_version": "kb-test",
            "case_id": case["patient"]["id"],
            "diagnosis": {
                "value": "B-ALL" if isinstance(blasts, int | float) and blasts >= 20 else "indeterminate"
            },
            "icd10cm": {"value": "C91.00"},
            "timeline_entries": len(case.get("timeline") or []),
            "medications": len(case.get("medications") or []),
        }

    def explain(self, assessment: Mapping[str, Any]) -> str:
        return f"diagnosis: {assessment.get('diagnosis')}"
