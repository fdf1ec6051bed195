"""Random configurations, loaded by a real Asterisk, mean what the product resolves.

Hypothesis draws tenants with template graphs (ordered parents, diamonds, the default templates),
endpoints under them, and option values from the catalog's types and enumerations (curated values
for free-form options, see `CURATED`; `NOT_GENERATED` lists what is left out and why). They are
created through the services, exported as pjsip.conf, flat and native, and each file is loaded by
its own Asterisk start: nothing may be logged by res_pjsip or sorcery, and every recorded object
(every key the product resolves, and the defaults of the keys it does not set) must be what
Asterisk serves through ARI (`tests/asterisk/live/push.differences`). A second test pushes the
same kind of configurations through the push agent into the memory wizard and judges them alike.

Profiles (HYPOTHESIS_PROFILE): ``ci`` (the default; derandomized, few examples: two Asterisk starts
each) and ``dev`` (random, more examples) to hunt for new disagreements.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from app.db.models import Transport
from app.domain.asterisk_values import CODECS
from app.domain.catalog import BOOLEAN, DOUBLE, INTEGER, UNSIGNED, load_catalog
from app.domain.defaults import DEFAULT_TEMPLATES
from app.domain.resolution import ConfigKind
from app.domain.sections import SECTION_OBJECT_TYPE, Options, Section
from app.domain.validation import LIST_ENUMS, MANAGED_KEYS
from app.services import configs, engines, tenants
from app.services.access import Caller
from app.services.exports import TemplateMode, pjsip_conf
from tests.asterisk.live.instance import AsteriskInstance, free_port
from tests.asterisk.live.push import (
    ari_client,
    divergences,
    new_agent,
    recorded_objects,
    served_differences,
)
from tests.conftest import World
from tests.helpers import caller_for, completed, default_template

pytestmark = pytest.mark.asterisk

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
FIDELITY_SETTINGS = settings(
    max_examples=3 if PROFILE == "ci" else 25,
    derandomize=PROFILE == "ci",
    deadline=None,
    database=None,
    # shrinking would start Asterisk again and again: a failure is reported as drawn
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
CATALOG = load_catalog()
BOOLEANS = st.sampled_from(("yes", "no", "true", "false", "on", "off", "1", "0", "y", "n", "t", "f", "YES"))

# Options whose values refer to what lies outside pjsip.conf (files, other modules' objects) or
# that Asterisk does not serve back: not generated.
NOT_GENERATED = frozenset(
    {
        "dtls_ca_file",
        "dtls_ca_path",
        "dtls_cert_file",
        "dtls_private_key",
        "dtls_cipher",
        "geoloc_incoming_call_profile",
        "geoloc_outgoing_call_profile",
        "stir_shaken_profile",
        "acl",
        "contact_acl",
        "security_mechanisms",
        "mailboxes",  # unsolicited MWI warns about endpoints without an aor
        "transport",  # a registration's transport names an engine transport
        "contact_header_params",
        "refresh_token",
        "oauth_clientid",
        "oauth_secret",
        "rtp_port_start",  # drawn as a pair, see `_rtp_ports`
        "rtp_port_end",
    }
)
WORDS = st.sampled_from(("alpha", "b-2", "x.y", "tenant_1"))
_PREFS = {
    "prefer": ("pending", "configured"),
    "operation": ("intersect", "union", "only_preferred", "only_nonpreferred"),
    "keep": ("all", "first"),
    "transcode": ("allow", "prevent"),
}


@st.composite
def codec_prefs(draw: st.DrawFn, key: str) -> str:
    names = draw(st.lists(st.sampled_from(sorted(_PREFS)), min_size=1, max_size=4, unique=True))
    items = []
    for name in names:
        choices = _PREFS[name]
        if key == "codec_prefs_incoming_offer" and name == "operation":
            choices = tuple(c for c in choices if c != "union")
        items.append(f"{name}: {draw(st.sampled_from(choices))}")
    return ", ".join(items)


def _joined(values: st.SearchStrategy[str], max_size: int = 3) -> st.SearchStrategy[str]:
    return st.lists(values, min_size=1, max_size=max_size).map(",".join)


_CODEC = st.sampled_from(sorted(CODECS - {"t38", "red", "t140"}))
_GROUP = st.one_of(
    st.integers(0, 63).map(str), st.tuples(st.integers(0, 30), st.integers(31, 63)).map("{0[0]}-{0[1]}".format)
)
CURATED: dict[tuple[str, str], st.SearchStrategy[str]] = {
    ("endpoint", "callerid"): st.sampled_from(('"Alice" <100>', "<200>", "Bob <300>")),
    ("endpoint", "allow"): _joined(st.one_of(_CODEC, _CODEC.map("!{}".format), st.just("!all"))),
    ("endpoint", "disallow"): st.one_of(st.just("all"), _CODEC),
    **{
        ("endpoint", k): _joined(
            st.sampled_from(("10.0.0.0/8", "192.0.2.1", "!10.1.0.0/16", "::1/128", "10.0.0.0/255.0.0.0"))
        )
        for k in ("permit", "deny", "contact_permit", "contact_deny")
    },
    ("endpoint", "call_group"): _joined(_GROUP),
    ("endpoint", "pickup_group"): _joined(_GROUP),
    ("endpoint", "named_call_group"): _joined(WORDS),
    ("endpoint", "named_pickup_group"): _joined(WORDS),
    ("endpoint", "set_var"): st.tuples(st.sampled_from(("A", "B", "TEAM")), WORDS).map("{0[0]}={0[1]}".format),
    ("endpoint", "from_user"): st.sampled_from(("alice", "100", "a.b-c")),
    ("endpoint", "contact_user"): st.sampled_from(("line1", "100")),
    ("endpoint", "tos_audio"): st.sampled_from(("ef", "cs3", "af41", "0xb8", "0", "184")),
    ("endpoint", "tos_video"): st.sampled_from(("ef", "cs3", "af41", "0xb8", "0", "184")),
    **{("endpoint", k): codec_prefs(k) for k in ("codec_prefs_incoming_offer", "codec_prefs_outgoing_offer")},
    **{("endpoint", k): codec_prefs(k) for k in ("codec_prefs_incoming_answer", "codec_prefs_outgoing_answer")},
    # every draw fits every other and the default templates' (webrtc: 300), whatever the inheritance
    ("endpoint", "timers_min_se"): st.integers(90, 300).map(str),
    ("endpoint", "timers_sess_expires"): st.integers(300, 7200).map(str),
    ("endpoint", "dtls_rekey"): st.just("0"),  # another value is refused under webrtc, inherited or not
    ("endpoint", "dtls_auto_generate_cert"): BOOLEANS,
    ("endpoint", "follow_redirect_methods"): st.just("message"),
    ("endpoint", "sdp_owner"): st.sampled_from(("-", "pbx")),
    ("endpoint", "sdp_session"): st.sampled_from(("Asterisk", "pbx")),
    ("endpoint", "media_address"): st.just("192.0.2.10"),
    ("endpoint", "outbound_proxy"): st.just("sip:proxy.example.com"),
    ("endpoint", "voicemail_extension"): st.just("*97"),
    ("endpoint", "incoming_mwi_mailbox"): st.just("100@default"),
    ("endpoint", "rtp_engine"): st.just("asterisk"),
    ("endpoint", "@team"): WORDS,
    ("aor", "contact"): st.sampled_from(("sip:a@192.0.2.1", "sip:b@192.0.2.2:5070")),
    ("aor", "qualify_timeout"): st.sampled_from(("0", "0.5", "3.0", "10.25")),
    ("aor", "voicemail_extension"): st.just("*97"),
    ("aor", "outbound_proxy"): st.just("sip:proxy.example.com"),
    ("aor", "@site"): WORDS,
    ("auth", "md5_cred"): st.just("0123456789abcdef0123456789abcdef"),
    ("auth", "password_digest"): st.just("MD5:0123456789abcdef0123456789abcdef"),
    ("auth", "auth_type"): st.sampled_from(("userpass", "md5", "digest")),
    ("identify", "match"): _joined(
        st.sampled_from(("192.0.2.1", "198.51.100.0/24", "2001:db8::1", "203.0.113.0/255.255.255.0"))
    ),
    ("identify", "match_header"): st.just("X-Tenant: a"),
    ("identify", "match_request_uri"): st.just("sip:trunk@example.com"),
    ("registration", "expiration"): st.integers(1, 7200).map(str),
    ("registration", "contact_user"): st.sampled_from(("line1", "100")),
    ("registration", "outbound_proxy"): st.just("sip:127.0.0.1:9"),
    ("registration", "server_uri"): st.just("sip:127.0.0.1:9"),
    ("registration", "client_uri"): st.just("sip:trunk@127.0.0.1:9"),
    # no registration attempt while the test looks at the log
    ("registration", "max_random_initial_delay"): st.integers(3600, 7200).map(str),
}
_UINT = st.one_of(st.integers(0, 100_000), st.sampled_from((0, 1, 2**31 - 1, 2**32 - 1))).map(str)


def _strategy(object_type: str, key: str) -> st.SearchStrategy[str] | None:
    """Values the product accepts for the key, or None when the key is not generated."""
    spec = CATALOG.spec(object_type, key)
    if key in NOT_GENERATED or key in MANAGED_KEYS.get(object_type, ()) or key == "type":
        return None
    if (object_type, key) in CURATED:
        return CURATED[(object_type, key)]
    if spec is None or spec.deprecated:
        return None
    if spec.type == BOOLEAN:
        return BOOLEANS
    if spec.enum is not None:
        values = st.sampled_from(spec.enum)
        return _joined(values, 2) if key in LIST_ENUMS else values
    if spec.type in (INTEGER, UNSIGNED):
        if spec.range is not None:
            return st.integers(int(spec.range[0]), int(spec.range[1])).map(str)
        return _UINT
    if spec.type == DOUBLE:
        return st.sampled_from(("0", "1.5", "3"))
    return None


GENERATED: dict[str, list[str]] = {
    object_type: sorted(
        k for k in [*CATALOG.keys(object_type), "@team", "@site"] if _strategy(object_type, k) is not None
    )
    for object_type in ("endpoint", "aor", "auth", "identify", "registration")
}


@st.composite
def section_options(draw: st.DrawFn, object_type: str, max_size: int) -> Options:
    keys = draw(st.lists(st.sampled_from(GENERATED[object_type]), max_size=max_size))
    options = [(key, draw(_strategy(object_type, key))) for key in keys]  # type: ignore[arg-type]
    if object_type == "endpoint" and draw(st.booleans()):
        start = draw(st.integers(1024, 60000))
        options += [("rtp_port_start", str(start)), ("rtp_port_end", str(start + draw(st.integers(1, 1000))))]
    return tuple(options)


@st.composite
def sections(draw: st.DrawFn) -> dict[Section, Options]:
    out: dict[Section, Options] = {Section.ENDPOINT: draw(section_options("endpoint", 12))}
    for section in (Section.AOR, Section.AUTH, Section.IDENTIFY, Section.REGISTRATION, Section.OUTBOUND_AUTH):
        if draw(st.integers(0, 3)) == 0:
            out[section] = draw(section_options(SECTION_OBJECT_TYPE[section], 4))
    return out


@dataclass(frozen=True)
class ConfigSpec:
    name: str
    parents: tuple[str, ...]
    transport: str | None
    sections: dict[Section, Options]


@dataclass(frozen=True)
class TenantSpec:
    defaults: bool
    templates: tuple[ConfigSpec, ...]
    endpoints: tuple[ConfigSpec, ...]


_TRANSPORTS = st.none() | st.sampled_from(("transport-udp", "transport-wss"))


@st.composite
def tenant_specs(draw: st.DrawFn) -> TenantSpec:
    defaults = draw(st.booleans())
    pool = [d.role for d in DEFAULT_TEMPLATES] if defaults else []
    templates: list[ConfigSpec] = []
    for i in range(draw(st.integers(0, 4))):
        parents = draw(st.lists(st.sampled_from(pool), max_size=3, unique=True)) if pool else []
        templates.append(ConfigSpec(f"tpl{i}", tuple(parents), draw(_TRANSPORTS), draw(sections())))
        pool.append(f"tpl{i}")
    endpoints = []
    for i in range(draw(st.integers(1, 4))):
        parents = draw(st.lists(st.sampled_from(pool), max_size=3, unique=True)) if pool else []
        own = completed(draw(sections()), _inherited(parents, templates))
        endpoints.append(ConfigSpec(f"ep{i}", tuple(parents), draw(_TRANSPORTS), own))
    return TenantSpec(defaults, tuple(templates), tuple(endpoints))


def _inherited(parents: Sequence[str], templates: Sequence[ConfigSpec]) -> set[Section]:
    """The non-empty sections of every ancestor, the default templates' included."""
    by_name = {t.name: (t.parents, t.sections) for t in templates}
    by_name.update({d.role: (d.parents, d.sections) for d in DEFAULT_TEMPLATES})
    found: set[Section] = set()
    for parent in parents:
        ancestors, own = by_name[parent]
        found |= {s for s, options in own.items() if options} | _inherited(ancestors, templates)
    return found


_numbers = itertools.count(1)


async def build_tenant(db_world: World, caller: Caller, spec: TenantSpec, transports: dict[str, UUID]) -> UUID:
    """The tenant, its templates and endpoints, created through the services as a client would."""
    db = db_world.db
    number = next(_numbers)
    created = await tenants.create_tenant(
        db, caller, name=f"Fidelity {number}", slug=None, parent_uuid=None, with_default_templates=spec.defaults
    )
    assert created.tenant is not None
    tenant = created.tenant.uuid
    roles = [d.role for d in DEFAULT_TEMPLATES] if spec.defaults else []
    uuids = {role: (await default_template(db, tenant, role)).uuid for role in roles}
    for kind, specs in ((ConfigKind.TEMPLATE, spec.templates), (ConfigKind.ENDPOINT, spec.endpoints)):
        for config in specs:
            name = config.name if kind is ConfigKind.TEMPLATE else f"f{number}{config.name}"
            data = configs.NewConfig(
                tenant_uuid=tenant,
                name=name,
                parent_uuids=[uuids[p] for p in config.parents],
                transport_uuid=transports[config.transport] if config.transport else None,
                sections=config.sections,
            )
            result = await configs.create_config(db, caller, kind, data, dry_run=False)
            assert result.view is not None
            uuids[config.name] = result.view.record.uuid
    return tenant


async def loopback_transports(world: World, caller: Caller) -> dict[str, UUID]:
    """The engine's transports, bound on loopback ports nothing else uses."""
    async with world.db.reading() as session:
        rows = dict((await session.execute(sa.select(Transport.name, Transport.uuid))).all())
    for name, uuid in rows.items():
        protocol = "wss" if "wss" in name else "udp"
        options = (("protocol", protocol), ("bind", f"127.0.0.1:{free_port()}"))
        await engines.update_transport(world.db, caller, uuid, name=None, options=options)
    return {str(k): v for k, v in rows.items()}


async def judge(
    factory: Callable[..., AsteriskInstance], recorded: dict[tuple[str, str], list[tuple[str, str]]], **start: Any
) -> list[str]:
    """Start a fresh Asterisk (``start``: its configuration): what it logged, and every recorded
    object it serves otherwise."""
    ast = factory(**start)
    try:
        found = [f"log: {line}" for line in ast.warnings_and_errors()]
        async with ari_client(ast) as client:
            found += await served_differences(client, recorded)
        return found
    finally:
        ast.stop()


@pytest.fixture
def backend() -> str:
    """The product's database does not matter here: SQLite, the quicker one."""
    return "sqlite"


# The engine's global options: typed ones, and curated values for the free-form ones. Left out:
# the default auth algorithms (they change which auths load), the MWI queue limits (their
# documented defaults are names, not numbers), regcontext and the default outbound endpoint
# (they name dialplan contexts and endpoints).
GLOBAL_CURATED: dict[str, st.SearchStrategy[str]] = {
    "debug": st.just("no"),
    "user_agent": st.sampled_from(("pbx", "Example PBX 1.0")),
    "default_from_user": st.sampled_from(("asterisk", "pbx")),
    "default_realm": st.just("pbx.example.com"),
    "default_voicemail_extension": st.just("*97"),
    "endpoint_identifier_order": st.sampled_from(("ip,username,anonymous", "username,ip")),
}
GLOBAL_LEFT_OUT = frozenset(
    {"default_auth_algorithms_uac", "default_auth_algorithms_uas", "mwi_tps_queue_high", "mwi_tps_queue_low"}
    | {"regcontext", "default_outbound_endpoint", "type"}
)


def _global_strategy(key: str) -> st.SearchStrategy[str] | None:
    spec = CATALOG.spec("global", key)
    if key in GLOBAL_LEFT_OUT or spec is None:
        return None
    if key in GLOBAL_CURATED:
        return GLOBAL_CURATED[key]
    if spec.type == BOOLEAN:
        return BOOLEANS
    if spec.enum is not None:
        return st.sampled_from(spec.enum)
    return _UINT if spec.type == UNSIGNED else None


GLOBAL_KEYS = sorted(k for k in CATALOG.keys("global") if _global_strategy(k) is not None)


@st.composite
def global_options(draw: st.DrawFn) -> Options:
    keys = draw(st.lists(st.sampled_from(GLOBAL_KEYS), max_size=8, unique=True))
    return tuple((key, draw(_global_strategy(key))) for key in keys)  # type: ignore[arg-type]


@FIDELITY_SETTINGS
@given(specs=st.lists(tenant_specs(), min_size=1, max_size=3), engine_options=global_options())
async def test_random_configurations_mean_in_asterisk_what_the_product_resolves(
    world: World,
    asterisk_factory: Callable[..., AsteriskInstance],
    tmp_path: Path,
    specs: list[TenantSpec],
    engine_options: Options,
) -> None:
    caller = await caller_for(world.db, world.admin_token)
    transports = await loopback_transports(world, caller)
    await engines.set_engine_options(world.db, caller, "default", global_options=engine_options, system_options=None)
    created = [await build_tenant(world, caller, spec, transports) for spec in specs]
    try:
        recorded = await recorded_objects(world.db)
        flat = await pjsip_conf(world.db, caller, engine="default", tenant_uuid=None, mode=TemplateMode.FLAT)
        native = await pjsip_conf(world.db, caller, engine="default", tenant_uuid=None, mode=TemplateMode.NATIVE)
        for mode, conf in (("flat", flat), ("native", native)):
            problems = await judge(asterisk_factory, recorded, pjsip_conf=conf)
            assert not problems, f"{mode} export:\n" + "\n".join(problems)
    finally:
        for tenant in created:
            await tenants.delete_tenant(world.db, caller, tenant, dry_run=False)


@FIDELITY_SETTINGS
@given(specs=st.lists(tenant_specs(), min_size=1, max_size=2))
async def test_random_configurations_pushed_by_the_agent_mean_what_the_product_resolves(
    world: World, asterisk_factory: Callable[..., AsteriskInstance], tmp_path: Path, specs: list[TenantSpec]
) -> None:
    """The same configurations, pushed object by object through ARI by the push agent (memory wizard)."""
    caller = await caller_for(world.db, world.admin_token)
    transports = await loopback_transports(world, caller)
    created = [await build_tenant(world, caller, spec, transports) for spec in specs]
    ast = asterisk_factory(push_config=True)
    try:
        async with ari_client(ast) as client:
            agent = new_agent(world.db, client, tmp_path / f"agent-{next(_numbers)}.checkpoint")
            while await agent.run_once():
                pass
            assert agent.counters.rejected == 0
            problems = [f"log: {line}" for line in ast.warnings_and_errors()]
            problems += await divergences(world.db, client)
        assert not problems, "pushed:\n" + "\n".join(problems)
    finally:
        ast.stop()
        for tenant in created:
            await tenants.delete_tenant(world.db, caller, tenant, dry_run=False)
