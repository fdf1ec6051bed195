"""`pjsip-graph realtime create-schema | follow`: Asterisk's ps_* realtime tables."""

from __future__ import annotations

import asyncio
import contextlib
import signal

import typer

from app.asterisk.realtime.schema import OBJECT_TYPES

REALTIME_URL_ENV = "PJSIP_GRAPH_REALTIME_DATABASE_URL"

realtime_cli = typer.Typer(no_args_is_help=True, help="Asterisk realtime tables (ps_endpoints, ps_aors, ...).")


def _url_option() -> str:
    return typer.Option(
        ...,
        "--url",
        envvar=REALTIME_URL_ENV,
        help=f"SQLAlchemy async URL of the realtime database (default: ${REALTIME_URL_ENV}).",
    )


@realtime_cli.command("create-schema")
def create_schema_command(url: str = _url_option()) -> None:
    """Create the realtime enum types and ps_* tables that are missing (idempotent, never alters a table)."""
    from app.asterisk.realtime.schema import create_schema
    from app.logs import configure_logging
    from app.settings import get_settings

    configure_logging(get_settings().log_level)
    asyncio.run(create_schema(url))
    typer.echo("realtime schema is present")


@realtime_cli.command("follow")
def follow_command(
    url: str = _url_option(),
    engine: str = typer.Option("default", help="Name of the engine whose updates are applied."),
    types: str = typer.Option(",".join(OBJECT_TYPES), help="Comma separated object types to write."),
    poll_interval: float = typer.Option(1.0, help="Seconds between polls of the record."),
    once: bool = typer.Option(False, "--once", help="Apply what is pending, print a summary and exit."),
    resync: bool = typer.Option(
        False, "--resync", help="First rewrite the tables from the engine's objects (removes rows it does not have)."
    ),
) -> None:
    """Apply the engine's recorded updates to the realtime database, from its checkpoint, until stopped."""
    from app.logs import configure_logging
    from app.settings import get_settings

    configure_logging(get_settings().log_level)
    chosen = [t.strip() for t in types.split(",") if t.strip()]
    unknown = sorted(set(chosen) - set(OBJECT_TYPES))
    if unknown:
        choices = ", ".join(OBJECT_TYPES)
        raise typer.BadParameter(f"unknown types {unknown}; choose among {choices}", param_hint="--types")
    summary = asyncio.run(_follow(url, engine, chosen, poll_interval, once=once, resync=resync))
    if summary:
        typer.echo(summary)


async def _follow(
    url: str, engine: str, types: list[str], poll_interval: float, *, once: bool, resync: bool
) -> str | None:
    from app.asterisk.realtime.apply import ApplyReport
    from app.asterisk.realtime.follower import RealtimeFollower
    from app.db.database import Database
    from app.settings import get_settings

    # A reader of the product database: it never migrates it (the server does).
    db = Database(get_settings().resolved_database_url)
    follower = RealtimeFollower(db, url, engine=engine, types=types, poll_interval=poll_interval)
    try:
        report = await follower.resync() if resync else ApplyReport()
        if once:
            report.merge(await follower.run_once())
            return report.summary()
        await follower.run(_stop_on_signals())
        return None
    finally:
        await follower.close()
        await db.dispose()


def _stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM, so the current page finishes before exiting."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    return stop
