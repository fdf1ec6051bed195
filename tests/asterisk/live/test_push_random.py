"""A few hundred random changes, applied through the services while the push agent runs against a
real Asterisk, end with Asterisk serving every recorded object as recorded (seeded: reproducible)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from app.domain.resolution import ConfigKind
from app.domain.sections import Options, Section
from app.services.snapshots import ConfigRecord
from tests.asterisk.live.instance import AsteriskInstance
from tests.asterisk.live.push import Editor, ari_client, divergences, new_agent, running, settle
from tests.conftest import World
from tests.helpers import caller_for, default_template, new_endpoint, new_tenant

pytestmark = pytest.mark.asterisk

MUTATIONS = 300
CODECS = ("ulaw", "alaw", "gsm", "g722")


def random_sections(rng: random.Random, name: str) -> dict[Section, Options]:
    endpoint: list[tuple[str, str]] = [("callerid", f'"{rng.choice(("A", "B", "C"))}" <{name}>')]
    if rng.random() < 0.5:
        endpoint.append(("language", rng.choice(("en", "fr", "de"))))
    if rng.random() < 0.5:
        endpoint.append(("dtmf_mode", rng.choice(("rfc4733", "info", "inband"))))
    endpoint += [("allow", c) for c in rng.sample(CODECS, rng.randint(0, 2))]
    endpoint += [("set_var", f"V{i}={rng.randint(0, 9)}") for i in range(rng.randint(0, 2))]
    aor: list[tuple[str, str]] = []
    if rng.random() < 0.5:
        aor.append(("max_contacts", str(rng.randint(1, 5))))
    if rng.random() < 0.3:
        aor.append(("mailboxes", f"{name}@default"))
    return {
        Section.AUTH: (("username", name), ("password", f"pw-{rng.randint(0, 999)}")),
        Section.ENDPOINT: tuple(endpoint),
        Section.AOR: tuple(aor),
    }


@pytest.fixture(scope="module")
def asterisk(module_asterisk_factory: Callable[..., AsteriskInstance]) -> AsteriskInstance:
    return module_asterisk_factory(push_config=True)


async def test_random_changes_end_with_asterisk_equal_to_the_record(
    world: World, asterisk: AsteriskInstance, tmp_path: Path
) -> None:
    db = world.db
    rng = random.Random(20261205)
    caller = await caller_for(db, world.admin_token)
    tenant = await new_tenant(db, caller, "Random")
    sip = await default_template(db, tenant, "sip")
    editor = Editor(db, caller)
    prefix = "r" + uuid.uuid4().hex[:6]
    lines: dict[str, ConfigRecord] = {}
    used: set[str] = set()

    async with ari_client(asterisk) as client:
        agent = new_agent(db, client, tmp_path / "agent.checkpoint")
        async with running(agent) as task:
            for step in range(MUTATIONS):
                choice = rng.random()
                if choice < 0.25 or len(lines) < 2:
                    name = f"{prefix}n{step}"
                    sections = random_sections(rng, name)
                    lines[name] = await new_endpoint(db, caller, tenant, name, [sip.uuid], sections)
                    used.add(name)
                elif choice < 0.75:
                    name = rng.choice(sorted(lines))
                    await editor.update(ConfigKind.ENDPOINT, lines[name].uuid, sections=random_sections(rng, name))
                elif choice < 0.85:
                    name = rng.choice(sorted(lines))
                    await editor.delete(lines.pop(name))
                elif choice < 0.93:
                    old = rng.choice(sorted(lines))
                    new = f"{prefix}m{step}"
                    record = lines.pop(old)
                    await editor.update(ConfigKind.ENDPOINT, record.uuid, name=new, sections=random_sections(rng, new))
                    lines[new] = record
                    used.add(new)
                else:
                    current = (await default_template(db, tenant, "sip")).sections.get(Section.ENDPOINT, ())
                    kept = tuple((k, v) for k, v in current if k != "language")
                    language = (("language", rng.choice(("en", "fr", "de"))),)
                    await editor.update(ConfigKind.TEMPLATE, sip.uuid, sections={Section.ENDPOINT: kept + language})
            await settle(agent, task)
            gone = {(t, n) for n in used - set(lines) for t in ("endpoint", "aor", "auth")}
            assert await divergences(db, client, gone) == []
        assert agent.counters.rejected == 0
