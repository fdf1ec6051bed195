"""`pjsip-graph serve | migrate | agent | agent-status | token create|list|revoke | export-schema | bench-data`."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import typer

from app.cli.agent import agent, agent_status
from app.cli.imports import import_cli
from app.cli.realtime import realtime_cli
from app.cli.sip_import import sip_conf
from app.settings import get_settings

cli = typer.Typer(
    no_args_is_help=True, add_completion=False, help="Multi-tenant GraphQL API for Asterisk PJSIP configuration."
)
token_cli = typer.Typer(no_args_is_help=True, help="API tokens.")
cli.add_typer(token_cli, name="token")


@cli.command()
def serve(
    host: str | None = typer.Option(None, help="Address to listen on (default: PJSIP_GRAPH_HOST or 127.0.0.1)."),
    port: int | None = typer.Option(None, help="Port (default: PJSIP_GRAPH_PORT or 8000)."),
    reload: bool = typer.Option(False, help="Restart on code changes (development)."),
) -> None:
    """Apply migrations, bootstrap an empty database, and serve GraphQL at /graphql."""
    import uvicorn

    from app.cli.server import GracefulServer
    from app.logs import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level)
    config = uvicorn.Config(
        "app.api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        reload=reload,
        log_level=settings.log_level,
        log_config=None,
        timeout_graceful_shutdown=10,
        ws_per_message_deflate=settings.ws_compression,
    )
    if reload:
        uvicorn.run(config.app, factory=True, host=config.host, port=config.port, reload=True, log_config=None)
        return
    GracefulServer(config).run()


@cli.command()
def migrate() -> None:
    """Apply pending database migrations."""
    from app.db.migrate import upgrade

    upgrade(get_settings().resolved_database_url)
    typer.echo("database is up to date")


@token_cli.command("create")
def token_create(
    tenant: str = typer.Option(..., help="Tenant slug or uuid."),
    scopes: str = typer.Option(..., help="Comma separated scopes, or '*'."),
    description: str | None = typer.Option(None, help="What the token is for."),
    expires_in: str | None = typer.Option(None, help="Lifetime, e.g. 90d, 12h, 30m (default: never expires)."),
) -> None:
    """Create a token; it is printed alone on the last line and never shown again."""
    try:
        lifetime = parse_duration(expires_in) if expires_in is not None else None
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    token = asyncio.run(_create_token(tenant, scopes, description, lifetime))
    typer.echo(token)


async def _create_token(tenant: str, scopes: str, description: str | None, lifetime: timedelta | None) -> str:
    from app.db.database import Database
    from app.db.migrate import upgrade_async
    from app.db.models import utcnow
    from app.services.operator import tenant_by_ref
    from app.services.tokens import create_token

    settings = get_settings()
    await upgrade_async(settings.resolved_database_url)
    db = Database(settings.resolved_database_url)
    try:
        tenant_uuid = await tenant_by_ref(db, tenant)
        expires_at = utcnow() + lifetime if lifetime is not None else None
        async with db.writing() as session:
            return await create_token(
                session, tenant_uuid=tenant_uuid, scopes=scopes, description=description, expires_at=expires_at
            )
    except (LookupError, ValueError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    finally:
        await db.dispose()


@token_cli.command("list")
def token_list(
    tenant: str | None = typer.Option(None, help="Tenant slug or uuid (default: every tenant)."),
    recurse: bool = typer.Option(False, help="With --tenant, include the tenants below it."),
) -> None:
    """One line per token: uuid, tenant, scopes, created, expires, last used, revoked, description (no secret)."""
    for info in asyncio.run(_list_tokens(tenant, recurse)):
        cells = [
            str(info.uuid),
            str(info.tenant_uuid),
            ",".join(info.scopes),
            _when(info.created_at),
            "expires=" + _when(info.expires_at),
            "last-used=" + _when(info.last_used_at),
            "revoked=" + _when(info.revoked_at),
            info.description or "",
        ]
        typer.echo("\t".join(cells))


def _when(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value is not None else "-"


async def _list_tokens(tenant: str | None, recurse: bool) -> list[Any]:
    from app.db.database import Database
    from app.db.migrate import upgrade_async
    from app.services.operator import tenant_by_ref
    from app.services.tokens import list_tokens

    settings = get_settings()
    await upgrade_async(settings.resolved_database_url)
    db = Database(settings.resolved_database_url)
    try:
        tenant_uuid = await tenant_by_ref(db, tenant) if tenant is not None else None
        async with db.reading() as session:
            return await list_tokens(session, None, tenant_uuid=tenant_uuid, recurse=recurse)
    except LookupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    finally:
        await db.dispose()


@token_cli.command("revoke")
def token_revoke(token_uuid: str = typer.Argument(..., help="The token's uuid (see 'token list').")) -> None:
    """Revoke a token: it stops working at once, on every replica."""
    try:
        parsed = UUID(token_uuid)
    except ValueError as exc:
        typer.echo(f"not a uuid: {token_uuid}", err=True)
        raise typer.Exit(2) from exc
    info = asyncio.run(_revoke_token(parsed))
    typer.echo(f"revoked {info.uuid} at {_when(info.revoked_at)}")


async def _revoke_token(token_uuid: UUID) -> Any:
    from app.db.database import Database
    from app.db.migrate import upgrade_async
    from app.errors import NotFound
    from app.services.tokens import revoke_token

    settings = get_settings()
    await upgrade_async(settings.resolved_database_url)
    db = Database(settings.resolved_database_url)
    try:
        async with db.writing() as session:
            return await revoke_token(session, None, token_uuid)
    except NotFound as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    finally:
        await db.dispose()


_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> timedelta:
    """``90d``, ``12h``, ``30m``, ``45s``, ``2w``: a positive lifetime."""
    text = text.strip().lower()
    unit = _DURATION_UNITS.get(text[-1:]) if text else None
    if unit is None or not text[:-1].isdigit() or int(text[:-1]) <= 0:
        raise ValueError(f"not a positive duration: {text!r} (use e.g. 90d, 12h, 30m, 45s, 2w)")
    return timedelta(seconds=int(text[:-1]) * unit)


@cli.command("export-schema")
def export_schema(
    output: Path = typer.Option(Path("schema.graphql"), help="Where to write the SDL ('-' for stdout)."),
) -> None:
    """Write the GraphQL schema generated from the code."""
    from app.api.schema import build_schema

    sdl = build_schema().as_str() + "\n"
    if str(output) == "-":
        sys.stdout.write(sdl)
    else:
        output.write_text(sdl)
        typer.echo(f"wrote {output}")


@cli.command("bench-data")
def bench_data(
    endpoints: int = typer.Option(10_000, help="Number of endpoints to generate."),
    tenant: str = typer.Option("bench", help="Slug of the tenant to create (replaced if it exists)."),
) -> None:
    """Generate a tenant with a 3-level template tree and many endpoints (for benchmarks)."""
    from app.cli.bench_data import generate

    settings = get_settings()
    summary = asyncio.run(generate(settings.resolved_database_url, endpoints=endpoints, slug=tenant))
    typer.echo(summary)


cli.add_typer(realtime_cli, name="realtime")
cli.command("agent")(agent)
cli.command("agent-status")(agent_status)
import_cli.command("sip-conf")(sip_conf)
cli.add_typer(import_cli, name="import")

export_cli = typer.Typer(no_args_is_help=True, help="Write configuration files.")
cli.add_typer(export_cli, name="export")


@export_cli.command("pjsip-conf")
def export_pjsip_conf(
    engine: str = typer.Option("default", help="Engine name."),
    tenant: str | None = typer.Option(None, help="Only this tenant (slug or uuid) and its sub-tenants."),
    templates: str = typer.Option("flat", help="flat: every Sorcery object; native: tenant templates as [tpl](!)."),
) -> None:
    """Print the engine's pjsip.conf on standard output (as the operator)."""
    if templates not in ("flat", "native"):
        typer.echo("--templates is flat or native", err=True)
        raise typer.Exit(2)
    asyncio.run(_export(engine, tenant, templates))


async def _export(engine: str, tenant: str | None, templates: str) -> None:
    """Written a part at a time: a big engine's file is never whole in memory."""
    from app.db.database import Database
    from app.services.exports import TemplateMode, write_pjsip_conf
    from app.services.operator import operator_caller, tenant_by_ref

    settings = get_settings()
    db = Database(settings.resolved_database_url)
    try:
        caller = await operator_caller(db)
        tenant_uuid = await tenant_by_ref(db, tenant) if tenant else None
        await write_pjsip_conf(
            db, caller, sys.stdout.write, engine=engine, tenant_uuid=tenant_uuid, mode=TemplateMode(templates)
        )
    except LookupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    finally:
        await db.dispose()


def main() -> None:
    from app.db.session import BUSY_MESSAGE, is_database_busy

    try:
        cli()
    except Exception as exc:
        # Another process held the SQLite file's write lock too long: a line, not a traceback.
        if not is_database_busy(exc):
            raise
        typer.echo(f"pjsip-graph: {BUSY_MESSAGE}", err=True)
        sys.exit(1)
