"""chan_sip sip.conf import (app.asterisk.sip_import, app.cli.sip_import).

1. The fixture migrates, through the import service, into a new tenant
   (created without default templates: the import creates ``general`` and
   ``trunk`` itself) with the expected templates, endpoints, own options,
   parents, engine objects and Sorcery objects.
2. A literal reading of sip_to_pjsip's per-option table, written here and
   applied to each peer's fully inherited options, gives the same resolved
   endpoint, aor and auth options, once the improvements listed in
   IMPROVEMENTS are applied to it (each of them must change something).
3. Every option that cannot be mapped is reported with its file, line and
   section, and nothing else is.
4. Bad input (binary data, an unknown template base, an invalid value, a
   tenant that already has the templates) fails clearly and writes nothing.

Also: tests for register => parsing, the command line, and
the import rules shared with mutations (depth, parent count, names).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa

from app.asterisk.conf import ConfigError, ConfSection, inherited_lines, parse_config
from app.asterisk.sip_import import parse_register, plan_sip_conf
from app.db.database import Database
from app.db.models import Tenant
from app.db.queries import engine_objects, load_tenant_graphs
from app.domain.catalog import BOOLEAN, load_catalog
from app.domain.imports import ImportPlan, PlannedConfig, PlannedTransport
from app.domain.resolution import ConfigKind
from app.domain.sections import Section
from app.errors import InvalidInput
from app.services import configs, tenants
from app.services.imports import ImportReport, apply_import
from tests.conftest import World
from tests.helpers import caller_for, recorded_objects

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures" / "sip"
SIP_CONF = FIXTURES / "sip.conf"
CATALOG = load_catalog()
Fields = list[tuple[str, str]]


async def new_tenant(world: World, slug: str, *, default_templates: bool = False) -> UUID:
    caller = await caller_for(world.db, world.admin_token)
    result = await tenants.create_tenant(
        world.db, caller, name=slug, slug=slug, parent_uuid=None, with_default_templates=default_templates
    )
    assert result.tenant is not None
    return result.tenant.uuid


async def import_file(world: World, path: Path, slug: str, *, dry_run: bool = False) -> ImportReport:
    """What `pjsip-graph import sip-conf` does, in process: read, plan, apply as the operator."""
    caller = await caller_for(world.db, world.admin_token)
    async with world.db.reading() as session:
        tenant = (await session.execute(sa.select(Tenant.uuid).where(Tenant.slug == slug))).scalar_one()  # type: ignore[arg-type]
    plan = plan_sip_conf(parse_config(path))
    return await apply_import(world.db, caller, tenant_uuid=tenant, plan=plan, dry_run=dry_run)


async def import_fixture(world: World, path: Path = SIP_CONF, *, slug: str = "pbx") -> tuple[UUID, ImportReport]:
    tenant = await new_tenant(world, slug)
    return tenant, await import_file(world, path, slug)


@dataclass
class Stored:
    kind: str
    parents: list[str]
    transport: str | None
    label: str | None
    sections: dict[str, Fields]


async def stored_configs(db: Database, tenant: UUID) -> dict[str, Stored]:
    async with db.reading() as session:
        graph = await load_tenant_graphs(session, [tenant])
    names = {uuid: node.name for uuid, node in graph.nodes.items()}
    return {
        node.name: Stored(
            node.kind.value,
            [names[p] for p in node.parents],
            node.transport_name,
            node.label,
            {s.value: list(o) for s, o in node.sections.items() if o},
        )
        for node in graph.nodes.values()
    }


async def stored_objects(db: Database, tenant: UUID) -> dict[tuple[str, str], Fields]:
    async with db.reading() as session:
        row = await session.get(Tenant, tenant)
        assert row is not None
        objects = await recorded_objects(session, row.engine_uuid, tenant_uuids=[tenant])
    return {key: list(fields) for key, (fields, _, _) in objects.items()}


async def snapshot(db: Database) -> dict[str, Any]:
    """Everything an import can write, to prove that a failed one wrote nothing."""
    out: dict[str, Any] = {}
    async with db.reading() as session:
        for table in ("tenant", "sip_config", "config_parent", "sorcery_object", "sorcery_update", "config_event"):
            out[table] = (await session.execute(sa.text(f"SELECT count(*) FROM {table}"))).scalar_one()
        rows = await session.execute(sa.text("SELECT name, last_seq, global_options, system_options FROM engine"))
        out["engine"] = sorted(tuple(str(v) for v in row) for row in rows.all())
        rows = await session.execute(sa.text("SELECT name, options FROM transport"))
        out["transport"] = sorted(tuple(str(v) for v in row) for row in rows.all())
    return out


# --------------------------------------------------------------------------- (1) the migration

EXPECTED_CONFIGS: dict[str, Stored] = {
    "general": Stored("template", [], "transport-udp", "sip.conf [general]", {
        "endpoint": [("context", "public"), ("disallow", "all"), ("allow", "ulaw"), ("allow", "alaw"),
                     ("rtp_symmetric", "yes"), ("rewrite_contact", "yes"), ("language", "en")],
        "aor": [("default_expiration", "300"), ("maximum_expiration", "3600")],
    }),
    "office": Stored("template", [], None, None, {
        "aor": [("max_contacts", "1"), ("remove_existing", "yes"), ("qualify_frequency", "30")],
        "endpoint": [("context", "from-office"), ("direct_media", "no")],
    }),
    "codecs-hd": Stored("template", [], None, None, {
        "endpoint": [("disallow", "all"), ("allow", "g722"), ("allow", "ulaw")],
    }),
    "remote-office": Stored("template", ["office"], None, None, {
        "endpoint": [("rtp_symmetric", "yes"), ("rewrite_contact", "yes"), ("direct_media", "yes"),
                     ("disable_direct_media_on_nat", "yes")],
    }),
    "trunk": Stored("template", ["general"], None, "sip.conf register => lines", {
        "registration": [("retry_interval", "30"), ("max_retries", "10000")],
    }),
    "1001": Stored("endpoint", ["general", "office", "codecs-hd"], None, "Alice's desk phone", {
        "auth": [("username", "1001"), ("password", "s3cret-1001")],
        "endpoint": [("callerid", '"Alice" <1001>'), ("mailboxes", "1001@default")],
    }),
    "1002": Stored("endpoint", ["general", "office"], None, None, {
        "auth": [("username", "1002"), ("password", "s3cret-1002")],
        "endpoint": [("rtp_symmetric", "no"), ("force_rport", "no"), ("rewrite_contact", "no"),
                     ("deny", "0.0.0.0/0.0.0.0"), ("permit", "192.168.1.0/255.255.255.0"), ("set_var", "CUSTID=1002")],
    }),
    "1003": Stored("endpoint", ["general"], None, None, {
        "auth": [("username", "1003"), ("password", "door-secret")],
        "aor": [("contact", "sip:door@192.168.1.50:5062"), ("qualify_frequency", "30"), ("qualify_timeout", "2")],
        "identify": [("match", "192.168.1.50")],
        "outbound_auth": [("username", "door"), ("password", "door-secret")],
        "endpoint": [("context", "doors"), ("dtmf_mode", "info"), ("deny", "0.0.0.0/0.0.0.0"),
                     ("permit", "192.168.1.50/255.255.255.255")],
    }),
    "1004": Stored("endpoint", ["general", "remote-office", "codecs-hd"], None, None, {
        "auth": [("username", "1004"), ("password", "s3cret-1004")],
        # the peer's address overrides its template's host=dynamic: no registrations, as in chan_sip
        "aor": [("contact", "sip:198.51.100.7"), ("max_contacts", "0"), ("remove_existing", "no")],
        "identify": [("match", "198.51.100.7")],
        "outbound_auth": [("username", "1004"), ("password", "s3cret-1004")],
    }),
    "kiosk": Stored("endpoint", ["general"], None, None, {
        "auth": [("username", "kiosk"), ("password", "kiosk-pw")],
        "endpoint": [("context", "kiosk")],
    }),
    "acme": Stored("endpoint", ["trunk"], "transport-tcp", None, {
        "aor": [("contact", "sip:acme-auth@sip.acme.example:5070;transport=tcp")],
        "identify": [("match", "sip.acme.example")],
        "outbound_auth": [("username", "acme-auth"), ("password", "acme-secret")],
        "endpoint": [("from_user", "acme-user"), ("from_domain", "acme.example"), ("context", "from-acme"),
                     ("send_pai", "yes")],
        "registration": [("server_uri", "sip:sip.acme.example:5070"), ("client_uri", "sip:acme-user@sip.acme.example:5070"),
                         ("contact_user", "1000"), ("expiration", "600"), ("transport", "transport-tcp")],
        "registration_outbound_auth": [("username", "acme-auth"), ("password", "acme-secret")],
    }),
    "voip": Stored("endpoint", ["trunk"], None, None, {
        "auth": [("username", "voip"), ("password", "voip-secret")],
        "aor": [("contact", "sip:voip.example.net"), ("qualify_frequency", "30")],
        "identify": [("match", "voip.example.net")],
        # [authentication] credentials of its realm replace the peer's and the register line's
        "outbound_auth": [("username", "voip-user"), ("password", "voip-pass"), ("realm", "voip.example.net")],
        "endpoint": [("context", "from-voip")],
        "registration": [("server_uri", "sip:voip.example.net"), ("client_uri", "sip:5551234@voip.example.net"),
                         ("expiration", "300"), ("transport", "transport-udp")],
        "registration_outbound_auth": [("username", "voip-user"), ("password", "voip-pass"),
                                       ("realm", "voip.example.net")],
    }),
    "reg_sip.lonely.example": Stored("endpoint", ["trunk"], None, "register => sip.lonely.example", {
        "aor": [("contact", "sip:sip.lonely.example")],
        "identify": [("match", "sip.lonely.example")],
        "registration": [("server_uri", "sip:sip.lonely.example"), ("client_uri", "sip:3000@sip.lonely.example"),
                         ("contact_user", "3000"), ("expiration", "300"), ("transport", "transport-udp")],
        "registration_outbound_auth": [("username", "3000"), ("password", "pw-3000")],
    }),
}  # fmt: skip

_CODECS_GENERAL = [("disallow", "all"), ("allow", "ulaw"), ("allow", "alaw")]
_CODECS_HD = [("disallow", "all"), ("allow", "g722"), ("allow", "ulaw")]
_NAT_GENERAL = [("rtp_symmetric", "yes"), ("rewrite_contact", "yes")]
_AOR_GENERAL = [("default_expiration", "300"), ("maximum_expiration", "3600")]
_AOR_OFFICE = [*_AOR_GENERAL, ("max_contacts", "1"), ("remove_existing", "yes"), ("qualify_frequency", "30")]
_TRUNK_REGISTRATION = [("retry_interval", "30"), ("max_retries", "10000")]

EXPECTED_OBJECTS: dict[tuple[str, str], Fields] = {
    ("auth", "1001"): [("username", "1001"), ("password", "s3cret-1001")],
    ("aor", "1001"): _AOR_OFFICE,
    # general, then office, then codecs-hd: the context is office's, the codecs codecs-hd's (chan_sip's order)
    ("endpoint", "1001"): [*_CODECS_GENERAL, *_NAT_GENERAL, ("language", "en"), ("transport", "transport-udp"),
                           ("context", "from-office"), ("direct_media", "no"), *_CODECS_HD,
                           ("callerid", '"Alice" <1001>'), ("mailboxes", "1001@default"),
                           ("aors", "1001"), ("auth", "1001")],
    ("auth", "1002"): [("username", "1002"), ("password", "s3cret-1002")],
    ("aor", "1002"): _AOR_OFFICE,
    ("endpoint", "1002"): [*_CODECS_GENERAL, ("language", "en"), ("transport", "transport-udp"),
                           ("context", "from-office"), ("direct_media", "no"), ("rtp_symmetric", "no"),
                           ("force_rport", "no"), ("rewrite_contact", "no"), ("deny", "0.0.0.0/0.0.0.0"),
                           ("permit", "192.168.1.0/255.255.255.0"), ("set_var", "CUSTID=1002"),
                           ("aors", "1002"), ("auth", "1002")],
    ("auth", "1003"): [("username", "1003"), ("password", "door-secret")],
    ("aor", "1003"): [*_AOR_GENERAL, ("contact", "sip:door@192.168.1.50:5062"), ("qualify_frequency", "30"),
                      ("qualify_timeout", "2")],
    ("endpoint", "1003"): [*_CODECS_GENERAL, *_NAT_GENERAL, ("language", "en"), ("transport", "transport-udp"),
                           ("context", "doors"), ("dtmf_mode", "info"), ("deny", "0.0.0.0/0.0.0.0"),
                           ("permit", "192.168.1.50/255.255.255.255"), ("aors", "1003"), ("auth", "1003"),
                           ("outbound_auth", "outbound_auth_1003")],
    ("auth", "outbound_auth_1003"): [("username", "door"), ("password", "door-secret")],
    ("identify", "1003"): [("match", "192.168.1.50"), ("endpoint", "1003")],
    ("auth", "1004"): [("username", "1004"), ("password", "s3cret-1004")],
    ("aor", "1004"): [*_AOR_GENERAL, ("qualify_frequency", "30"), ("contact", "sip:198.51.100.7"),
                      ("max_contacts", "0"), ("remove_existing", "no")],
    ("endpoint", "1004"): [*_CODECS_GENERAL, ("language", "en"), ("transport", "transport-udp"),
                           ("context", "from-office"), *_NAT_GENERAL, ("direct_media", "yes"),
                           ("disable_direct_media_on_nat", "yes"), *_CODECS_HD, ("aors", "1004"), ("auth", "1004"),
                           ("outbound_auth", "outbound_auth_1004")],
    ("auth", "outbound_auth_1004"): [("username", "1004"), ("password", "s3cret-1004")],
    ("identify", "1004"): [("match", "198.51.100.7"), ("endpoint", "1004")],
    ("auth", "kiosk"): [("username", "kiosk"), ("password", "kiosk-pw")],
    ("aor", "kiosk"): _AOR_GENERAL,
    ("endpoint", "kiosk"): [*_CODECS_GENERAL, *_NAT_GENERAL, ("language", "en"), ("transport", "transport-udp"),
                            ("context", "kiosk"), ("aors", "kiosk"), ("auth", "kiosk")],
    ("aor", "acme"): [*_AOR_GENERAL, ("contact", "sip:acme-auth@sip.acme.example:5070;transport=tcp")],
    ("endpoint", "acme"): [*_CODECS_GENERAL, *_NAT_GENERAL, ("language", "en"), ("from_user", "acme-user"),
                           ("from_domain", "acme.example"), ("context", "from-acme"), ("send_pai", "yes"),
                           ("transport", "transport-tcp"), ("aors", "acme"), ("outbound_auth", "outbound_auth_acme")],
    ("auth", "outbound_auth_acme"): [("username", "acme-auth"), ("password", "acme-secret")],
    ("identify", "acme"): [("match", "sip.acme.example"), ("endpoint", "acme")],
    ("auth", "auth_reg_acme"): [("username", "acme-auth"), ("password", "acme-secret")],
    ("registration", "acme"): [*_TRUNK_REGISTRATION, ("server_uri", "sip:sip.acme.example:5070"),
                               ("client_uri", "sip:acme-user@sip.acme.example:5070"), ("contact_user", "1000"),
                               ("expiration", "600"), ("transport", "transport-tcp"), ("line", "yes"),
                               ("endpoint", "acme"), ("outbound_auth", "auth_reg_acme")],
    ("auth", "voip"): [("username", "voip"), ("password", "voip-secret")],
    ("aor", "voip"): [*_AOR_GENERAL, ("contact", "sip:voip.example.net"), ("qualify_frequency", "30")],
    ("endpoint", "voip"): [*_CODECS_GENERAL, *_NAT_GENERAL, ("language", "en"), ("transport", "transport-udp"),
                           ("context", "from-voip"), ("aors", "voip"), ("auth", "voip"),
                           ("outbound_auth", "outbound_auth_voip")],
    ("auth", "outbound_auth_voip"): [("username", "voip-user"), ("password", "voip-pass"),
                                     ("realm", "voip.example.net")],
    ("identify", "voip"): [("match", "voip.example.net"), ("endpoint", "voip")],
    ("auth", "auth_reg_voip"): [("username", "voip-user"), ("password", "voip-pass"), ("realm", "voip.example.net")],
    ("registration", "voip"): [*_TRUNK_REGISTRATION, ("server_uri", "sip:voip.example.net"),
                               ("client_uri", "sip:5551234@voip.example.net"), ("expiration", "300"),
                               ("transport", "transport-udp"), ("line", "yes"), ("endpoint", "voip"), ("outbound_auth", "auth_reg_voip")],
    ("aor", "reg_sip.lonely.example"): [*_AOR_GENERAL, ("contact", "sip:sip.lonely.example")],
    ("endpoint", "reg_sip.lonely.example"): [("context", "public"), *_CODECS_GENERAL, *_NAT_GENERAL, ("language", "en"),
                                             ("transport", "transport-udp"), ("aors", "reg_sip.lonely.example")],
    ("identify", "reg_sip.lonely.example"): [("match", "sip.lonely.example"), ("endpoint", "reg_sip.lonely.example")],
    ("auth", "auth_reg_reg_sip.lonely.example"): [("username", "3000"), ("password", "pw-3000")],
    ("registration", "reg_sip.lonely.example"): [
        *_TRUNK_REGISTRATION, ("server_uri", "sip:sip.lonely.example"), ("client_uri", "sip:3000@sip.lonely.example"),
        ("contact_user", "3000"), ("expiration", "300"), ("transport", "transport-udp"),
        ("line", "yes"), ("endpoint", "reg_sip.lonely.example"), ("outbound_auth", "auth_reg_reg_sip.lonely.example"),
    ],
}  # fmt: skip

_LOCAL_NETS = [("local_net", "192.168.0.0/255.255.0.0"), ("local_net", "10.0.0.0/8")]
_NAT_ADDRESSES = [("external_signaling_address", "203.0.113.10"), ("external_media_address", "203.0.113.10")]
EXPECTED_ENGINE: dict[tuple[str, str], Fields] = {
    ("transport", "transport-udp"): [("protocol", "udp"), ("bind", "0.0.0.0:5060"), *_NAT_ADDRESSES, *_LOCAL_NETS,
                                     ("tos", "cs3")],
    ("transport", "transport-tcp"): [("protocol", "tcp"), ("bind", "0.0.0.0:5070"), *_NAT_ADDRESSES, *_LOCAL_NETS,
                                     ("tos", "cs3")],
    ("global", "global"): [("user_agent", "Example PBX"), ("debug", "no"), ("default_realm", "pbx.example.com")],
    ("system", "system"): [("timer_t1", "500"), ("compact_headers", "yes")],
}  # fmt: skip


async def test_the_fixture_migrates_to_the_expected_templates_endpoints_and_objects(world: World) -> None:
    tenant, report = await import_fixture(world)

    assert report.templates == ["general", "office", "codecs-hd", "remote-office", "trunk"]
    assert report.endpoints == ["1001", "1002", "1003", "1004", "kiosk", "acme", "voip", "reg_sip.lonely.example"]
    assert report.transports == ["transport-udp", "transport-tcp"]
    assert report.engine_options == ["global", "system"]

    stored = await stored_configs(world.db, tenant)
    assert set(stored) == set(EXPECTED_CONFIGS)
    for name, expected in EXPECTED_CONFIGS.items():
        assert stored[name] == expected, name

    objects = await stored_objects(world.db, tenant)
    assert set(objects) == set(EXPECTED_OBJECTS)
    for key, fields in EXPECTED_OBJECTS.items():
        assert objects[key] == fields, key

    async with world.db.reading() as session:
        row = await session.get(Tenant, tenant)
        assert row is not None
        engine_state = await engine_objects(session, row.engine_uuid, list(EXPECTED_ENGINE))
    assert {k: list(v) for k, v in engine_state.items()} == EXPECTED_ENGINE


async def test_a_dry_run_reports_the_same_and_writes_nothing(world: World) -> None:
    await new_tenant(world, "pbx")
    before = await snapshot(world.db)
    report = await import_file(world, SIP_CONF, "pbx", dry_run=True)
    assert report.dry_run and len(report.endpoints) == 8 and report.changes is not None
    assert await snapshot(world.db) == before


# --------------------------------------------------------------------------- (2) sip_to_pjsip's table, literally


@dataclass
class PeerView:
    """A peer as the script sees it: [general] folded in as defaults, then its fully inherited lines."""

    name: str
    general: Fields
    inherited: Fields  # bases' variables then own, as Asterisk applies them
    own: Fields

    def get(self, key: str) -> str | None:
        values = self.all(key)
        return values[-1] if values else None

    def all(self, key: str) -> list[str]:
        return [v for k, v in [*self.general, *self.inherited] if k.lower() == key]

    def own_or_inherited(self, key: str) -> str | None:
        values = [v for k, v in self.inherited if k.lower() == key]
        return values[-1] if values else None


@dataclass
class Reference:
    """The script's endpoint, aor and auth options for one peer."""

    single: dict[str, dict[str, str]] = field(default_factory=lambda: {"endpoint": {}, "aor": {}, "auth": {}})
    multiple: dict[str, Fields] = field(default_factory=lambda: {"endpoint": [], "aor": [], "auth": []})


# The table's simple renames for the keys of the fixture (asterisk-notes §5; peer_map in the script).
SCRIPT_RENAMES = {
    "context": "context",
    "callerid": "callerid",
    "language": "language",
    "fromuser": "from_user",
    "fromdomain": "from_domain",
    "externip": "external_media_address",
}


def script_reference(view: PeerView) -> Reference:
    """sip_to_pjsip's per-option table applied to one peer's options (the keys the fixture uses)."""
    ref = Reference()
    endpoint, aor = ref.single["endpoint"], ref.single["aor"]
    for sip_key, pjsip_key in SCRIPT_RENAMES.items():
        if view.get(sip_key) is not None:
            endpoint[pjsip_key] = view.get(sip_key) or ""
    dtmf = view.get("dtmfmode")
    if dtmf is not None:
        endpoint["dtmf_mode"] = {"rfc2833": "rfc4733", "inband": "inband", "info": "info"}.get(dtmf, "none")
    nat = view.get("nat") or ""
    if "yes" in nat:
        endpoint |= {"rtp_symmetric": "yes", "rewrite_contact": "yes"}
    if "comedia" in nat:
        endpoint["rtp_symmetric"] = "yes"
    if "force_rport" in nat:
        endpoint |= {"force_rport": "yes", "rewrite_contact": "yes"}
    direct = view.get("directmedia") or ""
    for flag, (key, value) in {
        "yes": ("direct_media", "yes"),
        "update": ("direct_media_method", "update"),
        "outgoing": ("directed_media_glare_mitigation", "outgoing"),
        "nonat": ("disable_directed_media_on_nat", "yes"),
        "no": ("direct_media", "no"),
    }.items():
        if flag in direct:  # the script tests substrings, so 'nonat' also matches 'no'
            endpoint[key] = value
    rpid = view.get("sendrpid")
    if rpid in ("yes", "rpid"):
        endpoint["send_rpid"] = "yes"
    elif rpid == "pai":
        endpoint["send_pai"] = "yes"
    if view.get("progressinband") is not None:
        endpoint["inband_progress"] = (
            "no" if view.get("progressinband") == "never" else view.get("progressinband") or ""
        )
    if view.get("mailbox") is not None:
        target = aor if view.get("subscribemwi") == "yes" else endpoint
        target["mailboxes"] = view.get("mailbox") or ""
    if view.get("secret") is not None:
        ref.single["auth"] |= {"username": view.name, "password": view.get("secret") or ""}
    _script_host(view, ref)
    for sip_key, pjsip_key in {"qualifyfreq": "qualify_frequency", "maxexpiry": "maximum_expiration",
                               "defaultexpiry": "default_expiration"}.items():  # fmt: skip
        if view.get(sip_key) is not None:
            aor[pjsip_key] = view.get(sip_key) or ""
    ref.multiple["endpoint"] += _script_codecs(view) + [("set_var", v) for v in view.all("setvar")]
    # permit/deny/acl go to one [acl] section shared by all peers, not to the endpoint
    return ref


def _script_host(view: PeerView, ref: Reference) -> None:
    host = view.get("host")
    if host is None:
        return
    if host == "dynamic":
        ref.single["aor"]["max_contacts"] = "1"
        return
    user = view.get("defaultuser") or view.get("username")
    port = view.get("port")
    ref.multiple["aor"].append(("contact", f"sip:{user + '@' if user else ''}{host}{':' + port if port else ''}"))


def _script_codecs(view: PeerView) -> Fields:
    """Merged allow/disallow (general, templates, peer); a peer's own disallow=all keeps only its allows."""
    own_disallow = [v for k, v in view.own if k == "disallow"]
    if "all" in own_disallow:
        return [("disallow", "all")] + [("allow", v) for k, v in view.own if k == "allow"]
    disallow = list(dict.fromkeys(view.all("disallow")))
    allow = list(dict.fromkeys(view.all("allow")))
    return [("disallow", v) for v in disallow] + [("allow", v) for v in allow]


@dataclass(frozen=True)
class Improvement:
    """One documented difference from the script (docs/import-sip-conf.md), as an edit of its output."""

    name: str
    apply: Callable[[PeerView, Reference], None]


def _per_peer_acls(view: PeerView, ref: Reference) -> None:
    ref.multiple["endpoint"] += [(k, v) for k, v in view.inherited if k in ("permit", "deny", "acl")]


def _codecs_in_order(view: PeerView, ref: Reference) -> None:
    ref.multiple["endpoint"] = [(k, v) for k, v in ref.multiple["endpoint"] if k not in ("allow", "disallow")]
    ref.multiple["endpoint"] += [(k, v) for k, v in [*view.general, *view.inherited] if k in ("allow", "disallow")]


def _nat_no_is_explicit(view: PeerView, ref: Reference) -> None:
    if view.get("nat") == "no":
        ref.single["endpoint"] |= {"rtp_symmetric": "no", "force_rport": "no", "rewrite_contact": "no"}


def _direct_media_spelling(view: PeerView, ref: Reference) -> None:
    endpoint = ref.single["endpoint"]
    if endpoint.pop("disable_directed_media_on_nat", None) is not None:
        endpoint |= {"direct_media": "yes", "disable_direct_media_on_nat": "yes"}


def _qualify_needs_qualify(view: PeerView, ref: Reference) -> None:
    ref.single["aor"].pop("qualify_frequency", None)
    qualify = view.get("qualify")
    if qualify in (None, "no"):
        return
    ref.single["aor"]["qualify_frequency"] = view.get("qualifyfreq") or "60"
    if qualify and qualify.isdigit():
        ref.single["aor"]["qualify_timeout"] = f"{int(qualify) / 1000:g}"


def _dynamic_replaces_registration(view: PeerView, ref: Reference) -> None:
    if view.get("host") == "dynamic":
        ref.single["aor"]["remove_existing"] = "yes"


def _general_externip_is_a_transport_option(view: PeerView, ref: Reference) -> None:
    ref.single["endpoint"].pop("external_media_address", None)


def _contact_names_the_transport(view: PeerView, ref: Reference) -> None:
    transport = (view.get("transport") or "udp").split(",")[0]
    if transport in ("tcp", "tls"):
        ref.multiple["aor"] = [
            (k, f"{v};transport={transport}" if k == "contact" else v) for k, v in ref.multiple["aor"]
        ]


def _general_callerid_is_not_a_peer_default(view: PeerView, ref: Reference) -> None:
    if view.own_or_inherited("callerid") is None:
        ref.single["endpoint"].pop("callerid", None)


IMPROVEMENTS = [
    Improvement("permit/deny/acl stay on their peer's endpoint, never merged across peers", _per_peer_acls),
    Improvement(
        "allow/disallow apply in chan_sip's order: a template's disallow=all drops [general]'s allows", _codecs_in_order
    ),
    Improvement("nat=no writes rtp_symmetric, force_rport and rewrite_contact = no", _nat_no_is_explicit),
    Improvement(
        "directmedia=nonat is direct_media=yes + disable_direct_media_on_nat (spelled right)", _direct_media_spelling
    ),
    Improvement(
        "qualifyfreq only sets the frequency of qualify=yes|<ms>; <ms> is qualify_timeout", _qualify_needs_qualify
    ),
    Improvement("host=dynamic also sets remove_existing=yes", _dynamic_replaces_registration),
    Improvement("the contact of a peer that uses TCP or TLS first says ;transport=", _contact_names_the_transport),
    Improvement(
        "[general] externip is a transport option, not an endpoint one", _general_externip_is_a_transport_option
    ),
    Improvement("[general] callerid is not a per-peer default", _general_callerid_is_not_a_peer_default),
]


def peer_views(path: Path) -> dict[str, PeerView]:
    parsed = parse_config(path)
    general = next(s for s in parsed.sections if s.name == "general")
    general_lines = [(k.lower(), v) for k, v, _ in general.variables]
    return {
        s.name: PeerView(s.name, general_lines, [(k.lower(), v) for k, v, _ in inherited_lines(parsed, s)], _own(s))
        for s in parsed.sections
        if not s.is_template and s.name not in ("general", "authentication")
    }


def _own(section: ConfSection) -> Fields:
    return [(k.lower(), v) for k, v, _ in section.lines]


def normalized(section: str, single: dict[str, str], multiple: Fields) -> tuple[dict[str, str], Fields, Fields]:
    """What Asterisk ends up with: defaults dropped, booleans spelled one way, codecs as the allowed list.

    Accumulating options keep their order within one key (ACL rules, set_var), which is all that matters.
    """
    out: dict[str, str] = {}
    for key, value in single.items():
        effective = _effective(section, key, value)
        if effective != _effective(section, key, None):
            out[key] = effective
    codecs = [(k, v) for k, v in multiple if k in ("allow", "disallow")]
    others = sorted(((k, v) for k, v in multiple if k not in ("allow", "disallow")), key=lambda kv: kv[0])
    return out, [("codecs", ",".join(_allowed(codecs)))] if codecs else [], others


def _effective(section: str, key: str, value: str | None) -> str:
    spec = CATALOG.spec(section, key)
    if value is None:
        value = spec.default if spec is not None and spec.default is not None else ""
    if spec is not None and spec.type == BOOLEAN:
        return "yes" if value.lower() in ("yes", "true", "1", "on", "y", "t") else "no"
    return value


def _allowed(sequence: Fields) -> list[str]:
    allowed: list[str] = []
    for key, value in sequence:
        for codec in (c.strip() for c in value.split(",")):
            if key == "disallow":
                allowed = [] if codec == "all" else [c for c in allowed if c != codec]
            elif codec not in allowed:
                allowed.append(codec)
    return allowed


def _split(section: str, fields: Fields) -> tuple[dict[str, str], Fields]:
    single: dict[str, str] = {}
    multiple: Fields = []
    for key, value in fields:
        if CATALOG.is_multiple(section, key):
            multiple.append((key, value))
        else:
            single[key] = value
    return single, multiple


REFERENCES = ("aors", "auth", "outbound_auth", "transport")


def resolved_from_objects(objects: dict[tuple[str, str], Fields], name: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for section in ("endpoint", "aor", "auth"):
        fields = [(k, v) for k, v in objects.get((section, name), []) if section != "endpoint" or k not in REFERENCES]
        out[section] = normalized(section, *_split(section, fields))
    return out


def resolved_from_reference(ref: Reference) -> dict[str, Any]:
    return {s: normalized(s, ref.single[s], ref.multiple[s]) for s in ("endpoint", "aor", "auth")}


async def test_resolved_endpoints_match_a_literal_reading_of_sip_to_pjsip_with_the_listed_improvements(
    world: World,
) -> None:
    tenant, _ = await import_fixture(world)
    objects = await stored_objects(world.db, tenant)
    views = peer_views(SIP_CONF)
    # sections without type= are converted by the script, ignored by chan_sip and by the import
    assert "orphan" in views and ("endpoint", "orphan") not in objects
    compared = [name for name in views if name != "orphan"]
    assert compared == ["1001", "1002", "1003", "1004", "kiosk", "acme", "voip"]

    changed_by: dict[str, list[str]] = {i.name: [] for i in IMPROVEMENTS}
    for name in compared:
        reference = script_reference(views[name])
        for improvement in IMPROVEMENTS:
            before = resolved_from_reference(reference)
            improvement.apply(views[name], reference)
            if resolved_from_reference(reference) != before:
                changed_by[improvement.name].append(name)
        assert resolved_from_objects(objects, name) == resolved_from_reference(reference), name
    # every listed improvement is a real difference on this fixture, so the list stays honest
    assert all(changed_by.values()), {k: v for k, v in changed_by.items() if not v}


# --------------------------------------------------------------------------- (3) the report


def expected_unmapped(path: Path) -> set[tuple[int, str, str | None]]:
    """(line, section, key) of every line marked ``; UNMAPPED`` in the fixture."""
    expected: set[tuple[int, str, str | None]] = set()
    section = ""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        header = re.match(r"\[([^\]]+)\]", line)
        if header:
            section = header.group(1)
        if "; UNMAPPED" in line:
            key = None if header else line.split("=")[0].strip()
            expected.add((number, section, key))
    return expected


async def test_every_unmapped_option_is_reported_per_section_with_file_and_line(world: World) -> None:
    plan = plan_sip_conf(parse_config(SIP_CONF))
    got = {(u.source.line, u.section, u.key) for u in plan.unmapped if u.source is not None}
    assert all(u.source is not None and u.source.file == str(SIP_CONF) for u in plan.unmapped)
    assert got == expected_unmapped(SIP_CONF)
    assert all(u.reason for u in plan.unmapped)

    _, report = await import_fixture(world)
    assert report.unmapped == [str(u) for u in plan.unmapped]
    assert f"{SIP_CONF}:74: [1002] videosupport: " in report.summary()
    # a report goes to logs and terminals: it never carries a secret of the file
    for secret in ("s3cret", "door-secret", "kiosk-pw", "acme-secret", "pw-", "voip-pass", "0123456789abcdef"):
        assert secret not in report.summary()


def test_reader_warnings_are_reported_under_their_section() -> None:
    from app.asterisk.conf import parse_text

    plan = plan_sip_conf(parse_text("[general]\ncontext=x\n[p]\ntype=friend\n#exec /bin/true\n", name="sip.conf"))
    assert [str(u) for u in plan.unmapped] == ["sip.conf:5: [p]: #exec is not run: its output cannot be imported"]


def test_every_key_the_table_can_produce_is_a_writable_pjsip_option() -> None:
    plan = plan_sip_conf(parse_config(SIP_CONF))
    assert not [u for u in plan.unmapped if "importer bug" in u.reason]
    for config in plan.templates + plan.endpoints:
        for section, options in config.sections.items():
            for key, _ in options:
                assert CATALOG.spec(section.object_type, key) is not None, (config.name, section, key)


# --------------------------------------------------------------------------- (4) bad input


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("binary.conf", "binary.conf:6: binary data (NUL byte)"),
        ("unknown_base.conf", "unknown_base.conf:4: base [missing-template] is not defined before this section"),
        ("refused.conf", "refused.conf:1: option before any section (Asterisk refuses to load the file)"),
    ],
)
async def test_unreadable_files_fail_clearly_and_change_nothing(world: World, fixture: str, message: str) -> None:
    await new_tenant(world, "pbx")
    before = await snapshot(world.db)
    with pytest.raises(ConfigError) as caught:
        await import_file(world, FIXTURES / fixture, "pbx")
    assert str(caught.value).endswith(message)
    assert await snapshot(world.db) == before


async def test_an_invalid_value_names_its_line_and_nothing_is_written(world: World) -> None:
    await new_tenant(world, "pbx")
    before = await snapshot(world.db)
    with pytest.raises(InvalidInput) as caught:
        await import_file(world, FIXTURES / "bad_value.conf", "pbx")
    assert [(i.field, i.message) for i in caught.value.issues] == [
        (f"{FIXTURES / 'bad_value.conf'}:9 [2001] options.aor[0].value",
         "aor option 'qualify_frequency': 'often' is not an integer"
         " (decimal, 0x hexadecimal or 0 octal, as Asterisk reads it)"),
    ]  # fmt: skip
    assert await snapshot(world.db) == before


async def test_a_tenant_with_default_templates_is_refused_without_writing(world: World) -> None:
    await new_tenant(world, "pbx", default_templates=True)
    before = await snapshot(world.db)
    with pytest.raises(InvalidInput) as caught:
        await import_file(world, SIP_CONF, "pbx")
    messages = {i.message for i in caught.value.issues}
    assert messages == {
        "template 'general' already exists in the tenant",
        "template 'trunk' already exists in the tenant",
    }
    assert await snapshot(world.db) == before


# --------------------------------------------------------------------------- register => and [authentication]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("alice@sip.example.com", ("", "udp", "alice", "", "", "", "", "sip.example.com", None, "", "")),
        ("tls://bob:pw:auth@sip.example.com:5061/200~300",
         ("", "tls", "bob", "", "", "pw", "auth", "sip.example.com", "5061", "200", "300")),
        ("trunk?carol@example.org:5062:pw:authuser@[2001:db8::1]:5060",
         ("trunk", "udp", "carol", "example.org", "5062", "pw", "authuser", "[2001:db8::1]", "5060", "", "")),
    ],
)  # fmt: skip
def test_register_lines_are_split_like_chan_sip(line: str, expected: tuple[str | None, ...]) -> None:
    r = parse_register(line, parse_config(SIP_CONF).sections[0].where)
    got = (r.peer, r.protocol, r.user, r.domain, r.domain_port, r.secret, r.auth_user, r.host, r.port, r.extension,
           r.expiry)  # fmt: skip
    assert got == expected


def test_a_malformed_register_line_is_reported_without_its_secret() -> None:
    from app.asterisk.conf import parse_text

    plan = plan_sip_conf(parse_text("[general]\nregister => user:topsecret\n", name="sip.conf"))
    assert [(u.section, u.key) for u in plan.unmapped] == [("general", "register")]
    assert "topsecret" not in str(plan.unmapped[0])
    assert not any(t.name == "trunk" for t in plan.templates)


def test_a_template_that_overrides_general_with_a_default_keeps_it() -> None:
    """[general] nat=no, template nat=yes: the template's force_rport=yes is a default but overrides general."""
    from app.asterisk.conf import parse_text

    text = "[general]\nnat=no\n[t](!)\nnat=yes\n[p](t)\ntype=friend\n"
    plan = plan_sip_conf(parse_text(text, name="sip.conf"))
    template = next(t for t in plan.templates if t.name == "t")
    endpoint = plan.endpoints[0]
    assert ("force_rport", "yes") in template.sections[Section.ENDPOINT]
    assert endpoint.sections == {}  # nothing to correct on the endpoint


def test_value_conversions_and_overrides_where_a_template_does_not_fit_its_peer() -> None:
    from app.asterisk.conf import parse_text

    text = (
        "[general]\noutboundproxy=proxy.example.com:5062\nsession-timers=accept\nregister => p?u:pw@sip.example.com\n"
        "[t](!)\ntype=friend\nhost=dynamic\nmailbox=100@default\ndtlsenable=yes\n"
        "[p](t)\nsubscribemwi=yes\nencryption=yes\ndtmfmode=auto\nsession-timers=refuse\n"
        "t38pt_udptl=yes,redundancy,maxdatagram=400\nmd5secret=0123abcd\nsendrpid=yes\nqualify=no\n"
    )
    plan = plan_sip_conf(parse_text(text, name="sip.conf"))
    general = next(t for t in plan.templates if t.name == "general")
    template = next(t for t in plan.templates if t.name == "t")
    trunk = next(t for t in plan.templates if t.name == "trunk")
    (peer,) = plan.endpoints
    assert dict(general.sections[Section.ENDPOINT]) == {"outbound_proxy": "sip:proxy.example.com:5062;lr"}
    assert dict(trunk.sections[Section.REGISTRATION])["outbound_proxy"] == "sip:proxy.example.com:5062;lr"
    assert dict(template.sections[Section.ENDPOINT]) == {"mailboxes": "100@default", "media_encryption": "dtls"}
    assert dict(peer.sections[Section.ENDPOINT]) == {
        "media_encryption": "dtls",  # dtlsenable (from the template) wins over encryption, as in the script
        "dtmf_mode": "auto",
        "timers": "no",
        "t38_udptl": "yes",
        "t38_udptl_ec": "redundancy",
        "t38_udptl_maxdatagram": "400",
        "send_rpid": "yes",
        "mailboxes": "",  # subscribemwi=yes on the peer moves the template's mailbox to the aor
    }
    assert dict(peer.sections[Section.AOR]) == {"mailboxes": "100@default"}  # qualify=no is the default
    assert dict(peer.sections[Section.AUTH]) == {"username": "p", "md5_cred": "0123abcd", "auth_type": "md5"}
    assert peer.parents == ["trunk", "t"]  # peer? names the registration's endpoint
    assert plan.unmapped == []


# --------------------------------------------------------------------------- the command line


def test_the_command_imports_and_reports(tmp_path: Path) -> None:
    """The command in the real `import` group (app/cli/imports.py), registered as app/cli/main.py will."""
    env = {**os.environ, "PJSIP_GRAPH_DATA_DIR": str(tmp_path / "data")}
    env.pop("PJSIP_GRAPH_DATABASE_URL", None)
    setup = (
        "import asyncio\n"
        "from app.db.database import Database\n"
        "from app.db.migrate import upgrade\n"
        "from app.services.bootstrap import bootstrap\n"
        "from app.services.tenants import create_tenant\n"
        "from app.services.operator import operator_caller\n"
        "from app.settings import get_settings\n"
        "s = get_settings(); upgrade(s.resolved_database_url)\n"
        "async def main():\n"
        "    db = Database(s.resolved_database_url); await bootstrap(db, s.admin_token_path)\n"
        "    await create_tenant(db, await operator_caller(db), name='pbx', slug='pbx', parent_uuid=None,\n"
        "                        with_default_templates=False)\n"
        "    await db.dispose()\n"
        "asyncio.run(main())\n"
    )
    app = (
        "import typer\n"
        "from app.cli.imports import import_cli\n"
        "from app.cli.sip_import import sip_conf\n"
        "import_cli.command('sip-conf')(sip_conf)\n"
        "app = typer.Typer(); app.add_typer(import_cli, name='import')\n"
        "app()\n"
    )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", app, "import", "sip-conf", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120, check=False)  # fmt: skip

    assert subprocess.run([sys.executable, "-c", setup], cwd=ROOT, env=env, timeout=120, check=False).returncode == 0
    dry = run(str(SIP_CONF), "--tenant", "pbx", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("would create: 5 templates, 8 endpoints, 2 transports, global and system options")
    done = run(str(SIP_CONF), "--tenant", "pbx")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("created: 5 templates, 8 endpoints")
    again = run(str(SIP_CONF), "--tenant", "pbx")
    assert again.returncode == 2 and "template 'general' already exists in the tenant" in again.stderr
    binary = run(str(FIXTURES / "binary.conf"), "--tenant", "pbx")
    assert binary.returncode == 2 and "binary data (NUL byte)" in binary.stderr
    unknown = run(str(SIP_CONF), "--tenant", "nobody")
    assert unknown.returncode == 2 and "no tenant 'nobody'" in unknown.stderr


# --------------------------------------------------------------------------- import rules shared with mutations


async def test_import_depth_limit_matches_mutations(world: World) -> None:
    tenant = await new_tenant(world, "deep")
    caller = await caller_for(world.db, world.admin_token)
    chain = [PlannedConfig(f"t{i}", parents=[f"t{i - 1}"] if i else []) for i in range(15)]
    plan = ImportPlan(templates=chain, endpoints=[PlannedConfig("deep", parents=["t14"])])
    report = await apply_import(world.db, caller, tenant_uuid=tenant, plan=plan, dry_run=True)
    assert report.endpoints == ["deep"]


async def test_mutations_accept_an_endpoint_under_15_chained_templates(world: World) -> None:
    """The rule the test above holds the import to (docs/domain.md §3: depth 16)."""
    tenant = await new_tenant(world, "deep")
    caller = await caller_for(world.db, world.admin_token)
    parent: list[UUID] = []
    for i in range(15):
        new = configs.NewConfig(tenant_uuid=tenant, name=f"t{i}", parent_uuids=parent, sections={})
        result = await configs.create_config(world.db, caller, ConfigKind.TEMPLATE, new, dry_run=False)
        assert result.view is not None
        parent = [result.view.record.uuid]
    new = configs.NewConfig(tenant_uuid=tenant, name="deep", parent_uuids=parent, sections={})
    assert (await configs.create_config(world.db, caller, ConfigKind.ENDPOINT, new, dry_run=True)).view is not None


async def test_import_refuses_more_than_20_parents(world: World) -> None:
    tenant = await new_tenant(world, "many")
    caller = await caller_for(world.db, world.admin_token)
    templates = [PlannedConfig(f"p{i}") for i in range(21)]
    plan = ImportPlan(templates=templates, endpoints=[PlannedConfig("many", parents=[t.name for t in templates])])
    with pytest.raises(InvalidInput):
        await apply_import(world.db, caller, tenant_uuid=tenant, plan=plan, dry_run=True)


async def test_import_refuses_a_transport_named_like_an_endpoint(world: World) -> None:
    tenant = await new_tenant(world, "clash")
    caller = await caller_for(world.db, world.admin_token)
    new = configs.NewConfig(tenant_uuid=tenant, name="clash", parent_uuids=[], sections={})
    await configs.create_config(world.db, caller, ConfigKind.ENDPOINT, new, dry_run=False)
    plan = ImportPlan(transports=[PlannedTransport("clash", (("protocol", "udp"), ("bind", "0.0.0.0:5090")))])
    with pytest.raises(InvalidInput):
        await apply_import(world.db, caller, tenant_uuid=tenant, plan=plan, dry_run=True)
