"""A large, deterministic data set for benchmarks (`pjsip-graph bench-data`, bench/).

One tenant (replaced when its slug exists) with its default templates and a
three-level template tree under its `general` template:

* level 1: `general` (the tenant's default template);
* level 2: four templates whose parent is `general` (two of them set a transport);
* level 3: twelve templates with one or two level-2 parents;

then N endpoints, each with two parents (two level-3 templates, or a level-2
and a level-3 one) and a few options of their own (callerid, auth
username/password, aor max_contacts; one in ten sets its own dtmf_mode).

Templates go through the normal service path. Endpoints are inserted in bulk
in one transaction; in that same transaction their CREATED change events are
recorded (`record_changes`) and their Sorcery objects are recorded once by the
real recording path (`sync_endpoints`), so the recorded state is exactly what
the product itself would have recorded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlmodel import select

from app.db.bulk import refresh_statistics
from app.db.database import Database
from app.db.migrate import upgrade_async
from app.db.models import ConfigParent, Engine, SipConfig, Tenant, Transport, utcnow
from app.db.queries import chunks, load_tenant_graphs, tenant_subtree
from app.domain.catalog import load_catalog
from app.domain.defaults import DEFAULT_ENGINE, ROOT_TENANT_SLUG
from app.domain.resolution import ConfigKind
from app.domain.sections import Options, Section, sections_to_json
from app.domain.validation import validate_name, validate_sections
from app.record.engine_row import lock_engine
from app.record.sync import sync_endpoints
from app.record.updates import Change
from app.record.writing import record_changes
from app.services.access import ALL, Caller
from app.services.bootstrap import bootstrap
from app.services.configs import NewConfig, create_config
from app.services.tenants import create_tenant, delete_tenant
from app.settings import get_settings

config_t = SipConfig.__table__  # type: ignore[attr-defined]
parent_t = ConfigParent.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    name: str
    parents: tuple[int, ...]  # indexes into the level above (level 2: ignored, parent is `general`)
    sections: dict[Section, Options]
    transport: str | None = None


LEVEL2: tuple[TemplateSpec, ...] = (
    TemplateSpec(
        "l2-udp",
        (),
        {
            Section.ENDPOINT: (("rtp_symmetric", "yes"), ("force_rport", "yes"), ("rewrite_contact", "yes")),
            Section.AOR: (("qualify_frequency", "30"),),
        },
        transport="transport-udp",
    ),
    TemplateSpec(
        "l2-office",
        (),
        {
            Section.ENDPOINT: (("context", "office"), ("set_var", "OFFICE=1"), ("language", "fr_FR")),
            Section.AOR: (("max_contacts", "3"),),
        },
    ),
    TemplateSpec(
        "l2-wss",
        (),
        {
            Section.ENDPOINT: (("webrtc", "yes"), ("allow", "opus"), ("media_encryption", "dtls")),
            Section.AOR: (("remove_existing", "no"), ("max_contacts", "5")),
        },
        transport="transport-wss",
    ),
    TemplateSpec(
        "l2-mobile",
        (),
        {
            Section.ENDPOINT: (("direct_media", "no"), ("allow", "g722"), ("rtp_timeout", "60")),
        },
    ),
)


def _level3(j: int) -> TemplateSpec:
    # Pairs (0,1) (1,2) (2,3) (3,0): never udp and wss together.
    parents = (j % 4,) if j % 3 == 0 else (j % 4, (j + 1) % 4)
    endpoint: list[tuple[str, str]] = [
        ("context", f"ctx-{j:02d}"),
        ("set_var", f"BENCH_GROUP={j}"),
        ("named_pickup_group", f"grp{j % 4}"),
    ]
    if j % 2 == 0:
        endpoint.append(("allow", "alaw"))
    if j % 4 == 1:
        endpoint.append(("language", "de_DE"))
    return TemplateSpec(f"l3-{j:02d}", parents, {Section.ENDPOINT: tuple(endpoint)})


LEVEL3: tuple[TemplateSpec, ...] = tuple(_level3(j) for j in range(12))


@dataclass(frozen=True, slots=True)
class BenchData:
    tenant_uuid: UUID
    slug: str
    general_uuid: UUID
    level2_uuids: tuple[UUID, ...]
    level3_uuids: tuple[UUID, ...]
    endpoints: int
    sorcery_updates: int
    seconds: float
    bootstrapped: bool

    def summary(self) -> str:
        boot = "; bootstrapped an empty database (admin token in the data dir)" if self.bootstrapped else ""
        return (
            f"bench data: tenant '{self.slug}' {self.tenant_uuid}; general template {self.general_uuid} "
            f"+ {len(self.level2_uuids)} level-2 + {len(self.level3_uuids)} level-3 templates; "
            f"{self.endpoints} endpoints created, {self.sorcery_updates} Sorcery updates recorded; "
            f"{self.seconds:.1f} s{boot}"
        )


async def generate(database_url: str, *, endpoints: int = 10_000, slug: str = "bench") -> str:
    """Create (or replace) the benchmark tenant; return a one-line summary."""
    data = await generate_data(database_url, endpoints=endpoints, slug=slug)
    return data.summary()


async def generate_data(database_url: str, *, endpoints: int = 10_000, slug: str = "bench") -> BenchData:
    if endpoints < 0:
        raise ValueError("the number of endpoints cannot be negative")
    started = time.perf_counter()
    await upgrade_async(database_url)
    db = Database(database_url)
    try:
        token = await bootstrap(db, get_settings().admin_token_path)
        caller = await _root_caller(db)
        await _delete_existing(db, caller, slug)
        created = await create_tenant(
            db,
            caller,
            name=f"Benchmark ({slug})",
            slug=slug,
            parent_uuid=caller.tenant_uuid,
            with_default_templates=True,
        )
        assert created.tenant is not None
        tenant_uuid = created.tenant.uuid
        general_uuid, transports = await _general_and_transports(db, tenant_uuid)
        level2 = [
            await _template(db, caller, tenant_uuid, spec, [general_uuid], transports.get(spec.transport or ""))
            for spec in LEVEL2
        ]
        level3 = [
            await _template(db, caller, tenant_uuid, spec, [level2[i] for i in spec.parents], None) for spec in LEVEL3
        ]
        updates = await _insert_endpoints(db, tenant_uuid, slug, endpoints, level2, level3)
        async with db.writing() as session:
            await refresh_statistics(session)
    finally:
        await db.dispose()
    return BenchData(
        tenant_uuid=tenant_uuid,
        slug=slug,
        general_uuid=general_uuid,
        level2_uuids=tuple(level2),
        level3_uuids=tuple(level3),
        endpoints=endpoints,
        sorcery_updates=updates,
        seconds=time.perf_counter() - started,
        bootstrapped=token is not None,
    )


async def _root_caller(db: Database) -> Caller:
    """An operator with every scope on the root tenant (what the admin token grants)."""
    async with db.reading() as session:
        root = (
            await session.scalars(
                select(Tenant).where(Tenant.slug == ROOT_TENANT_SLUG, Tenant.parent_uuid.is_(None))  # type: ignore[arg-type, union-attr]
            )
        ).first()
        if root is None:
            raise RuntimeError("no root tenant: the database was not bootstrapped")
        visible = set(await tenant_subtree(session, root.uuid))
    return Caller(
        tenant_uuid=root.uuid, engine_uuid=root.engine_uuid, scopes=frozenset({ALL}), is_root=True, visible=visible
    )


async def _delete_existing(db: Database, caller: Caller, slug: str) -> None:
    async with db.reading() as session:
        row = (await session.execute(select(Tenant.uuid, Tenant.parent_uuid).where(Tenant.slug == slug))).first()  # type: ignore[arg-type]
    if row is None:
        return
    if row.parent_uuid is None:
        raise ValueError(f"'{slug}' is the root tenant; choose another slug")
    await delete_tenant(db, caller, row.uuid, dry_run=False)
    caller.visible.discard(row.uuid)


async def _general_and_transports(db: Database, tenant_uuid: UUID) -> tuple[UUID, dict[str, UUID]]:
    async with db.reading() as session:
        general = (
            await session.scalars(
                select(SipConfig.uuid).where(SipConfig.tenant_uuid == tenant_uuid, SipConfig.default_role == "general")  # type: ignore[arg-type]
            )
        ).one()
        engine_uuid = (await session.scalars(select(Engine.uuid).where(Engine.name == DEFAULT_ENGINE))).one()  # type: ignore[arg-type]
        transports = {
            t.name: t.uuid
            for t in (await session.scalars(select(Transport).where(Transport.engine_uuid == engine_uuid))).all()  # type: ignore[arg-type]
        }
    return general, transports


async def _template(
    db: Database, caller: Caller, tenant_uuid: UUID, spec: TemplateSpec, parents: list[UUID], transport: UUID | None
) -> UUID:
    result = await create_config(
        db,
        caller,
        ConfigKind.TEMPLATE,
        NewConfig(
            tenant_uuid=tenant_uuid,
            name=spec.name,
            label=f"Benchmark {spec.name}",
            parent_uuids=parents,
            transport_uuid=transport,
            sections=dict(spec.sections),
        ),
        dry_run=False,
    )
    assert result.view is not None
    return result.view.record.uuid


def endpoint_parents(i: int, level2: list[UUID], level3: list[UUID]) -> list[UUID]:
    """Two level-3 templates, or (one in five) a level-2 and a level-3 template."""
    a = i % len(level3)
    if i % 5 == 4:
        return [level2[(i // 5) % len(level2)], level3[a]]
    b = (a + 1 + (i // len(level3)) % (len(level3) - 1)) % len(level3)
    return [level3[a], level3[b]]


VALIDATION_PERIOD = 30


def endpoint_sections(i: int, name: str) -> dict[Section, Options]:
    endpoint: list[tuple[str, str]] = [("callerid", f'"Bench {i}" <{100000 + i}>')]
    if i % 10 == 0:
        endpoint.append(("dtmf_mode", "inband"))
    if i % 3 == 0:
        endpoint.append(("mailboxes", f"{100000 + i}@default"))
    return {
        Section.ENDPOINT: tuple(endpoint),
        Section.AUTH: (("auth_type", "userpass"), ("username", name), ("password", f"pw-{i:06d}-{(i * 7919) % 99991}")),
        Section.AOR: (("max_contacts", str(1 + i % 3)),),
    }


async def _insert_endpoints(
    db: Database, tenant_uuid: UUID, slug: str, count: int, level2: list[UUID], level3: list[UUID]
) -> int:
    """Insert the endpoints and record their Sorcery objects, in one transaction."""
    catalog = load_catalog()
    now = utcnow()
    configs: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    names = [f"{slug}-{i:06d}" for i in range(count)]
    async with db.writing() as session:
        tenant = await session.get(Tenant, tenant_uuid)
        assert tenant is not None
        engine = await lock_engine(session, tenant.engine_uuid)
        for part in chunks(names):
            taken = (
                await session.scalars(
                    select(SipConfig.name).where(
                        SipConfig.kind == ConfigKind.ENDPOINT.value,  # type: ignore[arg-type]
                        SipConfig.scope_uuid == engine.uuid,  # type: ignore[arg-type]
                        SipConfig.name.in_(list(part)),  # type: ignore[attr-defined]
                    )
                )
            ).first()
            if taken is not None:
                raise ValueError(f"an endpoint named '{taken}' already exists on the engine; choose another slug")
        for i, name in enumerate(names):
            sections = endpoint_sections(i, name)
            # The generated options repeat with a period of 30: validating those is validating all.
            issues = validate_name(name, field="name", what="endpoint")
            if i < VALIDATION_PERIOD:
                issues += validate_sections(catalog, sections)
            if issues:
                raise ValueError(f"generated endpoint {name} is invalid: {issues}")
            uuid = uuid4()
            configs.append(
                {
                    "uuid": uuid,
                    "tenant_uuid": tenant_uuid,
                    "engine_uuid": engine.uuid,
                    "kind": ConfigKind.ENDPOINT.value,
                    "scope_uuid": engine.uuid,
                    "name": name,
                    "label": None,
                    "transport_uuid": None,
                    "revision": 1,
                    "options": sections_to_json(sections),
                    "default_role": None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            links.extend(
                {"child_uuid": uuid, "parent_uuid": parent, "position": position}
                for position, parent in enumerate(endpoint_parents(i, level2, level3))
            )
        for part in chunks(configs):
            await session.execute(sa.insert(config_t), list(part))
        for part in chunks(links):
            await session.execute(sa.insert(parent_t), list(part))
        uuids = [c["uuid"] for c in configs]
        await record_changes(
            session, engine, [Change("CREATED", "endpoint", u, tenant_uuid, 1) for u in uuids], dry_run=False
        )
        graph = await load_tenant_graphs(session, [tenant_uuid])
        changes = await sync_endpoints(session, engine, graph, uuids, dry_run=False, created=True)
    return changes.count
