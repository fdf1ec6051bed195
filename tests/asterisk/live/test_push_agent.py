"""The push agent against a real Asterisk: after every change applied through the services, once
the agent has handled the engine's head, every recorded object is what Asterisk serves.

One Asterisk serves the whole module (fewer starts); each test names its objects with a prefix of
its own, so what earlier tests left in Asterisk's memory wizard cannot make a test pass or fail.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.asterisk.ari import AgentError, AriClient
from app.domain.resolution import ConfigKind
from app.domain.sections import Options, Section
from app.events.retention import prune
from tests.asterisk.live.instance import AsteriskInstance
from tests.asterisk.live.push import Editor, ari_client, divergences, new_agent, running, settle, wait_until
from tests.asterisk.live.sip_client import Registrar, register
from tests.conftest import World
from tests.helpers import caller_for, default_template, new_endpoint, new_tenant

pytestmark = pytest.mark.asterisk


READER, READER_PASSWORD = "reader", "reader-secret"


@pytest.fixture(scope="module")
def asterisk(module_asterisk_factory: Callable[..., AsteriskInstance]) -> AsteriskInstance:
    default = AsteriskInstance(root=Path(), sip_port=0, http_port=0)
    ari_conf = (
        "[general]\nenabled = yes\n"
        f"[{default.ari_user}]\ntype = user\nread_only = no\npassword = {default.ari_password}\n"
        f"[{READER}]\ntype = user\nread_only = yes\npassword = {READER_PASSWORD}\n"
    )
    return module_asterisk_factory(push_config=True, extra_configs={"ari.conf": ari_conf})


@dataclass
class Live:
    world: World
    ast: AsteriskInstance
    client: AriClient
    editor: Editor
    tenant: uuid.UUID
    prefix: str
    checkpoint: Path

    def name(self, base: str) -> str:
        return f"{self.prefix}{base}"


@pytest.fixture
async def live(world: World, asterisk: AsteriskInstance, tmp_path: Path) -> AsyncIterator[Live]:
    caller = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, caller, "Live")
    async with ari_client(asterisk) as client:
        yield Live(
            world,
            asterisk,
            client,
            Editor(world.db, caller),
            tenant,
            "t" + uuid.uuid4().hex[:6],
            tmp_path / "agent.checkpoint",
        )


def line(name: str, password: str) -> dict[Section, Options]:
    return {
        Section.AUTH: (("username", name), ("password", password)),
        Section.ENDPOINT: (("callerid", f"<{name}>"),),
    }


async def assert_in_step(live: Live, gone: set[tuple[str, str]] | None = None) -> None:
    assert await divergences(live.world.db, live.client, gone) == []


async def test_change_sequence_reaches_asterisk_as_recorded(live: Live) -> None:
    db = live.world.db
    sip = await default_template(db, live.tenant, "sip")
    alice, bob = live.name("alice"), live.name("bob")
    agent = new_agent(db, live.client, live.checkpoint)
    async with running(agent) as task:
        # a line is created, and a second one on the same template
        a = await new_endpoint(db, live.editor.caller, live.tenant, alice, [sip.uuid], line(alice, "first-secret"))
        b = await new_endpoint(db, live.editor.caller, live.tenant, bob, [sip.uuid], line(bob, "bob-secret"))
        await settle(agent, task)
        await assert_in_step(live)

        # one single-valued key of the endpoint
        await live.editor.update(
            ConfigKind.ENDPOINT, a.uuid, sections={Section.ENDPOINT: (("callerid", f'"Alice" <{alice}>'),)}
        )
        await settle(agent, task)
        await assert_in_step(live)

        # accumulating keys: one more codec, one more channel variable
        more: Options = (("callerid", f'"Alice" <{alice}>'), ("allow", "alaw"), ("set_var", "TEAM=sales"))
        await live.editor.update(ConfigKind.ENDPOINT, a.uuid, sections={Section.ENDPOINT: more})
        await settle(agent, task)
        await assert_in_step(live)

        # a template change reaching both endpoints
        template = sip.sections.get(Section.ENDPOINT, ())
        await live.editor.update(
            ConfigKind.TEMPLATE, sip.uuid, sections={Section.ENDPOINT: (*template, ("language", "fr"))}
        )
        await settle(agent, task)
        await assert_in_step(live)

        # a rename: the objects move to the new id, the old ones are gone
        alicia = live.name("alicia")
        await live.editor.update(ConfigKind.ENDPOINT, a.uuid, name=alicia, sections=line(alicia, "first-secret"))
        await settle(agent, task)
        await assert_in_step(live, gone={("endpoint", alice), ("auth", alice), ("aor", alice)})

        # a delete
        await live.editor.delete(b)
        await settle(agent, task)
        await assert_in_step(live, gone={("endpoint", bob), ("auth", bob), ("aor", bob)})

        # a password change: Asterisk authenticates with the new one only
        await live.editor.update(ConfigKind.ENDPOINT, a.uuid, sections=line(alicia, "second-secret"))
        await settle(agent, task)
        await assert_in_step(live)
        assert (
            await asyncio.to_thread(register, server_port=live.ast.sip_port, username=alicia, password="second-secret")
            == 200
        )
        assert (
            await asyncio.to_thread(register, server_port=live.ast.sip_port, username=alicia, password="first-secret")
            == 401
        )
    assert agent.counters.rejected == 0


async def test_trunk_with_outbound_registration_registers_after_the_push(live: Live) -> None:
    db = live.world.db
    registrar = Registrar(expected={"acme": "trunk-secret"}).start()
    try:
        trunk = live.name("trunk")
        sections: dict[Section, Options] = {
            Section.ENDPOINT: (("context", "default"), ("allow", "!all,ulaw")),
            Section.REGISTRATION: (
                ("server_uri", f"sip:127.0.0.1:{registrar.port}"),
                ("client_uri", f"sip:acme@127.0.0.1:{registrar.port}"),
                ("retry_interval", "10"),
                ("expiration", "120"),
            ),
            Section.REGISTRATION_OUTBOUND_AUTH: (
                ("auth_type", "userpass"),
                ("username", "acme"),
                ("password", "trunk-secret"),
            ),
        }
        agent = new_agent(db, live.client, live.checkpoint)
        async with running(agent) as task:
            await new_endpoint(db, live.editor.caller, live.tenant, trunk, [], sections)
            await settle(agent, task)
            await assert_in_step(live)
            await wait_until(registrar.authenticated, 15)
        received = [r.authorization for r in registrar.authenticated()]
        assert received and received[0] is not None and received[0]["username"] == "acme"
        assert agent.counters.rejected == 0
    finally:
        registrar.stop()


def registered(ast: AsteriskInstance, aor: str) -> bool:
    """Does Asterisk list the contact the test phone registered for ``aor``?"""
    return f"{aor}/sip:{aor}@127.0.0.1:" in ast.cli("pjsip show contacts")


async def test_registered_phone_stays_registered_through_changes(live: Live) -> None:
    db = live.world.db
    sip = await default_template(db, live.tenant, "sip")
    phone = live.name("phone")
    sections = line(phone, "phone-secret")
    agent = new_agent(db, live.client, live.checkpoint)
    async with running(agent) as task:
        p = await new_endpoint(db, live.editor.caller, live.tenant, phone, [sip.uuid], sections)
        await settle(agent, task)
        status = await asyncio.to_thread(
            register, server_port=live.ast.sip_port, username=phone, password="phone-secret", expires=600
        )
        assert status == 200
        assert registered(live.ast, phone)

        static = (("contact", "sip:static@127.0.0.1:5999"),)
        changes: list[tuple[str, dict[Section, Options]]] = [
            ("endpoint key", {Section.ENDPOINT: (("callerid", f'"Phone" <{phone}>'),)}),
            ("aor key set", {Section.AOR: (("mailboxes", f"{phone}@default"),)}),
            ("aor key removed", {Section.AOR: ()}),
            ("aor single-valued key", {Section.AOR: (("max_contacts", "2"),)}),
            ("aor permanent contact added", {Section.AOR: (("max_contacts", "2"), *static)}),
        ]
        for what, change in changes:
            await live.editor.update(ConfigKind.ENDPOINT, p.uuid, sections=change)
            await settle(agent, task)
            assert await divergences(db, live.client) == [], what
            assert registered(live.ast, phone), f"the registered contact was lost by: {what}"

        # the template's aor and endpoint sections change under the phone
        for section, key, value in ((Section.AOR, "default_expiration", "300"), (Section.ENDPOINT, "language", "de")):
            current = (await default_template(db, live.tenant, "sip")).sections.get(section, ())
            kept = tuple((k, v) for k, v in current if k != key)
            await live.editor.update(ConfigKind.TEMPLATE, sip.uuid, sections={section: (*kept, (key, value))})
            await settle(agent, task)
            assert await divergences(db, live.client) == [], f"template {section} {key}"
            assert registered(live.ast, phone), f"the registered contact was lost by the template's {key}"
    assert agent.counters.rejected == 0


async def test_object_missing_from_asterisk_comes_back_whole_on_a_one_key_update(live: Live) -> None:
    """Asterisk lacks an object when it refused its last version: the next update of one key
    must recreate it complete, never as a bare object made of that key."""
    db = live.world.db
    sip = await default_template(db, live.tenant, "sip")
    name = live.name("gone")
    agent = new_agent(db, live.client, live.checkpoint)
    async with running(agent) as task:
        g = await new_endpoint(db, live.editor.caller, live.tenant, name, [sip.uuid], line(name, "gone-secret"))
        await settle(agent, task)
        for object_type in ("endpoint", "aor", "auth"):
            await live.client.delete(object_type, name)
        await live.editor.update(
            ConfigKind.ENDPOINT,
            g.uuid,
            sections={
                Section.AUTH: (("username", name), ("password", "new-secret")),
                Section.ENDPOINT: (("callerid", f'"Back" <{name}>'),),
                Section.AOR: (("max_contacts", "3"),),
            },
        )
        await settle(agent, task)
        assert await divergences(db, live.client) == []
        assert (
            await asyncio.to_thread(register, server_port=live.ast.sip_port, username=name, password="new-secret")
            == 200
        )


async def test_gap_in_the_record_is_resynchronised(live: Live) -> None:
    db = live.world.db
    sip = await default_template(db, live.tenant, "sip")
    name = live.name("gap")
    agent = new_agent(db, live.client, live.checkpoint)
    async with running(agent) as task:
        g = await new_endpoint(db, live.editor.caller, live.tenant, name, [sip.uuid], line(name, "gap-secret"))
        await settle(agent, task)
    # while no agent runs, the line changes and retention prunes the updates it would replay
    await live.editor.update(ConfigKind.ENDPOINT, g.uuid, sections={Section.ENDPOINT: (("callerid", "<gap2>"),)})
    await live.editor.update(ConfigKind.ENDPOINT, g.uuid, sections=line(name, "gap-secret-2"))
    await prune(db, days=365, max_records=1)
    agent = new_agent(db, live.client, live.checkpoint)
    async with running(agent) as task:
        await settle(agent, task)
        assert await divergences(db, live.client) == []
    assert agent.counters.resyncs == 1


async def test_resync_deletes_what_it_created_and_the_record_lost_and_nothing_else(live: Live) -> None:
    db = live.world.db
    sip = await default_template(db, live.tenant, "sip")
    kept, lost, foreign = live.name("kept"), live.name("lost"), live.name("foreign")
    # an endpoint the product does not manage, created in Asterisk by someone else
    await live.client.put("endpoint", foreign, [("context", "default")])
    agent = new_agent(db, live.client, live.checkpoint)
    async with running(agent) as task:
        await new_endpoint(db, live.editor.caller, live.tenant, kept, [sip.uuid], line(kept, "kept-secret"))
        gone = await new_endpoint(db, live.editor.caller, live.tenant, lost, [sip.uuid], line(lost, "lost-secret"))
        await settle(agent, task)
    # while no agent runs, a line is deleted and retention prunes the DELETEs it would replay
    await live.editor.delete(gone)
    await prune(db, days=365, max_records=1)
    agent = new_agent(db, live.client, live.checkpoint)
    async with running(agent) as task:
        await settle(agent, task)
        assert await divergences(db, live.client, {(t, lost) for t in ("endpoint", "aor", "auth")}) == []
        assert dict(await live.client.get("endpoint", foreign))["context"] == "default"
    assert (agent.counters.resyncs, agent.counters.stale_deleted) == (1, 3)


async def test_restarted_asterisk_is_resynchronised_without_help(live: Live) -> None:
    db = live.world.db
    sip = await default_template(db, live.tenant, "sip")
    name = live.name("boot")
    agent = new_agent(db, live.client, live.checkpoint)
    async with running(agent) as task:
        await new_endpoint(db, live.editor.caller, live.tenant, name, [sip.uuid], line(name, "boot-secret"))
        await settle(agent, task)
        # Asterisk restarts: its memory wizard comes back empty
        await asyncio.to_thread(live.ast.restart)
        assert await wait_until(lambda: agent.counters.resyncs > 0 or task.done(), 20)
        await settle(agent, task)
        assert await divergences(db, live.client) == []
        assert (
            await asyncio.to_thread(register, server_port=live.ast.sip_port, username=name, password="boot-secret")
            == 200
        )
    assert agent.counters.resyncs == 1


async def test_read_only_ari_user_is_refused_at_start(live: Live) -> None:
    db = live.world.db
    sip = await default_template(db, live.tenant, "sip")
    name = live.name("ro")
    await new_endpoint(db, live.editor.caller, live.tenant, name, [sip.uuid], line(name, "ro-secret"))
    async with AriClient(live.ast.ari_url, READER, READER_PASSWORD) as reader:
        agent = new_agent(db, reader, live.checkpoint)
        with pytest.raises(AgentError, match="Write access denied"):
            await asyncio.wait_for(agent.run(asyncio.Event()), 10)
    # before the first PUT: nothing was applied, nothing skipped as rejected
    assert (agent.counters.applied, agent.counters.rejected, agent.position) == (0, 0, 0)
    assert not agent.status.path.exists()
