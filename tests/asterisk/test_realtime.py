"""Asterisk realtime tables: conversion rules, and the ps_* rows after random mutations.

The realtime database is a fresh PostgreSQL database (``pjsip_graph_rt_<pid>``)
whatever the product's backend; every test that needs it skips when PostgreSQL
does not answer (and fails under PJSIP_GRAPH_REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import asyncio
import os
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa
from sqlmodel import col
from typer.testing import CliRunner

from app.asterisk.realtime import follower as follower_module
from app.asterisk.realtime.apply import ApplyReport, apply_updates, write_in_transaction
from app.asterisk.realtime.convert import encode_value, object_to_row, row_to_fields, split_column
from app.asterisk.realtime.follower import RealtimeFollower, checkpoint_t
from app.asterisk.realtime.schema import METADATA, OBJECT_TYPES, TABLE_BY_TYPE
from app.cli.realtime import REALTIME_URL_ENV, realtime_cli
from app.db.database import Database
from app.db.models import Engine, SorceryObjectRow
from app.db.session import create_engine
from app.domain.catalog import load_catalog
from app.domain.resolution import ConfigKind
from app.domain.sections import Options, Section, to_options
from app.events.records import read_updates
from app.events.retention import prune
from app.record import sync
from app.services import configs, engines
from app.services.access import Caller
from tests.conftest import World
from tests.helpers import caller_for, default_template, new_tenant

# More seeds explore more series: PJSIP_GRAPH_REALTIME_SEEDS=1,2,3 pytest tests/asterisk/test_realtime.py
SEEDS = [int(s) for s in os.environ.get("PJSIP_GRAPH_REALTIME_SEEDS", "7").split(",")]
CATALOG = load_catalog()

# ---------------------------------------------------------------------------------------------
# Conversion (no database)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [(s, "yes") for s in ("yes", "YES", "true", "on", "1", "y", "T")]
    + [(s, "no") for s in ("no", "False", "off", "0", "n", "f")],
)
def test_booleans_are_written_as_the_enum_spelling(given: str, stored: str) -> None:
    conversion = object_to_row("endpoint", "alice", (("direct_media", given),))
    assert conversion.row == {"id": "alice", "direct_media": stored}
    assert row_to_fields("ps_endpoints", conversion.row) == (("direct_media", stored),)


def test_native_boolean_column_and_bad_booleans() -> None:
    conversion = object_to_row("transport", "t1", (("tcp_keepalive_enable", "On"), ("allow_reload", "maybe")))
    assert conversion.row == {"id": "t1", "tcp_keepalive_enable": True}
    assert [(r.key, r.value) for r in conversion.rejected] == [("allow_reload", "maybe")]
    assert row_to_fields("ps_transports", {"id": "t1", "tcp_keepalive_enable": False}) == (
        ("tcp_keepalive_enable", "no"),
    )


def test_accumulating_values_are_joined_and_semicolons_escaped() -> None:
    fields: Options = (
        ("set_var", "A=1;2"),
        ("allow", "ulaw"),
        ("set_var", "B=x^3By"),
        ("allow", "alaw"),
        ("callerid", "Bob;Jr <100>"),
    )
    row = object_to_row("endpoint", "bob", fields).row
    assert row == {
        "id": "bob",
        "set_var": "A=1^3B2;B=x^5E3By",
        "allow": "ulaw;alaw",
        "callerid": "Bob^3BJr <100>",
    }
    assert row_to_fields("ps_endpoints", row) == (
        ("allow", "ulaw"),
        ("allow", "alaw"),
        ("callerid", "Bob;Jr <100>"),
        ("set_var", "A=1;2"),
        ("set_var", "B=x^3By"),
    )


def test_single_valued_keys_keep_the_last_value() -> None:
    row = object_to_row("endpoint", "a", (("context", "one"), ("context", "two"))).row
    assert row == {"id": "a", "context": "two"}


def test_blanks_at_the_edges_survive_escaped_and_empty_values_are_reported() -> None:
    assert encode_value(" x ") == "^20x^20"
    assert encode_value("  ") == "^20^20"
    conversion = object_to_row("endpoint", "a", (("callerid", " x "), ("set_var", ""), ("set_var", "V=1")))
    assert conversion.row == {"id": "a", "callerid": "^20x^20", "set_var": "V=1"}
    assert [(r.key, r.value) for r in conversion.rejected] == [("set_var", "")]
    assert row_to_fields("ps_endpoints", conversion.row) == (("callerid", " x "), ("set_var", "V=1"))


def test_reading_splits_strips_decodes_and_drops_empty_pieces_like_asterisk() -> None:
    assert split_column(" a ; b;;^3B;^5E3B;^20") == ["a", "b", ";", "^3B", " "]
    row = {"id": "x", "contact": "sip:a@h^3Btransport=udp; sip:b@h", "max_contacts": 3, "qualify_timeout": 3.0}
    assert row_to_fields("ps_aors", {**row, "mailboxes": None}) == (
        ("contact", "sip:a@h;transport=udp"),
        ("contact", "sip:b@h"),
        ("max_contacts", "3"),
        ("qualify_timeout", "3"),
    )


def test_options_without_a_column_are_reported_not_dropped() -> None:
    conversion = object_to_row(
        "transport",
        "t1",
        (("protocol", "udp"), ("websocket_write_timeout", "100"), ("ca_list_path", "/etc/ca"), ("bind", "0.0.0.0")),
    )
    assert conversion.row == {"id": "t1", "protocol": "udp", "bind": "0.0.0.0"}
    assert conversion.unmapped == (("websocket_write_timeout", "100"), ("ca_list_path", "/etc/ca"))
    extended = object_to_row("aor", "a", (("@x", "1"), ("contact", "sip:a@b"), ("@x", "2")))
    assert extended.unmapped == (("@x", "2"),)  # `@x` is single-valued: Asterisk keeps the last


def test_values_the_column_cannot_hold_are_rejected() -> None:
    conversion = object_to_row(
        "endpoint",
        "a",
        (
            ("dtmf_mode", "none"),  # valid for Asterisk, missing from the database enum
            ("context", "c" * 41),  # varchar(40)
            ("rtp_timeout", "99999999999"),  # beyond a 32-bit integer
            ("callerid_privacy", "allowed_passed_screen"),  # the enum spells it ..._screened
        ),
    )
    assert conversion.row == {"id": "a"}
    assert [r.key for r in conversion.rejected] == ["dtmf_mode", "context", "rtp_timeout", "callerid_privacy"]
    digest = object_to_row("auth", "a", (("auth_type", "digest"),))
    assert digest.row == {"id": "a"}
    assert digest.rejected[0].key == "auth_type"


def test_enum_labels_case_and_synonyms() -> None:
    conversion = object_to_row(
        "endpoint", "a", (("dtmf_mode", "RFC4733"), ("timers", "always"), ("dtls_fingerprint", "sha-256"))
    )
    assert conversion.row == {"id": "a", "dtmf_mode": "rfc4733", "timers": "forced", "dtls_fingerprint": "SHA-256"}
    assert conversion.rejected == ()


def test_numbers() -> None:
    conversion = object_to_row("aor", "a", (("max_contacts", "0x10"), ("qualify_timeout", "2.5")))
    assert conversion.row == {"id": "a", "max_contacts": 16, "qualify_timeout": 2.5}
    assert row_to_fields("ps_aors", conversion.row) == (("max_contacts", "16"), ("qualify_timeout", "2.5"))


def test_objects_that_cannot_be_stored() -> None:
    too_long = object_to_row("transport", "t" * 41, (("protocol", "udp"),))
    assert too_long.row is None
    assert too_long.problem is not None and "41" in too_long.problem
    no_table = object_to_row("contact", "c", ())
    assert no_table.row is None and no_table.table is None


def test_interleaved_shared_lists_are_reported_as_reordered() -> None:
    assert object_to_row("endpoint", "a", (("disallow", "all"), ("allow", "ulaw"))).reordered == ()
    conversion = object_to_row("endpoint", "a", (("allow", "ulaw"), ("disallow", "all"), ("permit", "10.0.0.0/8")))
    assert conversion.reordered == ("disallow", "allow")


# Options of the catalog that no ps_* column can hold (besides `type`, which the table implies).
NO_COLUMN: dict[str, set[str]] = {"transport": {"ca_list_path", "websocket_write_timeout"}}


def test_every_catalog_option_has_a_column_except_the_documented_ones() -> None:
    for object_type in OBJECT_TYPES:
        columns = set(TABLE_BY_TYPE[object_type].c.keys())
        missing = set(CATALOG.keys(object_type)) - columns - {"type"}
        assert missing == NO_COLUMN.get(object_type, set()), object_type


def test_schema_facts() -> None:
    assert len(TABLE_BY_TYPE["endpoint"].c) == 147
    assert [len(TABLE_BY_TYPE[t].c) for t in ("aor", "auth", "registration", "transport", "global", "system")] == [
        16,
        13,
        22,
        28,
        29,
        17,
    ]
    assert TABLE_BY_TYPE["transport"].c.id.type.length == 40  # type: ignore[attr-defined]
    assert list(TABLE_BY_TYPE["identify"].c.keys()) == [
        "id",
        "endpoint",
        "match",
        "srv_lookups",
        "match_header",
        "match_request_uri",
    ]


@pytest.fixture
def quiet_cli(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner whose commands keep pytest's log handlers (the CLI would replace the root ones)."""
    monkeypatch.setattr("app.logs.configure_logging", lambda level: None)
    return CliRunner()


def test_create_schema_command_is_idempotent(tmp_path: Path, quiet_cli: CliRunner) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'rt.db'}"
    runner = quiet_cli
    first = runner.invoke(realtime_cli, ["create-schema", "--url", url])
    again = runner.invoke(realtime_cli, ["create-schema"], env={REALTIME_URL_ENV: url})
    assert first.exit_code == 0, first.output
    assert again.exit_code == 0, again.output

    async def tables() -> set[str]:
        engine = create_engine(url)
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
        await engine.dispose()
        return names

    assert asyncio.run(tables()) >= {t.name for t in TABLE_BY_TYPE.values()}


# ---------------------------------------------------------------------------------------------
# The realtime database
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# Random mutations through the services
# ---------------------------------------------------------------------------------------------

PIECES = ("a", "b", "x1", "Z", ";", "^", "^3B", " ", "=", ",", "é", "<", "@")


def _text(rng: random.Random, pieces: int = 4) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(1, pieces)))


def _bool(rng: random.Random) -> str:
    spelling = rng.choice(("yes", "no", "true", "false", "on", "off", "1", "0", "y", "n", "t", "f"))
    return spelling.upper() if rng.random() < 0.2 else spelling


def _int(low: int, high: int) -> Any:
    return lambda rng: str(rng.randint(low, high))


def _one_of(*labels: str) -> Any:
    return lambda rng: rng.choice(labels) if rng.random() < 0.8 else rng.choice(labels).upper()


TEXT = _text
GENERATORS: dict[str, dict[str, Any]] = {
    "endpoint": {
        "context": TEXT,
        "callerid": TEXT,
        "language": lambda rng: rng.choice(("en_US", "fr_FR", "de")),
        "direct_media": _bool,
        "rtp_timeout": _int(0, 7200),
        "dtmf_mode": _one_of("rfc4733", "inband", "info", "auto", "auto_info"),
        "timers": _one_of("yes", "no", "required", "always", "forced"),
        "media_encryption": _one_of("no", "sdes", "dtls"),
        "force_rport": _bool,
        "set_var": lambda rng: f"V{rng.randint(1, 9)}={_text(rng)}",
        "allow": lambda rng: rng.choice(("ulaw", "alaw", "!all,g722", "opus")),
        "disallow": lambda rng: rng.choice(("all", "g729")),
        "@tag": TEXT,
        "100rel": _one_of("no", "required", "peer_supported", "yes"),
        "accountcode": TEXT,
    },
    "aor": {
        "contact": lambda rng: f"sip:u{rng.randint(1, 99)}@10.0.0.{rng.randint(1, 99)};transport=udp",
        "max_contacts": _int(1, 10),
        "qualify_frequency": _int(0, 300),
        "qualify_timeout": lambda rng: rng.choice(("3.0", "2.5", "1", "0.25")),
        "remove_existing": _bool,
        "@ext": TEXT,
        "mailboxes": TEXT,
    },
    "auth": {
        "username": TEXT,
        "password": TEXT,
        "realm": TEXT,
        "auth_type": _one_of("userpass", "md5"),
        "nonce_lifetime": _int(1, 600),
    },
    "identify": {
        "match": lambda rng: f"10.1.0.{rng.randint(1, 99)}",
        "srv_lookups": _bool,
        "match_header": lambda rng: f"X-Tenant: {_text(rng)}",
    },
    "registration": {
        "server_uri": lambda rng: f"sip:reg{rng.randint(1, 9)}.example.com;transport=tcp",
        "client_uri": lambda rng: f"sip:u{rng.randint(1, 99)}@example.com",
        "retry_interval": _int(10, 120),
        "expiration": _int(60, 3600),
        "contact_user": lambda rng: rng.choice(("a", "x1", "a;b", "a=b", "Z")),
    },
    "transport": {
        "protocol": _one_of("udp", "tcp"),
        "bind": lambda rng: f"0.0.0.0:{rng.randint(5000, 6000)}",
        "local_net": lambda rng: f"10.{rng.randint(0, 9)}.0.0/16",
        "allow_reload": _bool,
        "tcp_keepalive_enable": _bool,
        "websocket_write_timeout": _int(1, 500),
        "ca_list_path": TEXT,
        "external_media_address": lambda rng: f"192.0.2.{rng.randint(1, 99)}",
    },
    "global": {
        "user_agent": TEXT,
        "max_forwards": _int(10, 70),
        "keep_alive_interval": _int(0, 90),
        "norefersub": _bool,
        "debug": _one_of("no", "yes"),
        "default_from_user": TEXT,
    },
    "system": {"timer_t1": _int(100, 1000), "timer_b": _int(6400, 64000), "compact_headers": _bool},
}
# How many entries an accumulating key gets in one section (the columns are short: match is 80).
MAX_REPEAT = {"contact": 2, "match": 2, "local_net": 2, "allow": 2, "disallow": 1, "set_var": 3}


# Keys without which Asterisk refuses the object (and so does the product): always drawn.
REQUIRED_KEYS = {"auth": ("username", "password"), "identify": ("match",), "registration": ("server_uri", "client_uri")}


def _options(rng: random.Random, object_type: str, *, at_most: int = 4) -> Options:
    generators = GENERATORS[object_type]
    keys = rng.sample(sorted(generators), k=rng.randint(1, min(at_most, len(generators))))
    keys += [k for k in REQUIRED_KEYS.get(object_type, ()) if k not in keys]
    out: list[tuple[str, str]] = []
    for key in keys:
        repeat = rng.randint(1, MAX_REPEAT[key]) if key in MAX_REPEAT else 1
        out.extend((key, generators[key](rng)) for _ in range(repeat))
    rng.shuffle(out)
    return tuple(out)


class Scenario:
    """Random tenants, templates, endpoints and engine objects, changed through the services."""

    def __init__(self, rng: random.Random, db: Database, caller: Caller) -> None:
        self.rng = rng
        self.db = db
        self.caller = caller
        self.tenants: list[UUID] = []
        self.templates: dict[UUID, list[UUID]] = {}
        self.own_templates: dict[UUID, list[UUID]] = {}
        self.endpoints: dict[UUID, UUID] = {}
        self.transports: list[UUID] = []
        self.counter = 0

    def _name(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    async def run(self, steps: int) -> None:
        if not self.tenants:
            await self.new_tenant()
            await self.engine_options(with_system=True)
        actions = [
            (self.new_tenant, 1),
            (self.new_template, 3),
            (self.new_endpoint, 6),
            (self.update_template, 3),
            (self.update_endpoint, 4),
            (self.rename_endpoint, 2),
            (self.delete_endpoint, 2),
            (self.delete_template, 1),
            (self.transport, 2),
            (self.engine_options, 1),
        ]
        for _ in range(steps):
            action = self.rng.choices([a for a, _ in actions], weights=[w for _, w in actions])[0]
            await action()

    async def new_tenant(self) -> None:
        if len(self.tenants) >= 3:
            return
        tenant = await new_tenant(self.db, self.caller, self._name("Tenant "))
        self.tenants.append(tenant)
        roles = [await default_template(self.db, tenant, role) for role in ("sip", "webrtc", "trunk")]
        self.templates[tenant] = [t.uuid for t in roles]
        self.own_templates[tenant] = []

    def _sections(self, *, template: bool) -> dict[Section, Options]:
        rng = self.rng
        sections = {Section.ENDPOINT: _options(rng, "endpoint")}
        if template:
            # One entry per accumulating key at most, so inherited lists stay within their columns.
            if rng.random() < 0.5:
                sections[Section.AOR] = _single(_options(rng, "aor", at_most=2))
            if rng.random() < 0.3:
                sections[Section.IDENTIFY] = _single(_options(rng, "identify", at_most=2))
            return sections
        for section, object_type, chance in (
            (Section.AOR, "aor", 0.8),
            (Section.AUTH, "auth", 0.7),
            (Section.IDENTIFY, "identify", 0.4),
            (Section.REGISTRATION, "registration", 1.0),  # the trunk template has registration options
            (Section.OUTBOUND_AUTH, "auth", 0.3),
            (Section.REGISTRATION_OUTBOUND_AUTH, "auth", 0.3),
        ):
            if rng.random() < chance:
                sections[section] = _options(rng, object_type)
        return sections

    async def new_template(self) -> None:
        tenant = self.rng.choice(self.tenants)
        data = configs.NewConfig(tenant_uuid=tenant, name=self._name("tpl"), sections=self._sections(template=True))
        result = await configs.create_config(self.db, self.caller, ConfigKind.TEMPLATE, data, dry_run=False)
        assert result.view is not None
        self.own_templates[tenant].append(result.view.record.uuid)

    async def new_endpoint(self) -> None:
        tenant = self.rng.choice(self.tenants)
        parents = [self.rng.choice(self.templates[tenant])]
        if self.own_templates[tenant] and self.rng.random() < 0.7:
            parents.append(self.rng.choice(self.own_templates[tenant]))
        transport = self.rng.choice(self.transports) if self.transports and self.rng.random() < 0.3 else None
        data = configs.NewConfig(
            tenant_uuid=tenant,
            name=self._name("ep-"),
            parent_uuids=parents,
            transport_uuid=transport,
            sections=self._sections(template=False),
        )
        result = await configs.create_config(self.db, self.caller, ConfigKind.ENDPOINT, data, dry_run=False)
        assert result.view is not None
        self.endpoints[result.view.record.uuid] = tenant

    async def _update(self, kind: ConfigKind, uuid: UUID, patch: configs.ConfigPatch) -> None:
        await configs.update_config(self.db, self.caller, kind, uuid, patch, expected_revision=None, dry_run=False)

    async def update_template(self) -> None:
        choices = [t for ts in self.own_templates.values() for t in ts]
        if choices:
            patch = configs.ConfigPatch(sections=self._sections(template=True))
            await self._update(ConfigKind.TEMPLATE, self.rng.choice(choices), patch)

    async def update_endpoint(self) -> None:
        if self.endpoints:
            patch = configs.ConfigPatch(sections=self._sections(template=False))
            await self._update(ConfigKind.ENDPOINT, self.rng.choice(list(self.endpoints)), patch)

    async def rename_endpoint(self) -> None:
        if self.endpoints:
            patch = configs.ConfigPatch(name=self._name("renamed-"))
            await self._update(ConfigKind.ENDPOINT, self.rng.choice(list(self.endpoints)), patch)

    async def delete_endpoint(self) -> None:
        if self.endpoints:
            uuid = self.rng.choice(list(self.endpoints))
            await configs.delete_config(self.db, self.caller, ConfigKind.ENDPOINT, uuid, dry_run=False)
            del self.endpoints[uuid]

    async def delete_template(self) -> None:
        tenants = [t for t, ts in self.own_templates.items() if ts]
        if tenants:
            tenant = self.rng.choice(tenants)
            uuid = self.own_templates[tenant].pop(self.rng.randrange(len(self.own_templates[tenant])))
            await configs.delete_config(self.db, self.caller, ConfigKind.TEMPLATE, uuid, dry_run=False)

    async def transport(self) -> None:
        rng = self.rng
        if not self.transports or rng.random() < 0.4:
            result = await engines.create_transport(
                self.db, self.caller, "default", name=self._name("tr"), options=_options(rng, "transport")
            )
            assert result.transport is not None
            self.transports.append(result.transport.uuid)
            return
        name = self._name("tr-renamed") if rng.random() < 0.5 else None
        options = _options(rng, "transport")
        await engines.update_transport(self.db, self.caller, rng.choice(self.transports), name=name, options=options)

    async def engine_options(self, *, with_system: bool = False) -> None:
        rng = self.rng
        await engines.set_engine_options(
            self.db,
            self.caller,
            "default",
            global_options=_options(rng, "global"),
            system_options=_options(rng, "system") if with_system or rng.random() < 0.5 else None,
        )


def _single(options: Options) -> Options:
    seen: set[str] = set()
    out = []
    for key, value in options:
        if key not in seen:
            seen.add(key)
            out.append((key, value))
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# Comparing the rows with the engine's recorded objects
# ---------------------------------------------------------------------------------------------

TRUE = {"yes", "true", "on", "1", "y", "t"}
SYNONYMS = {"always": "forced"}


def _canonical_value(column: sa.Column[Any], value: str) -> object:
    """One meaning per value, computed independently of the code under test."""
    type_ = column.type
    if isinstance(type_, sa.Boolean) or (isinstance(type_, sa.Enum) and type_.name == "ast_bool_values"):
        return value.lower() in TRUE
    if isinstance(type_, sa.Enum):
        return SYNONYMS.get(value.lower(), value.lower())
    if isinstance(type_, sa.Integer):
        return int(value, 0)
    if isinstance(type_, sa.Float):
        return float(value)
    return value


def _canonical(object_type: str, fields: Options) -> dict[str, object]:
    """Single-valued keys as a dict (last wins), accumulating ones as ordered lists."""
    table = TABLE_BY_TYPE[object_type]
    out: dict[str, Any] = {}
    for key, value in fields:
        meaning = _canonical_value(table.c[key], value)
        if CATALOG.is_multiple(object_type, key):
            out.setdefault(key, []).append(meaning)
        else:
            out[key] = meaning
    return out


async def _recorded(db: Database, types: Sequence[str] = OBJECT_TYPES) -> dict[tuple[str, str], Options]:
    async with db.reading() as session:
        rows = (await session.execute(sa.select(SorceryObjectRow))).scalars().all()
    return {(r.object_type, r.object_id): to_options(r.fields) for r in rows if r.object_type in types}


async def _rows(url: str) -> dict[tuple[str, str], Options]:
    engine = create_engine(url)
    out: dict[tuple[str, str], Options] = {}
    async with engine.connect() as conn:
        for object_type, table in TABLE_BY_TYPE.items():
            for row in (await conn.execute(sa.select(table))).mappings().all():
                out[(object_type, row["id"])] = row_to_fields(table, row)
    await engine.dispose()
    return out


def _without_columns(object_type: str, fields: Options) -> tuple[Options, Options]:
    table = TABLE_BY_TYPE[object_type]
    kept = tuple((k, v) for k, v in fields if k in table.c and k != "id")
    dropped = tuple((k, v) for k, v in fields if k not in table.c or k == "id")
    return kept, dropped


def _last_single(object_type: str, options: Options) -> Options:
    """What the row keeps of the options it has no column for: every entry of an
    accumulating key, the last one of any other."""
    last = {k: i for i, (k, _) in enumerate(options)}
    return tuple((k, v) for i, (k, v) in enumerate(options) if CATALOG.is_multiple(object_type, k) or last[k] == i)


async def _assert_rows_match(db: Database, url: str, report: ApplyReport, types: Sequence[str] = OBJECT_TYPES) -> None:
    recorded = await _recorded(db, types)
    rows = await _rows(url)
    # same set of ids per table
    for object_type in OBJECT_TYPES:
        expected_ids = {i for t, i in recorded if t == object_type}
        assert {i for t, i in rows if t == object_type} == expected_ids, object_type
    unmapped: dict[tuple[str, str], Options] = {}
    for (object_type, object_id), fields in recorded.items():
        kept, dropped = _without_columns(object_type, fields)
        if dropped:
            unmapped[(object_type, object_id)] = _last_single(object_type, dropped)
        # same fields, minus the options the schema has no column for
        expected = _canonical(object_type, kept)
        actual = _canonical(object_type, rows[(object_type, object_id)])
        assert actual == expected, (object_type, object_id, fields)
    # the reported unmapped options are exactly those with no column
    assert report.unmapped == unmapped
    assert report.rejected == {}
    assert report.unstorable == {}


async def _head(db: Database) -> int:
    async with db.reading() as session:
        return int(
            (await session.execute(sa.select(col(Engine.last_seq)).where(col(Engine.name) == "default"))).scalar_one()
        )


async def _all_updates(db: Database) -> list[Any]:
    async with db.reading() as session:
        engine_uuid = (
            await session.execute(sa.select(col(Engine.uuid)).where(col(Engine.name) == "default"))
        ).scalar_one()
    return await read_updates(db, engine_uuid, 0, 1_000_000)


async def _checkpoint(db: Database, url: str) -> int:
    follower = RealtimeFollower(db, url)
    try:
        return await follower.checkpoint()
    finally:
        await follower.close()


async def _follow(db: Database, url: str, report: ApplyReport, **kwargs: Any) -> ApplyReport:
    follower = RealtimeFollower(db, url, **kwargs)
    try:
        step = await follower.run_once()
    finally:
        await follower.close()
    report.merge(step)
    return step


# ---------------------------------------------------------------------------------------------
# The rows after random mutations
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
async def test_follower_rows_match_recorded_objects_after_random_mutations(world: World, rt: str, seed: int) -> None:
    # given a random series of mutations, followed now and then
    rng = random.Random(seed)
    caller = await caller_for(world.db, world.admin_token)
    scenario = Scenario(rng, world.db, caller)
    report = ApplyReport()
    for _ in range(4):
        await scenario.run(12)
        await _follow(world.db, rt, report)
        await _assert_rows_match(world.db, rt, report)

    # then the checkpoint is the engine's last update
    assert await _checkpoint(world.db, rt) == await _head(world.db)


async def test_apply_updates_in_one_transaction(world: World, rt: str) -> None:
    # given a random series of mutations
    caller = await caller_for(world.db, world.admin_token)
    await Scenario(random.Random(11), world.db, caller).run(20)
    updates = await _all_updates(world.db)
    engine = create_engine(rt)
    try:
        # when every update is applied in a transaction that rolls back, nothing stays
        async with engine.connect() as conn:
            transaction = await conn.begin()
            inside = await apply_updates(conn, updates)
            count = await conn.scalar(sa.select(sa.func.count()).select_from(TABLE_BY_TYPE["endpoint"]))
            await transaction.rollback()
        assert count == len([1 for (t, _) in await _recorded(world.db) if t == "endpoint"])
        assert (await _rows(rt)) == {}
        # and when it commits, the rows are the recorded objects
        async with engine.begin() as conn:
            report = await apply_updates(conn, updates)
    finally:
        await engine.dispose()
    assert report.updates == inside.updates == len(updates)
    assert report.last_seq == await _head(world.db)
    await _assert_rows_match(world.db, rt, report)


async def test_same_database_mode_writes_in_the_products_transaction(world: World) -> None:
    # given the ps_* tables in the product's own database
    db = world.db
    async with db.engine.begin() as conn:
        await conn.run_sync(METADATA.create_all, checkfirst=True)
    try:
        caller = await caller_for(db, world.admin_token)
        await Scenario(random.Random(3), db, caller).run(8)
        updates = await _all_updates(db)
        # when a product transaction applies them and then fails, the rows go with it
        with pytest.raises(RuntimeError):
            async with db.writing() as session:
                await apply_updates(await session.connection(), updates)
                raise RuntimeError("the change fails")
        assert (await _rows(db.url)) == {}
        # and when it commits, they are there
        async with db.writing() as session:
            report = await apply_updates(await session.connection(), updates)
        await _assert_rows_match(db, db.url, report)
    finally:
        async with db.engine.begin() as conn:
            await conn.run_sync(METADATA.drop_all, checkfirst=True)


# ---------------------------------------------------------------------------------------------
# Checkpoints
# ---------------------------------------------------------------------------------------------


async def _set_checkpoint(url: str, seq: int) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(sa.update(checkpoint_t).values(seq=seq))
    await engine.dispose()


async def test_a_restarted_follower_resumes_from_its_checkpoint(world: World, rt: str) -> None:
    # given a follower that applied everything, then stopped
    caller = await caller_for(world.db, world.admin_token)
    scenario = Scenario(random.Random(5), world.db, caller)
    await scenario.run(6)
    report = ApplyReport()
    first = await _follow(world.db, rt, report)
    head = await _head(world.db)
    assert first.updates == head
    # when more changes are recorded and a new follower starts
    await scenario.run(6)
    second = await _follow(world.db, rt, report)
    # then it applies only the new updates
    assert second.updates == await _head(world.db) - head
    assert not second.resynced
    await _assert_rows_match(world.db, rt, report)


async def test_updates_are_applied_at_least_once(world: World, rt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    caller = await caller_for(world.db, world.admin_token)
    scenario = Scenario(random.Random(9), world.db, caller)
    await scenario.run(8)
    report = ApplyReport()
    await _follow(world.db, rt, report)
    before = await _rows(rt)

    # when a failure strikes after the rows are written but before the transaction ends
    await scenario.run(4)
    real = follower_module.apply_updates

    async def apply_then_fail(*args: Any, **kwargs: Any) -> ApplyReport:
        await real(*args, **kwargs)
        raise RuntimeError("crash before commit")

    monkeypatch.setattr(follower_module, "apply_updates", apply_then_fail)
    follower = RealtimeFollower(world.db, rt)
    checkpoint = await follower.checkpoint()
    with pytest.raises(RuntimeError):
        await follower.run_once()
    # then neither the rows nor the checkpoint moved
    assert await follower.checkpoint() == checkpoint
    assert await _rows(rt) == before
    await follower.close()

    # and the next run applies them
    monkeypatch.setattr(follower_module, "apply_updates", real)
    await _follow(world.db, rt, report)
    await _assert_rows_match(world.db, rt, report)

    # when the checkpoint goes back (a crash after commit is indistinguishable), updates apply again, harmlessly
    await _set_checkpoint(rt, 1)
    again = await _follow(world.db, rt, report)
    assert again.updates == await _head(world.db) - 1
    await _assert_rows_match(world.db, rt, report)


async def test_pruned_record_or_checkpoint_ahead_means_resynchronising(world: World, rt: str) -> None:
    # given a realtime database with a stray row, and a record pruned down to its last update
    caller = await caller_for(world.db, world.admin_token)
    await Scenario(random.Random(13), world.db, caller).run(8)
    engine = create_engine(rt)
    async with engine.begin() as conn:
        await conn.execute(sa.insert(TABLE_BY_TYPE["endpoint"]).values(id="stray", context="x"))
    await engine.dispose()
    await prune(world.db, days=365, max_records=1)
    # when a follower starts from nothing
    report = ApplyReport()
    first = await _follow(world.db, rt, report)
    # then it rewrites the tables from the recorded objects
    assert first.resynced
    await _assert_rows_match(world.db, rt, report)

    # and a checkpoint ahead of the engine (the product database was restored) resynchronises too
    await _set_checkpoint(rt, await _head(world.db) + 100)
    second = await _follow(world.db, rt, report)
    assert second.resynced
    assert await _checkpoint(world.db, rt) == await _head(world.db)


async def test_only_the_chosen_types_are_written(world: World, rt: str) -> None:
    caller = await caller_for(world.db, world.admin_token)
    await Scenario(random.Random(17), world.db, caller).run(6)
    report = ApplyReport()
    step = await _follow(world.db, rt, report, types=("endpoint", "aor"))
    assert step.skipped > 0
    rows = await _rows(rt)
    assert {t for t, _ in rows} <= {"endpoint", "aor"}
    await _assert_rows_match(world.db, rt, report, types=("endpoint", "aor"))


async def test_follow_once_command(
    world: World, rt: str, quiet_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given recorded changes and the product's settings
    caller = await caller_for(world.db, world.admin_token)
    await Scenario(random.Random(23), world.db, caller).run(4)
    monkeypatch.setattr("app.settings.get_settings", lambda: world.settings)
    # when `realtime follow --once` runs (in a thread: the command runs its own event loop)
    args = ["follow", "--once", "--types", "endpoint,aor,auth"]
    result = await asyncio.to_thread(quiet_cli.invoke, realtime_cli, args, env={REALTIME_URL_ENV: rt})
    # then it applied everything and said so
    assert result.exit_code == 0, result.output
    assert "rows written" in result.output
    assert await _checkpoint(world.db, rt) == await _head(world.db)
    # and `--resync` rewrites the tables before following
    again = await asyncio.to_thread(quiet_cli.invoke, realtime_cli, [*args, "--resync"], env={REALTIME_URL_ENV: rt})
    assert again.exit_code == 0, again.output
    assert set(await _rows(rt)) == set(await _recorded(world.db, ("endpoint", "aor", "auth")))
    # and an unknown type is refused
    bad = await asyncio.to_thread(
        quiet_cli.invoke, realtime_cli, [*args[:2], "--types", "contact"], env={REALTIME_URL_ENV: rt}
    )
    assert bad.exit_code == 2
    assert "unknown types ['contact']" in bad.output


async def test_run_follows_until_stopped(world: World, rt: str) -> None:
    # given a running follower
    caller = await caller_for(world.db, world.admin_token)
    follower = RealtimeFollower(world.db, rt, poll_interval=0.02)
    stop = asyncio.Event()
    task = asyncio.create_task(follower.run(stop))
    try:
        # when changes are recorded
        await Scenario(random.Random(19), world.db, caller).run(4)
        head = await _head(world.db)
        # then it catches up on its own, and stops when asked
        for _ in range(750):
            if await follower.checkpoint() >= head:
                break
            await asyncio.sleep(0.02)
        assert await follower.checkpoint() == head
    finally:
        stop.set()
        async with asyncio.timeout(5):
            await task
        await follower.close()
    assert set(await _rows(rt)) == set(await _recorded(world.db))


@pytest.mark.parametrize("in_parts", [False, True], ids=["updates kept", "updates written part by part"])
async def test_the_product_writes_its_own_realtime_tables_with_every_change(
    world: World, monkeypatch: pytest.MonkeyPatch, in_parts: bool
) -> None:
    # given the ps_* tables in the product's own database, switched on as the server does
    # when PJSIP_GRAPH_REALTIME_DATABASE_URL equals its database URL
    db = world.db
    if in_parts:  # every change past what is kept in memory: each part applied as it is written
        monkeypatch.setattr(sync, "SYNC_PART", 2)
        monkeypatch.setattr(sync, "KEPT_UPDATES", 0)
    async with db.engine.begin() as conn:
        await conn.run_sync(METADATA.create_all, checkfirst=True)
    start = len(await _all_updates(db))  # the bootstrap's transports predate the switch
    db.realtime_writer = write_in_transaction
    try:
        # when mutations run through the services
        caller = await caller_for(db, world.admin_token)
        await Scenario(random.Random(11), db, caller).run(10)
        db.realtime_writer = None
        # then the tables already hold what applying the whole record from scratch gives
        live = await _rows(db.url)
        async with db.writing(commit=False) as session:
            connection = await session.connection()
            for table in TABLE_BY_TYPE.values():
                await connection.execute(sa.delete(table))
            report = await apply_updates(connection, await _all_updates(db))
            expected = {
                (object_type, row["id"]): row_to_fields(table, row)
                for object_type, table in TABLE_BY_TYPE.items()
                for row in (await connection.execute(sa.select(table))).mappings().all()
            }
        touched = {(u.object_type, u.object_id) for u in await _all_updates(db) if u.seq > start}
        expected = {k: v for k, v in expected.items() if k in touched}
        assert live.keys() == expected.keys()
        assert {k: v for k, v in live.items() if v != expected[k]} == {}
        assert report.updates > 0 and live
    finally:
        db.realtime_writer = None
        async with db.engine.begin() as conn:
            await conn.run_sync(METADATA.drop_all, checkfirst=True)
