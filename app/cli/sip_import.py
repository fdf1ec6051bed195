"""`pjsip-graph import sip-conf FILE --tenant slug [--dry-run]`: migrate chan_sip's sip.conf.

The command is one more format of the ``import`` group (app/cli/imports.py):
that module reads the file, applies the plan as the operator (or as
``PJSIP_GRAPH_TOKEN``'s caller), prints the report and exits 2, with every
issue listed and nothing written, when the file or the plan is refused. This
module only supplies the planner, :func:`app.asterisk.sip_import.plan_sip_conf`.

Registered where the group is assembled, with::

    import_cli.command("sip-conf")(sip_conf)
"""

from __future__ import annotations

from pathlib import Path

from app.cli.imports import ABSOLUTE_INCLUDES_OPTION, DRY_RUN_OPTION, FILE_ARGUMENT, TENANT_OPTION, run_import


def sip_conf(
    file: Path = FILE_ARGUMENT,
    tenant: str = TENANT_OPTION,
    dry_run: bool = DRY_RUN_OPTION,
    allow_absolute_includes: bool = ABSOLUTE_INCLUDES_OPTION,
) -> None:
    """Import chan_sip's sip.conf: its general section becomes template 'general', templates and peers follow.

    The tenant must have no template named 'general' (nor 'trunk' when the file
    registers): create it without default templates. Transports and
    global/system options go to the tenant's engine and replace what it had.
    See docs/import-sip-conf.md.
    """
    from app.asterisk.sip_import import plan_sip_conf

    run_import(
        file,
        tenant=tenant,
        dry_run=dry_run,
        planner=plan_sip_conf,
        allow_absolute_includes=allow_absolute_includes,
    )
