"""The ARI push agent applies an engine's recorded Sorcery updates to an ARI-compatible server.

The server is tests/asterisk/ari_server.py, served by uvicorn on a loopback port in the
test's event loop (or to the agent run as a separate process).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
import sqlalchemy as sa
import uvicorn

from app.asterisk.ari import Agent, AgentError, AriClient, AriRejected, Checkpoint, CheckpointState
from app.asterisk.ari.client import AriTransient
from app.asterisk.ari.settle import MARKER_PREFIX
from app.asterisk.ari.status import status_path_for
from app.cli.agent import commit_listener
from app.db.database import Database
from app.db.models import SorceryObjectRow
from app.domain.catalog import OBJECT_TYPES, Catalog, OptionSpec, load_catalog
from app.domain.diff import Action
from app.domain.resolution import ConfigKind
from app.domain.sections import Options, Section
from app.events.records import engine_heads, read_updates
from app.events.retention import prune
from app.services import configs, engines
from app.services.access import Caller
from app.services.snapshots import ConfigRecord
from tests.asterisk.ari_server import AriState, create_ari_app
from tests.conftest import World
from tests.helpers import caller_for, default_template, new_endpoint, new_tenant
from tests.integration.servers import ROOT, free_port, server_env

USER, PASSWORD = "pjsip-graph", "s3cret"
NOT_PUSHED = ("transport", "system")
Fields = list[tuple[str, str]]
ObjectKey = tuple[str, str]


# -- helpers -------------------------------------------------------------------------------------


@dataclass
class Rig:
    """A bootstrapped database, a tenant, an in-process ARI test server and a client for it."""

    world: World
    ari: AriState
    client: AriClient
    checkpoint: Path
    caller: Caller
    tenant: UUID

    @property
    def db(self) -> Database:
        return self.world.db

    def agent(self, **options: Any) -> Agent:
        settings: dict[str, Any] = {"poll_interval": 0.02, "backoff_initial": 0.01, "backoff_max": 0.05}
        return Agent(self.db, self.client, checkpoint_path=self.checkpoint, **(settings | options))


@contextlib.asynccontextmanager
async def served(ari: AriState) -> AsyncIterator[int]:
    """The test server on a free loopback port, in this event loop."""
    port = free_port()
    config = uvicorn.Config(
        create_ari_app(ari), host="127.0.0.1", port=port, log_level="critical", log_config=None, lifespan="off"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "the ARI test server did not start"
        await asyncio.sleep(0.01)
    try:
        yield port
    finally:
        server.should_exit = True
        await task


@contextlib.asynccontextmanager
async def loopback_client(ari: AriState, password: str = PASSWORD) -> AsyncIterator[AriClient]:
    """A client of the test server served on a loopback port."""
    async with served(ari) as port, AriClient(f"http://127.0.0.1:{port}", USER, password, timeout=5) as client:
        yield client


@pytest.fixture
async def rig(world: World, tmp_path: Path) -> AsyncIterator[Rig]:
    ari = AriState(username=USER, password=PASSWORD)
    caller = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, caller, "Push")
    async with loopback_client(ari) as client:
        yield Rig(world, ari, client, tmp_path / "agent.checkpoint", caller, tenant)


async def catch_up(agent: Agent) -> None:
    while await agent.run_once():
        pass


async def head(db: Database) -> int:
    (engine,) = [h for h in (await engine_heads(db)).values() if h.name == "default"]
    return engine.last_seq


async def recorded_objects(db: Database) -> dict[ObjectKey, Fields]:
    """The engine's last recorded objects, without what ARI cannot push."""
    table = SorceryObjectRow.__table__  # type: ignore[attr-defined]
    async with db.reading() as session:
        rows = (await session.execute(sa.select(table.c.object_type, table.c.object_id, table.c.fields))).all()
    return {(t, i): [(k, v) for k, v in f] for t, i, f in rows if t not in NOT_PUSHED}


def meaning(object_type: str, fields: Fields) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Single-valued keys as a dict, accumulating keys as ordered lists."""
    catalog = load_catalog()
    single = {k: v for k, v in fields if not catalog.is_multiple(object_type, k)}
    multiple: dict[str, list[str]] = {}
    for k, v in fields:
        if catalog.is_multiple(object_type, k):
            multiple.setdefault(k, []).append(v)
    return single, multiple


def assert_same_objects(server: dict[ObjectKey, Fields], recorded: dict[ObjectKey, Fields]) -> None:
    assert sorted(server) == sorted(recorded)
    for key, fields in recorded.items():
        assert meaning(key[0], server[key]) == meaning(key[0], fields), key


async def update_endpoint(rig: Rig, config: ConfigRecord, **patch: Any) -> None:
    await configs.update_config(
        rig.db,
        rig.caller,
        ConfigKind.ENDPOINT,
        config.uuid,
        configs.ConfigPatch(**patch),
        expected_revision=None,
        dry_run=False,
    )


async def set_template_options(rig: Rig, template: ConfigRecord, options: Options) -> None:
    """Replace a template's endpoint options: a change every endpoint below it inherits."""
    patch = configs.ConfigPatch(sections={Section.ENDPOINT: options})
    await configs.update_config(
        rig.db, rig.caller, ConfigKind.TEMPLATE, template.uuid, patch, expected_revision=None, dry_run=False
    )


def line_sections(name: str, *matches: str, contact: str | None = None) -> dict[Section, Options]:
    sections: dict[Section, Options] = {
        Section.AUTH: (("username", name), ("password", f"pw-{name}")),
        Section.ENDPOINT: (("callerid", f"<{name}>"),),
    }
    if matches:
        sections[Section.IDENTIFY] = tuple(("match", m) for m in matches)
    if contact:
        sections[Section.AOR] = (("contact", contact),)
    return sections


# -- unit-style cases ----------------------------------------------------------------------------


async def test_the_test_server_follows_the_documented_push_semantics() -> None:
    """asterisk-notes §2.1: create, copy-then-merge, accumulating appends, and the error answers."""
    ari = AriState()
    async with loopback_client(ari) as client:
        # a PUT creates, a second PUT merges: single-valued keys replaced in place, set_var appended
        await client.put("aor", "a", [("max_contacts", "1"), ("contact", "sip:a@h"), ("@tag", "t")])
        await client.put("aor", "a", [("max_contacts", "2"), ("contact", "sip:b@h")])
        merged = [("max_contacts", "2"), ("contact", "sip:a@h"), ("@tag", "t"), ("contact", "sip:b@h")]
        assert await client.get("aor", "a") == merged
        # an existing endpoint cannot be merged into at all, as on a real Asterisk
        await client.put("endpoint", "a", [("callerid", "x"), ("set_var", "A=1")])
        with pytest.raises(AriTransient) as copy_failed:
            await client.put("endpoint", "a", [("callerid", "y")])
        assert (copy_failed.value.status, copy_failed.value.message) == (500, "Allocation failed")
        # the errors carry Asterisk's status and message
        failures = {
            "unknown attribute": client.put("endpoint", "a", [("no_such_option", "1")]),
            "bad value": client.put("endpoint", "b", [("direct_media", "perhaps")]),
            "transport": client.put("transport", "t", [("protocol", "udp")]),
            "system": client.delete("system", "system"),
            "unknown type": client.put("contactz", "c", []),
            "missing": client.delete("aor", "nope"),
        }
        answers = {}
        for what, call in failures.items():
            with pytest.raises(AriRejected) as caught:
                await call
            answers[what] = (caught.value.status, caught.value.message)
        assert answers == {
            "unknown attribute": (400, "Update of object 'a' failed field value validation"),
            "bad value": (400, "Creation of object 'b' failed field value validation"),
            "transport": (403, "Cannot create sorcery objects of type 'transport'"),
            "system": (403, "Could not delete object with id 'system'"),
            "unknown type": (404, "objectType 'contactz' not found"),
            "missing": (404, "Object with id 'nope' not found"),
        }
        # nothing failed was stored, and a DELETE of an existing object answers 204
        await client.delete("endpoint", "a")
        await client.delete("aor", "a")
        assert ari.snapshot() == {}
        assert [r.status for r in ari.requests if r.method == "DELETE"][-1] == 204


async def test_the_test_server_refuses_an_update_without_fields() -> None:
    ari = AriState()
    app = create_ari_app(ari)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://asterisk") as http:
        path = "/ari/asterisk/config/dynamic/res_pjsip/aor/a"
        assert (await http.put(path, json={})).status_code == 200  # creation needs no fields
        refused = await http.put(path, json={})
        assert refused.status_code == 400
        assert refused.json() == {"message": "Fields must be provided to update object 'a'"}


async def test_new_endpoint_objects_are_created_referenced_objects_first(rig: Rig) -> None:
    # given an agent that has applied everything recorded so far
    agent = rig.agent()
    await catch_up(agent)
    mark = len(rig.ari.requests)
    sip = await default_template(rig.db, rig.tenant, "sip")

    # when an endpoint with an auth, an aor and an identify is created and the agent runs
    await new_endpoint(rig.db, rig.caller, rig.tenant, "alice", [sip.uuid], line_sections("alice", "10.0.0.1"))
    await catch_up(agent)

    # then the aor and auth exist before the endpoint that names them, the identify after it
    puts = [(r.object_type, r.status) for r in rig.ari.requests[mark:] if r.method == "PUT"]
    assert puts == [("aor", 200), ("auth", 200), ("endpoint", 200), ("identify", 200)]
    # and the server holds exactly the recorded objects
    assert_same_objects(rig.ari.snapshot(), await recorded_objects(rig.db))
    assert agent.counters.rejected == 0
    assert agent.position == await head(rig.db)


async def test_deleted_endpoint_objects_go_endpoint_first(rig: Rig) -> None:
    # given an endpoint with auth, aor and identify, applied
    sip = await default_template(rig.db, rig.tenant, "sip")
    bob = await new_endpoint(rig.db, rig.caller, rig.tenant, "bob", [sip.uuid], line_sections("bob", "10.0.0.2"))
    agent = rig.agent()
    await catch_up(agent)
    mark = len(rig.ari.requests)

    # when the endpoint is deleted
    await configs.delete_config(rig.db, rig.caller, ConfigKind.ENDPOINT, bob.uuid, dry_run=False)
    await catch_up(agent)

    # then what refers to others goes first: identify, endpoint, then the aor and auth
    deletes = [(r.object_type, r.status) for r in rig.ari.requests[mark:] if r.method == "DELETE"]
    assert deletes == [("identify", 204), ("endpoint", 204), ("aor", 204), ("auth", 204)]
    assert rig.ari.snapshot() == {}


async def test_removed_match_recreates_the_identify(rig: Rig) -> None:
    # given an endpoint identified by two addresses, applied
    sip = await default_template(rig.db, rig.tenant, "sip")
    sections = line_sections("carol", "10.0.0.3", "10.0.0.4")
    carol = await new_endpoint(rig.db, rig.caller, rig.tenant, "carol", [sip.uuid], sections)
    agent = rig.agent()
    await catch_up(agent)
    before = agent.position
    mark = len(rig.ari.requests)

    # when one address is removed
    await update_endpoint(rig, carol, sections={Section.IDENTIFY: (("match", "10.0.0.4"),)})
    await catch_up(agent)

    # then the recorded update asks for a recreate, and the agent deletes and puts the full object
    (update,) = await read_updates(rig.db, await _engine_uuid(rig.db), before, 10)
    assert update.requires_recreate and update.object_type == "identify"
    writes = [(r.method, r.object_type, r.fields) for r in rig.ari.requests[mark:]]
    assert writes == [
        ("DELETE", "identify", None),
        ("PUT", "identify", (("match", "10.0.0.4"), ("endpoint", "carol"))),
    ]
    assert rig.ari.snapshot()[("identify", "carol")] == [("match", "10.0.0.4"), ("endpoint", "carol")]


async def _engine_uuid(db: Database) -> UUID:
    return next(h.uuid for h in (await engine_heads(db)).values() if h.name == "default")


async def test_changed_single_valued_key_replaces_the_full_endpoint(rig: Rig) -> None:
    # given an applied endpoint
    sip = await default_template(rig.db, rig.tenant, "sip")
    dave = await new_endpoint(rig.db, rig.caller, rig.tenant, "dave", [sip.uuid], line_sections("dave"))
    agent = rig.agent()
    await catch_up(agent)
    mark = len(rig.ari.requests)

    # when only its dtmf_mode changes
    await update_endpoint(rig, dave, sections={Section.ENDPOINT: (("callerid", "<dave>"), ("dtmf_mode", "info"))})
    await catch_up(agent)

    # then the endpoint is replaced whole (Asterisk cannot merge into an existing endpoint:
    # HTTP 500 "Allocation failed"), nothing is retried, and Asterisk holds the recorded object
    assert writes_since(rig, mark) == replaced("dave")
    assert agent.counters.retries == 0
    assert_same_objects(rig.ari.snapshot(), await recorded_objects(rig.db))


async def test_a_template_change_keeps_several_endpoints_in_flight_each_replaced_in_order(rig: Rig) -> None:
    # given 24 applied endpoints below one template, and a server that takes 20 ms per request
    sip = await default_template(rig.db, rig.tenant, "sip")
    names = [f"line{i:02}" for i in range(24)]
    for name in names:
        await new_endpoint(rig.db, rig.caller, rig.tenant, name, [sip.uuid], line_sections(name))
    agent = rig.agent(concurrency=6)
    await catch_up(agent)
    rig.ari.latency, rig.ari.most_in_flight = 0.02, 0
    mark = len(rig.ari.requests)

    # when the template changes a key every endpoint inherits
    await set_template_options(rig, sip, (("moh_suggest", "jazz"),))
    await catch_up(agent)

    # then up to 6 endpoints were replaced at once, never more
    assert rig.ari.most_in_flight == 6
    # and each endpoint was deleted before it was put back, once; every DELETE came before one
    # wait for Asterisk (a marker endpoint put and deleted), and every PUT after it
    writes = [(r.method, marker_or(r.object_id)) for r in rig.ari.requests[mark:]]
    for name in names:
        assert [m for m, i in writes if i == name] == ["DELETE", "PUT"], name
    marker_at = writes.index(("PUT", "marker"))
    assert writes[marker_at + 1] == ("DELETE", "marker")
    assert {m for m, _ in writes[:marker_at]} == {"DELETE"} and {m for m, _ in writes[marker_at + 2 :]} == {"PUT"}
    # and Asterisk holds the recorded objects, with the checkpoint at the head
    assert_same_objects(rig.ari.snapshot(), await recorded_objects(rig.db))
    assert agent.position == await head(rig.db)
    assert agent.counters.retries == 0 and agent.counters.rejected == 0


async def test_a_committed_update_wakes_the_agent_at_once(rig: Rig) -> None:
    """As `pjsip-graph agent` runs: woken by PostgreSQL's NOTIFY, or by the SQLite file changing."""
    # given an agent that would poll only once a minute, and what tells it about commits
    agent = rig.agent(poll_interval=60)
    listener = commit_listener(rig.db, agent)
    assert listener is not None
    await listener.start()
    stop = asyncio.Event()
    start = await head(rig.db)
    running = asyncio.create_task(agent.run(stop))
    try:
        await _wait_for(lambda: agent.position == start, running)
        await asyncio.sleep(0.3)  # the first poll is done: from now on only a wake-up makes it read
        # when an endpoint is created
        sip = await default_template(rig.db, rig.tenant, "sip")
        await new_endpoint(rig.db, rig.caller, rig.tenant, "nina", [sip.uuid], line_sections("nina"))
        target = await head(rig.db)
        # then the agent applies it within seconds, not at its next poll
        await _wait_for(lambda: agent.position == target, running, timeout=5)
    finally:
        stop.set()
        await running
        await listener.stop()
    assert ("endpoint", "nina") in rig.ari.snapshot()


async def test_single_key_change_of_an_aor_puts_its_full_field_list_without_delete(rig: Rig) -> None:
    # given an applied line, whose aor Asterisk lost (an earlier version was rejected, say)
    sip = await default_template(rig.db, rig.tenant, "sip")
    gina = await new_endpoint(rig.db, rig.caller, rig.tenant, "gina", [sip.uuid], line_sections("gina"))
    agent = rig.agent()
    await catch_up(agent)
    del rig.ari.objects[("aor", "gina")]
    mark = len(rig.ari.requests)

    # when one single-valued key of the aor changes
    await update_endpoint(rig, gina, sections={**line_sections("gina"), Section.AOR: (("max_contacts", "3"),)})
    await catch_up(agent)

    # then the agent finds the aor missing and one PUT carries the whole aor (no DELETE, which
    # would drop registered contacts): it comes back complete, never as a partial object
    writes = [(r.method, r.object_type) for r in rig.ari.requests[mark:]]
    assert writes == [("GET", "aor"), ("PUT", "aor")]
    assert len(rig.ari.requests[-1].fields or ()) > 1
    assert_same_objects(rig.ari.snapshot(), await recorded_objects(rig.db))


async def test_accumulating_change_deletes_and_puts_the_full_object(rig: Rig) -> None:
    # given an applied endpoint (it inherits two set_var from `general`)
    sip = await default_template(rig.db, rig.tenant, "sip")
    erin = await new_endpoint(rig.db, rig.caller, rig.tenant, "erin", [sip.uuid], line_sections("erin"))
    agent = rig.agent()
    await catch_up(agent)
    before = agent.position
    mark = len(rig.ari.requests)

    # when a third set_var is appended (no recreate needed by the record's rule)
    own = (("callerid", "<erin>"), ("set_var", "TEAM=blue"))
    await update_endpoint(rig, erin, sections={Section.ENDPOINT: own})
    await catch_up(agent)

    # then the agent still replaces the object, since a merging PUT would append every value again
    (update,) = await read_updates(rig.db, await _engine_uuid(rig.db), before, 10)
    assert update.changed_keys == ("set_var",) and not update.requires_recreate
    assert writes_since(rig, mark) == replaced("erin")
    stored = rig.ari.snapshot()[("endpoint", "erin")]
    assert [v for k, v in stored if k == "set_var"] == [
        "TIMEOUT(absolute)=36000",
        "DYNAMIC_FEATURES=togglerecord",
        "TEAM=blue",
    ]
    assert_same_objects(rig.ari.snapshot(), await recorded_objects(rig.db))


def _catalog_without(object_type: str, key: str) -> Catalog:
    """The catalog of an Asterisk that does not know one option."""
    full = load_catalog()
    types: dict[str, dict[str, OptionSpec]] = {}
    for t in OBJECT_TYPES:
        specs = {k: full.spec(t, k) for k in full.keys(t) if (t, k) != (object_type, key)}
        types[t] = {k: s for k, s in specs.items() if s is not None}
    return Catalog(types)


async def test_rejected_update_is_logged_and_skipped_with_the_checkpoint_advanced(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    # given an Asterisk that does not know `rtp_keepalive`, and an endpoint that sets it
    rig.ari.catalog = _catalog_without("endpoint", "rtp_keepalive")
    sip = await default_template(rig.db, rig.tenant, "sip")
    odd = line_sections("odd")
    odd[Section.ENDPOINT] += (("rtp_keepalive", "30"),)
    odd_record = await new_endpoint(rig.db, rig.caller, rig.tenant, "odd", [sip.uuid], odd)
    await new_endpoint(rig.db, rig.caller, rig.tenant, "fine", [sip.uuid], line_sections("fine"))
    agent = rig.agent()

    # when the agent runs
    with caplog.at_level(logging.ERROR, logger="app.asterisk.ari.agent"):
        await catch_up(agent)

    # then that endpoint is rejected, logged with its seq, status and Asterisk's message, and skipped
    assert agent.counters.rejected == 1
    (message,) = [r.getMessage() for r in caplog.records if "rejected" in r.getMessage()]
    assert "endpoint/odd" in message and "HTTP 400" in message
    assert "Creation of object 'odd' failed field value validation" in message
    assert "seq " in message
    # and the stream went on: the checkpoint is at the head and the next endpoint exists
    assert agent.position == await head(rig.db)
    saved = Checkpoint(rig.checkpoint).load()
    assert saved is not None and saved.seq == agent.position
    assert ("endpoint", "fine") in rig.ari.snapshot()
    assert ("endpoint", "odd") not in rig.ari.snapshot()
    # and the status file lists the divergent object until a later version of it is accepted
    status = json.loads(status_path_for(rig.checkpoint).read_text())
    assert list(status["divergent"]) == ["endpoint/odd"]
    assert status["divergent"]["endpoint/odd"]["status"] == 400
    rig.ari.catalog = load_catalog()
    await update_endpoint(rig, odd_record, sections={**odd, Section.ENDPOINT: (("callerid", "<odd2>"),)})
    await catch_up(agent)
    assert json.loads(status_path_for(rig.checkpoint).read_text())["divergent"] == {}
    assert_same_objects(rig.ari.snapshot(), await recorded_objects(rig.db))


async def test_an_update_answered_with_server_errors_is_rejected_after_a_bounded_number_of_tries(rig: Rig) -> None:
    # given a new endpoint and a server failing every write
    sip = await default_template(rig.db, rig.tenant, "sip")
    await new_endpoint(rig.db, rig.caller, rig.tenant, "hank", [sip.uuid], line_sections("hank"))
    rig.ari.fail_every = 1
    agent = rig.agent(max_server_errors=3)

    # when the agent runs
    await catch_up(agent)

    # then every update is given up after three 5xx answers, counted and listed, and nothing blocks
    assert agent.counters.rejected >= 1 and agent.counters.applied + agent.counters.rejected > 0
    assert agent.position == await head(rig.db)
    status = json.loads(status_path_for(rig.checkpoint).read_text())
    assert "endpoint/hank" in status["divergent"]


async def test_reload_needing_updates_are_counted_not_pushed(rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    # given transports (bootstrap and one more), system options and global options recorded
    await engines.create_transport(
        rig.db, rig.caller, "default", name="transport-tcp", options=(("protocol", "tcp"), ("bind", "0.0.0.0:5061"))
    )
    await engines.set_engine_options(
        rig.db,
        rig.caller,
        "default",
        global_options=(("user_agent", "pjsip-graph"), ("max_forwards", "60")),
        system_options=(("timer_t1", "600"),),
    )
    agent = rig.agent()

    # when the agent runs
    with caplog.at_level(logging.WARNING, logger="app.asterisk.ari.agent"):
        await catch_up(agent)

    # then the three transports and `system` are counted and logged, never sent; `global` is pushed
    assert agent.counters.needs_reload == 4
    assert sum("needs a reload" in r.getMessage() for r in caplog.records) == 4
    assert {r.object_type for r in rig.ari.writes_seen()} == {"global"}
    assert rig.ari.snapshot() == {("global", "global"): [("user_agent", "pjsip-graph"), ("max_forwards", "60")]}
    assert agent.position == await head(rig.db)


async def test_checkpoint_is_not_advanced_while_the_server_fails(rig: Rig) -> None:
    # given an applied state, then a new endpoint, and a server failing every write
    agent = rig.agent()
    await catch_up(agent)
    before = agent.position
    sip = await default_template(rig.db, rig.tenant, "sip")
    await new_endpoint(rig.db, rig.caller, rig.tenant, "frank", [sip.uuid], line_sections("frank"))
    rig.ari.fail_every = 1

    # when the agent runs for a while
    stop = asyncio.Event()
    running = asyncio.create_task(agent.run(stop))
    await asyncio.sleep(0.5)

    # then it keeps retrying without moving its checkpoint
    assert agent.counters.retries >= 5
    assert agent.position == before
    saved = Checkpoint(rig.checkpoint).load()
    assert saved is not None and saved.seq == before
    assert not running.done()

    # and once the server heals, it catches up
    rig.ari.fail_every = 0
    target = await head(rig.db)
    await _wait_for(lambda: agent.position == target, running)
    stop.set()
    await running
    assert_same_objects(rig.ari.snapshot(), await recorded_objects(rig.db))


async def test_wrong_password_stops_the_agent_before_anything_moves(rig: Rig) -> None:
    # given a client with the wrong password
    async with loopback_client(rig.ari, password="wrong") as client:
        agent = Agent(rig.db, client, checkpoint_path=rig.checkpoint, backoff_initial=0.01)
        # when the agent starts, then it refuses to run, having written nothing
        with pytest.raises(AgentError, match="HTTP 401"):
            await agent.run(asyncio.Event())
    assert not rig.checkpoint.exists()
    assert rig.ari.writes_seen() == []


async def test_read_only_ari_user_stops_the_agent_at_the_first_write(rig: Rig) -> None:
    # given an ARI user with read_only=yes and one endpoint to push
    rig.ari.read_only_user = True
    sip = await default_template(rig.db, rig.tenant, "sip")
    await new_endpoint(rig.db, rig.caller, rig.tenant, "gina", [sip.uuid], line_sections("gina"))

    # when the agent runs, then it stops with Asterisk's answer instead of skipping every object
    agent = rig.agent()
    with pytest.raises(AgentError, match="Write access denied"):
        await agent.run(asyncio.Event())
    assert agent.counters.rejected == 0
    assert agent.position < await head(rig.db)


async def test_an_operator_error_in_the_middle_of_concurrent_updates_stops_the_agent_with_that_error(
    rig: Rig,
) -> None:
    # given three applied endpoints below one template
    sip = await default_template(rig.db, rig.tenant, "sip")
    for name in ("hal", "ida", "jon"):
        await new_endpoint(rig.db, rig.caller, rig.tenant, name, [sip.uuid], line_sections(name))
    agent = rig.agent()
    await catch_up(agent)
    before = agent.position
    # and a template change that replaces the three at once, while the ARI user lost its write access
    await set_template_options(rig, sip, (("moh_suggest", "jazz"),))
    rig.ari.read_only_user = True

    # when the agent applies them, then it stops with the error itself, not a group of errors
    with pytest.raises(AgentError, match="Write access denied"):
        await agent.run_once()
    # and the checkpoint did not move
    assert agent.position == before
    assert rig.ari.in_flight == 0


async def test_a_refused_marker_endpoint_stops_the_agent_instead_of_rejecting_updates(rig: Rig) -> None:
    # given an applied endpoint, and an Asterisk that refuses the agent's marker endpoint
    sip = await default_template(rig.db, rig.tenant, "sip")
    frank = await new_endpoint(rig.db, rig.caller, rig.tenant, "frank", [sip.uuid], line_sections("frank"))
    agent = rig.agent()
    await catch_up(agent)
    before = agent.position
    rig.ari.refused_prefix = MARKER_PREFIX

    # when a change replaces the endpoint (its PUT waits on the marker)
    await update_endpoint(rig, frank, sections={Section.ENDPOINT: (("callerid", "<frank>"), ("dtmf_mode", "info"))})

    # then the agent stops, saying why, and neither skips the update nor counts it rejected
    with pytest.raises(AgentError, match="marker endpoint is refused"):
        await agent.run_once()
    assert agent.position == before and agent.counters.rejected == 0


async def test_checkpoint_of_another_database_is_refused(rig: Rig) -> None:
    Checkpoint(rig.checkpoint).save(CheckpointState("default", uuid.uuid4(), 1))
    with pytest.raises(AgentError, match="belongs to engine"):
        await rig.agent().run_once()


async def test_pruned_history_without_checkpoint_resynchronises_the_whole_engine(rig: Rig) -> None:
    # given an engine whose oldest updates were pruned by retention
    sip = await default_template(rig.db, rig.tenant, "sip")
    await new_endpoint(rig.db, rig.caller, rig.tenant, "hank", [sip.uuid], line_sections("hank"))
    await prune(rig.db, days=365, max_records=1)
    # when a fresh agent starts, it cannot replay the history: it pushes the recorded objects
    agent = rig.agent()
    await catch_up(agent)
    # then the server holds every recorded object and the agent continues after the head
    assert_same_objects(rig.ari.snapshot(), await recorded_objects(rig.db))
    assert agent.counters.resyncs == 1
    assert agent.position == await head(rig.db)


# -- a real server, and the agent as a process -----------------------------------------------------


async def _wait_for(condition: Callable[[], bool], task: asyncio.Task[None], timeout: float = 30) -> None:
    """Poll ``condition`` while ``task`` (an agent) runs; fail fast if the agent died."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if task.done():
            task.result()
            raise AssertionError("the agent stopped")
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


AGENT_SCRIPT = (
    "import typer\n"
    "from app.cli.agent import agent\n"
    "app = typer.Typer(add_completion=False)\n"
    "app.command()(agent)\n"
    "app()\n"
)


async def test_cli_agent_pushes_and_exits_cleanly_on_sigterm(rig: Rig, tmp_path: Path) -> None:
    # given an endpoint to push and the test server on a port
    sip = await default_template(rig.db, rig.tenant, "sip")
    await new_endpoint(rig.db, rig.caller, rig.tenant, "ivan", [sip.uuid], line_sections("ivan", "10.0.0.9"))
    target = await head(rig.db)
    ari = AriState(username=USER, password=PASSWORD)
    env = server_env(rig.db.url, rig.world.settings.data_dir, PJSIP_GRAPH_ARI_PASSWORD=PASSWORD)
    checkpoint = rig.world.settings.data_dir / "agent-default.checkpoint"
    async with served(ari) as port:
        # when the command runs (password from the environment, default checkpoint path)
        with (tmp_path / "agent.log").open("wb") as log_file:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                AGENT_SCRIPT,
                "--ari-url",
                f"http://127.0.0.1:{port}",
                "--ari-user",
                USER,
                cwd=ROOT,
                env=env,
                stdout=log_file,
                stderr=log_file,
            )
            try:
                deadline = asyncio.get_running_loop().time() + 60
                while (saved := Checkpoint(checkpoint).load()) is None or saved.seq < target:
                    assert process.returncode is None, (tmp_path / "agent.log").read_text()
                    assert asyncio.get_running_loop().time() < deadline, "the agent did not catch up"
                    await asyncio.sleep(0.05)
                # then SIGTERM stops it cleanly, and Asterisk holds the recorded objects
                process.send_signal(signal.SIGTERM)
                assert await asyncio.wait_for(process.wait(), 30) == 0, (tmp_path / "agent.log").read_text()
            finally:
                if process.returncode is None:
                    process.kill()
                    await process.wait()
    assert_same_objects(ari.snapshot(), await recorded_objects(rig.db))


# -- the must-hold test ----------------------------------------------------------------------------

TARGET_UPDATES = 1000
ENDPOINTS = 60


@dataclass
class Workload:
    """Mutations through the real services, until enough Sorcery updates are recorded."""

    rig: Rig
    templates: dict[str, ConfigRecord] = field(default_factory=dict)
    endpoints: list[ConfigRecord] = field(default_factory=list)
    created: int = 0
    rounds: int = 0

    @property
    def db(self) -> Database:
        return self.rig.db

    async def setup(self) -> None:
        for role in ("general", "sip", "webrtc", "trunk"):
            self.templates[role] = await default_template(self.db, self.rig.tenant, role)
        office = await configs.create_config(
            self.db,
            self.rig.caller,
            ConfigKind.TEMPLATE,
            configs.NewConfig(
                tenant_uuid=self.rig.tenant,
                name="office",
                parent_uuids=[self.templates["sip"].uuid],
                sections={Section.ENDPOINT: (("language", "fr_FR"),)},
            ),
            dry_run=False,
        )
        assert office.view is not None
        self.templates["office"] = office.view.record
        for _ in range(ENDPOINTS):
            await self.create_endpoint()

    async def create_endpoint(self) -> None:
        i = self.created
        self.created += 1
        name = f"ep-{i:03d}"
        kind = ("sip", "webrtc", "office", "trunk")[i % 4]
        sections = line_sections(name, f"10.1.{i % 250}.1", f"10.2.{i % 250}.1") if i % 2 == 0 else line_sections(name)
        if i % 5 == 0:
            sections[Section.AOR] = (("contact", f"sip:{name}@192.0.2.{i % 250}:5060"),)
        if kind == "trunk":
            sections[Section.REGISTRATION] = (
                ("server_uri", "sip:provider.example"),
                ("client_uri", f"sip:{name}@provider.example"),
            )
            sections[Section.REGISTRATION_OUTBOUND_AUTH] = (("username", name), ("password", "reg"))
            sections[Section.OUTBOUND_AUTH] = (("username", name), ("password", "out"))
        parent = self.templates[kind]
        self.endpoints.append(
            await new_endpoint(self.db, self.rig.caller, self.rig.tenant, name, [parent.uuid], sections)
        )

    async def update_template(self, role: str, sections: dict[Section, Options]) -> None:
        await configs.update_config(
            self.db,
            self.rig.caller,
            ConfigKind.TEMPLATE,
            self.templates[role].uuid,
            configs.ConfigPatch(sections=sections),
            expected_revision=None,
            dry_run=False,
        )

    async def update_endpoint(self, index: int, **patch: Any) -> None:
        await update_endpoint(self.rig, self.endpoints[index], **patch)

    async def round(self) -> None:
        """About a hundred updates of every kind."""
        r = self.rounds
        self.rounds += 1
        general = dict((await default_template(self.db, self.rig.tenant, "general")).sections)
        dtmf = ("rfc4733", "info", "inband")[r % 3]
        general[Section.ENDPOINT] = tuple((k, dtmf if k == "dtmf_mode" else v) for k, v in general[Section.ENDPOINT])
        await self.update_template("general", {Section.ENDPOINT: general[Section.ENDPOINT]})
        office = (("language", "fr_FR"), ("set_var", f"OFFICE=r{r}")) if r % 2 == 0 else (("language", "de_DE"),)
        await self.update_template("office", {Section.ENDPOINT: office})
        for step in range(3):
            index = (r * 7 + step * 11) % len(self.endpoints)
            await self.update_endpoint(index, sections={Section.IDENTIFY: (("match", f"10.9.{r}.{step}"),)})
            await self.update_endpoint(
                (index + 1) % len(self.endpoints),
                sections={Section.ENDPOINT: (("callerid", f"<r{r}s{step}>"),), Section.AOR: (("max_contacts", "3"),)},
            )
        await self.rename((r * 13) % len(self.endpoints), f"renamed-{r}")
        gone = self.endpoints.pop((r * 17 + 5) % len(self.endpoints))
        await configs.delete_config(self.db, self.rig.caller, ConfigKind.ENDPOINT, gone.uuid, dry_run=False)
        await self.create_endpoint()
        if r % 2 == 1:
            await engines.set_engine_options(
                self.db,
                self.rig.caller,
                "default",
                global_options=(("user_agent", f"pjsip-graph r{r}"),),
                system_options=(("timer_t1", str(500 + r)),),
            )
            await engines.create_transport(
                self.db, self.rig.caller, "default", name=f"transport-r{r}", options=(("protocol", "tcp"),)
            )

    async def rename(self, index: int, name: str) -> None:
        await self.update_endpoint(index, name=name)
        record = self.endpoints[index]
        self.endpoints[index] = ConfigRecord.of(await self._row(record.uuid))

    async def _row(self, config_uuid: UUID) -> Any:
        from app.db.models import SipConfig

        async with self.db.reading() as session:
            return await session.get(SipConfig, config_uuid)


@pytest.mark.slow
async def test_thousand_updates_with_a_failing_server_and_agent_restarts_end_in_the_recorded_state(
    rig: Rig, tmp_path: Path
) -> None:
    # given the test server on a real port, failing every 10th write in turn with a 500, a 500 after
    # applying, and a connection cut after applying
    ari = AriState(username=USER, password=PASSWORD, fail_every=10, fault="mixed")
    start = await head(rig.db)
    workload = Workload(rig)
    async with served(ari) as port, AriClient(f"http://127.0.0.1:{port}", USER, PASSWORD, timeout=5) as client:
        agents: list[Agent] = []

        def start_agent() -> tuple[Agent, asyncio.Event, asyncio.Task[None]]:
            agent = Agent(
                rig.db,
                client,
                checkpoint_path=tmp_path / "restarts.checkpoint",
                poll_interval=0.05,
                batch_size=50,
                backoff_initial=0.01,
                backoff_max=0.2,
            )
            agents.append(agent)
            stop = asyncio.Event()
            return agent, stop, asyncio.create_task(agent.run(stop))

        async def kill(task: asyncio.Task[None]) -> None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await asyncio.sleep(0.2)  # like a process restart: what the server already received lands first

        # when half the updates are recorded through the services before any agent runs
        await workload.setup()
        while await head(rig.db) - start < TARGET_UPDATES // 2:
            await workload.round()
        # and a first agent is killed a third of the way through
        first, _, task = start_agent()
        await _wait_for(lambda: first.position >= start + TARGET_UPDATES // 3, task)
        await kill(task)
        # and a second one runs while the rest is recorded, and is killed too
        second, _, task = start_agent()
        generating = asyncio.create_task(_generate(workload, start + TARGET_UPDATES))
        await _wait_for(lambda: second.position >= start + 2 * TARGET_UPDATES // 3, task, timeout=60)
        await kill(task)
        # and a third one finishes the job
        third, stop, task = start_agent()
        await generating
        final = await head(rig.db)
        await _wait_for(lambda: third.position == final, task, timeout=60)
        stop.set()
        await task

    # then the server holds exactly the engine's recorded objects (transports and system excluded)
    assert final - start >= TARGET_UPDATES
    recorded = await recorded_objects(rig.db)
    assert_same_objects(ari.snapshot(), recorded)
    # and the run went through faults, retries and restarts without rejecting anything
    assert len(agents) == 3
    assert ari.faults_injected >= 100
    # (each kill may cancel one faulted request before its answer arrives)
    assert sum(a.counters.retries for a in agents) >= ari.faults_injected - 2
    assert sum(a.counters.rejected for a in agents) == 0
    assert sum(a.counters.needs_reload for a in agents) >= 2
    updates = await read_updates(rig.db, await _engine_uuid(rig.db), start, 10_000)
    assert any(u.requires_recreate for u in updates)
    assert any(u.action is Action.DELETE for u in updates)


async def _generate(workload: Workload, until: int) -> None:
    while await head(workload.db) < until:
        await workload.round()


def test_every_fault_kind_is_exercised() -> None:
    """The mixed fault cycles through all kinds, so the must-hold test sees each one."""
    ari = AriState(fail_every=1, fault="mixed")
    assert [ari.next_fault() for _ in range(4)] == ["error", "apply_then_error", "drop", "error"]


def writes_since(rig: Rig, mark: int) -> list[tuple[str, str, str, int]]:
    return [(r.method, r.object_type, marker_or(r.object_id), r.status) for r in rig.ari.requests[mark:]]


def replaced(name: str) -> list[tuple[str, str, str, int]]:
    """An existing endpoint replaced: deleted, then a marker endpoint put and deleted (the PUT
    waits until Asterisk has finished deleting the endpoint, app/asterisk/ari/settle.py), then put."""
    return [
        ("DELETE", "endpoint", name, 204),
        ("PUT", "endpoint", "marker", 200),
        ("DELETE", "endpoint", "marker", 204),
        ("PUT", "endpoint", name, 200),
    ]


def marker_or(object_id: str) -> str:
    """ "marker" for the agent's marker endpoints (their names are made up), else the id."""
    return "marker" if object_id.startswith(MARKER_PREFIX) else object_id
