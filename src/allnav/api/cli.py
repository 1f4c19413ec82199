"""``allnav serve [--host H] [--port P] [--demo]``; the lead registers it: ``main.add_command(serve)``."""

from __future__ import annotations

import gc
import logging

import click

from allnav.settings import Settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--demo", is_flag=True, help="Seed demo patients and users (development only) and print the logins."
)
def serve(host: str, port: int, demo: bool) -> None:
    """Run the web application and API (migrates the database first)."""
    import uvicorn

    from allnav.api import create_app
    from allnav.store.engine import make_engine
    from allnav.store.migrate import upgrade

    try:
        settings = Settings.from_env()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    if demo and settings.env != "development":
        raise click.UsageError("--demo is for development only (ALLNAV_ENV=development)")
    engine = make_engine(settings.database_url)
    upgrade(engine)
    app = create_app(settings, engine=engine)
    if demo:
        from allnav.services.demo import DEMO_PASSWORD, seed_demo

        logins = seed_demo(app.state.allnav.sessions, app.state.allnav.core)
        click.echo(f"demo logins (password {DEMO_PASSWORD!r}):")
        for email, role in logins:
            click.echo(f"  {email:32} {role}")
    click.echo(
        f"allnav on http://{host}:{port} (OpenAPI document at /openapi.json); database {engine.url.render_as_string()}"
    )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # Long-lived objects (knowledge base, templates) out of the collector's way, and fewer young-generation
    # collections, which showed up as tail latency under load in our measurements.
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")
