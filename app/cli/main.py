"""`pjsip-graph serve | migrate | token create | export-schema | bench-data`."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from uuid import UUID

import typer

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
) -> None:
    """Create a token; it is printed alone on the last line and never shown again."""
    token = asyncio.run(_create_token(tenant, scopes, description))
    typer.echo(token)


async def _create_token(tenant: str, scopes: str, description: str | None) -> str:
    from sqlmodel import col, select

    from app.db.database import Database
    from app.db.migrate import upgrade_async
    from app.db.models import Tenant
    from app.services.tokens import create_token

    settings = get_settings()
    await upgrade_async(settings.resolved_database_url)
    db = Database(settings.resolved_database_url)
    try:
        async with db.writing() as session:
            condition = col(Tenant.slug) == tenant
            if _is_uuid(tenant):
                condition = condition | (col(Tenant.uuid) == UUID(tenant))
            query = select(Tenant.uuid).where(condition)
            tenant_uuid = (await session.execute(query)).scalar_one_or_none()
            if tenant_uuid is None:
                typer.echo(f"no tenant '{tenant}'", err=True)
                raise typer.Exit(2)
            try:
                return await create_token(session, tenant_uuid=tenant_uuid, scopes=scopes, description=description)
            except ValueError as exc:
                typer.echo(str(exc), err=True)
                raise typer.Exit(2) from exc
    finally:
        await db.dispose()


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


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
    from app.benchdata import generate

    settings = get_settings()
    summary = asyncio.run(generate(settings.resolved_database_url, endpoints=endpoints, slug=tenant))
    typer.echo(summary)


def main() -> None:
    cli()
