"""pjsip.conf export (app.asterisk.pjsip_export): flat objects and native templates mean the same to Asterisk.

Both renderings are read back with a deliberately small pjsip.conf reader
written here (not app.asterisk.conf.parser, so a shared mistake cannot hide),
Asterisk's template rule is applied (bases' variables in order, then the
section's own), and every object must come out with the same fields either
way, and the flat file must hold exactly the product's Sorcery objects.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.asterisk.conf import inherited_lines, parse_text
from app.asterisk.pjsip_export import TenantConfigs, render_flat, render_native
from app.domain.catalog import load_catalog
from app.domain.resolution import ConfigKind, ConfigNode, CycleError, Resolver
from app.domain.sections import SECTIONS, Options, Section
from app.domain.sorcery import SorceryObject, endpoint_objects, global_object, system_object, transport_object

CATALOG = load_catalog()
Fields = list[tuple[str, str]]
ObjectKey = tuple[str, str]

# --------------------------------------------------------------------------- an independent reader


@dataclass
class _ReadSection:
    name: str
    template: bool
    variables: Fields = field(default_factory=list)


def _unescape(text: str) -> str:
    return text.replace("\\;", ";")


def read_pjsip(text: str) -> list[_ReadSection]:
    """Sections with Asterisk's variable lists: a base's variables are copied when the header is read."""
    sections: list[_ReadSection] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith("["):
            name, _, options = line[1:].partition("]")
            flags = options[1:-1].split(",") if options.startswith("(") else []
            current = _ReadSection(_unescape(name), "!" in flags)
            for base in (f for f in flags if f != "!"):
                matches = [s for s in sections if s.name.lower() == base.lower()]
                assert matches, f"[{name}] inherits from undefined [{base}]"
                current.variables.extend(matches[0].variables)
            sections.append(current)
            continue
        key, _, value = line.partition("=")
        value = value[1:] if value.startswith(">") else value
        sections[-1].variables.append((_unescape(key.strip()), _unescape(value.strip())))
    return sections


def read_objects(text: str) -> dict[ObjectKey, Fields]:
    """Non-template sections keyed by (first ``type`` value, name); fields without ``type``."""
    objects: dict[ObjectKey, Fields] = {}
    for section in read_pjsip(text):
        if section.template:
            continue
        types = [v for k, v in section.variables if k == "type"]
        assert types, f"[{section.name}] has no type= and Asterisk would ignore it"
        key = (types[0], section.name)
        assert key not in objects, f"{key} defined twice: Asterisk would refuse the whole type"
        objects[key] = [(k, v) for k, v in section.variables if k != "type"]
    return objects


def asterisk_rule(object_type: str, fields: Fields) -> Fields:
    """What applying the variables one by one leaves: every accumulating one, the last of any other;
    a set_var replaces an earlier one of the same variable in place (res_pjsip's set_var_handler)."""
    multiple = CATALOG.multiple_keys(object_type)
    last = {key: index for index, (key, _) in enumerate(fields) if key not in multiple}
    kept = [(k, v) for index, (k, v) in enumerate(fields) if k in multiple or last[k] == index]
    out: Fields = []
    set_var_at: dict[str, int] = {}
    for key, value in kept:
        name = value.partition("=")[0].strip()
        if key == "set_var" and name in set_var_at:
            out[set_var_at[name]] = (key, value)
            continue
        if key == "set_var":
            set_var_at[name] = len(out)
        out.append((key, value))
    return out


# --------------------------------------------------------------------------- random tenants

KEYS: dict[str, tuple[str, ...]] = {
    "endpoint": ("context", "dtmf_mode", "callerid", "allow", "disallow", "set_var"),
    "aor": ("max_contacts", "qualify_frequency", "contact"),
    "auth": ("username", "password", "auth_type"),
    "identify": ("srv_lookups", "match"),
    "registration": ("server_uri", "client_uri", "retry_interval"),
}
assert all(CATALOG.spec(t, k) is not None for t, keys in KEYS.items() for k in keys)
assert all(any(CATALOG.is_multiple(t, k) for k in KEYS[t]) for t in ("endpoint", "aor", "identify"))

SLUGS = ("acme", "b", "a" * 63, "acme-2")
TEMPLATE_NAMES = ("general", "General", "sip", "webrtc", "trunk", "t" * 79, "T" * 79, "x.y-z_1")
ENDPOINT_NAMES = ("alice", "Alice", "bob", "trunk.1", "x-y_z", "e" * 65, "carol", "dave", "erin", "frank")
TRANSPORTS = ("transport-udp", "transport-wss")

# Values that test the writer's escaping: semicolons, comment markers, a leading '>', backslashes.
VALUES = st.sampled_from(("", "a", "all", "ulaw", "b;c", "x\\;y", ">gt", "--;", ";--", "a=b", "#h", "[s]", "é"))
SECTION_KEYS = [(section, key) for section in SECTIONS for key in KEYS[section.object_type]]
# One flat list per configuration, grouped into sections: cheaper to draw than seven lists.
OPTION_ITEMS = st.lists(st.tuples(st.sampled_from(SECTION_KEYS), VALUES), max_size=8)


def sections_of(items: list[tuple[tuple[Section, str], str]]) -> dict[Section, Options]:
    return {s: tuple((key, value) for (section, key), value in items if section is s) for s in SECTIONS}


@st.composite
def tenant(draw: st.DrawFn, slug: str, endpoint_names: Sequence[str], ids: Iterator[int]) -> TenantConfigs:
    """Templates forming a random DAG (ordered parents, diamonds) and endpoints under them."""
    names = draw(st.lists(st.sampled_from(TEMPLATE_NAMES), max_size=6, unique=True))
    templates: list[ConfigNode] = []
    for name in names:
        parents = (
            draw(st.lists(st.sampled_from(templates), max_size=3, unique_by=lambda n: n.uuid)) if templates else []
        )
        templates.append(node(next(ids), ConfigKind.TEMPLATE, name, parents, draw))
    endpoints = [
        node(next(ids), ConfigKind.ENDPOINT, name, draw(parent_lists(templates)), draw) for name in endpoint_names
    ]
    return TenantConfigs(slug, {n.uuid: n for n in [*templates, *endpoints]})


def parent_lists(templates: list[ConfigNode]) -> st.SearchStrategy[list[ConfigNode]]:
    if not templates:
        return st.just([])
    return st.lists(st.sampled_from(templates), max_size=3, unique_by=lambda n: n.uuid)


def node(number: int, kind: ConfigKind, name: str, parents: list[ConfigNode], draw: st.DrawFn) -> ConfigNode:
    return ConfigNode(
        uuid=UUID(int=number),
        kind=kind,
        name=name,
        label=None,
        parents=tuple(p.uuid for p in parents),
        transport_name=draw(st.none() | st.sampled_from(TRANSPORTS)),
        sections=sections_of(draw(OPTION_ITEMS)),
    )


@dataclass(frozen=True)
class Engine:
    """An engine's own objects, handed to both renderers."""

    global_options: Options = ()
    system_options: Options = ()
    transports: tuple[tuple[str, Options], ...] = ()

    def flat(self, objects: Sequence[SorceryObject]) -> str:
        return render_flat(
            global_options=self.global_options,
            system_options=self.system_options,
            transports=self.transports,
            objects=objects,
        )

    def native(self, tenants: Sequence[TenantConfigs]) -> str:
        return render_native(
            global_options=self.global_options,
            system_options=self.system_options,
            transports=self.transports,
            tenants=tenants,
        )

    def objects(self) -> list[SorceryObject]:
        system = [system_object(self.system_options)] if self.system_options else []
        transports = [transport_object(name, options) for name, options in self.transports]
        return [global_object(self.global_options), *system, *transports]


NO_ENGINE = Engine()


@st.composite
def engines(draw: st.DrawFn) -> tuple[Engine, list[TenantConfigs]]:
    slugs = draw(st.lists(st.sampled_from(SLUGS), min_size=1, max_size=3, unique=True))
    names = draw(st.lists(st.sampled_from(ENDPOINT_NAMES), min_size=len(slugs), max_size=8, unique=True))
    cuts = sorted(draw(st.lists(st.integers(0, len(names)), min_size=len(slugs) - 1, max_size=len(slugs) - 1)))
    shares = [names[a:b] for a, b in itertools.pairwise([0, *cuts, len(names)])]
    ids = itertools.count(1)
    tenants = [draw(tenant(slug, share, ids)) for slug, share in zip(slugs, shares, strict=True)]
    global_options = draw(st.lists(st.tuples(st.sampled_from(("user_agent", "max_forwards")), VALUES), max_size=2))
    system_options = draw(st.lists(st.tuples(st.just("timer_t1"), VALUES), max_size=1))
    transports = tuple(
        (name, (("protocol", "udp"), *draw(st.lists(st.tuples(st.just("local_net"), VALUES), max_size=2))))
        for name in draw(st.lists(st.sampled_from(TRANSPORTS), unique=True))
    )
    return Engine(tuple(global_options), tuple(system_options), transports), tenants


def product_objects(tenants: Sequence[TenantConfigs]) -> list[SorceryObject]:
    """The product's own flattening: Resolver then endpoint_objects, tenants by slug, endpoints by name."""
    objects: list[SorceryObject] = []
    for configs in sorted(tenants, key=lambda t: t.slug):
        resolver = Resolver(configs.nodes, CATALOG)
        endpoints = sorted((n for n in configs.nodes.values() if n.kind is ConfigKind.ENDPOINT), key=lambda n: n.name)
        for endpoint in endpoints:
            objects.extend(endpoint_objects(endpoint.name, resolver.resolve(endpoint.uuid)))
    return objects


def template_names(text: str) -> list[str]:
    return [s.name for s in read_pjsip(text) if s.template]


@settings(max_examples=100, deadline=None)
@given(engines())
def test_flat_and_native_files_give_asterisk_the_same_objects(setup: tuple[Engine, list[TenantConfigs]]) -> None:
    engine, tenants = setup
    objects = product_objects(tenants)
    flat = engine.flat(objects)
    native = engine.native(tenants)

    # The flat file holds exactly the product's objects, fields in order.
    flat_objects = read_objects(flat)
    assert flat_objects == {o.key: list(o.fields) for o in [*engine.objects(), *objects]}

    # The native file gives Asterisk the same objects with the same effective fields.
    native_objects = read_objects(native)
    assert native_objects.keys() == flat_objects.keys()
    for (object_type, object_id), fields in flat_objects.items():
        native_fields = asterisk_rule(object_type, native_objects[(object_type, object_id)])
        assert native_fields == asterisk_rule(object_type, fields), (object_type, object_id)

    # Template names cannot be mistaken for one another or for an object.
    names = template_names(native)
    assert len({n.lower() for n in names}) == len(names)
    assert all(":" in n and len(n.encode()) <= 79 for n in names)

    # The project's own reader agrees with the independent one.
    for text in (flat, native):
        parsed = parse_text(text)
        assert parsed.problems == []
        seen = [(s.name, s.is_template, [(k, v) for k, v, _ in inherited_lines(parsed, s)]) for s in parsed.sections]
        assert seen == [(s.name, s.template, s.variables) for s in read_pjsip(text)]

    # Output does not depend on the order the tenants and their configurations come in.
    shuffled = [TenantConfigs(t.slug, dict(reversed(list(t.nodes.items())))) for t in reversed(tenants)]
    assert engine.native(shuffled) == native


# --------------------------------------------------------------------------- exact text

ENGINE = Engine(global_options=(("user_agent", "pbx"),), transports=(("transport-udp", (("protocol", "udp"),)),))


def config(
    number: int, kind: ConfigKind, name: str, *parents: int, transport: str | None = None, **sections: Options
) -> ConfigNode:
    return ConfigNode(
        uuid=UUID(int=number),
        kind=kind,
        name=name,
        label=None,
        parents=tuple(UUID(int=p) for p in parents),
        transport_name=transport,
        sections={Section(s): opts for s, opts in sections.items()},
    )


SIMPLE = TenantConfigs(
    "acme",
    {
        n.uuid: n
        for n in (
            config(
                1,
                ConfigKind.TEMPLATE,
                "general",
                endpoint=(("disallow", "all"), ("allow", "ulaw")),
                aor=(("max_contacts", "1"),),
            ),
            config(2, ConfigKind.TEMPLATE, "sip", 1, transport="transport-udp", endpoint=(("dtmf_mode", "rfc4733"),)),
            config(3, ConfigKind.TEMPLATE, "unused"),
            config(
                4,
                ConfigKind.ENDPOINT,
                "alice",
                2,
                endpoint=(("callerid", "Alice <100>"), ("allow", "g722")),
                auth=(("username", "alice"), ("password", "x;y")),
            ),
        )
    },
)

ENGINE_TEXT = """\
[global]
type = global
user_agent = pbx

[transport-udp]
type = transport
protocol = udp
"""


def test_native_text_for_a_simple_tenant() -> None:
    assert (
        ENGINE.native([SIMPLE])
        == ENGINE_TEXT
        + """
[tpl:acme:general:aor](!)
max_contacts = 1

[tpl:acme:general:endpoint](!)
disallow = all
allow = ulaw

[tpl:acme:sip:aor](!,tpl:acme:general:aor)

[tpl:acme:sip:endpoint](!,tpl:acme:general:endpoint)
dtmf_mode = rfc4733
transport = transport-udp

[alice]
type = auth
username = alice
password = x\\;y

[alice](tpl:acme:sip:aor)
type = aor

[alice](tpl:acme:sip:endpoint)
type = endpoint
callerid = Alice <100>
allow = g722
aors = alice
auth = alice
"""
    )


def test_flat_text_for_a_simple_tenant() -> None:
    assert (
        ENGINE.flat(product_objects([SIMPLE]))
        == ENGINE_TEXT
        + """
[alice]
type = auth
username = alice
password = x\\;y

[alice]
type = aor
max_contacts = 1

[alice]
type = endpoint
disallow = all
allow = ulaw
dtmf_mode = rfc4733
transport = transport-udp
callerid = Alice <100>
allow = g722
aors = alice
auth = alice
"""
    )


def test_system_section_only_when_set() -> None:
    text = Engine(system_options=(("timer_t1", "500"),)).flat([])
    assert text == "[global]\ntype = global\n\n[system]\ntype = system\ntimer_t1 = 500\n"


def test_endpoint_references_and_registration_objects() -> None:
    trunk = config(
        1,
        ConfigKind.ENDPOINT,
        "trunk",
        outbound_auth=(("username", "out"),),
        identify=(("match", "192.0.2.1"),),
        registration_outbound_auth=(("username", "reg"),),
        registration=(("server_uri", "sip:provider.example"),),
    )
    text = NO_ENGINE.native([TenantConfigs("t", {trunk.uuid: trunk})])
    assert text.split("\n\n")[1:] == [
        "[trunk]\ntype = endpoint\noutbound_auth = outbound_auth_trunk",
        "[outbound_auth_trunk]\ntype = auth\nusername = out",
        "[trunk]\ntype = identify\nmatch = 192.0.2.1\nendpoint = trunk",
        "[auth_reg_trunk]\ntype = auth\nusername = reg",
        "[trunk]\ntype = registration\nserver_uri = sip:provider.example\nline = yes\nendpoint = trunk\noutbound_auth = auth_reg_trunk\n",
    ]


def test_template_names_are_unique_ignoring_case_and_short() -> None:
    long_name = "t" * 79
    nodes = [
        config(1, ConfigKind.TEMPLATE, "general", endpoint=(("context", "a"),)),
        config(2, ConfigKind.TEMPLATE, "General", endpoint=(("context", "b"),)),
        config(3, ConfigKind.TEMPLATE, long_name, endpoint=(("context", "c"),)),
    ]
    text = NO_ENGINE.native([TenantConfigs("acme", {n.uuid: n for n in nodes})])
    names = template_names(text)
    assert names[:2] == ["tpl:acme:General:endpoint", "tpl:acme:general:endpoint~2"]
    assert names[2].startswith("tpl:acme:ttt") and names[2][-11] == "~" and len(names[2]) == 79


def test_templates_come_after_their_parents() -> None:
    nodes = [
        config(1, ConfigKind.TEMPLATE, "a-child", 2, endpoint=(("context", "child"),)),
        config(2, ConfigKind.TEMPLATE, "z-parent", endpoint=(("context", "parent"),)),
    ]
    text = NO_ENGINE.native([TenantConfigs("t", {n.uuid: n for n in nodes})])
    assert template_names(text) == ["tpl:t:z-parent:endpoint", "tpl:t:a-child:endpoint"]


def test_ids_too_long_for_a_file_are_refused() -> None:
    name = "e" * 66  # a valid endpoint name, but outbound_auth_<name> is over 79 bytes
    trunk = config(1, ConfigKind.ENDPOINT, name, outbound_auth=(("username", "out"),))
    with pytest.raises(ValueError, match="longer than 79 bytes"):
        NO_ENGINE.native([TenantConfigs("t", {trunk.uuid: trunk})])
    with pytest.raises(ValueError, match="longer than 79 bytes"):
        NO_ENGINE.flat(product_objects([TenantConfigs("t", {trunk.uuid: trunk})]))


def test_parent_cycles_and_foreign_parents_are_refused() -> None:
    cycle = [config(1, ConfigKind.TEMPLATE, "a", 2), config(2, ConfigKind.TEMPLATE, "b", 1)]
    with pytest.raises(CycleError):
        NO_ENGINE.native([TenantConfigs("t", {n.uuid: n for n in cycle})])
    orphan = config(1, ConfigKind.ENDPOINT, "alice", 9)
    with pytest.raises(ValueError, match="not a template"):
        NO_ENGINE.native([TenantConfigs("t", {orphan.uuid: orphan})])
