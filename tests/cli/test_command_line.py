"""The command line (contracts.md section 1): outputs, JSON Lines, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from allnav.cli import main

EXAMPLES = Path(__file__).parents[2] / "examples"


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.output


def test_karyotype_json_matches_contract_keys() -> None:
    code, out = run("karyotype", "46,XX,t(9;22)(q34;q11.2)[18]/46,XX[2]", "--json")
    assert code == 0
    feats = json.loads(out)
    for key in (
        "input",
        "valid",
        "error",
        "modal_number",
        "ploidy_class",
        "sex_chromosomes",
        "clone_count",
        "normal",
        "abnormality_count",
        "complex",
        "recurrent",
        "clones",
    ):
        assert key in feats, key
    assert feats["recurrent"]["t_9_22"] is True


def test_karyotype_file_gives_one_line_per_nonblank_input_and_goes_on_after_errors() -> None:
    text = "46,XY[20]\n\n46,XX,t(9;22)(q34;q11.2\n47,XY,+21[10]\n"
    code, out = run("karyotype", "--file", "-", stdin=text)
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [x["valid"] for x in lines] == [True, False, True]
    assert lines[1]["error"]["position"] >= 0
    assert lines[1]["error"]["code"]


def test_karyotype_without_arguments_is_a_usage_error() -> None:
    assert run("karyotype")[0] == 2


def test_assess_json_and_explain_agree(tmp_path: Path) -> None:
    case = EXAMPLES / "ph-positive-b-all.json"
    code, out = run("assess", str(case), "--json")
    assert code == 0
    result = json.loads(out)
    assert result["diagnosis"]["value"] == "B-ALL"
    code, text = run("explain", str(case))
    assert code == 0
    assert "B-ALL" in text
    assert result["diagnosis"]["rule"] in text


def test_assess_from_stdin_yaml() -> None:
    code, out = run(
        "assess", "-", "--json", stdin="patient: {id: y1, age_years: 40}\nmarrow: {blasts_pct: 50}\n"
    )
    assert code == 0
    assert json.loads(out)["case_id"] == "y1"


def test_assess_file_jsonl_keeps_order_and_reports_invalid_lines() -> None:
    good = json.loads((EXAMPLES / "etp-t-all.json").read_text())
    bad = {"patient": {"id": "bad"}, "blood": {"wbc": 3000}}
    text = "\n".join([json.dumps(good), json.dumps(bad), "{not json", json.dumps(good)]) + "\n"
    code, out = run("assess", "--file", "-", "--json", stdin=text)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 4
    assert rows[0]["case_id"] == "example-etp"
    assert rows[1]["error"]["fields"][0]["path"] == "blood.wbc"
    assert rows[2]["error"]["line"] == 3
    assert rows[3]["case_id"] == "example-etp"


def test_assess_file_refuses_non_object_and_blank_lines_by_line_number(tmp_path: Path) -> None:
    good = (EXAMPLES / "etp-t-all.json").read_text().replace("\n", " ")
    p = tmp_path / "cases.jsonl"
    p.write_text("\n".join([good, "[1, 2]", "   ", "NaN", good]) + "\n", encoding="utf-8")
    code, out = run("assess", "--file", str(p), "--json")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r.get("case_id") for r in rows] == ["example-etp", None, None, None, "example-etp"]
    assert [r["error"]["line"] for r in rows[1:4]] == [2, 3, 4]
    assert rows[1]["error"]["message"] == "a case must be a JSON object"
    assert rows[2]["error"]["message"] == "blank line"
    assert rows[3]["error"]["type"] == "JSONDecodeError"
    code, text = run("assess", "--file", str(p))  # the same lines for people
    assert code == 0
    assert text.count("example-etp") >= 2


def run_stdout(*args: str) -> tuple[int, str]:
    """Exit code and stdout alone (long runs draw a progress bar on stderr)."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout


def _mixed_cases(tmp_path: Path) -> Path:
    """Every example case with distinct ids, interleaved with invalid lines, more than one worker chunk long."""
    examples = [json.loads(p.read_text()) for p in sorted(EXAMPLES.glob("*.json"))]
    lines = []
    for i in range(90):
        case = json.loads(json.dumps(examples[i % len(examples)]))
        case["patient"]["id"] = f"jobs-{i}"
        lines.append(json.dumps(case))
        if i % 17 == 0:
            lines += ["{not json", json.dumps({"patient": {"id": f"bad-{i}"}, "blood": {"wbc": 3000}}), " "]
    p = tmp_path / "mixed.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


@pytest.mark.parametrize("as_json", [True, False])
def test_assess_file_with_jobs_gives_the_same_output_in_input_order(tmp_path: Path, as_json: bool) -> None:
    p = _mixed_cases(tmp_path)
    flags = ["--json"] if as_json else []
    code, one = run_stdout("assess", "--file", str(p), *flags)
    assert code == 0
    code, two = run_stdout("assess", "--file", str(p), *flags, "--jobs", "2")
    assert code == 0
    assert two == one
    if as_json:
        rows = [json.loads(line) for line in two.splitlines()]
        n_lines = len(p.read_text(encoding="utf-8").splitlines())
        assert len(rows) == n_lines
        ids = [r["case_id"] for r in rows if "case_id" in r]
        assert ids == [f"jobs-{i}" for i in range(90)]
        assert [r["error"]["line"] for r in rows if "error" in r][:3] == [2, 3, 4]


def test_jobs_needs_file_and_a_non_negative_count(tmp_path: Path) -> None:
    case = EXAMPLES / "ph-positive-b-all.json"
    assert run("assess", str(case), "--jobs", "2")[0] == 2
    assert run("assess", "--file", str(case), "--jobs", "-1")[0] == 2
    code, out = run_stdout("assess", "--file", str(_mixed_cases(tmp_path)), "--json", "--jobs", "0")
    assert code == 0
    assert json.loads(out.splitlines()[0])["case_id"] == "jobs-0"


def test_invalid_case_gives_error_object_and_exit_zero(tmp_path: Path) -> None:
    p = tmp_path / "bad.json"
    p.write_text(json.dumps({"patient": {"id": "x"}, "marrow": {"blasts_pct": 140}}))
    code, out = run("assess", str(p), "--json")
    assert code == 0
    err = json.loads(out)["error"]
    assert err["fields"][0]["path"] == "marrow.blasts_pct"
    assert err["fields"][0]["value"] == 140


def test_missing_file_is_a_usage_error() -> None:
    assert run("assess", "/nonexistent/case.json")[0] == 2


def test_import_json_shape() -> None:
    data = Path(__file__).parents[1] / "interop" / "data" / "Patient-cancer-patient-brian-l.json"
    code, out = run("import", str(data), "--json")
    assert code == 0
    result = json.loads(out)
    assert set(result["patients"][0]) >= {"id", "case", "mapped", "unmapped", "inconsistent"}


def test_import_store_then_export_fhir_and_omop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLNAV_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ALLNAV_DATABASE_URL", raising=False)
    data = Path(__file__).parents[1] / "interop" / "data"
    files = [str(p) for p in sorted(data.glob("*brian-l*.json"))]
    code, out = run("import", *files, "--store", "--team", "team-x", "--json")
    assert code == 0, out
    (brian,) = [p for p in json.loads(out)["patients"] if p["id"] == "cancer-patient-brian-l"]
    assert brian["stored"] == "stored"
    code, out = run("export", "cancer-patient-brian-l")
    assert code == 0, out
    bundle = json.loads(out)
    assert bundle["resourceType"] == "Bundle"
    assert any(e["resource"]["resourceType"] == "Patient" for e in bundle["entry"])
    code, out = run("export", "cancer-patient-brian-l", "--format", "omop", "--out", str(tmp_path / "omop"))
    assert code == 0, out
    assert (tmp_path / "omop" / "person.csv").read_text().startswith("person_id,")
    assert run("export", "nobody")[0] == 2


def test_import_store_needs_a_team() -> None:
    assert run("import", "x.json", "--store")[0] == 2


def test_assess_with_allsorts_calls_flows_into_classification(tmp_path: Path) -> None:
    probs = tmp_path / "probabilities.csv"
    probs.write_text(",Ph-like,Ph,DUX4,Pred\nS1,0.87,0.1,0.0,Ph-like\n")
    case = tmp_path / "case.json"
    data = json.loads((EXAMPLES / "high-hyperdiploid.json").read_text())
    data["karyotype"] = "46,XX[20]"
    case.write_text(json.dumps(data))
    code, out = run("assess", str(case), "--json", "--subtype-calls", str(probs), "--sample", "S1")
    assert code == 0, out
    result = json.loads(out)
    assert result["who2016"]["icdo3"] == "9819/3"
    assert "bcr_abl1_like" in {f["id"] for f in result["prognostic_factors"]}
    code, out = run("assess", str(case), "--json", "--subtype-calls", str(probs), "--sample", "S9")
    assert "no sample 'S9'" in json.loads(out)["error"]["message"]
    assert run("assess", str(case), "--subtype-calls", str(probs))[0] == 2


def test_explain_shows_the_whole_course() -> None:
    demo = Path(__file__).parents[2] / "src" / "allnav" / "services" / "demo" / "relapse.yaml"
    code, text = run("explain", str(demo))
    assert code == 0
    course = text.split("Course (day from diagnosis):")[1]
    assert "response CR" in course
    assert "response relapse (marrow)" in course
    assert course.index("response CR") < course.index("response relapse")
    for section in ("Drug safety:", "Treatment phase now:", "Follow-up:"):
        assert section in text


def test_json_lines_keep_non_string_keys_and_unknown_values_as_text() -> None:
    from allnav.cli import _dump, _json_line

    assert _json_line({"a": [1, 2.5, None]}) == b'{"a":[1,2.5,null]}\n'
    assert _json_line({1: "x", "b": {2: 3}}) == b'{"1":"x","b":{"2":3}}\n'  # keys that are not strings
    assert _dump({"path": Path("/x")}) == '{"path":"/x"}'  # values orjson cannot write go out as text
    assert _dump({"é": "ü"}) == '{"é":"ü"}'
