"""Cases transcribed from published case reports, with the answers the rule book gives for them.

Each file in ``data/published/`` is one published report (adult ALL/LBL/MPAL, a few clearly labelled paediatric
cases and mimics). Only what the report states is transcribed; what it does not state stays missing. The
expectations in ``data/published/expected.json`` are written by hand from ``clinical_rules.md`` (never by running
allnav); where the report's own conclusion differs from the rules (an EGIL "biphenotypic" call, "CML in blast
crisis"), the rules' answer is expected and ``why`` says so. ``SOURCES.md`` lists every report.

The comparison helpers are shared with the boundary corpus (``test_case_corpus``), so the two corpora mean the same
thing by each expectation key. A disagreement that is the engine's (after re-checking transcription and rule book) is
kept as a strict xfail naming the rule and what the engine gave; expectations are never weakened to pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from test_case_corpus import CHECKED_KEYS, _check

import allnav
from allnav.case import load_case_file

PUBLISHED = Path(__file__).parent / "data" / "published"
EXPECTED: dict[str, dict[str, Any]] = json.loads((PUBLISHED / "expected.json").read_text(encoding="utf-8"))
SOURCES_MD = (PUBLISHED / "SOURCES.md").read_text(encoding="utf-8")
META_KEYS = {"why", "source", "report_says"}
NAMES = sorted(EXPECTED)

# Engine disagreements with the rule book: (file, key) -> the rule and what the engine gave. Filled only after the
# transcription and the rule book were re-checked; strict, so a fix in the engine turns them into failures to remove.
ENGINE_DISAGREES: dict[tuple[str, str], str] = {
    # Fixed: 'FLT3-ITD' was read as a fusion FLT3::ITD (genetics_text now reads ITD/TKD/PTD as mutations).
}


def _case(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PUBLISHED / name).read_text(encoding="utf-8"))
    return data


@cache
def _assessed(name: str) -> Mapping[str, Any]:
    out: Mapping[str, Any] = allnav.assess(_case(name))
    return out


def _param(name: str, key: str) -> Any:
    reason = ENGINE_DISAGREES.get((name, key))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(name, key, marks=marks, id=f"{name[:-5]}:{key}")


CHECKS = [_param(n, k) for n in NAMES for k in sorted(EXPECTED[n]) if k not in META_KEYS]


@pytest.mark.parametrize(("name", "key"), CHECKS)
def test_published_case(name: str, key: str) -> None:
    """Each expected key of each published case matches allnav's assessment (see the case's ``why``)."""
    exp = EXPECTED[name]
    try:
        _check(_assessed(name), key, exp[key])
    except (KeyError, TypeError) as exc:
        pytest.fail(f"{name}: output lacks what {key!r} needs ({exc!r}); why: {exp['why']}")
    except AssertionError as exc:
        raise AssertionError(f"{name} {key}: {exc}\nsource: {exp['source']}\nwhy: {exp['why']}") from None


def test_every_file_has_an_expectation_and_back() -> None:
    files = {p.name for p in PUBLISHED.glob("*.json")} - {"expected.json"}
    assert files == set(EXPECTED)
    assert len(files) >= 15


@pytest.mark.parametrize("name", NAMES)
def test_every_case_cites_its_source(name: str) -> None:
    """A published case names its report (URL, DOI or PMID) here and in SOURCES.md."""
    source = EXPECTED[name].get("source", "")
    assert re.search(r"https?://|doi:|PMID|PMC\d", source), f"no URL/DOI/PMID in {source!r}"
    assert f"`{name}`" in SOURCES_MD, f"{name} is not listed in SOURCES.md"
    assert EXPECTED[name].get("report_says"), "say what the report itself concluded"


@pytest.mark.parametrize("name", NAMES)
def test_expectations_are_well_formed(name: str) -> None:
    exp = EXPECTED[name]
    unknown = set(exp) - CHECKED_KEYS - META_KEYS
    assert not unknown, f"unknown expectation keys {sorted(unknown)}"
    assert set(exp) - META_KEYS, "a case must assert something"
    assert "clinical_rules.md" in exp["why"] or "contracts.md" in exp["why"], "the why must cite its section"


@pytest.mark.parametrize("name", NAMES)
def test_published_case_loads(name: str) -> None:
    case = load_case_file(PUBLISHED / name)
    assert case.patient.id.startswith("published-")


def test_disagreements_name_real_checks() -> None:
    keys = {(n, k) for n in NAMES for k in EXPECTED[n] if k not in META_KEYS}
    assert set(ENGINE_DISAGREES) <= keys
