"""What a new engine and tenant start with (docs/domain.md §2) is valid configuration."""

from __future__ import annotations

import uuid
from uuid import UUID

import pytest

from app.domain.catalog import load_catalog
from app.domain.defaults import DEFAULT_ROLES, DEFAULT_TEMPLATES, DEFAULT_TRANSPORTS, DefaultTemplate
from app.domain.resolution import ConfigKind, ConfigNode, Resolver
from app.domain.sections import Section
from app.domain.validation import validate_name, validate_options, validate_sections

CATALOG = load_catalog()
BY_ROLE = {t.role: t for t in DEFAULT_TEMPLATES}


@pytest.mark.parametrize("template", DEFAULT_TEMPLATES, ids=DEFAULT_ROLES)
def test_default_template_validates_cleanly(template: DefaultTemplate) -> None:
    assert validate_sections(CATALOG, template.sections) == []
    assert validate_name(template.role, field="role", what="template") == []


@pytest.mark.parametrize("name", sorted(DEFAULT_TRANSPORTS))
def test_default_transport_validates_cleanly(name: str) -> None:
    assert validate_options(CATALOG, "transport", DEFAULT_TRANSPORTS[name], path=f"transports.{name}") == []
    assert validate_name(name, field="name", what="transport") == []


def test_default_roles_are_general_sip_webrtc_trunk() -> None:
    assert DEFAULT_ROLES == ("general", "sip", "webrtc", "trunk")


def test_general_has_no_parent_and_the_others_inherit_it() -> None:
    assert BY_ROLE["general"].parents == ()
    for role in ("sip", "webrtc", "trunk"):
        assert BY_ROLE[role].parents == ("general",), role


def test_parents_are_created_before_their_children() -> None:
    created: set[str] = set()
    for template in DEFAULT_TEMPLATES:
        assert set(template.parents) <= created, template.role
        created.add(template.role)


def test_sip_uses_udp_and_webrtc_uses_wss_transport() -> None:
    for role, protocol in (("sip", "udp"), ("webrtc", "wss")):
        transport = BY_ROLE[role].transport
        assert transport in DEFAULT_TRANSPORTS, role
        assert ("protocol", protocol) in DEFAULT_TRANSPORTS[transport]
    assert BY_ROLE["general"].transport is None


def test_webrtc_endpoint_resolves_general_then_webrtc_options() -> None:
    # given the default templates as stored for a tenant, and an endpoint under webrtc
    def uid(name: str) -> UUID:
        return uuid.uuid5(uuid.NAMESPACE_URL, f"pjsip-graph-test/{name}")

    nodes = {
        uid(t.role): ConfigNode(
            uuid=uid(t.role),
            kind=ConfigKind.TEMPLATE,
            name=t.role,
            label=t.label,
            parents=tuple(uid(p) for p in t.parents),
            transport_name=t.transport,
            sections=t.sections,
        )
        for t in DEFAULT_TEMPLATES
    }
    e = ConfigNode(uid("line"), ConfigKind.ENDPOINT, "line", None, (uid("webrtc"),), None, {})
    nodes[e.uuid] = e
    endpoint = Resolver(nodes, CATALOG).resolve(e.uuid)[Section.ENDPOINT]
    values = {o.key: (o.value, o.origin.name) for o in endpoint}
    # then webrtc overrides general where both set a value, general fills the rest
    assert values["timers_sess_expires"] == ("300", "webrtc")
    assert values["dtmf_mode"] == ("rfc4733", "general")
    assert values["transport"] == ("transport-wss", "webrtc")
    # and both allow lines are applied, general's first
    assert [(o.value, o.origin.name) for o in endpoint if o.key == "allow"] == [
        ("!all,ulaw", "general"),
        ("!all,opus,g722,alaw,ulaw,vp9,vp8,h264", "webrtc"),
    ]


def test_no_default_template_sets_a_caller_id() -> None:
    # A line without a caller id of its own must not present a fixed name to the called party.
    for template in DEFAULT_TEMPLATES:
        keys = [k for options in template.sections.values() for k, _ in options]
        assert "callerid" not in keys, template.role


def test_default_transports_bind_distinct_addresses() -> None:
    binds = [dict(options)["bind"] for options in DEFAULT_TRANSPORTS.values()]
    assert len(set(binds)) == len(binds), binds
