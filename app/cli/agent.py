"""`pjsip-graph agent`: push one engine's recorded Sorcery updates to Asterisk through ARI."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from app.settings import get_settings

if TYPE_CHECKING:
    from app.db.database import Database
    from app.events.pg_listener import PgListener
    from app.events.sqlite_watch import SqliteCommitWatch
    from app.events.wake import Wakeable

log = logging.getLogger(__name__)


def agent(
    engine: str = typer.Option("default", help="Name of the engine whose updates are pushed."),
    ari_url: str = typer.Option(..., help="Asterisk's HTTP server, e.g. http://asterisk:8088."),
    ari_user: str = typer.Option(..., help="ARI user (ari.conf, read_only=no)."),
    ari_password: str = typer.Option(
        ..., envvar="PJSIP_GRAPH_ARI_PASSWORD", help="ARI password (or PJSIP_GRAPH_ARI_PASSWORD)."
    ),
    checkpoint: Path | None = typer.Option(
        None, help="Checkpoint file (default: <PJSIP_GRAPH_DATA_DIR>/agent-<engine>.checkpoint)."
    ),
) -> None:
    """Apply the engine's Sorcery updates to Asterisk via ARI push configuration, in order, until stopped."""
    from app.asterisk.ari.agent import default_checkpoint_path
    from app.logs import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level)
    path = checkpoint or default_checkpoint_path(settings.data_dir, engine)
    code = asyncio.run(_run(engine, ari_url, ari_user, ari_password, path))
    if code:
        raise typer.Exit(code)


async def _run(engine: str, ari_url: str, ari_user: str, ari_password: str, checkpoint: Path) -> int:
    """Run until SIGINT/SIGTERM (exit code 0) or an error that needs an operator (exit code 1)."""
    from app.asterisk.ari.agent import Agent, AgentError
    from app.asterisk.ari.client import AriClient
    from app.db.database import Database

    stop = asyncio.Event()
    _stop_on_signals(stop)
    db = Database(get_settings().resolved_database_url)
    client = AriClient(ari_url, ari_user, ari_password)
    runner = Agent(db, client, engine=engine, checkpoint_path=checkpoint)
    # Woken by every commit, so a change starts at once; the agent's poll is only a safety net.
    listener = commit_listener(db, runner)
    try:
        if listener is not None:
            await listener.start()
        await runner.run(stop)
    except AgentError as exc:
        log.error("agent stopped: %s", exc)
        return 1
    finally:
        if listener is not None:
            await listener.stop()
        await client.aclose()
        await db.dispose()
    counters = runner.counters
    log.info(
        "agent stopped at seq %d: %d applied, %d rejected, %d need a reload, %d retries, %d resyncs"
        " (%d stale objects deleted)",
        runner.position,
        counters.applied,
        counters.rejected,
        counters.needs_reload,
        counters.retries,
        counters.resyncs,
        counters.stale_deleted,
    )
    return 0


def commit_listener(db: Database, target: Wakeable) -> PgListener | SqliteCommitWatch | None:
    """What tells the agent about commits made by the server: PostgreSQL's NOTIFY, or the
    SQLite file changing (None for an in-memory database, which no other process shares)."""
    from app.events.pg_listener import PgListener
    from app.events.sqlite_watch import SqliteCommitWatch

    if not db.is_sqlite:
        return PgListener(db.url, target)
    if db.sqlite_file is not None:
        return SqliteCommitWatch(db.sqlite_file, target)
    return None


def _stop_on_signals(stop: asyncio.Event) -> None:
    """Finish the update in progress and exit cleanly on SIGINT or SIGTERM."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


def agent_status(
    engine: str = typer.Option("default", help="Name of the engine the agent pushes."),
    checkpoint: Path | None = typer.Option(
        None, help="Checkpoint file (default: <PJSIP_GRAPH_DATA_DIR>/agent-<engine>.checkpoint)."
    ),
) -> None:
    """Print the last sequence number the agent handled and the objects Asterisk refused."""
    from app.asterisk.ari.agent import AgentError, Checkpoint, default_checkpoint_path
    from app.asterisk.ari.status import AgentStatus, status_path_for

    path = checkpoint or default_checkpoint_path(get_settings().data_dir, engine)
    try:
        state = Checkpoint(path).load()
    except AgentError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    if state is None:
        typer.echo(f"no checkpoint at {path}: the agent has not handled any update of engine '{engine}'")
    else:
        typer.echo(f"engine '{state.engine}' ({state.engine_uuid}): updates applied up to seq {state.seq}")
    refused = AgentStatus(status_path_for(path)).divergent
    if not refused:
        typer.echo("no object refused by Asterisk")
        return
    typer.echo(f"{len(refused)} object(s) refused by Asterisk (served as an older version, or missing):")
    for key, entry in sorted(refused.items()):
        answer = f"HTTP {entry.get('status')}: {entry.get('message')}"
        typer.echo(f"  {key}  seq {entry.get('seq')}  {entry.get('action')}  {answer}")
    raise typer.Exit(2)
