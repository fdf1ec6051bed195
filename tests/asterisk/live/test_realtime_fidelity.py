"""The product's realtime tables, read by a real Asterisk through res_config_pgsql, mean what the
product resolves: the same judgement as `test_static_fidelity`, with the objects in ``ps_*`` rows
written by the realtime follower instead of pjsip.conf.

The realtime database is a fresh PostgreSQL database with the ``ps_*`` schema; the tests skip when
PostgreSQL does not answer (and fail under PJSIP_GRAPH_REQUIRE_SERVICES=1).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from app.asterisk.realtime.convert import object_to_row
from app.asterisk.realtime.follower import RealtimeFollower
from app.asterisk.realtime.schema import METADATA
from app.db.session import create_engine
from app.domain.sections import SECTION_OBJECT_TYPE, Options, Section
from app.services import tenants
from app.services.exports import TemplateMode, pjsip_conf
from tests.asterisk.live.instance import AsteriskInstance
from tests.asterisk.live.push import recorded_objects
from tests.asterisk.live.test_static_fidelity import (
    FIDELITY_SETTINGS,
    ConfigSpec,
    TenantSpec,
    build_tenant,
    judge,
    loopback_transports,
    tenant_specs,
)
from tests.conftest import World
from tests.helpers import caller_for

pytestmark = pytest.mark.asterisk

# Types whose objects live in the realtime tables (the fixture's sorcery.conf); the engine's
# global object and transports stay in pjsip.conf.
REALTIME_TYPES = ("endpoint", "aor", "auth", "identify", "registration")
# Keys whose realtime column is applied before another one whatever the order given (disallow
# before allow, deny before permit): the follower reports such objects as reordered.
REORDERED_BY_COLUMNS = frozenset({"disallow", "deny", "contact_deny"})
# Accumulating address lists whose columns are short.
ADDRESS_LISTS = frozenset({"match", "permit", "contact_permit"})

E, AOR, AUTH, IDENTIFY, REG = Section.ENDPOINT, Section.AOR, Section.AUTH, Section.IDENTIFY, Section.REGISTRATION
REALISTIC = TenantSpec(
    defaults=True,
    templates=(
        ConfigSpec(
            "office",
            ("sip",),
            None,
            {E: (("context", "office"), ("allow", "!all,g722,ulaw"), ("set_var", "TEAM=office"))},
        ),
    ),
    endpoints=(
        ConfigSpec(
            "alice",
            ("office",),
            None,
            {
                E: (("callerid", '"Alice" <100>'), ("set_var", "TEAM=sales"), ("permit", "192.0.2.0/24")),
                AUTH: (("username", "alice"), ("password", "alice-secret")),
                AOR: (("max_contacts", "2"),),
            },
        ),
        ConfigSpec(
            "bob",
            ("webrtc",),
            "transport-wss",
            {E: (("callerid", "<101>"),), AUTH: (("username", "bob"), ("password", "bob-secret"))},
        ),
        ConfigSpec(
            "carrier",
            ("trunk",),
            None,
            {
                E: (("context", "from-carrier"), ("allow", "!all,alaw")),
                IDENTIFY: (("match", "198.51.100.0/24"), ("match", "203.0.113.7")),
                REG: (
                    ("server_uri", "sip:127.0.0.1:9"),
                    ("client_uri", "sip:acme@127.0.0.1:9"),
                    ("max_random_initial_delay", "3600"),
                ),
                Section.REGISTRATION_OUTBOUND_AUTH: (("username", "acme"), ("password", "trunk-secret")),
                Section.OUTBOUND_AUTH: (("username", "acme"), ("password", "trunk-secret")),
            },
        ),
    ),
)


async def _empty(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        for table in METADATA.sorted_tables:
            await conn.execute(sa.delete(table))
    await engine.dispose()


@pytest.fixture
def backend() -> str:
    return "sqlite"


def _storable(spec: TenantSpec) -> TenantSpec:
    """The spec without what ``ps_*`` rows cannot carry: values a column cannot hold, extended
    ``@`` fields (no column), keys whose columns reorder them, and accumulated lists longer than
    their column (identify ``match`` holds 80 characters): templates add no addresses, and an
    endpoint's own are one address per value, two at most. The follower reports all of these."""

    def keep(section: Section, options: Options, template: bool) -> Options:
        object_type = SECTION_OBJECT_TYPE[section]
        kept: list[tuple[str, str]] = []
        for key, value in options:
            if key in ADDRESS_LISTS:
                if template or sum(k == key for k, _ in kept) == 2:
                    continue
                value = value.split(",")[0]
            conversion = object_to_row(object_type, "x", ((key, value),))
            if key not in REORDERED_BY_COLUMNS and not conversion.rejected and not conversion.unmapped:
                kept.append((key, value))
        return tuple(kept)

    def config(c: ConfigSpec, template: bool) -> ConfigSpec:
        sections = {s: keep(s, o, template) for s, o in c.sections.items()}
        return ConfigSpec(c.name, c.parents, c.transport, sections)

    templates = tuple(config(c, True) for c in spec.templates)
    endpoints = tuple(config(c, False) for c in spec.endpoints)
    return TenantSpec(spec.defaults, templates, endpoints)


async def _realtime_problems(
    world: World, factory: Callable[..., AsteriskInstance], url: str, specs: list[TenantSpec]
) -> list[str]:
    """Build the tenants, write the realtime rows with the follower, and judge them in Asterisk."""
    caller = await caller_for(world.db, world.admin_token)
    transports = await loopback_transports(world, caller)
    created = [await build_tenant(world, caller, spec, transports) for spec in specs]
    try:
        await _empty(url)
        follower = RealtimeFollower(world.db, url, types=REALTIME_TYPES)
        try:
            report = await follower.resync()
        finally:
            await follower.close()
        assert (report.rejected, report.unstorable, report.reordered, report.unmapped) == ({}, {}, {}, {})
        recorded = {k: v for k, v in (await recorded_objects(world.db)).items() if k[0] in REALTIME_TYPES}
        # the engine's global object and transports, from pjsip.conf
        engine_part = await pjsip_conf(world.db, caller, engine="default", tenant_uuid=None, mode=TemplateMode.FLAT)
        start: dict[str, Any] = {"realtime_dsn": url, "pjsip_conf": engine_part}
        return await judge(factory, recorded, **start)
    finally:
        for tenant in created:
            await tenants.delete_tenant(world.db, caller, tenant, dry_run=False)


async def test_a_realistic_tenant_through_realtime_means_what_the_product_resolves(
    world: World, asterisk_factory: Callable[..., AsteriskInstance], rt: str
) -> None:
    assert await _realtime_problems(world, asterisk_factory, rt, [REALISTIC]) == []


@FIDELITY_SETTINGS
@given(specs=st.lists(tenant_specs().map(_storable), min_size=1, max_size=2))
async def test_random_configurations_through_realtime_mean_what_the_product_resolves(
    world: World, asterisk_factory: Callable[..., AsteriskInstance], rt: str, specs: list[TenantSpec]
) -> None:
    problems = await _realtime_problems(world, asterisk_factory, rt, specs)
    assert not problems, "\n".join(problems)
