"""The click commands the lead registers: ``allnav db ...`` and ``allnav user add``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from allnav.services.backup import dump
from allnav.store.cli import db, user
from allnav.store.engine import make_engine, session_factory
from allnav.store.users import authenticate


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"ALLNAV_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}", "ALLNAV_ENV": "development"}


def test_user_add_reads_password_from_stdin(env: dict[str, str]) -> None:
    runner = CliRunner()
    r = runner.invoke(
        user, ["add", "doc@x.org", "--role", "clinician", "--team", "t"], input="s3cret-password\n", env=env
    )
    assert r.exit_code == 0, r.output
    assert "s3cret" not in r.output
    engine = make_engine(env["ALLNAV_DATABASE_URL"])
    with session_factory(engine)() as session:
        assert authenticate(session, "doc@x.org", "s3cret-password") is not None
        assert authenticate(session, "doc@x.org", "wrong-password") is None
    again = runner.invoke(
        user, ["add", "doc@x.org", "--role", "clinician", "--team", "t"], input="another-pw\n", env=env
    )
    assert again.exit_code == 2
    assert "already exists" in again.output


def test_user_add_refuses_short_password(env: dict[str, str]) -> None:
    r = CliRunner().invoke(user, ["add", "a@x.org", "--role", "admin"], input="short\n", env=env)
    assert r.exit_code == 2


def test_db_backup_and_restore(env: dict[str, str], tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(db, ["upgrade"], env=env).exit_code == 0
    runner.invoke(user, ["add", "a@x.org", "--role", "admin"], input="long-password\n", env=env)
    before = dump(make_engine(env["ALLNAV_DATABASE_URL"]))
    for name in ("b.sqlite", "b.json"):
        r = runner.invoke(db, ["backup", str(tmp_path / name)], env=env)
        assert r.exit_code == 0, r.output
        target = {**env, "ALLNAV_DATABASE_URL": f"sqlite:///{tmp_path / ('r-' + name + '.sqlite')}"}
        r = runner.invoke(db, ["restore", str(tmp_path / name)], env=target)
        assert r.exit_code == 0, r.output
        assert dump(make_engine(target["ALLNAV_DATABASE_URL"]))["tables"] == before["tables"]


def test_settings_errors_are_usage_errors(tmp_path: Path) -> None:
    r = CliRunner().invoke(db, ["upgrade"], env={"ALLNAV_ENV": "production", "ALLNAV_SECRET_KEY": "changeme"})
    assert r.exit_code == 2
    assert "ALLNAV_SECRET_KEY" in r.output
