"""docs/codes.csv is the reviewed code table: every code the interop package uses must be in it, with a source.

The codes in use are collected three ways, so that a new code cannot slip in unreviewed:
the validated ``fhir_codes.yaml`` table, the modules' code constants (imported), and the string literals of
the interop modules (parsed with ``ast``: ``{"system": ..., "code": ...}`` dicts, code-shaped strings,
``f"{MCODE}/..."`` / ``f"{BASE}/..."`` URLs).
"""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path
from types import ModuleType

import pytest

from allnav.interop import cds_hooks, fhir_client, fhir_conclusions, fhir_export, fhir_import, fhir_read, omop
from allnav.interop.fhir_tables import fhir_code_table

ROOT = Path(__file__).parents[2]
TABLE = ROOT / "docs" / "codes.csv"
YAML = ROOT / "src" / "allnav" / "interop" / "fhir_codes.yaml"
COLUMNS = ["concept", "system", "code", "display", "used_in", "confidence", "source"]
CONFIDENCE = {"high", "medium", "low", "VERIFY"}
UNCERTAIN = {"low", "VERIFY"}

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
NCIT = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
ICDO3 = "http://terminology.hl7.org/CodeSystem/icd-o-3"
UCUM = "http://unitsofmeasure.org"
OMOP = "OMOP concept_id"
URL = "URL (canonical)"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
#: Extensions whose valueCode comes from a known code system.
EXTENSION_CODE_SYSTEMS = {
    "http://hl7.org/fhir/StructureDefinition/data-absent-reason": "http://terminology.hl7.org/CodeSystem/data-absent-reason"
}

#: Codes the review could not pin down. Each must stay named in the table, marked VERIFY, with its source;
#: adding or resolving one means editing this list on purpose.
VERIFY_CODES = {
    "omop-concept:3031354": "CSF cytology LOINC term (number not retrieved)",
    "omop-concept:3965853": "B-ALL MRD by flow LOINC term (number not retrieved)",
    "NOT-FOUND:T-ALL": "no SNOMED CT concept for T-ALL",
    "NOT-FOUND:Ph+ALL": "no SNOMED CT concept for Ph+ ALL",
    "NOT-FOUND:ALL-relapse": "no SNOMED CT concept for ALL in relapse",
}

#: Code-shaped string literals: LOINC (and LOINC answers/parts), NCIt, SNOMED CT, ICD-O-3 morphology.
CODE_SHAPES = [
    re.compile(r"\d{1,6}-\d"),
    re.compile(r"L[AP]\d{1,6}-\d"),
    re.compile(r"C\d{4,6}"),
    re.compile(r"\d{6,18}"),
    re.compile(r"\d{4}/\d"),
]
MODULES: list[ModuleType] = [
    cds_hooks,
    fhir_client,
    fhir_conclusions,
    fhir_export,
    fhir_import,
    fhir_read,
    omop,
]

Pair = tuple[str, str]


def _file(module: ModuleType) -> Path:
    assert module.__file__ is not None
    return Path(module.__file__)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == COLUMNS
        return list(reader)


@pytest.fixture(scope="module")
def by_pair(rows: list[dict[str, str]]) -> dict[Pair, dict[str, str]]:
    return {(r["system"], r["code"]): r for r in rows}


def _yaml_codes() -> dict[Pair, str]:
    """(system, code) -> where it is used, from the validated fhir_codes.yaml."""
    t = fhir_code_table()
    out: dict[Pair, str] = {}
    for code in [*t.observations, *t.report_codes]:
        out[(LOINC, code)] = "fhir_codes.yaml"
    for code in t.recognised_not_mapped:
        out[(NCIT if code.startswith("C") else LOINC, code)] = "fhir_codes.yaml"
    for code in [*t.procedures, *t.routes, *t.conditions.snomed]:
        out[(SNOMED, code)] = "fhir_codes.yaml"
    g = t.genomics
    for code in [g.variant_code, g.gene_studied, g.cytogenomic_nomenclature, *g.present, *g.absent]:
        out[(LOINC, code)] = "fhir_codes.yaml"
    for code in t.conditions.icd10cm_prefixes:
        out[(ICD10CM, code)] = "fhir_codes.yaml"
    for code in t.conditions.icdo3_morphology:
        out[(ICDO3, code)] = "fhir_codes.yaml"
    return out


def _constant_codes() -> dict[Pair, str]:
    """(system, code) -> module, from the modules' code constants and URL constants."""
    out: dict[Pair, str] = {}
    for code in fhir_export._ROUTES.values():
        out[(SNOMED, code)] = "fhir_export.py"
    for unit in fhir_export._UNITS.values():
        out[(UCUM, unit)] = "fhir_export.py"
    for code, _display in [*fhir_conclusions._SNOMED_DX.values(), *fhir_conclusions._STATUS.values()]:
        out[(SNOMED, code)] = "fhir_conclusions.py"
    for code, _display in fhir_conclusions._RISK.values():
        out[(NCIT, code)] = "fhir_conclusions.py"
    for status in [*fhir_conclusions._CLINICAL.values(), "active"]:  # "active" is _condition's default
        out[(CLINICAL, status)] = "fhir_conclusions.py"
    for concept in (omop.CONDITION_FIELD, omop.DISEASE_FIRST_OCCURRENCE, omop.TREATMENT_REGIMEN):
        out[(OMOP, str(concept))] = "omop.py"
    out[("ICD-O-3 topography", omop.BONE_MARROW)] = "omop.py"
    for module in MODULES:
        for value in vars(module).values():
            if isinstance(value, str) and value.startswith(("http://", "https://")) and "{" not in value:
                out[(URL, value)] = _file(module).name
    return out


def _resolve(module: ModuleType, node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        value = getattr(module, node.id, None)
        return value if isinstance(value, str) else None
    return None


def _literal_codes() -> tuple[dict[Pair, str], dict[str, str]]:
    """Coded dicts and URLs ((system, code) -> module) and bare code-shaped strings (code -> module)."""
    pairs: dict[Pair, str] = {}
    bare: dict[str, str] = {}
    for module in MODULES:
        path = _file(module)
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if any(shape.fullmatch(node.value) for shape in CODE_SHAPES):
                    bare[node.value] = path.name
                if node.value.startswith(("http://", "https://")) and "{" not in node.value:
                    pairs[(URL, node.value)] = path.name
            if isinstance(node, ast.Dict):
                fields = {
                    k.value: v
                    for k, v in zip(node.keys, node.values, strict=True)
                    if isinstance(k, ast.Constant) and isinstance(k.value, str)
                }
                system = _resolve(module, fields["system"]) if "system" in fields else None
                code = _resolve(module, fields["code"]) if "code" in fields else None
                if system and code:
                    pairs[(system, code)] = path.name
                url = _resolve(module, fields["url"]) if "url" in fields else None
                value_code = _resolve(module, fields["valueCode"]) if "valueCode" in fields else None
                if url in EXTENSION_CODE_SYSTEMS and value_code:
                    pairs[(EXTENSION_CODE_SYSTEMS[url], value_code)] = path.name
        for base, tail in re.findall(r'f"\{(MCODE|BASE)\}(/[A-Za-z0-9/_-]+)"', source):
            pairs[(URL, getattr(module, base) + tail)] = path.name
    return pairs, bare


def _used() -> dict[Pair, str]:
    used = _yaml_codes()
    for pair, where in [*_constant_codes().items(), *_literal_codes()[0].items()]:
        used.setdefault(pair, where)
    return used


# ------------------------------------------------------------------ the table itself
def test_table_rows_are_complete_and_unique(rows: list[dict[str, str]]) -> None:
    assert len(rows) >= 100
    seen: set[Pair] = set()
    for r in rows:
        assert all(r[c].strip() for c in COLUMNS), r
        assert r["confidence"] in CONFIDENCE, r
        pair = (r["system"], r["code"])
        assert pair not in seen, f"duplicate row {pair}"
        seen.add(pair)


def test_high_confidence_rows_name_a_readable_source(rows: list[dict[str, str]]) -> None:
    for r in rows:
        if r["confidence"] == "high":
            assert re.search(
                r"https?://|@[0-9a-f]{7,}|file ids? \d+|\.(fsh|json|sql|md|cc|csv)\b", r["source"]
            ), r


# ------------------------------------------------------------------ every code in use is reviewed
def test_every_yaml_code_is_in_the_table(by_pair: dict[Pair, dict[str, str]]) -> None:
    missing = sorted(pair for pair in _yaml_codes() if pair not in by_pair)
    assert not missing, f"codes in fhir_codes.yaml missing from docs/codes.csv: {missing}"


def test_every_module_constant_is_in_the_table(by_pair: dict[Pair, dict[str, str]]) -> None:
    missing = sorted(pair for pair in _constant_codes() if pair not in by_pair)
    assert not missing, f"module constants missing from docs/codes.csv: {missing}"


def test_every_coded_literal_is_in_the_table(by_pair: dict[Pair, dict[str, str]]) -> None:
    pairs, bare = _literal_codes()
    assert (LOINC, "69380-4") in pairs  # the scan sees the BCR::ABL1 %IS code written in fhir_export
    missing = sorted(pair for pair in pairs if pair not in by_pair)
    assert not missing, f"coded literals missing from docs/codes.csv: {missing}"
    codes = {code for _system, code in by_pair}
    unknown = sorted(code for code in bare if code not in codes)
    assert not unknown, f"code-shaped literals missing from docs/codes.csv: {unknown}"


def test_used_in_names_the_module_that_uses_the_code(by_pair: dict[Pair, dict[str, str]]) -> None:
    for pair, where in _used().items():
        if pair in by_pair:  # a missing row fails the tests above
            assert where in by_pair[pair]["used_in"], (pair, where, by_pair[pair]["used_in"])


def test_rows_marked_unused_are_not_used(rows: list[dict[str, str]]) -> None:
    used = _used()
    _pairs, bare = _literal_codes()
    for r in rows:
        if r["used_in"].startswith("-"):
            assert (r["system"], r["code"]) not in used, r
            assert r["code"] not in bare, r


def test_yaml_confidence_matches_the_reviewed_table(by_pair: dict[Pair, dict[str, str]]) -> None:
    for code, spec in fhir_code_table().observations.items():
        assert spec.confidence == by_pair[(LOINC, code)]["confidence"], code


# ------------------------------------------------------------------ uncertain codes
def test_verify_codes_are_named_with_their_source(by_pair: dict[Pair, dict[str, str]]) -> None:
    rows_by_code = {code: row for (_system, code), row in by_pair.items()}
    for code, what in VERIFY_CODES.items():
        assert code in rows_by_code, (code, what)
        assert rows_by_code[code]["confidence"] == "VERIFY", code
        assert rows_by_code[code]["source"].strip(), code
    uncertain = {code for (_system, code), r in by_pair.items() if r["confidence"] in UNCERTAIN}
    assert uncertain == set(VERIFY_CODES), "a code became (or stopped being) uncertain: update VERIFY_CODES"


def test_no_uncertain_code_is_used_without_a_comment(by_pair: dict[Pair, dict[str, str]]) -> None:
    yaml_lines = YAML.read_text(encoding="utf-8").splitlines()
    yaml_codes = _yaml_codes()
    for pair, where in _used().items():
        if pair not in by_pair or by_pair[pair]["confidence"] not in UNCERTAIN:
            continue
        assert pair in yaml_codes, f"{pair} is uncertain and used in {where} without a flag"
        flagged = [line for line in yaml_lines if f'"{pair[1]}"' in line and "#" in line]
        assert any(re.search(r"VERIFY|low", line.split("#", 1)[1]) for line in flagged), pair


# ------------------------------------------------------------------ known traps (ecosystem.md 2.3)
def test_tpll_code_is_never_used_for_t_all(by_pair: dict[Pair, dict[str, str]]) -> None:
    assert (SNOMED, "277567002") not in _used()
    assert "PROLYMPHOCYTIC" in by_pair[(SNOMED, "277567002")]["display"].upper()


def test_blood_and_csf_wbc_codes_are_not_swapped() -> None:
    obs = fhir_code_table().observations
    assert obs["26464-8"].target == "blood.wbc"
    assert obs["6690-2"].target == "blood.wbc"
    assert obs["26465-5"].target == "csf.wbc_per_ul"
    assert obs["806-0"].target == "csf.wbc_per_ul"


def test_intrathecal_route_is_72607000() -> None:
    assert fhir_export._ROUTES["IT"] == "72607000"
    assert fhir_code_table().routes["72607000"] == "IT"
