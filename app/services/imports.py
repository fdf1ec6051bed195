"""Applying an import plan: one transaction, the product's normal rules, bulk writes.

Every template and endpoint of the plan is validated like a mutation would
validate it (names, options, parents, cycles, depth, transports); any problem
aborts the whole import with every issue listed by file and line, and nothing
is written. Rows are then inserted in bulk and all new endpoints are resolved
and recorded once, so a file of 10,000 endpoints costs a handful of statements
rather than ten thousand mutations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.db.bulk import BULK_ROWS, refresh_statistics
from app.db.database import Database
from app.db.models import ConfigParent, Engine, SipConfig, Tenant, Transport, utcnow
from app.db.tenant_graphs import load_tenant_graph
from app.domain.catalog import load_catalog
from app.domain.imports import ImportPlan, PlannedConfig, Source
from app.domain.resolution import ConfigKind
from app.domain.sections import SECTIONS, Options, sections_to_json
from app.domain.sorcery import RESERVED_PREFIXES, global_object, system_object, transport_object
from app.domain.validation import (
    MAX_INHERITANCE_DEPTH,
    validate_label,
    validate_name,
    validate_options,
    validate_parent_list,
    validate_sections,
)
from app.errors import Forbidden, InvalidInput, Issue, NotFound
from app.record.engine_row import lock_engine, lock_tenant_scope
from app.record.resolver import check_templates
from app.record.sync import sync_endpoints, sync_engine_objects
from app.record.updates import Change, ChangeSummary
from app.record.writing import record_changes
from app.services.access import SIP_WRITE, Caller

config_t = SipConfig.__table__  # type: ignore[attr-defined]
parent_t = ConfigParent.__table__  # type: ignore[attr-defined]


@dataclass(slots=True)
class ImportReport:
    dry_run: bool
    templates: list[str] = field(default_factory=list)
    endpoints: list[str] = field(default_factory=list)
    transports: list[str] = field(default_factory=list)
    engine_options: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    changes: ChangeSummary | None = None

    def __repr__(self) -> str:
        # Short, like ChangeSummary's: a big import's lists hold a hundred thousand names.
        counts = ", ".join(f"{name}=<{len(getattr(self, name))}>" for name in ("templates", "endpoints", "unmapped"))
        return f"ImportReport(dry_run={self.dry_run}, {counts}, changes={self.changes!r})"

    def summary(self) -> str:
        lines = [
            f"{'would create' if self.dry_run else 'created'}: {len(self.templates)} templates, "
            f"{len(self.endpoints)} endpoints, {len(self.transports)} transports"
            + (f", {' and '.join(self.engine_options)} options" if self.engine_options else ""),
        ]
        if self.changes is not None:
            lines.append(f"Sorcery updates: {self.changes.count}")
        if self.unmapped:
            lines.append(f"not mapped ({len(self.unmapped)}):")
            lines += [f"  {u}" for u in self.unmapped]
        return "\n".join(lines)


def _at(source: Source | None, name: str) -> str:
    return f"{source} [{name}]" if source is not None else f"[{name}]"


async def apply_import(
    db: Database, caller: Caller, *, tenant_uuid: UUID, plan: ImportPlan, dry_run: bool
) -> ImportReport:
    caller.require(SIP_WRITE)
    if plan.touches_engine and not caller.is_operator:
        raise Forbidden("the file sets transports or global/system options: only the operator may import it")
    async with db.writing(commit=not dry_run) as session:
        tenant = await session.get(Tenant, tenant_uuid)
        if tenant is None or not caller.can_see(tenant.uuid):
            raise NotFound("tenant not found")
        # transports or global/system options reach every tenant: then the whole engine
        engine = await (
            lock_engine(session, tenant.engine_uuid)
            if plan.touches_engine
            else lock_tenant_scope(session, tenant.engine_uuid, tenant.uuid)
        )
        report = ImportReport(dry_run=dry_run, unmapped=[str(u) for u in plan.unmapped])
        changes = ChangeSummary(dry_run=dry_run)
        changes.extend(await _engine_objects(session, engine, plan, report, dry_run=dry_run))
        transports = await _transport_uuids(session, engine.uuid)
        existing_templates = await _template_uuids(session, tenant.uuid)
        await _validate(session, tenant, plan, transports, existing_templates)
        created = await _insert(session, tenant, plan, transports, existing_templates)
        report.templates = [t.name for t in plan.templates]
        report.endpoints = [e.name for e in plan.endpoints]
        graph = await load_tenant_graph(session, tenant.uuid)
        check_templates(graph.nodes, [uuid for uuid, kind in created if kind is ConfigKind.TEMPLATE])
        new_endpoints = [uuid for uuid, kind in created if kind is ConfigKind.ENDPOINT]
        changes.extend(
            await sync_endpoints(
                session, engine, graph, new_endpoints, resolution_version=1, dry_run=dry_run, created=True
            )
        )
        # after the objects: numbering the events claims the engine row until commit
        await record_changes(
            session,
            engine,
            [Change("CREATED", kind.value, uuid, tenant.uuid, 1) for uuid, kind in created],
            dry_run=dry_run,
        )
        if len(created) >= BULK_ROWS and not dry_run:
            await refresh_statistics(session)
        report.changes = changes
        return report


async def _engine_objects(
    session: AsyncSession, engine: Engine, plan: ImportPlan, report: ImportReport, *, dry_run: bool
) -> ChangeSummary:
    catalog = load_catalog()
    issues: list[Issue] = []
    endpoint_names = await _endpoint_names(session, engine.uuid, [t.name for t in plan.transports])
    endpoint_names |= {e.name for e in plan.endpoints}
    seen: set[str] = set()
    for t in plan.transports:
        issues += validate_name(t.name, field=_at(t.source, t.name), what="transport")
        if t.name in seen:
            issues.append(Issue(_at(t.source, t.name), f"the file defines transport '{t.name}' twice"))
        seen.add(t.name)
        if t.name in endpoint_names:
            issues.append(Issue(_at(t.source, t.name), f"'{t.name}' is the name of an endpoint of this engine"))
        issues += validate_options(catalog, "transport", t.options, path=_at(t.source, t.name), managed=frozenset())
    if plan.global_options:
        issues += validate_options(catalog, "global", plan.global_options, path="[global]", managed=frozenset())
    if plan.system_options:
        issues += validate_options(catalog, "system", plan.system_options, path="[system]", managed=frozenset())
    if issues:
        raise InvalidInput(issues)
    desired: dict[tuple[str, str], Options] = {}
    existing = {
        t.name: t for t in (await session.scalars(select(Transport).where(Transport.engine_uuid == engine.uuid))).all()
    }
    for t in plan.transports:
        row = existing.get(t.name)
        if row is None:
            session.add(Transport(engine_uuid=engine.uuid, name=t.name, options=[list(o) for o in t.options]))
        else:
            row.options = [list(o) for o in t.options]
            row.updated_at = utcnow()
        desired[transport_object(t.name, t.options).key] = t.options
        report.transports.append(t.name)
    if plan.global_options:
        engine.global_options = [list(o) for o in plan.global_options]
        desired[global_object(plan.global_options).key] = plan.global_options
        report.engine_options.append("global")
    if plan.system_options:
        engine.system_options = [list(o) for o in plan.system_options]
        desired[system_object(plan.system_options).key] = plan.system_options
        report.engine_options.append("system")
    await session.flush()
    return await sync_engine_objects(session, engine, desired, dry_run=dry_run)


async def _transport_uuids(session: AsyncSession, engine_uuid: UUID) -> dict[str, UUID]:
    rows = await session.execute(select(Transport.name, Transport.uuid).where(Transport.engine_uuid == engine_uuid))
    return {name: uuid for name, uuid in rows.all()}  # noqa: C416


async def _template_uuids(session: AsyncSession, tenant_uuid: UUID) -> dict[str, UUID]:
    rows = await session.execute(
        select(SipConfig.name, SipConfig.uuid).where(
            SipConfig.tenant_uuid == tenant_uuid, SipConfig.kind == ConfigKind.TEMPLATE.value
        )
    )
    return {name: uuid for name, uuid in rows.all()}  # noqa: C416


async def _validate(
    session: AsyncSession,
    tenant: Tenant,
    plan: ImportPlan,
    transports: dict[str, UUID],
    existing_templates: dict[str, UUID],
) -> None:
    catalog = load_catalog()
    issues: list[Issue] = []
    planned_templates = {t.name for t in plan.templates}
    taken_endpoints = await _endpoint_names(session, tenant.engine_uuid, [e.name for e in plan.endpoints])
    seen: set[str] = set()
    for kind, configs in ((ConfigKind.TEMPLATE, plan.templates), (ConfigKind.ENDPOINT, plan.endpoints)):
        what = kind.value
        for config in configs:
            at = _at(config.source, config.name)
            issues += validate_name(config.name, field=at, what=what) + validate_label(config.label, field=at)
            key = f"{what}:{config.name}"
            if key in seen:
                issues.append(Issue(at, f"the file defines {what} '{config.name}' twice"))
            seen.add(key)
            if kind is ConfigKind.TEMPLATE and config.name in existing_templates:
                issues.append(Issue(at, f"template '{config.name}' already exists in the tenant"))
            if kind is ConfigKind.ENDPOINT:
                if config.name in taken_endpoints:
                    issues.append(Issue(at, f"an endpoint named '{config.name}' already exists on this engine"))
                if config.name in transports:
                    issues.append(Issue(at, f"'{config.name}' is the name of a transport of this engine"))
                if config.name.startswith(RESERVED_PREFIXES):
                    issues.append(Issue(at, f"endpoint names cannot start with {' or '.join(RESERVED_PREFIXES)}"))
            for i, parent in enumerate(config.parents):
                if parent not in planned_templates and parent not in existing_templates:
                    issues.append(Issue(f"{at} parents[{i}]", f"no template named '{parent}'"))
            issues += validate_parent_list(config.parents, field=f"{at} parents")
            if config.transport is not None and config.transport not in transports:
                issues.append(Issue(at, f"no transport named '{config.transport}'"))
            issues += validate_sections(catalog, config.sections, path=f"{at} options")
    if not issues:
        issues += _graph_issues(plan, await _existing_parents(session, tenant.uuid))
    if issues:
        raise InvalidInput(issues)


async def _endpoint_names(session: AsyncSession, engine_uuid: UUID, names: Sequence[str]) -> set[str]:
    taken: set[str] = set()
    wanted = sorted(set(names))
    for start in range(0, len(wanted), 2000):
        rows = await session.execute(
            select(SipConfig.name).where(
                SipConfig.kind == ConfigKind.ENDPOINT.value,
                SipConfig.scope_uuid == engine_uuid,
                col(SipConfig.name).in_(wanted[start : start + 2000]),
            )
        )
        taken.update(rows.scalars().all())
    return taken


def _graph_issues(plan: ImportPlan, existing_parents: dict[str, list[str]]) -> list[Issue]:
    """Cycles and inheritance depth over the planned templates and the tenant's existing ones."""
    parents = {**existing_parents, **{t.name: t.parents for t in plan.templates}}
    heights: dict[str, int] = {}
    in_progress: set[str] = set()

    def height(name: str) -> int:
        if name in heights:
            return heights[name]
        if name in in_progress:
            raise _Cycle(name)
        in_progress.add(name)
        value = 1 + max((height(p) for p in parents.get(name, [])), default=0)
        in_progress.discard(name)
        heights[name] = value
        return value

    lengths: dict[str, int] = {}

    def length(name: str) -> int:  # called only once height() found no cycle
        if name not in lengths:
            lengths[name] = 1 + sum(length(p) for p in parents.get(name, []))
        return lengths[name]

    from app.settings import get_settings

    limit = get_settings().max_inheritance_expansion
    issues: list[Issue] = []
    for config in [*plan.templates, *plan.endpoints]:
        at = f"{_at(config.source, config.name)} parents"
        try:
            if config in plan.templates:
                depth = height(config.name)
            else:  # an endpoint is one level below its deepest parent
                depth = 1 + max((height(p) for p in config.parents), default=0)
        except _Cycle as cycle:
            issues.append(Issue(at, f"templates inherit from each other in a cycle (through '{cycle.name}')"))
            continue
        if depth > MAX_INHERITANCE_DEPTH:
            issues.append(Issue(at, f"inheritance would be {depth} levels deep; at most {MAX_INHERITANCE_DEPTH}"))
            continue
        # Application-list length, counted without building the list (a diamond counts twice).
        size = 1 + sum(length(p) for p in config.parents)
        if size > limit:
            issues.append(
                Issue(
                    at,
                    f"inheritance would expand to {size} template applications for one configuration; "
                    f"at most {limit} (setting max_inheritance_expansion)",
                )
            )
    return issues


class _Cycle(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


async def _existing_parents(session: AsyncSession, tenant_uuid: UUID) -> dict[str, list[str]]:
    """Parent names of the tenant's existing templates, in order."""
    child = config_t.alias("child")
    parent = config_t.alias("parent")
    rows = await session.execute(
        sa.select(child.c.name, parent.c.name, parent_t.c.position)
        .select_from(
            child.join(parent_t, parent_t.c.child_uuid == child.c.uuid).join(
                parent, parent.c.uuid == parent_t.c.parent_uuid
            )
        )
        .where(child.c.tenant_uuid == tenant_uuid, child.c.kind == ConfigKind.TEMPLATE.value)
        .order_by(child.c.name, parent_t.c.position)
    )
    out: dict[str, list[str]] = {}
    for child_name, parent_name, _ in rows.all():
        out.setdefault(child_name, []).append(parent_name)
    return out


async def _insert(
    session: AsyncSession,
    tenant: Tenant,
    plan: ImportPlan,
    transports: dict[str, UUID],
    existing_templates: dict[str, UUID],
) -> list[tuple[UUID, ConfigKind]]:
    now = utcnow()
    uuids = dict(existing_templates)
    uuids.update({t.name: uuid4() for t in plan.templates})
    rows: list[dict[str, object]] = []
    links: list[dict[str, object]] = []
    created: list[tuple[UUID, ConfigKind]] = []
    for kind, configs in ((ConfigKind.TEMPLATE, plan.templates), (ConfigKind.ENDPOINT, plan.endpoints)):
        for config in configs:
            uuid = uuids[config.name] if kind is ConfigKind.TEMPLATE else uuid4()
            rows.append(_row(uuid, kind, tenant, config, transports, now))
            links += [
                {"child_uuid": uuid, "parent_uuid": uuids[p], "position": i} for i, p in enumerate(config.parents)
            ]
            created.append((uuid, kind))
    for start in range(0, len(rows), 2000):
        await session.execute(sa.insert(config_t), rows[start : start + 2000])
    for start in range(0, len(links), 5000):
        await session.execute(sa.insert(parent_t), links[start : start + 5000])
    return created


def _row(
    uuid: UUID, kind: ConfigKind, tenant: Tenant, config: PlannedConfig, transports: dict[str, UUID], now: object
) -> dict[str, object]:
    return {
        "uuid": uuid,
        "tenant_uuid": tenant.uuid,
        "engine_uuid": tenant.engine_uuid,
        "kind": kind.value,
        "scope_uuid": tenant.engine_uuid if kind is ConfigKind.ENDPOINT else tenant.uuid,
        "name": config.name,
        "label": config.label,
        "transport_uuid": transports[config.transport] if config.transport else None,
        "revision": 1,
        "resolved_version": 1,
        "options": sections_to_json({s: config.sections.get(s, ()) for s in SECTIONS}),
        "default_role": None,
        "created_at": now,
        "updated_at": now,
    }


class FileKind(StrEnum):
    PJSIP_CONF = "pjsip.conf"
    SIP_CONF = "sip.conf"


async def import_text(
    db: Database, caller: Caller, *, tenant_uuid: UUID, kind: FileKind, text: str, dry_run: bool
) -> ImportReport:
    """Import a file sent as text (a frontend's upload): no ``#include`` is followed."""
    from app.asterisk.conf.parser import ConfigError, parse_text
    from app.asterisk.pjsip_import import plan_pjsip_conf
    from app.asterisk.sip_import import plan_sip_conf

    planner = plan_pjsip_conf if kind is FileKind.PJSIP_CONF else plan_sip_conf
    try:
        plan = planner(parse_text(text, name=kind.value, include_root=None))
    except ConfigError as exc:
        raise InvalidInput.at("text", str(exc)) from exc
    return await apply_import(db, caller, tenant_uuid=tenant_uuid, plan=plan, dry_run=dry_run)
