"""The one-walk build of a valid case (``allnav.case.fast``) gives exactly what the full walk gives.

``load_case`` first tries :func:`build_case`, which checks the usual case and builds the models directly;
anything it cannot vouch for goes through :func:`validate_case` (the walk plus pydantic's strict
validation). For every case file in the repository and for perturbations of them (nulls, wrong types,
units, integral floats, unknown fields, spellings to normalise, dates, duplicate markers...), the built
case must equal the full walk's in every detail - field order, value types, ``model_fields_set`` - and a
refused case must be refused with the same problems.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from allnav.case import load_case
from allnav.case import model as m
from allnav.case.fast import build_case
from allnav.case.genetics_text import _PLAIN_FUSION, _plain_fusion, read_finding
from allnav.case.validate import validate_case
from allnav.errors import CaseValidationError

ROOT = Path(__file__).resolve().parents[2]


def _case_files() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted((ROOT / "tests").rglob("*.json")):
        if path.name == "expected.json" or "cytogenetics" in path.parts:
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "patient" in data:
            out.append((str(path.relative_to(ROOT)), data))
    return out


CASES = _case_files()


def _same(a: Any, b: Any, path: str = "$") -> str | None:
    """Where ``a`` and ``b`` differ (types, model field order, fields set, values), or None."""
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, BaseModel):
        assert isinstance(b, BaseModel)
        if list(a.__dict__) != list(b.__dict__) or a.model_fields_set != b.model_fields_set:
            return f"{path}: fields {list(a.__dict__)} {a.model_fields_set} vs {b.model_fields_set}"
        if a.__pydantic_extra__ != b.__pydantic_extra__ or a.__pydantic_private__ != b.__pydantic_private__:
            return f"{path}: extra/private"
        a, b = a.__dict__, b.__dict__
    if isinstance(a, dict):
        if list(a) != list(b):
            return f"{path}: keys {list(a)} vs {list(b)}"
        return next((d for k in a if (d := _same(a[k], b[k], f"{path}.{k}"))), None)
    if isinstance(a, list | tuple):
        if len(a) != len(b):
            return f"{path}: length {len(a)} vs {len(b)}"
        return next(
            (d for i, (x, y) in enumerate(zip(a, b, strict=True)) if (d := _same(x, y, f"{path}[{i}]"))), None
        )
    return None if a == b else f"{path}: {a!r} vs {b!r}"


def _outcome(load: Any, data: Any) -> Any:
    try:
        return load(data)
    except CaseValidationError as exc:
        problems = [
            (p.path, p.message, repr(p.value), p.accepted, p.suggestion, p.extra) for p in exc.problems
        ]
        return (type(exc).__name__, str(exc), problems)


def _check(data: Any) -> None:
    full = _outcome(validate_case, data)
    loaded = _outcome(load_case, data)
    if isinstance(full, m.Case):
        assert _same(full, loaded) is None, _same(full, loaded)
    else:
        assert loaded == full


@pytest.mark.parametrize(("name", "data"), CASES, ids=[n for n, _ in CASES])
def test_every_case_file_builds_in_one_walk_as_the_full_walk(name: str, data: dict[str, Any]) -> None:
    full = _outcome(validate_case, data)
    if not isinstance(full, m.Case):
        with pytest.raises(Exception):  # noqa: B017, PT011 - a refused case is never built by the fast path
            build_case(data)
        assert _outcome(load_case, data) == full
        return
    built = build_case(data)  # the fast path vouches for every valid case file of the repository
    assert _same(full, built) is None, _same(full, built)


_BASE: dict[str, Any] = {
    "patient": {
        "id": "fast-1",
        "age_years": 45,
        "sex": "female",
        "bsa_m2": 1.8,
        "diagnosis_date": "2024-03-01",
    },
    "presentation": {"mediastinal_mass": False, "ecog": 1},
    "blood": {"wbc": 8.2, "anc": 1, "hemoglobin": 9.1, "platelets": 64, "blasts_pct": 40.0},
    "marrow": {"blasts_pct": 82, "fab": "L2", "dry_tap": False},
    "immunophenotype": {
        "CD19": "pos",
        "cCD79a": "pos",
        "CD10": "dim",
        "TdT": "pos",
        "cCD3": "neg",
        "MPO": "neg",
    },
    "reported_lineage": "B",
    "karyotype": "46,XX[20]",
    "genetics": [
        {"finding": "BCR::ABL1", "result": "detected", "method": "RT-PCR", "transcript": "p190"},
        {"finding": "KMT2A rearrangement", "result": "not_detected", "method": "FISH"},
        {"finding": "IKZF1 deletion", "method": "MLPA"},
    ],
    "csf": {"wbc_per_ul": 1, "rbc_per_ul": 0, "blasts": False},
    "labs": {"ldh": 600, "creatinine": 0.9, "potassium": 4.1},
    "timeline": [
        {
            "day": 29,
            "phase": "induction",
            "marrow": {"blasts_pct": 2},
            "mrd": {"level": 0.0001, "method": "flow"},
        },
        {"date": "2024-03-08", "blood": {"wbc": 1.2}, "immunophenotype": {"CD19": "neg"}},
    ],
    "medications": [
        {"drug": "daunorubicin", "dose": 45, "unit": "mg/m2", "day": 1, "route": "IV"},
        {
            "drug": "methotrexate",
            "dose": 1,
            "unit": "g/m2",
            "date": "2024-03-05",
            "route": "iv",
            "levels": [{"hours": 42, "umol_per_l": 0.8}],
        },
    ],
    "pharmacogenomics": {"TPMT": "normal"},
    "crs_icans": [{"day": 3, "temperature_c": 38.5, "cerebral_edema": False, "vasopressors": "none"}],
    "prior_anthracyclines": [{"drug": "doxorubicin", "cumulative_mg_m2": 120}],
}

# (path, value) perturbations: each is applied alone to _BASE; most must still build, some are refused.
_ODD: list[Any] = [
    None,
    "",
    " ",
    "x",
    True,
    0,
    1,
    2.5,
    -1,
    1e308,
    float("nan"),
    [],
    {},
    ["a"],
    ("a",),
    {"value": 1},
]
_PERTURB: list[tuple[tuple[Any, ...], Any]] = [
    (("blood", "wbc"), {"value": 8200, "unit": "/uL"}),
    (("blood", "wbc"), {"value": 8200, "unit": "furlong"}),
    (("blood", "wbc"), 5000),
    (("blood", "hemoglobin"), 91),
    (("marrow", "blasts_pct"), 100.0),
    (("marrow", "blasts_pct"), 100.5),
    (("presentation", "ecog"), 2.0),
    (("as_of_day",), 30.0),
    (("as_of_day",), 30),
    (("patient", "id"), "x" * 129),
    (("patient", "diagnosis_date"), " 2024-03-01 "),
    (("patient", "diagnosis_date"), "2024-02-30"),
    (("genetics", 0, "finding"), "BCR-ABL1"),
    (("genetics", 0, "finding"), "MLL::AF4"),
    (("genetics", 0, "finding"), "  "),
    (("genetics", 0, "result"), "Positive"),
    (("genetics", 0, "result"), "maybe"),
    (("genetics", 0, "transcript"), "e1a2"),
    (("genetics", 0, "written_as"), "BCR/ABL"),
    (("genetics", 0, "probability"), 0.9),
    (("genetics", 0, "kind"), "fusion"),
    (("genetics", 0, "genes"), ["BCR", "ABL1"]),
    (("genetics", 0, "notes"), ["given"]),
    (("genetics", 1, "finding"), "RUNX1 copies"),
    (("genetics", 1, "finding"), "TP53 R248Q"),
    (("genetics", 1, "finding"), "KMT2A copieſ"),
    (("genetics", 2, "method"), "ALLSorts"),
    (("immunophenotype", "CD19"), "40%"),
    (("immunophenotype", "CD19"), 40),
    (("immunophenotype", "CD19"), "weird"),
    (("immunophenotype", "CD19"), None),
    (("immunophenotype", "cyCD79a"), "pos"),
    (("immunophenotype", "cyCD79a"), "neg"),
    (("immunophenotype", "cd 117"), "Pos"),
    (("immunophenotype", " "), "pos"),
    (("timeline", 1, "day"), 7),
    (("timeline", 1, "day"), 8),
    (("timeline", 0, "date"), "2024-03-29"),
    (("medications", 0, "unit"), "MG/M2"),
    (("medications", 0, "unit"), "spoons"),
    (("medications", 0, "route"), "nasal"),
    (("medications", 1, "day"), 4),
    (("medications", 1, "day"), 5),
    (("medications", 1, "levels"), [{"hours": 42, "umol": 1}]),
    (("crs_icans", 0, "cerebral_edema"), "focal"),
    (("crs_icans", 0, "cerebral_edema"), "none of it"),
    (("timeline", 0, "extramedullary_sites"), ["CNS", "testis"]),
    (("timeline", 0, "events"), ["fever", 1]),
    (("blod",), {}),
    (("blood", "wbc_count"), 3),
]
for _path in [("blood", "wbc"), ("marrow", "fab"), ("marrow", "dry_tap"), ("patient", "sex"), ("patient", "id"),
              ("karyotype",), ("reported_lineage",), ("genetics", 0, "method"), ("genetics", 1, "copies"),
              ("genetics", 2, "vaf"), ("timeline", 0, "day"), ("timeline", 0, "phase"), ("medications", 0, "dose"),
              ("medications", 0, "status"), ("csf",), ("genetics",), ("genetics", 0), ("timeline",),
              ("immunophenotype",), ("pharmacogenomics", "TPMT"), ("crs_icans", 0, "ice_score")]:  # fmt: skip
    _PERTURB += [(_path, value) for value in _ODD]


def _perturbed(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(_BASE)
    node: Any = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


def test_the_base_case_builds_in_one_walk() -> None:
    built = build_case(_BASE)
    assert _same(validate_case(_BASE), built) is None
    assert built.timeline[0].day == 7  # sorted by day, the second entry's day from its date
    assert built.medications[1].day == 4
    assert built.medications[1].route == "IV"


@pytest.mark.parametrize(("path", "value"), _PERTURB, ids=[f"{p}={v!r}" for p, v in _PERTURB])
def test_perturbed_cases_load_exactly_as_the_full_walk(path: tuple[Any, ...], value: Any) -> None:
    _check(_perturbed(path, value))


def test_the_input_is_not_changed() -> None:
    data = copy.deepcopy(_BASE)
    load_case(data)
    assert data == _BASE


def test_mutable_fields_are_fresh_per_case() -> None:
    a, b = load_case({"patient": {"id": "a"}}), load_case({"patient": {"id": "b"}})
    assert a.genetics is not b.genetics
    assert a.immunophenotype is not b.immunophenotype


@pytest.mark.parametrize(
    "text",
    ["BCR::ABL1", "bcr::abl1", "A::B::C", "A1::B", "1A::B", "A::", "::A", "A::::B", "A:::B", "A::B C", "Ä::B",
     "ABL1-1::BCR", "A-1::B-2", "A-B::C", "C1orf12::ABL1", "A::B-", "ab::cd"],
)  # fmt: skip
def test_plain_fusion_test_is_the_pattern(text: str) -> None:
    assert _plain_fusion(text) == (_PLAIN_FUSION.fullmatch(text) is not None)


def test_non_ascii_findings_still_read_by_the_case_insensitive_patterns() -> None:
    # re.IGNORECASE equates 'ſ' with 's'; the plain-string shortcuts are taken for ASCII text only.
    assert read_finding("RUNX1 copieſ").kind == "copy_number"
    assert read_finding("BCR-ABL1 tranſcript").finding == "BCR::ABL1"
    assert read_finding("RUNX1 copiez").kind == "gene_alteration"
