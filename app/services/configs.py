"""Templates and endpoints: create, update, delete, each in one transaction."""

from __future__ import annotations

import contextlib
import secrets
import string
from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select

from app.db.aftercommit import committed
from app.db.database import Database
from app.db.lane import statement_lane
from app.db.models import ConfigParent, Engine, SipConfig, Tenant, Transport, utcnow
from app.db.queries import Graph, load_graph
from app.db.tenant_graphs import load_tenant_graph
from app.domain.catalog import load_catalog
from app.domain.graph import check_parent_graph, descendants
from app.domain.resolution import ConfigKind
from app.domain.sections import SECTIONS, Options, Section, sections_from_json, sections_to_json
from app.domain.sorcery import MASK, RESERVED_PREFIXES, SECRET_KEYS, SECRET_SECTIONS, endpoint_objects
from app.domain.validation import validate_label, validate_name, validate_parent_list, validate_sections
from app.errors import Conflict, InvalidInput, Issue, NotFound
from app.record.engine_row import bump_resolution, lock_tenant_scope
from app.record.resolver import check_templates, new_resolver
from app.record.sync import sync_endpoints
from app.record.updates import Change, ChangeSummary
from app.record.writing import record_changes
from app.services.access import SIP_WRITE, Caller
from app.services.snapshots import ConfigRecord, ConfigView
from app.settings import get_settings
from app.switch_interval import many_rows, off_loop

# Object ids an endpoint's auths take (docs/domain.md §5); an endpoint named like
# them would collide with another endpoint's objects.


# Stands for "some endpoint" one level below a template, in depth checks.
_ENDPOINT_BELOW = UUID(int=1)


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


@dataclass(slots=True)
class NewConfig:
    tenant_uuid: UUID | None = None
    name: str | None = None
    label: str | None = None
    parent_uuids: list[UUID] = field(default_factory=list)
    transport_uuid: UUID | None = None
    sections: dict[Section, Options] = field(default_factory=dict)
    default_role: str | None = None


@dataclass(slots=True)
class ConfigPatch:
    """Omitted fields stay ``UNSET``; ``None`` clears label and transport."""

    name: str | _Unset = UNSET
    label: str | _Unset | None = UNSET
    parent_uuids: list[UUID] | _Unset = UNSET
    transport_uuid: UUID | _Unset | None = UNSET
    sections: dict[Section, Options] = field(default_factory=dict)


@dataclass(slots=True)
class ConfigResult:
    view: ConfigView | None
    changes: ChangeSummary


def _what(kind: ConfigKind) -> str:
    return "template" if kind is ConfigKind.TEMPLATE else "endpoint"


async def get_config(
    session: AsyncSession, caller: Caller, uuid: UUID, kind: ConfigKind, *, reread: bool = True
) -> SipConfig:
    """The configuration, if the caller may see it. ``reread=False``: as the session holds it
    (just refreshed), without a statement."""
    row = await session.get(SipConfig, uuid, populate_existing=reread)
    if row is None or row.kind != kind.value or not caller.can_see(row.tenant_uuid):
        raise NotFound(f"{_what(kind)} not found")
    return row


async def create_config(
    db: Database, caller: Caller, kind: ConfigKind, data: NewConfig, *, dry_run: bool
) -> ConfigResult:
    caller.require(SIP_WRITE)
    tenant_uuid = data.tenant_uuid or caller.tenant_uuid
    async with db.writing(commit=not dry_run) as session:
        tenant = await session.get(Tenant, tenant_uuid)
        if tenant is None or not caller.can_see(tenant.uuid):
            raise NotFound("tenant not found")
        engine = await lock_tenant_scope(
            session, tenant.engine_uuid, tenant.uuid, new_endpoint=kind is ConfigKind.ENDPOINT
        )
        row = await insert_config(session, kind=kind, tenant=tenant, data=data)
        return await _finish(session, engine, row, kind, action="CREATED", dry_run=dry_run)


def _alone(kind: ConfigKind, uuid: UUID) -> UUID | None:
    """The endpoint a change reaches alone (a template's change reaches its inheritors)."""
    return uuid if kind is ConfigKind.ENDPOINT else None


async def insert_config(session: AsyncSession, *, kind: ConfigKind, tenant: Tenant, data: NewConfig) -> SipConfig:
    """Validate and insert one configuration (the tenant's scope must already be locked)."""
    if kind is ConfigKind.TEMPLATE and data.name is None:
        raise InvalidInput.at("input.name", "a template needs a name")
    name = data.name if data.name is not None else await _free_endpoint_name(session, tenant.engine_uuid)
    sections = {s: data.sections.get(s, ()) for s in SECTIONS}
    issues = _secret_issues_for_new(sections)
    issues += await _identity_issues(session, kind, tenant, name, data.label, exclude=None)
    parents, parent_issues = await _parent_issues(session, tenant.uuid, None, data.parent_uuids)
    issues += parent_issues
    issues += await _transport_issues(session, tenant.engine_uuid, data.transport_uuid)
    issues += validate_sections(load_catalog(), data.sections)
    if issues:
        raise InvalidInput(issues)
    now = utcnow()
    row = SipConfig(
        tenant_uuid=tenant.uuid,
        engine_uuid=tenant.engine_uuid,
        kind=kind.value,
        scope_uuid=_scope(kind, tenant),
        name=name,
        label=data.label,
        transport_uuid=data.transport_uuid,
        options=sections_to_json(sections),
        default_role=data.default_role,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    async with _claiming_name(kind, name):
        await session.flush()
    await _write_parents(session, row.uuid, [p.uuid for p in parents])
    return row


# PostgreSQL's name for the unique (kind, scope, name) constraint of sip_config.
NAME_CONSTRAINT = "sip_config_kind_scope_uuid_name_key"


@contextlib.asynccontextmanager
async def _claiming_name(kind: ConfigKind, name: str) -> AsyncIterator[None]:
    """Around the write of a new or renamed configuration: a lost race for its name becomes the usual issue.

    Writers of different tenants run at the same time (app/record/engine_row.py), and endpoint
    names are unique per engine: the name was free when checked, and another tenant's change
    may have taken it since. The unique constraint decides; the loser gets the same answer as
    if it had come second.
    """
    try:
        yield
    except IntegrityError as exc:
        if NAME_CONSTRAINT not in str(exc.orig):
            raise
        where = "on this engine" if kind is ConfigKind.ENDPOINT else "in this tenant"
        raise InvalidInput(Issue("input.name", f"a {_what(kind)} named '{name}' already exists {where}")) from exc


async def update_config(
    db: Database,
    caller: Caller,
    kind: ConfigKind,
    uuid: UUID,
    patch: ConfigPatch,
    *,
    expected_revision: int | None,
    dry_run: bool,
) -> ConfigResult:
    caller.require(SIP_WRITE)
    async with db.writing(commit=not dry_run) as session:
        row = await get_config(session, caller, uuid, kind)
        engine = await lock_tenant_scope(
            session, row.engine_uuid, row.tenant_uuid, endpoint=_alone(kind, uuid), refresh=row
        )
        row = await get_config(session, caller, uuid, kind, reread=False)  # refreshed after the locks
        if expected_revision is not None and expected_revision != row.revision:
            raise Conflict(f"{_what(kind)} is at revision {row.revision}, not {expected_revision}")
        current = ConfigRecord.of(row)
        before = await load_graph(session, [row.uuid])  # it and its ancestors, as the locks keep them
        current_parents = list(before.nodes[row.uuid].parents)

        name = current.name if isinstance(patch.name, _Unset) else patch.name
        label = current.label if isinstance(patch.label, _Unset) else patch.label
        transport = current.transport_uuid if isinstance(patch.transport_uuid, _Unset) else patch.transport_uuid
        parent_uuids = current_parents if isinstance(patch.parent_uuids, _Unset) else patch.parent_uuids
        current_sections = current.sections
        sections = dict(current_sections)
        issues: list[Issue] = []
        for section, options in patch.sections.items():
            kept, secret_issues = _keep_masked_secrets(section, options, current_sections.get(section, ()))
            sections[section] = kept
            issues += secret_issues

        if name != current.name or label != current.label:
            tenant = await session.get(Tenant, row.tenant_uuid)
            assert tenant is not None
            issues += await _identity_issues(session, kind, tenant, name, label, exclude=row.uuid)
        if parent_uuids != current_parents:
            _, parent_issues = await _parent_issues(session, row.tenant_uuid, row.uuid, parent_uuids)
            issues += parent_issues
        if transport != current.transport_uuid:
            issues += await _transport_issues(session, row.engine_uuid, transport)
        issues += validate_sections(load_catalog(), patch.sections)
        if issues:
            raise InvalidInput(issues)

        # Without secrets:read, a secret sent in clear always counts as a change (it is
        # written again and recorded), so no answer tells a right guess from a wrong one.
        rewrite_secrets = {} if caller.sees_secrets else _clear_secrets(patch.sections)
        changed = (
            bool(rewrite_secrets)
            or name != current.name
            or label != current.label
            or transport != current.transport_uuid
            or parent_uuids != current_parents
            or sections != current_sections
        )
        if changed:
            own = {
                "name": name,
                "label": label,
                "transport_uuid": transport,
                "options": sections_to_json(sections),
                "revision": row.revision + 1,
                "updated_at": utcnow(),
            }
            if kind is ConfigKind.ENDPOINT:
                # Its own change and its resolution's new version in one UPDATE.
                async with _claiming_name(kind, name):
                    version = await bump_resolution(session, engine, [row.uuid], values=own)
                own["resolved_version"] = version
                for key, value in own.items():
                    set_committed_value(row, key, value)
            else:
                for key, value in own.items():
                    setattr(row, key, value)
                async with _claiming_name(kind, name):
                    await session.flush()
            if parent_uuids != current_parents:
                await _write_parents(session, row.uuid, parent_uuids)
        same_ancestry = parent_uuids == current_parents and transport == current.transport_uuid
        return await _finish(
            session,
            engine,
            row,
            kind,
            action="UPDATED" if changed else None,
            dry_run=dry_run,
            rewrite_secrets=rewrite_secrets,
            graph=_with_own_fields(before, row) if same_ancestry else None,
            sections=None if not same_ancestry else _changed_sections(current_sections, sections, rewrite_secrets),
        )


def _changed_sections(
    before: Mapping[Section, Options], after: Mapping[Section, Options], rewritten: Mapping[Section, frozenset[str]]
) -> set[Section]:
    """The sections whose options a change alters (or rewrites): with the same parents and
    transport, the only resolved sections of its inheritors that can change."""
    return {s for s in SECTIONS if before.get(s, ()) != after.get(s, ())} | set(rewritten)


def _with_own_fields(graph: Graph, row: SipConfig) -> Graph:
    """``graph`` with ``row``'s name, label and options as they are now (parents and transport unchanged)."""
    changed = replace(graph.nodes[row.uuid], name=row.name, label=row.label, sections=sections_from_json(row.options))
    return Graph({**graph.nodes, row.uuid: changed}, graph.tenants)


async def delete_config(db: Database, caller: Caller, kind: ConfigKind, uuid: UUID, *, dry_run: bool) -> ChangeSummary:
    caller.require(SIP_WRITE)
    async with db.writing(commit=not dry_run) as session:
        row = await get_config(session, caller, uuid, kind)
        engine = await lock_tenant_scope(
            session, row.engine_uuid, row.tenant_uuid, endpoint=_alone(kind, uuid), refresh=row
        )
        row = await get_config(session, caller, uuid, kind, reread=False)  # refreshed after the locks
        gone = Change("DELETED", kind.value, row.uuid, row.tenant_uuid, row.revision)
        if kind is ConfigKind.ENDPOINT:
            await session.delete(row)
            await session.flush()
            return await sync_endpoints(
                session, engine, Graph({}, {}), (), removed_endpoint_uuids=[uuid], changes=[gone], dry_run=dry_run
            )
        graph = await load_tenant_graph(session, row.tenant_uuid)
        affected, inheritors, children = await off_loop(many_rows(len(graph.nodes)), _deleted_reach, graph, uuid)
        await session.execute(sa.delete(ConfigParent).where(col(ConfigParent.parent_uuid) == uuid))
        if children:
            # Children lose the template from their lists: a change of theirs.
            await session.execute(
                sa.update(SipConfig)
                .where(col(SipConfig.uuid).in_(children))
                .values(revision=SipConfig.revision + 1, updated_at=utcnow())
            )
        await session.delete(row)
        await session.flush()
        version = await bump_resolution(session, engine, inheritors)
        revisions = await _revisions(session, children)
        graph_after = await load_tenant_graph(session, row.tenant_uuid)
        # the objects first: numbering the events claims the engine row until commit
        return await sync_endpoints(
            session,
            engine,
            graph_after,
            affected,
            resolution_version=version,
            changes=[gone]
            + [Change("UPDATED", graph.nodes[c].kind.value, c, row.tenant_uuid, revisions[c]) for c in children],
            dry_run=dry_run,
        )


async def _revisions(session: AsyncSession, uuids: Sequence[UUID]) -> dict[UUID, int]:
    if not uuids:
        return {}
    rows = await session.execute(select(SipConfig.uuid, SipConfig.revision).where(col(SipConfig.uuid).in_(uuids)))
    return {uuid: revision for uuid, revision in rows.all()}  # noqa: C416


async def _finish(
    session: AsyncSession,
    engine: Engine,
    row: SipConfig,
    kind: ConfigKind,
    *,
    action: str | None,
    dry_run: bool,
    rewrite_secrets: Mapping[Section, frozenset[str]] | None = None,
    graph: Graph | None = None,
    sections: Collection[Section] | None = None,
) -> ConfigResult:
    """Recompute what the change can affect, record it, and build the view.

    ``action`` is CREATED, UPDATED, or None when the mutation changed nothing. ``graph``:
    the configuration and its ancestors as they are now, when the caller has them.
    ``sections``: the only sections a template's change alters, when known (`sync_endpoints`).
    """
    changes = ChangeSummary(dry_run=dry_run)
    events = [] if action is None else [Change(action, kind.value, row.uuid, row.tenant_uuid, row.revision)]
    if action is None or (kind is ConfigKind.TEMPLATE and action == "CREATED"):
        # Nothing inherits from it yet, or nothing changed: no object can change.
        graph = graph or await load_graph(session, [row.uuid])
        await record_changes(session, engine, events, dry_run=dry_run)
    elif kind is ConfigKind.TEMPLATE:
        graph = await load_tenant_graph(session, row.tenant_uuid)
        # A whole tenant's graph is walked in a worker thread: the event loop serves others meanwhile.
        inheritors, affected = await off_loop(many_rows(len(graph.nodes)), _template_reach, graph, row.uuid)
        async with statement_lane() as lane:
            # the new version is given while the change resolves its first endpoints
            version = lane.then(lambda: bump_resolution(session, engine, inheritors | {row.uuid}))
            changes = await sync_endpoints(
                session,
                engine,
                graph,
                affected,
                resolution_version=version,
                changes=events,
                dry_run=dry_run,
                rewrite_secrets=rewrite_secrets,
                sections=sections,
                lane=lane,
            )
        set_committed_value(row, "resolved_version", version.result())  # written by bump_resolution already
    else:
        # (an updated endpoint got its new version with its own change: see update_config)
        graph = graph or await load_graph(session, [row.uuid])
        changes = await sync_endpoints(
            session,
            engine,
            graph,
            [row.uuid],
            resolution_version=row.resolved_version,
            changes=events,
            dry_run=dry_run,
            rewrite_secrets=rewrite_secrets,
        )
    return ConfigResult(view=await _view(session, graph, row, dry_run=dry_run), changes=changes)


async def _view(session: AsyncSession, graph: Graph, row: SipConfig, *, dry_run: bool) -> ConfigView:
    record = ConfigRecord.of(row)
    # An endpoint the change synchronised was resolved then, from the same graph, and kept for the
    # write-through cache under its new version: not resolved a second time.
    resolved = None if dry_run else committed(session).resolved.get((row.uuid, row.resolved_version))
    if resolved is None:
        resolved = new_resolver(graph.nodes).resolve(row.uuid)
    objects = tuple(endpoint_objects(row.name, resolved)) if record.kind is ConfigKind.ENDPOINT else None
    parents = None  # committed with the change: read if the answer asks for them
    if dry_run:  # rolled back: only this transaction sees them
        parent_uuids = graph.nodes[row.uuid].parents
        statement = select(SipConfig).where(col(SipConfig.uuid).in_(parent_uuids))
        parent_rows = {r.uuid: r for r in (await session.scalars(statement)).all()}
        parents = tuple(ConfigRecord.of(parent_rows[p]) for p in parent_uuids)
    return ConfigView(record, parents, resolved, objects)


def _template_reach(graph: Graph, template: UUID) -> tuple[set[UUID], list[UUID]]:
    """What inherits from the template (raises when one of them or it exceeds the limits), and the
    endpoints the change of the template can affect."""
    inheritors = descendants([template], graph.children_of())
    check_templates(graph.nodes, [template, *inheritors])
    nodes = graph.nodes
    return inheritors, [u for u in inheritors if nodes[u].kind is ConfigKind.ENDPOINT]


def _deleted_reach(graph: Graph, template: UUID) -> tuple[list[UUID], set[UUID], list[UUID]]:
    """The endpoints a deleted template's removal affects, what inherited from it, and its children."""
    children_of = graph.children_of()
    return affected_endpoints(graph, [template]), descendants([template], children_of), children_of.get(template, [])


def affected_endpoints(graph: Graph, changed: Sequence[UUID]) -> list[UUID]:
    """Endpoints among ``changed`` and among everything that inherits from them."""
    candidates = descendants(changed, graph.children_of()) | set(changed)
    return [u for u in candidates if u in graph.nodes and graph.nodes[u].kind is ConfigKind.ENDPOINT]


def _scope(kind: ConfigKind, tenant: Tenant) -> UUID:
    return tenant.engine_uuid if kind is ConfigKind.ENDPOINT else tenant.uuid


async def _free_endpoint_name(session: AsyncSession, engine_uuid: UUID) -> str:
    alphabet = string.ascii_lowercase + string.digits
    while True:
        name = "".join(secrets.choice(alphabet) for _ in range(8))
        if not await _endpoint_name_taken(session, engine_uuid, name, exclude=None):
            return name


async def _endpoint_name_taken(session: AsyncSession, engine_uuid: UUID, name: str, exclude: UUID | None) -> str | None:
    """Why an endpoint name is not free on this engine, or None."""
    query = select(SipConfig.uuid).where(
        col(SipConfig.kind) == ConfigKind.ENDPOINT.value,
        col(SipConfig.scope_uuid) == engine_uuid,
        col(SipConfig.name) == name,
    )
    if exclude is not None:
        query = query.where(SipConfig.uuid != exclude)
    if (await session.execute(query)).first() is not None:
        return f"an endpoint named '{name}' already exists on this engine"
    transport = select(Transport.uuid).where(Transport.engine_uuid == engine_uuid, col(Transport.name) == name)
    if (await session.execute(transport)).first() is not None:
        return f"'{name}' is the name of a transport of this engine"
    return None


async def _identity_issues(
    session: AsyncSession, kind: ConfigKind, tenant: Tenant, name: str, label: str | None, *, exclude: UUID | None
) -> list[Issue]:
    issues = validate_name(name, field="input.name", what=_what(kind)) + validate_label(label, field="input.label")
    if issues:
        return issues
    if kind is ConfigKind.ENDPOINT:
        if name.startswith(RESERVED_PREFIXES):
            return [Issue("input.name", f"endpoint names cannot start with {' or '.join(RESERVED_PREFIXES)}")]
        taken = await _endpoint_name_taken(session, tenant.engine_uuid, name, exclude)
        return [Issue("input.name", taken)] if taken else []
    query = select(SipConfig.uuid).where(
        col(SipConfig.kind) == kind.value,
        col(SipConfig.scope_uuid) == tenant.uuid,
        col(SipConfig.name) == name,
    )
    if exclude is not None:
        query = query.where(SipConfig.uuid != exclude)
    if (await session.execute(query)).first() is not None:
        return [Issue("input.name", f"a template named '{name}' already exists in this tenant")]
    return []


async def _parent_issues(
    session: AsyncSession, tenant_uuid: UUID, child: UUID | None, parent_uuids: Sequence[UUID]
) -> tuple[list[SipConfig], list[Issue]]:
    """Parents must be distinct templates of the same tenant, without cycles or excess depth."""
    field_name = "input.parentUuids"
    issues = validate_parent_list(parent_uuids, field=field_name)
    rows = {
        r.uuid: r
        for r in (await session.scalars(select(SipConfig).where(col(SipConfig.uuid).in_(list(parent_uuids))))).all()
    }
    parents: list[SipConfig] = []
    for i, uuid in enumerate(parent_uuids):
        row = rows.get(uuid)
        if row is None or row.tenant_uuid != tenant_uuid:
            # Same answer for "absent" and "another tenant's": existence must not leak.
            issues.append(Issue(f"{field_name}[{i}]", "no template with this uuid in the configuration's tenant"))
        elif row.kind != ConfigKind.TEMPLATE.value:
            issues.append(Issue(f"{field_name}[{i}]", f"'{row.name}' is an endpoint; only templates can be parents"))
        else:
            parents.append(row)
    if issues or not parents:
        return parents, issues
    # Only templates have children, so the template links are the graph; endpoints
    # matter only as one more level below the templates they inherit from (a
    # tenant has few templates and may have thousands of endpoints).
    joined = col(ConfigParent.child_uuid) == col(SipConfig.uuid)
    links = (
        await session.execute(
            select(ConfigParent.child_uuid, ConfigParent.parent_uuid, ConfigParent.position)
            .join(SipConfig, joined)
            .where(SipConfig.tenant_uuid == tenant_uuid, SipConfig.kind == ConfigKind.TEMPLATE.value)
        )
    ).all()
    with_endpoints = (
        await session.execute(
            select(ConfigParent.parent_uuid)
            .distinct()
            .join(SipConfig, joined)
            .where(SipConfig.tenant_uuid == tenant_uuid, SipConfig.kind == ConfigKind.ENDPOINT.value)
        )
    ).scalars()
    parents_of: dict[UUID, list[tuple[int, UUID]]] = {}
    children_of: dict[UUID, list[UUID]] = {t: [_ENDPOINT_BELOW] for t in with_endpoints}
    for c, p, pos in links:
        parents_of.setdefault(c, []).append((pos, p))
        children_of.setdefault(p, []).append(c)
    ordered = {c: [p for _, p in sorted(ps)] for c, ps in parents_of.items()}
    me = child if child is not None else UUID(int=0)
    issues += check_parent_graph(
        me,
        list(parent_uuids),
        ordered,
        children_of,
        field=field_name,
        max_expansion=get_settings().max_inheritance_expansion,
    )
    return parents, issues


async def _transport_issues(session: AsyncSession, engine_uuid: UUID, transport_uuid: UUID | None) -> list[Issue]:
    if transport_uuid is None:
        return []
    row = await session.get(Transport, transport_uuid)
    if row is None or row.engine_uuid != engine_uuid:
        return [Issue("input.transportUuid", "no transport with this uuid on the tenant's engine")]
    return []


async def _write_parents(session: AsyncSession, child: UUID, parent_uuids: Sequence[UUID]) -> None:
    await session.execute(sa.delete(ConfigParent).where(col(ConfigParent.child_uuid) == child))
    if parent_uuids:
        await session.execute(
            sa.insert(ConfigParent),
            [{"child_uuid": child, "parent_uuid": p, "position": i} for i, p in enumerate(parent_uuids)],
        )


def _secret_issues_for_new(sections: dict[Section, Options]) -> list[Issue]:
    return [
        Issue(f"input.options.{section.input_name}[{i}].value", "a masked value cannot be used for a new secret")
        for section in SECRET_SECTIONS
        for i, (k, v) in enumerate(sections.get(section, ()))
        if k in SECRET_KEYS and v == MASK
    ]


def _clear_secrets(sections: Mapping[Section, Options]) -> dict[Section, frozenset[str]]:
    """The secret keys a patch sets in clear, by section (the mask sent back keeps the stored value)."""
    found = {
        section: frozenset(k for k, v in sections.get(section, ()) if k in SECRET_KEYS and v != MASK)
        for section in SECRET_SECTIONS
    }
    return {section: keys for section, keys in found.items() if keys}


def _keep_masked_secrets(section: Section, given: Options, stored: Options) -> tuple[Options, list[Issue]]:
    """A masked secret sent back unchanged keeps the stored value (n-th occurrence for n-th)."""
    if section not in SECRET_SECTIONS:
        return given, []
    stored_by_key: dict[str, list[str]] = {}
    for k, v in stored:
        stored_by_key.setdefault(k, []).append(v)
    seen: dict[str, int] = {}
    out: list[tuple[str, str]] = []
    issues: list[Issue] = []
    for i, (k, v) in enumerate(given):
        if k in SECRET_KEYS and v == MASK:
            index = seen.get(k, 0)
            previous = stored_by_key.get(k, [])
            if index < len(previous):
                v = previous[index]
            else:
                issues.append(
                    Issue(
                        f"input.options.{section.input_name}[{i}].value",
                        "a masked value cannot be used for a new secret",
                    )
                )
        if k in SECRET_KEYS:
            seen[k] = seen.get(k, 0) + 1
        out.append((k, v))
    return tuple(out), issues
