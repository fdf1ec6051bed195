"""Recomputing Sorcery objects and recording their differences.

Every mutation ends here: the desired objects of the endpoints it can affect
are compared with the last recorded ones, and only the differences are
written, numbered with the engine's next sequence numbers.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.aftercommit import committed, free_after_commit, resolved_views_wanted
from app.db.bulk import stored_json
from app.db.lane import StatementLane, statement_lane
from app.db.models import Engine
from app.db.queries import Graph, chunks, engine_objects, recorded_object_texts
from app.domain.asterisk_values import object_problems, problems_may_change
from app.domain.catalog import Catalog, load_catalog
from app.domain.diff import Action, Owner, PlannedUpdate, diff_objects, order_updates
from app.domain.resolution import ResolvedSections, Resolver
from app.domain.sections import SECTIONS, Options, Section, to_options
from app.domain.sorcery import (
    REFERENCED_SECTIONS,
    ObjectKey,
    auth_object_key,
    endpoint_objects,
    object_section,
    objects_changed_by,
    objects_of_fields,
)
from app.errors import InvalidInput, Issue
from app.gc_pause import collector_paused
from app.record.pending import KEPT_UPDATES, PendingUpdates
from app.record.resolver import new_resolver
from app.record.text_diff import replaced_value
from app.record.updates import Change, ChangeSummary
from app.record.writing import (
    number_pending,
    number_record,
    prepare_record,
    record,
    store_object_states,
    write_pending,
)
from app.switch_interval import off_loop, release

# From this many endpoints on, resolving and diffing run in a worker thread: the
# event loop goes on serving other tenants' requests meanwhile (the interpreter
# passes between threads every few milliseconds) instead of stalling for the
# whole change. Below it, a thread would cost more than it frees.
OFF_LOOP_ENDPOINTS = 300
# Below this many endpoints, a change that alters some of their objects only still resolves their
# whole views, kept for the write-through cache; from it on, just what those objects are made of.
WHOLE_VIEWS_BELOW = OFF_LOOP_ENDPOINTS
# Endpoints resolved and compared at a time in a change reaching many: bounds the memory a
# change needs by a part's objects instead of the tenant's.
SYNC_PART = 5000


@dataclass(slots=True)
class Desired:
    """The objects the given endpoints should have, with the resolution they came from."""

    objects: dict[ObjectKey, Options] = field(default_factory=dict)
    owners: dict[ObjectKey, Owner] = field(default_factory=dict)
    resolved: dict[UUID, ResolvedSections] = field(default_factory=dict)


def desired_endpoint_objects(
    graph: Graph,
    endpoint_uuids: Iterable[UUID],
    catalog: Catalog,
    resolver: Resolver | None = None,
    *,
    made: frozenset[Section] | None = None,
    views: bool = True,
) -> Desired:
    """Resolve each endpoint and flatten it into its Sorcery objects.

    ``made``: only the objects coming from these sections (`object_section`). ``views``: keep
    each endpoint's whole resolved view (for the cache); without it, only the sections the
    objects are made from are resolved.
    """
    resolver = resolver or new_resolver(graph.nodes, catalog)
    desired = Desired()
    with collector_paused():
        if made is None:
            _desire(desired, graph, endpoint_uuids, resolver)
        else:
            _desire_some(desired, graph, endpoint_uuids, resolver, made, views)
    return desired


def _desire(desired: Desired, graph: Graph, endpoint_uuids: Iterable[UUID], resolver: Resolver) -> None:
    for uuid in endpoint_uuids:
        node = graph.nodes[uuid]
        resolved = resolver.resolve(uuid)
        objects = endpoint_objects(node.name, resolved)
        owner = Owner(graph.tenants[uuid], uuid)
        for obj in objects:
            desired.objects[obj.key] = obj.fields
            desired.owners[obj.key] = owner
        desired.resolved[uuid] = resolved


def _desire_some(
    desired: Desired,
    graph: Graph,
    endpoint_uuids: Iterable[UUID],
    resolver: Resolver,
    made: frozenset[Section],
    views: bool,
) -> None:
    """`_desire` for the objects coming from the ``made`` sections only: from whole resolved
    views (kept) with ``views``, else from those sections' resolved pairs alone."""
    making = tuple(s for s in SECTIONS if s in made)
    # the sections whose presence the objects' references follow, when not made here
    referenced = tuple(s for s in SECTIONS if s in REFERENCED_SECTIONS and s not in made)
    for uuid in endpoint_uuids:
        node = graph.nodes[uuid]
        if views:
            resolved = resolver.resolve(uuid)
            desired.resolved[uuid] = resolved
            objects = endpoint_objects(node.name, resolved)
            pairs = [(o.key, o.fields) for o in objects if object_section(o.type, o.id) in made]
        else:
            fields = resolver.resolve_fields(uuid, making)
            present = [s for s, options in fields.items() if options] + resolver.holding_options(uuid, referenced)
            pairs = objects_of_fields(node.name, fields, present)
        owner = Owner(graph.tenants[uuid], uuid)
        for key, object_fields in pairs:
            desired.objects[key] = object_fields
            desired.owners[key] = owner


async def sync_endpoints(
    session: AsyncSession,
    engine: Engine,
    graph: Graph,
    endpoint_uuids: Collection[UUID],
    *,
    removed_endpoint_uuids: Collection[UUID] = (),
    resolution_version: int | asyncio.Future[int] | None = None,
    changes: Sequence[Change] = (),
    dry_run: bool,
    rewrite_secrets: Mapping[Section, frozenset[str]] | None = None,
    sections: Collection[Section] | None = None,
    lane: StatementLane | None = None,
    created: bool = False,
) -> ChangeSummary:
    """Recompute these endpoints, delete the objects of removed ones, record the difference
    and the change events ``changes`` (numbered together).

    ``created``: the endpoints were created in this transaction, so none has recorded objects
    (an import): nothing is read, and each part's new states are stored as it is compared.

    Past `KEPT_UPDATES` updates, they are written part by part and numbered at the end
    (app/record/pending.py): the summary then holds them as stored, not kept.

    ``rewrite_secrets`` (section to secret keys) are recorded as changed in these
    endpoints' auth objects even when their values did not change.

    ``sections``: the only resolved sections of these endpoints the change can alter (a
    template's changed options): only the objects made from them are recomputed and
    compared, every other one being as recorded by the change that last altered its inputs.
    Not with removed endpoints, whose objects all go.

    With ``resolution_version`` (the version just given to these endpoints'
    resolved views, or the statement drawing it), the views computed here are kept for the
    write-through cache. ``lane``: statements the caller started, which this change's join
    (`app/db/lane.py`); all have ended when it returns.
    """
    with collector_paused():
        return await _sync_endpoints(
            session,
            engine,
            graph,
            endpoint_uuids,
            removed_endpoint_uuids=removed_endpoint_uuids,
            resolution_version=resolution_version,
            changes=changes,
            dry_run=dry_run,
            rewrite_secrets=rewrite_secrets,
            made=None if sections is None else objects_changed_by(sections),
            lane=lane,
            created=created,
        )


def _forced_secret_keys(
    graph: Graph, endpoint_uuids: Collection[UUID], sections: Mapping[Section, frozenset[str]]
) -> dict[ObjectKey, frozenset[str]]:
    """The auth objects (and their secret keys) that the rewritten sections become in these endpoints."""
    return {
        auth_object_key(section, graph.nodes[uuid].name): keys
        for uuid in endpoint_uuids
        if uuid in graph.nodes
        for section, keys in sections.items()
    }


@dataclass(frozen=True, slots=True)
class _Scope:
    """What a change compares, worked out once for all its parts."""

    made: frozenset[Section] | None  # the objects recomputed, by the section each comes from (None: all)
    views: bool  # whole resolved views are computed (and kept for the write-through cache)
    object_types: list[str] | None  # the recorded objects read, by type (None: all)
    sifted: frozenset[Section] | None  # those read then kept, by section (None: all)


def _scope(made: frozenset[Section] | None, endpoints: int) -> _Scope:
    # Whole views are resolved for the write-through cache unless the change reaches many
    # endpoints and alters some of their objects only: then just what those are made from.
    views = made is None or endpoints < WHOLE_VIEWS_BELOW
    if made is None:
        return _Scope(None, views, None, None)
    object_types = sorted({s.object_type for s in made})
    # Auth objects come from three sections: when some of them only are made, the others' are
    # read too (same type), and left out before the comparison.
    sifted = made if any(s.object_type in object_types for s in SECTIONS if s not in made) else None
    return _Scope(made, views, object_types, sifted)


@dataclass(slots=True)
class _Compared:
    """What comparing a change's parts gives: its planned updates and their texts."""

    plans: list[PlannedUpdate] = field(default_factory=list)
    texts: dict[ObjectKey, str] = field(default_factory=dict)
    # States of parts that create objects, stored once every part has been read.
    stored_last: list[PlannedUpdate] = field(default_factory=list)


def _keeps_views(session: AsyncSession, scope: _Scope, big: bool) -> bool:
    """Whether the views computed are kept until the commit: not when nothing reads that many of them."""
    return scope.views and (not big or resolved_views_wanted(session))


async def _sync_endpoints(
    session: AsyncSession,
    engine: Engine,
    graph: Graph,
    endpoint_uuids: Collection[UUID],
    *,
    removed_endpoint_uuids: Collection[UUID],
    resolution_version: int | asyncio.Future[int] | None,
    changes: Sequence[Change],
    dry_run: bool,
    rewrite_secrets: Mapping[Section, frozenset[str]] | None,
    made: frozenset[Section] | None,
    lane: StatementLane | None,
    created: bool,
) -> ChangeSummary:
    if made is not None and removed_endpoint_uuids:
        raise ValueError("a removed endpoint's objects all go: its sections cannot be chosen")
    big = len(endpoint_uuids) >= OFF_LOOP_ENDPOINTS
    scope = _scope(made, len(endpoint_uuids))
    # A large tenant in parts: what one part resolves, reads and compares is freed before the
    # next, so memory holds a part's objects (and the changed ones), not the tenant's.
    parts = [list(p) for p in chunks(list(endpoint_uuids), SYNC_PART)] or [[]]
    store_states = big and not dry_run
    pending = None if dry_run else PendingUpdates(session)
    async with statement_lane(lane) as lane:
        compared = await _compare_parts(
            session,
            engine,
            graph,
            parts,
            list(removed_endpoint_uuids),
            scope,
            lane,
            forced=_forced_secret_keys(graph, endpoint_uuids, rewrite_secrets) if rewrite_secrets else {},
            # the views computed here, kept for the write-through cache under their new version
            # (and for the answer of a change to one configuration: app/services/configs._view)
            for_cache=committed(session).resolved if not dry_run and _keeps_views(session, scope, big) else None,
            resolution_version=resolution_version,
            store_states=store_states,
            big=big,
            created=created,
            pending=pending,
        )
    plans, texts = compared.plans, compared.texts
    if compared.stored_last:
        await store_object_states(session, engine.uuid, compared.stored_last, texts)
    if big:
        # The tenant's graph is freed after the commit, not when the caller lets it go while the
        # engine row is still held (milliseconds for thousands of nodes).
        free_after_commit(session, graph)
    if pending is not None and pending.count:
        stored = await number_pending(session, engine, pending, changes=changes)
        return ChangeSummary(dry_run=dry_run, affected_endpoints=len(endpoint_uuids), stored=[stored] if stored else [])
    # One order for the whole change, as a single comparison would give (`order_updates` is a sort).
    plans = order_updates(plans) if len(parts) > 1 else plans
    prepared = await prepare_record(session, engine, plans, texts=texts, dry_run=dry_run, states_stored=store_states)
    await release(big, texts, plans)
    updates = await number_record(session, engine, prepared, changes=changes)
    return ChangeSummary(dry_run=dry_run, affected_endpoints=len(endpoint_uuids), updates=updates)


async def _compare_parts(
    session: AsyncSession,
    engine: Engine,
    graph: Graph,
    parts: list[list[UUID]],
    removed: list[UUID],
    scope: _Scope,
    lane: StatementLane,
    *,
    forced: Mapping[ObjectKey, frozenset[str]],
    for_cache: dict[tuple[UUID, int], Any] | None,
    resolution_version: int | asyncio.Future[int] | None,
    store_states: bool,
    big: bool,
    created: bool,
    pending: PendingUpdates | None,
) -> _Compared:
    """Resolve, read and compare each part; raise `InvalidInput` with every part's issues.

    A big change's statements run in ``lane`` while it computes: the next part's recorded
    objects are read while this part is compared, and with ``store_states`` its new states
    stored while the next is resolved. A part that creates objects (an import, new endpoints)
    is left for after the last read (`_Compared.stored_last`): rows added under the planner's
    statistics of a smaller table would turn the next parts' reads into scans of the whole table.
    With ``created`` nothing is recorded for these endpoints: no part is read, and each part's
    states are stored as it goes.

    With ``pending``, once the updates planned pass `KEPT_UPDATES`, they and every later part's
    are written to it (in ``lane``) instead of being kept.
    """
    catalog = load_catalog()
    global_options = tuple((k, v) for k, v in engine.global_options)
    compared = _Compared()
    issues: list[Issue] = []

    def read(ids: list[UUID]) -> Awaitable[dict[ObjectKey, Any]]:
        if created:
            return _nothing_recorded()
        return lane.then(
            lambda: recorded_object_texts(session, engine.uuid, endpoint_uuids=ids, object_types=scope.object_types)
        )

    # one resolver for every part: each parent list's resolution is worked out once for the change
    resolver = new_resolver(graph.nodes, catalog)
    reading = read([*parts[0], *removed])
    for n, part in enumerate(parts):
        computed = await off_loop(
            big, desired_endpoint_objects, graph, part, catalog, resolver, made=scope.made, views=scope.views
        )
        if for_cache is not None and resolution_version is not None:
            version = resolution_version if isinstance(resolution_version, int) else await resolution_version
            for uuid, resolved in computed.resolved.items():
                for_cache[(uuid, version)] = resolved
        found = await reading
        if n + 1 < len(parts):
            reading = read(parts[n + 1])
        planned = await off_loop(
            big,
            _plan,
            computed.objects,
            computed.owners,
            found,
            scope.sifted,
            forced,
            catalog,
            graph,
            global_options,
        )
        if isinstance(planned, InvalidInput):
            issues += planned.issues
        else:
            part_plans, part_texts = planned
            compared.plans += part_plans
            compared.texts.update((p.key, part_texts[p.key]) for p in part_plans if p.key in part_texts)
            if store_states and not issues:
                if not created and any(p.action is Action.UPSERT and p.key not in found for p in part_plans):
                    compared.stored_last += part_plans
                else:
                    lane.then(functools.partial(store_object_states, session, engine.uuid, part_plans, part_texts))
            if pending is not None and not issues and (pending.count or len(compared.plans) > KEPT_UPDATES):
                # past what is kept: these go to the record's pending rows, and the next parts' too
                plans, texts = compared.plans, compared.texts
                compared.plans, compared.texts = [], {}
                pending.count += len(plans)
                if not store_states:  # else stored already, above
                    lane.then(functools.partial(store_object_states, session, engine.uuid, plans, texts))
                lane.then(functools.partial(write_pending, session, engine, pending, plans, texts))
        # what served the comparison is freed now, off the event loop (a large part's objects)
        await release(big, computed.objects, computed.owners, found, computed.resolved)
    if issues:
        raise InvalidInput(issues[:MAX_OBJECT_ISSUES])
    return compared


async def _nothing_recorded() -> dict[ObjectKey, Any]:
    return {}


def _plan(
    desired: dict[ObjectKey, Options],
    owners: dict[ObjectKey, Owner],
    found: Mapping[ObjectKey, tuple[str, UUID | None, UUID | None]],
    sifted: frozenset[Section] | None,
    forced: Mapping[ObjectKey, frozenset[str]],
    catalog: Catalog,
    graph: Graph,
    global_options: Options,
) -> tuple[list[PlannedUpdate], dict[ObjectKey, str]] | InvalidInput:
    """The updates that turn the recorded objects into the desired ones, and the desired objects' texts.

    ``found``: the recorded objects of the endpoints compared; with ``sifted``, only those coming
    from these sections are.

    An `InvalidInput` (returned, for the caller to gather every part's) when a new or changed
    object is one Asterisk would refuse as a whole.
    """
    with collector_paused():
        # An object whose stored text is what we would write is unchanged: only the
        # others are decoded and diffed (a template change leaves most objects alone), and
        # one whose texts differ by one value replaced is recognised without decoding.
        texts = {key: stored_json(fields) for key, fields in desired.items()}
        recorded: dict[ObjectKey, Options] = {}
        in_place: dict[ObjectKey, str] = {}
        for key, (text, tenant, endpoint) in found.items():
            if sifted is not None and object_section(*key) not in sifted:
                continue  # an object the change leaves as it is
            if key not in owners:
                owners[key] = Owner(tenant, endpoint)
            new_text = texts.get(key)
            if new_text == text and key not in forced:
                continue
            replaced = None if new_text is None or key in forced else replaced_value(text, new_text, desired[key])
            if replaced is None:
                recorded[key] = to_options(orjson.loads(text))
            else:
                in_place[key] = replaced
        candidates = {
            key: fields for key, fields in desired.items() if key in recorded or key in in_place or key not in found
        }
        plans = diff_objects(
            recorded, candidates, owners=owners, catalog=catalog, forced_keys=forced, replaced=in_place
        )
        # A new object is checked whole; a changed one when its change touches what the checks
        # read (the recorded state passed them when it was recorded).
        changed = {p.key: p.changed_keys for p in plans if p.action is Action.UPSERT}
        checked = {
            key: desired[key] for key, keys in changed.items() if key not in found or problems_may_change(key[0], keys)
        }
        refused = _what_asterisk_refuses(checked, owners, graph, global_options)
        if refused:
            return InvalidInput(refused)
    return plans, texts


MAX_OBJECT_ISSUES = 20


def _what_asterisk_refuses(
    objects: Mapping[ObjectKey, Options], owners: Mapping[ObjectKey, Owner], graph: Graph, global_options: Options
) -> list[Issue]:
    """The issues of new or changed objects Asterisk would refuse as a whole (a key that needs
    another, an auth without credentials): the change is then refused, and nothing written."""
    issues: list[Issue] = []
    for (object_type, object_id), fields in objects.items():
        for problem in object_problems(object_type, fields, global_options):
            owner = owners[(object_type, object_id)].endpoint_uuid
            node = graph.nodes.get(owner) if owner is not None else None
            where = f"endpoint '{node.name}'" if node is not None else "endpoint"
            field = f"input.options.{object_section(object_type, object_id).input_name}"
            what = where if object_type == "endpoint" else f"{where}, {object_type} '{object_id}'"
            issues.append(Issue(field, f"{what}: {problem} (Asterisk refuses it)"))
            if len(issues) == MAX_OBJECT_ISSUES:
                return issues
    return issues


async def sync_engine_objects(
    session: AsyncSession,
    engine: Engine,
    desired: dict[ObjectKey, Options],
    removed: Sequence[ObjectKey] = (),
    *,
    dry_run: bool,
) -> ChangeSummary:
    """Record the changes of engine objects (transports, global, system)."""
    keys = list(desired) + list(removed)
    recorded = await engine_objects(session, engine.uuid, keys)
    plans = diff_objects(recorded, desired, owners={}, catalog=load_catalog())
    updates = await record(session, engine, plans, dry_run=dry_run)
    return ChangeSummary(dry_run=dry_run, updates=updates)
