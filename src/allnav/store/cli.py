"""Click commands for the store: ``allnav db upgrade|backup|restore`` and ``allnav user add``.

The lead registers them on the main group: ``main.add_command(db)``, ``main.add_command(user)``.
"""

from __future__ import annotations

import sys

import click

from allnav.errors import AllnavError
from allnav.settings import Settings
from allnav.store.roles import ROLES

# SQLAlchemy and Alembic are imported inside the commands, so `allnav --help` and the other commands
# do not pay for them.


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc


@click.group()
def db() -> None:
    """The database: migrate, back up, restore (ALLNAV_DATABASE_URL)."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply the packaged migrations up to the newest revision."""
    from allnav.store.engine import make_engine
    from allnav.store.migrate import current_revision, upgrade

    engine = make_engine(_settings().database_url)
    upgrade(engine)
    click.echo(f"database at revision {current_revision(engine)}")


@db.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["sqlite", "json"]), help="Default: sqlite for SQLite, else json."
)
def db_backup(path: str, fmt: str | None) -> None:
    """Write a backup of the database to PATH (a .json path gives the portable JSON dump)."""
    from allnav.services.backup import backup_database
    from allnav.store.engine import make_engine

    try:
        used = backup_database(make_engine(_settings().database_url), path, fmt)
    except AllnavError as exc:
        raise click.UsageError(exc.message) from exc
    click.echo(f"backup written to {path} ({used})")


@db.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def db_restore(path: str) -> None:
    """Restore PATH (a SQLite backup into SQLite, or a JSON dump into an empty database)."""
    from allnav.services.backup import restore_database
    from allnav.store.engine import make_engine

    try:
        used = restore_database(make_engine(_settings().database_url), path)
    except AllnavError as exc:
        raise click.UsageError(exc.message) from exc
    click.echo(f"restored from {path} ({used})")


@click.group()
def user() -> None:
    """Users of the web application and API."""


@user.command("add")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--team", help="The care team (clinicians).")
@click.option("--patient-id", help="The patient record a patient user may see.")
def user_add(email: str, role: str, team: str | None, patient_id: str | None) -> None:
    """Create a user; the password is read from the first line of stdin."""
    from allnav.store.engine import make_engine, session_factory
    from allnav.store.migrate import upgrade
    from allnav.store.users import create_user

    password = sys.stdin.readline().rstrip("\r\n")
    engine = make_engine(_settings().database_url)
    upgrade(engine)
    with session_factory(engine)() as session:
        try:
            created = create_user(session, email, role, password, team_name=team, patient_id=patient_id)
        except AllnavError as exc:
            raise click.UsageError(exc.message) from exc
        session.commit()
        click.echo(f"user {created.email} ({created.role}) created")
