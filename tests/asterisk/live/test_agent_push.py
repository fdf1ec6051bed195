"""The push agent against the real Asterisk: after every kind of change, Asterisk holds the recorded objects.

Asterisk runs with the `memory` wizard for the objects the agent pushes
(endpoint, aor, auth, identify, registration). After each change made through
the services, the agent applies the recorded updates through ARI, and every
recorded object of those types is read back through ARI and compared with the
record, key by key (see `_equal` for how Asterisk's own spelling of a value is
compared). A phone registered before the changes must still be registered
after changes of its endpoint, its aor and its template.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from app.asterisk.ari.agent import Agent, AgentError
from app.asterisk.ari.client import AriClient, AriNotFound
from app.domain.resolution import ConfigKind
from app.domain.sections import Options, Section
from app.services import configs
from app.services.access import Caller
from tests.asterisk.live.instance import AsteriskInstance
from tests.asterisk.live.sip_client import Registrar, register
from tests.conftest import World
from tests.helpers import caller_for, new_endpoint, new_tenant, recorded_objects

pytestmark = pytest.mark.asterisk

PUSHED = ("endpoint", "aor", "auth", "identify", "registration")
# Keys Asterisk spells its own way, and how each spelling is brought back to the product's.
_BOOLEAN = {"yes": "true", "no": "false", "true": "true", "false": "false", "on": "true", "off": "false"}


def _codecs(value: str) -> list[str]:
    return [c for c in re.split(r"[(),|\s]+", value) if c and c != "!all"]


def _equal(key: str, recorded: str, asterisk: str) -> bool:
    if recorded == asterisk or key in {"allow", "disallow"}:  # codecs: compared for the whole object
        return True
    if key == "callerid":  # Asterisk quotes the name: "Alice" <100>
        return re.sub(r'^"([^"]*)"', r"\1", asterisk) == recorded
    boolean = _BOOLEAN.get(recorded.lower())
    return boolean is not None and boolean == _BOOLEAN.get(asterisk.lower())


def _last(fields: Options) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in fields:
        out[k] = v
    return out


async def _differences(client: AriClient, world: World, engine_uuid: object, tenants: list[object]) -> list[str]:
    """Every recorded key of a pushed object whose value Asterisk does not hold."""
    async with world.db.reading() as session:
        recorded = await recorded_objects(session, engine_uuid, tenant_uuids=tenants)  # type: ignore[arg-type]
    problems: list[str] = []
    for (object_type, object_id), (fields, _, _) in sorted(recorded.items()):
        if object_type not in PUSHED:
            continue
        try:
            held = dict(await client.get(object_type, object_id))
        except AriNotFound:
            problems.append(f"{object_type}/{object_id}: missing from Asterisk")
            continue
        wanted = _last(fields)
        for key, value in wanted.items():
            if key in {"set_var"}:
                continue
            if key not in held:
                problems.append(f"{object_type}/{object_id}: {key} missing")
            elif not _equal(key, value, held[key]):
                problems.append(f"{object_type}/{object_id}: {key}={held[key]!r}, recorded {value!r}")
        if "allow" in wanted:
            allowed = [c for k, v in fields if k == "allow" for c in _codecs(v)]
            if _codecs(held.get("allow", "")) != allowed:
                problems.append(f"{object_type}/{object_id}: allow={held.get('allow')!r}, recorded {allowed!r}")
    return problems


def _contacts(ast: AsteriskInstance, aor: str) -> list[str]:
    """The contacts Asterisk holds for ``aor`` (registered phones)."""
    return [line for line in ast.cli(f"pjsip show aor {aor}").splitlines() if f"{aor}/sip:" in line]


async def _catch_up(agent: Agent) -> None:
    while await agent.run_once():
        pass


async def _update(world: World, caller: Caller, kind: ConfigKind, uuid: object, **patch: object) -> None:
    await configs.update_config(
        world.db,
        caller,
        kind,
        uuid,  # type: ignore[arg-type]
        configs.ConfigPatch(**patch),  # type: ignore[arg-type]
        expected_revision=None,
        dry_run=False,
    )


async def test_the_agent_keeps_asterisk_equal_to_the_record_through_every_kind_of_change(
    world: World, tmp_path: Path, asterisk_factory: Callable[..., AsteriskInstance]
) -> None:
    ast = asterisk_factory(push_config=True)
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Pushed")
    template = await configs.create_config(
        world.db,
        admin,
        ConfigKind.TEMPLATE,
        configs.NewConfig(
            tenant_uuid=tenant,
            name="phones",
            parent_uuids=[],
            sections={
                Section.ENDPOINT: (("context", "default"), ("allow", "!all,ulaw"), ("direct_media", "no")),
                Section.AOR: (("max_contacts", "1"),),
            },
        ),
        dry_run=False,
    )
    assert template.view is not None
    phones = template.view.record.uuid

    def line(name: str) -> dict[Section, Options]:
        return {
            Section.AUTH: (("username", name), ("password", f"{name}-secret")),
            Section.ENDPOINT: (("callerid", f"{name.title()} <100>"),),
        }

    alice = await new_endpoint(world.db, admin, tenant, "alice", [phones], line("alice"))
    bob = await new_endpoint(world.db, admin, tenant, "bob", [phones], line("bob"))
    engine_uuid = alice.engine_uuid

    async with AriClient(ast.ari_url, ast.ari_user, ast.ari_password) as client:
        agent = Agent(world.db, client, checkpoint_path=tmp_path / "agent.checkpoint", backoff_max=0.2)

        async def settled(step: str) -> None:
            await _catch_up(agent)
            problems = await _differences(client, world, engine_uuid, [tenant])
            assert problems == [], f"after {step}: {problems}"
            assert agent.counters.rejected == 0, f"after {step}: Asterisk rejected an update"

        await settled("creating two lines")
        assert register(server_port=ast.sip_port, username="alice", password="alice-secret") == 200
        assert _contacts(ast, "alice"), ast.cli("pjsip show contacts")

        sections = line("alice")
        await _update(
            world,
            admin,
            ConfigKind.ENDPOINT,
            alice.uuid,
            sections={**sections, Section.ENDPOINT: (("callerid", "Alice Smith <100>"),)},
        )
        await settled("a single-valued endpoint key")

        await _update(
            world,
            admin,
            ConfigKind.ENDPOINT,
            alice.uuid,
            sections={**sections, Section.ENDPOINT: (("callerid", "Alice <100>"), ("allow", "alaw"))},
        )
        await settled("an accumulating endpoint key")

        changed_endpoint = (("context", "phones"), ("allow", "!all,ulaw,g722"), ("direct_media", "yes"))
        for step, aor in [
            (
                "a template change reaching both lines (endpoint and aor)",
                (("max_contacts", "2"), ("remove_existing", "yes")),
            ),
            ("removing an aor key in the template", (("max_contacts", "2"),)),
        ]:
            template_sections = {Section.ENDPOINT: changed_endpoint, Section.AOR: aor}
            await _update(world, admin, ConfigKind.TEMPLATE, phones, sections=template_sections)
            await settled(step)
            assert _contacts(ast, "alice"), f"the phone's contact was lost by {step}"

        await _update(
            world,
            admin,
            ConfigKind.ENDPOINT,
            alice.uuid,
            sections={
                Section.AUTH: (("username", "alice"), ("password", "new-secret")),
                Section.ENDPOINT: (("callerid", "Alice <100>"),),
            },
        )
        await settled("a password change")
        assert register(server_port=ast.sip_port, username="alice", password="alice-secret") == 401
        assert register(server_port=ast.sip_port, username="alice", password="new-secret") == 200

        registrar = Registrar(expected={"acme": "trunk-secret"}).start()
        try:
            await new_endpoint(
                world.db,
                admin,
                tenant,
                "provider",
                [],
                {
                    Section.ENDPOINT: (("context", "default"), ("allow", "!all,ulaw")),
                    Section.REGISTRATION: (
                        ("server_uri", f"sip:127.0.0.1:{registrar.port}"),
                        ("client_uri", f"sip:acme@127.0.0.1:{registrar.port}"),
                        ("retry_interval", "10"),
                    ),
                    Section.REGISTRATION_OUTBOUND_AUTH: (
                        ("auth_type", "userpass"),
                        ("username", "acme"),
                        ("password", "trunk-secret"),
                    ),
                },
            )
            await settled("a trunk with an outbound registration")
            for _ in range(75):  # Asterisk registers in the background: up to 15 s
                if "Registered" in ast.cli("pjsip show registrations"):
                    break
                await asyncio.sleep(0.2)
            assert "Registered" in ast.cli("pjsip show registrations"), ast.cli("pjsip show registrations")
            authorized = [r.authorization for r in registrar.authenticated()]
            assert authorized and authorized[0] is not None and authorized[0]["username"] == "acme"
        finally:
            registrar.stop()

        await configs.delete_config(world.db, admin, ConfigKind.ENDPOINT, bob.uuid, dry_run=False)
        await settled("deleting a line")
        for object_type in ("endpoint", "aor", "auth"):
            with pytest.raises(AriNotFound):
                await client.get(object_type, "bob")
        assert register(server_port=ast.sip_port, username="bob", password="bob-secret") != 200

        # Asterisk restarts: the memory wizard comes back empty, and the agent rewrites the engine.
        assert not await agent.resync_if_restarted()  # nothing to do while Asterisk runs on
        ast.restart()
        with pytest.raises(AriNotFound):
            await client.get("endpoint", "alice")
        assert await agent.resync_if_restarted()
        await settled("an Asterisk restart")
        # Contacts live in Asterisk's own database: the phone shows up again under its rewritten aor.
        assert _contacts(ast, "alice")
    await asyncio.sleep(0)
    assert ast.warnings_and_errors() == [], ast.warnings_and_errors()


async def test_a_read_only_ari_user_is_refused_when_the_agent_starts(
    world: World, tmp_path: Path, asterisk_factory: Callable[..., AsteriskInstance]
) -> None:
    ast = asterisk_factory(push_config=True)
    ast.write_config(
        "ari.conf",
        f"[general]\nenabled = yes\n[{ast.ari_user}]\ntype = user\nread_only = yes\npassword = {ast.ari_password}\n",
    )
    ast.cli("module reload res_ari.so")
    async with AriClient(ast.ari_url, ast.ari_user, ast.ari_password) as client:
        agent = Agent(world.db, client, checkpoint_path=tmp_path / "agent.checkpoint", backoff_max=0.2)
        with pytest.raises(AgentError, match="may not write"):
            # before reading any update: an agent that started would poll until the timeout
            await asyncio.wait_for(agent.run(asyncio.Event()), 30)
        assert agent.position == 0  # nothing was read, nothing applied
