"""`pjsip-graph import ...`: load an Asterisk configuration file into a tenant.

``import_cli`` is the ``import`` command group. Each file format adds one
command to it and shares :func:`run_import`, which does everything but the
mapping: parse the file, plan, apply with the server's database settings as
the operator, show progress, print the report, and exit 2 with every issue
listed when the file or the plan is refused. A new format needs only::

    from app.cli.imports import import_cli, run_import

    @import_cli.command("sip-conf")
    def import_sip_conf(file: Path = FILE_ARGUMENT, tenant: str = TENANT_OPTION, dry_run: bool = DRY_RUN_OPTION):
        run_import(file, tenant=tenant, dry_run=dry_run, planner=plan_sip_conf)

and its module imported where the group is registered (app/cli/main.py).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from app.asterisk.conf.parser import DEFAULT_MAX_BYTES, ConfigError, ParsedConfig, parse_config
from app.domain.imports import ImportPlan
from app.errors import AppError, InvalidInput

if TYPE_CHECKING:
    from rich.console import Console

    from app.db.database import Database
    from app.services.access import Caller
    from app.services.imports import ImportReport

TOKEN_ENV = "PJSIP_GRAPH_TOKEN"
# Below this size parsing and planning take a blink: no progress display.
PROGRESS_MIN_BYTES = 256 * 1024

Planner = Callable[[ParsedConfig], ImportPlan]

import_cli = typer.Typer(no_args_is_help=True, help="Import Asterisk configuration files into a tenant.")

FILE_ARGUMENT = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="The file to import.")
TENANT_OPTION = typer.Option(..., "--tenant", help="Tenant slug or uuid to import into.")
DRY_RUN_OPTION = typer.Option(False, "--dry-run", help="Validate and report, write nothing.")
ABSOLUTE_INCLUDES_OPTION = typer.Option(
    False,
    "--allow-absolute-includes",
    help="Follow #include of absolute paths and wildcard patterns (default: only paths relative to the file).",
)


@import_cli.callback()
def _group() -> None:
    """Import Asterisk configuration files into a tenant (as the operator, or as PJSIP_GRAPH_TOKEN's caller)."""


@import_cli.command("pjsip-conf")
def import_pjsip_conf(
    file: Path = FILE_ARGUMENT,
    tenant: str = TENANT_OPTION,
    dry_run: bool = DRY_RUN_OPTION,
    allow_absolute_includes: bool = ABSOLUTE_INCLUDES_OPTION,
) -> None:
    """Import a pjsip.conf (and what it includes): templates, endpoints, transports, global/system."""
    from app.asterisk.pjsip_import import plan_pjsip_conf

    run_import(
        file,
        tenant=tenant,
        dry_run=dry_run,
        planner=plan_pjsip_conf,
        allow_absolute_includes=allow_absolute_includes,
    )


def run_import(
    file: Path,
    *,
    tenant: str,
    dry_run: bool,
    planner: Planner,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_absolute_includes: bool = False,
) -> ImportReport:
    """Parse, plan and apply ``file``; print the report. Exits 2 when the file or the plan is refused."""
    from rich.console import Console

    console = Console(stderr=True)
    try:
        with _progress(console, enabled=_is_large(file)) as step:
            step("reading")
            config = parse_config(file, max_bytes=max_bytes, allow_absolute_includes=allow_absolute_includes)
            step("planning")
            plan = planner(config)
            # The parsed file is several times the file's size and the plan holds what it needs.
            del config
            step("checking (dry run)" if dry_run else "applying")
            report = asyncio.run(_apply(plan, tenant=tenant, dry_run=dry_run))
    except ConfigError as exc:
        _fail(f"cannot import {file}: {exc}")
    except InvalidInput as exc:
        issues = "\n".join(f"  {issue.field}: {issue.message}" for issue in exc.issues)
        _fail(f"the import was refused, nothing was written ({len(exc.issues)} issues):\n{issues}")
    except (AppError, LookupError) as exc:
        _fail(str(exc))
    typer.echo(report.summary())
    return report


def _is_large(file: Path) -> bool:
    try:
        return file.stat().st_size >= PROGRESS_MIN_BYTES
    except OSError:
        return False


@contextmanager
def _progress(console: Console, *, enabled: bool) -> Iterator[Callable[[str], None]]:
    """A bar over the phases (read, plan, apply); each phase is one call, so it moves between them."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not enabled) as progress:
        task = progress.add_task("starting", total=3)
        started = False

        def step(description: str) -> None:
            nonlocal started
            progress.update(task, description=description, advance=1 if started else 0)
            started = True

        yield step
        progress.update(task, completed=3)


def _fail(message: str) -> NoReturn:
    """Errors go out verbatim (no wrapping), one issue per line, for people and for grep."""
    typer.echo(message, err=True)
    raise typer.Exit(2)


async def _apply(plan: ImportPlan, *, tenant: str, dry_run: bool) -> ImportReport:
    """Apply the plan with the server's database (migrated first, as every command does)."""
    from app.db.database import Database
    from app.db.migrate import upgrade_async
    from app.services.imports import apply_import
    from app.services.operator import tenant_by_ref
    from app.settings import get_settings

    url = get_settings().resolved_database_url
    await upgrade_async(url)
    db = Database(url)
    try:
        caller = await _caller(db)
        tenant_uuid = await tenant_by_ref(db, tenant)
        return await apply_import(db, caller, tenant_uuid=tenant_uuid, plan=plan, dry_run=dry_run)
    finally:
        await db.dispose()


async def _caller(db: Database) -> Caller:
    """The caller of ``PJSIP_GRAPH_TOKEN`` when set, else the operator (whoever runs this owns the database)."""
    from app.services.operator import operator_caller
    from app.services.tokens import authenticate

    token = os.environ.get(TOKEN_ENV)
    if not token:
        return await operator_caller(db)
    async with db.reading() as session:
        caller = await authenticate(session, token)
    if caller is None:
        raise LookupError(f"the token in {TOKEN_ENV} is not valid")
    return caller
