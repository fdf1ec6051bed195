"""Random configurations, exported flat and native, load into Asterisk as the product resolves them.

Hypothesis draws template graphs (ordered multiple parents) and endpoints whose options come
from the catalog: every boolean and closed-set option of an endpoint that does not switch other
options on or need files (see SKIPPED), integer options within their ranges, accumulating
`allow` and `set_var`, aor options, credentials. Each example is created through the services,
exported as pjsip.conf (flat, then native), loaded by `module reload res_pjsip.so`, and then:
no res_pjsip or sorcery warning, and every recorded object served by ARI as recorded
(`push.differences`: the keys the record sets, and the defaults of those it does not).

HYPOTHESIS_PROFILE=dev draws more examples (random); the default is a fixed, quick set.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.asterisk.realtime.apply import ApplyReport
from app.asterisk.realtime.convert import object_to_row
from app.domain.catalog import load_catalog
from app.domain.resolution import ConfigKind
from app.domain.sections import Options, Section
from app.services import configs
from app.services.exports import TemplateMode, pjsip_conf
from tests.asterisk.live.instance import AsteriskInstance, loopback_transport
from tests.asterisk.live.push import ari_client, divergences, recorded_objects
from tests.asterisk.test_realtime import _follow as follow_realtime
from tests.conftest import World
from tests.helpers import caller_for, new_endpoint, new_tenant

pytestmark = pytest.mark.asterisk

DEV = os.environ.get("HYPOTHESIS_PROFILE") == "dev"
EXAMPLES = 15 if DEV else 3

# Options left out, and why: they switch other options on (webrtc, bundle), need files or
# keys the test does not create (dtls_*, media_encryption=dtls, security_negotiation), or
# change how requests are matched to endpoints (identify_by).
SKIPPED = frozenset(
    {
        "webrtc",
        "bundle",
        "media_encryption",
        "dtls_fingerprint",
        "dtls_setup",
        "dtls_verify",
        "dtls_auto_generate_cert",
        "security_negotiation",
        "identify_by",
    }
)
# Integer options drawn within these bounds (Asterisk's own, or a sane part of them).
INTEGERS = {
    "max_audio_streams": (1, 4),
    "max_video_streams": (1, 4),
    "rtp_timeout": (0, 600),
    "rtp_timeout_hold": (0, 600),
    "rtp_keepalive": (0, 60),
    "device_state_busy_at": (0, 10),
    "cos_audio": (0, 7),
    "cos_video": (0, 7),
    "fax_detect_timeout": (0, 60),
    "sub_min_expiry": (0, 3600),
    "t38_udptl_maxdatagram": (0, 1400),
    "timers_min_se": (90, 1800),
}
AOR_INTEGERS = {"max_contacts": (1, 10), "qualify_frequency": (0, 86400)}
CODECS = ("ulaw", "alaw", "gsm", "g722", "!all")


def _catalog_options(object_type: str) -> dict[str, st.SearchStrategy[str]]:
    """Value strategies for the booleans and closed sets of an object type, from the catalog."""
    catalog = load_catalog()
    strategies: dict[str, st.SearchStrategy[str]] = {}
    for key in sorted(catalog.keys(object_type)):
        spec = catalog.spec(object_type, key)
        if spec is None or key in SKIPPED or spec.deprecated or spec.multiple:
            continue
        if spec.type == "boolean":
            strategies[key] = st.sampled_from(("yes", "no", "true", "false"))
        elif spec.enum:
            strategies[key] = st.sampled_from(spec.enum)
    return strategies


ENDPOINT_VALUES: dict[str, st.SearchStrategy[str]] = {
    **_catalog_options("endpoint"),
    **{key: st.integers(low, high).map(str) for key, (low, high) in INTEGERS.items()},
    "context": st.sampled_from(("default", "from-internal", "tenant-a")),
    "language": st.sampled_from(("en", "fr", "de")),
    "callerid": st.builds(lambda name, number: f'"{name}" <{number}>', st.sampled_from("ABC"), st.integers(100, 999)),
}
AOR_VALUES: dict[str, st.SearchStrategy[str]] = {
    **_catalog_options("aor"),
    **{key: st.integers(low, high).map(str) for key, (low, high) in AOR_INTEGERS.items()},
}


def _options(values: dict[str, st.SearchStrategy[str]], most: int) -> st.SearchStrategy[list[tuple[str, str]]]:
    keys = st.lists(st.sampled_from(sorted(values)), unique=True, max_size=most)
    return keys.flatmap(lambda chosen: st.tuples(*(values[k].map(lambda v, k=k: (k, v)) for k in chosen)).map(list))


@st.composite
def sections(draw: st.DrawFn) -> dict[Section, Options]:
    endpoint = draw(_options(ENDPOINT_VALUES, 8))
    endpoint += [("allow", c) for c in draw(st.lists(st.sampled_from(CODECS), max_size=3))]
    endpoint += [("set_var", f"V{i}={n}") for i, n in draw(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 9))))]
    return {Section.ENDPOINT: tuple(endpoint), Section.AOR: tuple(draw(_options(AOR_VALUES, 3)))}


@st.composite
def tenant_graphs(draw: st.DrawFn) -> tuple[list[tuple[list[int], dict[Section, Options]]], list[list[int]]]:
    """Templates (each with parents among the earlier ones, in order) and endpoints' parent lists."""
    templates = []
    for i in range(draw(st.integers(1, 4))):
        parents = draw(st.lists(st.integers(0, i - 1), unique=True, max_size=3)) if i else []
        templates.append((parents, draw(sections())))
    endpoints = draw(
        st.lists(st.lists(st.integers(0, len(templates) - 1), unique=True, max_size=3), min_size=1, max_size=5)
    )
    return templates, endpoints


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    # The exports are what is checked here: one database is enough.
    return str(request.param)


@pytest.fixture(scope="module")
def asterisk(module_asterisk_factory: Callable[..., AsteriskInstance]) -> AsteriskInstance:
    return module_asterisk_factory()


def _without_transports(text: str) -> str:
    """The export without the engine's transports: Asterisk listens on the fixture's loopback one."""
    sections = re.split(r"(?m)^(?=\[)", text)
    kept = "".join(s for s in sections if not re.search(r"(?m)^type\s*=\s*transport\s*$", s))
    return re.sub(r"(?m)^transport\s*=.*\n", "", kept)


EXAMPLE = itertools.count()
Graph = tuple[list[tuple[list[int], dict[Section, Options]]], list[list[int]]]
SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=not DEV,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


async def _create(world: World, graph: Graph) -> None:
    """The example's tenant, templates and endpoints, through the services."""
    templates, endpoints = graph
    caller = await caller_for(world.db, world.admin_token)
    n = next(EXAMPLE)
    tenant = await new_tenant(world.db, caller, f"Fidelity {n}")
    uuids = []
    for i, (parents, options) in enumerate(templates):
        created = await configs.create_config(
            world.db,
            caller,
            ConfigKind.TEMPLATE,
            configs.NewConfig(
                tenant_uuid=tenant, name=f"t{i}", parent_uuids=[uuids[p] for p in parents], sections=options
            ),
            dry_run=False,
        )
        assert created.view is not None
        uuids.append(created.view.record.uuid)
    for j, parents in enumerate(endpoints):
        name = f"f{n}e{j}"
        credentials = {Section.AUTH: (("username", name), ("password", f"pw-{n}-{j}"))}
        await new_endpoint(world.db, caller, tenant, name, [uuids[p] for p in parents], credentials)


def _report(title: str, lines: list[str]) -> str:
    return f"{title}:\n" + "\n".join(lines)


@SETTINGS
@given(graph=tenant_graphs())
async def test_random_configurations_load_into_asterisk_as_resolved(
    world: World, asterisk: AsteriskInstance, graph: Graph
) -> None:
    await _create(world, graph)
    caller = await caller_for(world.db, world.admin_token)
    async with ari_client(asterisk) as client:
        for mode in (TemplateMode.FLAT, TemplateMode.NATIVE):
            text = await pjsip_conf(world.db, caller, engine="default", tenant_uuid=None, mode=mode)
            mark = asterisk.log_mark()
            asterisk.write_config("pjsip.conf", loopback_transport(asterisk.sip_port) + _without_transports(text))
            asterisk.cli("module reload res_pjsip.so")
            warnings = asterisk.warnings_and_errors(since=mark)
            assert warnings == [], _report(mode.value, warnings)
            found = await divergences(world.db, client)
            assert found == [], _report(mode.value, found)


# What res_config_pgsql serves: the ps_* tables the realtime fixture maps.
REALTIME_TYPES = ("endpoint", "aor", "auth", "identify", "registration")
# Values realtime cannot hold: Asterisk's ps_endpoints enum spells these `..._screened`, a
# spelling its own parser refuses (docs/asterisk.md). The follower reports them as rejected.
REALTIME_DRIFT = {
    ("callerid_privacy", v)
    for v in ("allowed_passed_screen", "allowed_failed_screen", "prohib_passed_screen", "prohib_failed_screen")
}
REALTIME_ASTERISK: dict[str, AsteriskInstance] = {}


def _as_stored(key: tuple[str, str], fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """An object's fields without those its row cannot carry: no column, or a value its column refuses."""
    conversion = object_to_row(key[0], key[1], tuple(fields))
    lost = {k for k, _ in conversion.unmapped} | {r.key for r in conversion.rejected}
    return [(k, v) for k, v in fields if k not in lost]


@SETTINGS
@given(graph=tenant_graphs())
async def test_random_configurations_read_through_realtime_as_resolved(
    world: World, rt: str, asterisk_factory: Callable[..., AsteriskInstance], graph: Graph
) -> None:
    # One Asterisk for all the examples of the run: it reads the rows again at every lookup.
    ast = REALTIME_ASTERISK.get(rt)
    if ast is None or ast.process is None:
        ast = REALTIME_ASTERISK[rt] = asterisk_factory("realtime", realtime_dsn=rt)
    await _create(world, graph)
    report = ApplyReport()
    await follow_realtime(world.db, rt, report)
    assert report.unstorable == {}
    assert {(r.key, r.value) for found in report.rejected.values() for r in found} <= REALTIME_DRIFT
    objects = {
        key: _as_stored(key, fields)
        for key, fields in (await recorded_objects(world.db)).items()
        if key[0] in REALTIME_TYPES
    }
    async with ari_client(ast) as client:
        found = await divergences(world.db, client, objects=objects)
    assert found == [], _report("realtime", found)
