"""The `allnav` command line (contracts.md section 1): a thin shell over the service functions.

Exit status: 0 when every input was processed (even if some were invalid, which the output says),
2 for a usage error, 1 for an internal failure.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import multiprocessing
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import click
import orjson

from allnav import accel
from allnav._version import __version__
from allnav.errors import AllnavError

PROGRESS_MIN_LINES = 50


def _json_line(obj: Any) -> bytes:
    """One JSON document on one line, with its newline, as UTF-8 (orjson: a 10,000-case --file run is ~400 MB).

    Keys are written as they are; only a document with a key that is not a plain string (an int, say) takes
    orjson's non-string-key mode, which turns it into text but costs 3x on every document.
    """
    try:
        return orjson.dumps(obj, default=str, option=orjson.OPT_APPEND_NEWLINE)
    except TypeError:  # orjson.JSONEncodeError: a key that is not a plain str
        return orjson.dumps(obj, default=str, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE)


def _dump(obj: Any) -> str:
    """One JSON document on one line, as text (without the newline)."""
    return _json_line(obj)[:-1].decode("utf-8")


def _open_lines(path: str) -> Iterator[str]:
    if path == "-":
        yield from sys.stdin
        return
    try:
        with Path(path).open(encoding="utf-8") as fh:
            yield from fh
    except OSError as exc:
        raise click.UsageError(f"cannot read {path}: {exc.strerror}") from exc


def _read_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise click.UsageError(f"cannot read {path}: {exc.strerror}") from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, prog_name="allnav", message=f"%(prog)s %(version)s (engine: {accel.STATUS})"
)
def main() -> None:
    """allnav: decision support for adult acute lymphoblastic leukemia (not a medical device)."""


# --------------------------------------------------------------------------- karyotype
@main.command()
@click.argument("iscn", nargs=-1)
@click.option("--file", "file_", metavar="PATH", help="One karyotype per line ('-' for stdin).")
@click.option("--json", "as_json", is_flag=True, help="JSON (JSON Lines with --file) on stdout.")
def karyotype(iscn: tuple[str, ...], file_: str | None, as_json: bool) -> None:
    """Parse ISCN karyotypes and print their features."""
    from allnav.assessment.render import render_features
    from allnav.cytogenetics import features_of

    if file_ is None and not iscn:
        raise click.UsageError("give one or more karyotypes, or --file PATH")
    if file_ is not None and iscn:
        raise click.UsageError("give karyotypes as arguments or --file, not both")
    texts: list[str] = list(iscn)
    if file_ is not None:
        texts = [line.rstrip("\r\n") for line in _open_lines(file_) if line.strip()]
    out = sys.stdout
    for text in texts:
        feats = features_of(text)
        if as_json or file_ is not None:
            out.write(_dump(feats) + "\n")
        else:
            out.write(render_features(feats) + "\n")


# --------------------------------------------------------------------------- assess / explain
def _assess_text(text: str) -> dict[str, Any]:
    from allnav.assessment import assess
    from allnav.case import load_case_text

    case = load_case_text(text)
    return assess(case)


def _assess_with_calls(
    text: str, calls_path: str, predictions_path: str | None, sample: str
) -> dict[str, Any]:
    """The case with the RNA-seq classifier's calls for ``sample`` added to its genetics findings."""
    from allnav.assessment import assess
    from allnav.case import load_case, load_case_text
    from allnav.errors import InteropError
    from allnav.interop.rnaseq_classifiers import read_subtype_calls

    case = load_case_text(text).model_dump(mode="json", exclude_none=True)
    calls = read_subtype_calls(
        _read_text(calls_path), _read_text(predictions_path) if predictions_path else None, origin=calls_path
    )
    if sample not in calls:
        raise InteropError(
            f"{calls_path}: no sample {sample!r} (samples: {', '.join(sorted(calls)) or 'none'})"
        )
    findings = [
        {k: v for k, v in g.items() if k not in ("kind", "genes", "alteration", "written_as", "notes")}
        for g in case.get("genetics", [])
    ]
    case["genetics"] = findings + calls[sample]
    return assess(load_case(case))


def _error_envelope(exc: AllnavError) -> dict[str, Any]:
    return {"error": exc.to_dict()}


def _assess_line(item: tuple[int, str]) -> dict[str, Any]:
    """The assessment of one JSON Lines input line, or its error object (with the line number)."""
    from allnav.assessment import assess
    from allnav.case import load_case

    lineno, line = item
    if not line.strip():
        return {"error": {"code": "V000", "message": "blank line", "line": lineno}}
    try:
        data = orjson.loads(line)
        if not isinstance(data, dict):
            raise ValueError("a case must be a JSON object")
        result: dict[str, Any] = assess(load_case(data))
    except AllnavError as exc:
        result = _error_envelope(exc)
        result["error"]["line"] = lineno
    except ValueError as exc:  # orjson.JSONDecodeError is a ValueError
        result = {"error": {"code": "V000", "type": "JSONDecodeError", "message": str(exc), "line": lineno}}
    return result


def _line_bytes(item: tuple[int, str]) -> bytes:
    """One output line of ``--file --json`` as UTF-8 bytes (what a worker process sends back)."""
    return _json_line(_assess_line(item))


def _line_text(item: tuple[int, str]) -> str:
    """One output block of ``--file`` without ``--json`` (the readable text and a blank line)."""
    from allnav.assessment.render import render_text

    return render_text(_assess_line(item)) + "\n\n"


#: Lines handed to a worker at a time with ``--jobs``: enough that the hand-over is small beside the
#: assessments, few enough that the progress bar moves and that little output waits on disk.
JOBS_CHUNK = 32


def _chunk_to_file(task: tuple[str, int, bool, list[tuple[int, str]]]) -> tuple[str, int]:
    """In a worker: write the output of one chunk of lines into its own file; return the path and line count.

    The output (~40 KiB per case) goes through a private temporary file rather than back through the pool's
    pipe, which measured 1.3x slower on two processes.
    """
    directory, index, as_json, items = task
    path = os.path.join(directory, f"{index}.out")
    with open(path, "wb") as fh:
        if as_json:
            fh.writelines(map(_line_bytes, items))
        else:
            fh.writelines(text.encode("utf-8") for text in map(_line_text, items))
    return path, len(items)


def _parallel_outputs(
    stack: contextlib.ExitStack, lines: list[tuple[int, str]], as_json: bool, jobs: int
) -> Iterator[tuple[bytes, int]]:
    """The output of each chunk of lines, in input order, assessed by ``jobs`` worker processes."""
    # the evaluators and the knowledge base are loaded once here and shared by the forked workers
    importlib.import_module("allnav.assessment")
    importlib.import_module("allnav.knowledge").load_knowledge_base()
    directory = stack.enter_context(tempfile.TemporaryDirectory(prefix="allnav-jobs-"))
    tasks = (
        (directory, i, as_json, lines[start : start + JOBS_CHUNK])
        for i, start in enumerate(range(0, len(lines), JOBS_CHUNK))
    )
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    pool = stack.enter_context(context.Pool(min(jobs, len(lines))))
    for path, count in pool.imap(_chunk_to_file, tasks):
        with open(path, "rb") as fh:
            data = fh.read()
        os.unlink(path)  # output waiting on disk stays a few chunks, however long the file
        yield data, count


def _assess_jsonl(path: str, as_json: bool, out: IO[str], jobs: int = 1) -> None:
    """Assess each JSON Lines case of ``path`` onto ``out``, in input order; ``jobs`` > 1 uses that many processes.

    With ``jobs`` > 1 each chunk of output (assessments and JSON) is made in the worker that assessed it, so
    the parent only copies bytes in order. The cases are independent and nothing is cached, so the output is
    the same for any ``jobs``.
    """
    # JSON Lines go out as bytes when the stream has a binary buffer (orjson makes UTF-8 bytes: no decode and
    # re-encode of ~40 KiB per case); text streams without one (StringIO) get text.
    raw: IO[bytes] | None = getattr(out, "buffer", None) if as_json else None
    if raw is not None:
        out.flush()
    lines = list(enumerate(_open_lines(path), start=1))
    show_progress = len(lines) >= PROGRESS_MIN_LINES
    with contextlib.ExitStack() as stack:
        bar = stack.enter_context(
            click.progressbar(
                length=len(lines), label="assessing", file=sys.stderr if show_progress else io.StringIO()
            )
        )
        if jobs > 1 and len(lines) > 1:
            for data, count in _parallel_outputs(stack, lines, as_json, jobs):
                if raw is not None:
                    raw.write(data)
                else:
                    out.write(data.decode("utf-8"))
                bar.update(count)
        else:
            for item in lines:
                if raw is not None:
                    raw.write(_line_bytes(item))
                elif as_json:
                    out.write(_line_bytes(item).decode("utf-8"))
                else:
                    out.write(_line_text(item))
                bar.update(1)
    if raw is not None:
        raw.flush()


@main.command()
@click.argument("case_path", required=False, metavar="CASE")
@click.option("--file", "file_", metavar="PATH", help="JSON Lines, one case per line ('-' for stdin).")
@click.option("--json", "as_json", is_flag=True, help="JSON on stdout.")
@click.option(
    "--jobs",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="With --file: processes to assess with (0 = one per CPU); the output is the same, in input order.",
)
@click.option(
    "--subtype-calls",
    "calls_path",
    metavar="PROBS",
    help="ALLSorts/TALLSorts probabilities.csv: the sample's calls join the case's genetics.",
)
@click.option("--predictions", "predictions_path", metavar="PRED", help="The classifier's predictions.csv.")
@click.option("--sample", help="The sample id in the classifier's files (with --subtype-calls).")
def assess(
    case_path: str | None,
    file_: str | None,
    as_json: bool,
    jobs: int,
    calls_path: str | None,
    predictions_path: str | None,
    sample: str | None,
) -> None:
    """Assess a case file (JSON or YAML; '-' reads stdin)."""
    from allnav.assessment.render import render_text

    if (case_path is None) == (file_ is None):
        raise click.UsageError("give exactly one of CASE or --file PATH")
    if calls_path is not None and (file_ is not None or sample is None):
        raise click.UsageError("--subtype-calls works with one CASE and needs --sample")
    if jobs != 1 and file_ is None:
        raise click.UsageError("--jobs works with --file")
    if file_ is not None:
        _assess_jsonl(file_, as_json, sys.stdout, jobs=jobs or os.cpu_count() or 1)
        return
    assert case_path is not None
    try:
        if calls_path is not None:
            assert sample is not None
            result = _assess_with_calls(_read_text(case_path), calls_path, predictions_path, sample)
        else:
            result = _assess_text(_read_text(case_path))
    except AllnavError as exc:
        result = _error_envelope(exc)
    if as_json:
        sys.stdout.write(_dump(result) + "\n")
    else:
        sys.stdout.write(render_text(result) + "\n")


@main.command()
@click.argument("case_path", metavar="CASE")
def explain(case_path: str) -> None:
    """Explain the assessment of a case: each conclusion with its reasons and sources."""
    from allnav.assessment.render import render_text

    try:
        result = _assess_text(_read_text(case_path))
    except AllnavError as exc:
        result = _error_envelope(exc)
    sys.stdout.write(render_text(result, detail=True) + "\n")


def run() -> None:
    """Entry point wrapper: internal failures exit 1 with a one-line message, never a traceback dump."""
    try:
        main.main(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # pragma: no cover - last-resort guard
        click.echo(f"allnav: internal error: {type(exc).__name__}", err=True)
        sys.exit(1)


# --------------------------------------------------------------------------- import
@main.command(name="import")
@click.argument("files", nargs=-1, metavar="FILE...")
@click.option(
    "--from", "from_url", metavar="URL", help="Read one patient from a FHIR server (a Patient URL)."
)
@click.option("--patient", "patient_id", metavar="ID", help="Patient id, when --from gives the server base.")
@click.option("--token", envvar="ALLNAV_FHIR_TOKEN", help="Bearer token for --from (or ALLNAV_FHIR_TOKEN).")
@click.option("--json", "as_json", is_flag=True, help="JSON on stdout.")
@click.option("--store", is_flag=True, help="Save each imported patient (ALLNAV_DATABASE_URL) in --team.")
@click.option("--team", help="The care team that owns stored patients (with --store).")
def import_(
    files: tuple[str, ...],
    from_url: str | None,
    patient_id: str | None,
    token: str | None,
    as_json: bool,
    store: bool,
    team: str | None,
) -> None:
    """Read FHIR R4 Bundles or Bulk NDJSON: per patient, the case file made and the mapping report."""
    from allnav.interop import ImportResult, import_fhir, read_fhir_texts
    from allnav.interop.fhir_client import fetch_patient

    if bool(files) == bool(from_url):
        raise click.UsageError("give FILE... or --from URL")
    if store and not team:
        raise click.UsageError("--store needs --team (the care team that will own the patients)")
    try:
        if from_url:
            result: ImportResult = fetch_patient(from_url, patient_id, token)
        else:
            result = import_fhir(read_fhir_texts((f, _read_text(f)) for f in files))
    except AllnavError as exc:
        if as_json:
            sys.stdout.write(_dump(_error_envelope(exc)) + "\n")
            return
        raise click.ClickException(str(exc)) from exc
    stored: dict[str, str] = {}
    if store:
        assert team is not None
        stored = _store_imports(result, team)
    if as_json:
        out = result.to_dict()
        for p in out["patients"]:
            p["stored"] = stored.get(p["id"])
        sys.stdout.write(_dump(out) + "\n")
        return
    for pid, outcome in stored.items():
        click.echo(f"stored {pid}: {outcome}")
    for p in result.patients:
        click.echo(
            f"patient {p.id}: {len(p.mapped)} mapped, {len(p.unmapped)} not mapped, "
            f"{len(p.inconsistent)} inconsistent"
        )
        for note in p.notes:
            click.echo(f"  note: {note}")
        for item in p.inconsistent:
            click.echo(f"  inconsistent {item['resource']}: {item['why']}")
        for item in p.unmapped:
            click.echo(f"  not mapped {item['resource']}: {item['why']}")
        click.echo("  case file:")
        click.echo("    " + json.dumps(p.case, ensure_ascii=False, indent=2).replace("\n", "\n    "))
    for item in result.unassigned:
        click.echo(f"not part of any patient {item['resource']}: {item['why']}")


def _store_imports(result: Any, team: str) -> dict[str, str]:
    """Save each imported patient (one transaction each); an invalid case is reported, not stored."""
    from allnav.services.clinical import DefaultCore
    from allnav.services.imports import store_imports
    from allnav.settings import Settings
    from allnav.store.audit import Actor
    from allnav.store.engine import make_engine, session_factory
    from allnav.store.migrate import upgrade

    engine = make_engine(Settings.from_env().database_url)
    try:
        upgrade(engine)
        actor = Actor(None, "allnav import (command line)", "admin", "local")
        with session_factory(engine)() as session, session.begin():
            return store_imports(session, DefaultCore(), actor, result, team)
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- export
@main.command()
@click.argument("patient_id")
@click.option("--format", "fmt", type=click.Choice(["fhir", "omop"]), default="fhir", show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Directory for the OMOP CSV files.")
def export(patient_id: str, fmt: str, out_dir: str | None) -> None:
    """A stored patient and allnav's conclusions: an mCODE STU4 Bundle (stdout) or OMOP CDM 5.4 CSV files."""
    from allnav.case import load_case
    from allnav.interop.fhir_export import export_bundle
    from allnav.interop.omop import omop_rows, write_csv
    from allnav.services.clinical import DefaultCore
    from allnav.services.patients import current_case
    from allnav.settings import Settings
    from allnav.store import audit
    from allnav.store.audit import Actor
    from allnav.store.engine import make_engine, session_factory
    from allnav.store.models import Patient

    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    try:
        with session_factory(engine)() as session, session.begin():
            patient = session.get(Patient, patient_id)
            if patient is None:
                raise click.UsageError(f"no stored patient {patient_id!r}")
            case = current_case(session, patient)
            audit.record(
                session,
                Actor(None, "allnav export (command line)", "admin", "local"),
                "read",
                f"export {fmt}",
                patient_id=patient_id,
            )
        assessment = DefaultCore().assess(case)
        if fmt == "fhir":
            sys.stdout.write(_dump(export_bundle(load_case(case), assessment)) + "\n")
        else:
            rows = omop_rows(load_case(case), assessment, key=settings.secret_key.encode("utf-8"))
            for path in write_csv(rows, Path(out_dir or "omop-export")):
                click.echo(str(path))
    except AllnavError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()


def _register_application_commands() -> None:
    from allnav.api.cli import serve
    from allnav.store.cli import db, user

    for command in (serve, db, user):
        main.add_command(command)


_register_application_commands()
