"""A template change replacing many endpoints leaves each one alive in Asterisk, not only configured.

Asterisk finishes deleting an endpoint later, on a queue; a ``PUT`` of the same id that comes first
reuses the endpoint's live state and the late deletion then shuts it down: the configuration object
is right, but ``GET /ari/endpoints/PJSIP`` no longer lists the endpoint, its device state is invalid,
and the CLI can crash. Without the agent's wait (app/asterisk/ari/settle.py), replacing 1,000
endpoints 8 at a time left 54 to 94 of them so on the tested build.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from uuid import UUID

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import col

from app.db.models import SipConfig
from app.domain.resolution import ConfigKind
from app.domain.sections import Section
from app.services.imports import FileKind, import_text
from tests.asterisk.live.instance import AsteriskInstance
from tests.asterisk.live.push import Editor, ari_client, divergences, new_agent, running, settle
from tests.conftest import World
from tests.helpers import caller_for, new_tenant

pytestmark = pytest.mark.asterisk

ENDPOINTS = 1000


def pjsip_conf(count: int) -> str:
    lines = ["[office](!)", "type=endpoint", "context=from-office", "allow=!all,ulaw", "dtmf_mode=rfc4733", ""]
    for i in range(count):
        name = f"live{i:04d}"
        lines += [f"[{name}](office)", "type=endpoint", f"aors={name}", f"auth={name}", f"callerid=<{i}>", ""]
        lines += [f"[{name}]", "type=aor", "max_contacts=1", ""]
        lines += [f"[{name}]", "type=auth", "auth_type=userpass", f"username={name}", f"password=p{i}", ""]
    return "\n".join(lines)


async def test_endpoints_replaced_by_a_template_change_stay_listed_by_asterisk(
    world: World, backend: str, asterisk_factory: Callable[..., AsteriskInstance], tmp_path: Path
) -> None:
    if backend != "sqlite":
        pytest.skip("one backend is enough: the agent's requests are the same on both")
    # given 1,000 endpoints under one template, imported and pushed to a fresh Asterisk
    ast = asterisk_factory(push_config=True)
    caller = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, caller, "Alive")
    report = await import_text(
        world.db, caller, tenant_uuid=tenant, kind=FileKind.PJSIP_CONF, text=pjsip_conf(ENDPOINTS), dry_run=False
    )
    assert len(report.endpoints) == ENDPOINTS
    async with ari_client(ast) as client:
        agent = new_agent(world.db, client, tmp_path / "agent.checkpoint")
        async with running(agent) as task:
            await settle(agent, task)
            names = {f"live{i:04d}" for i in range(ENDPOINTS)}
            assert names <= await listed(ast)

            # when the template changes a key every endpoint inherits: each endpoint is replaced
            office = await template_named(world, tenant, "office")
            own = (
                ("context", "from-office"),
                ("allow", "!all,ulaw"),
                ("dtmf_mode", "rfc4733"),
                ("moh_suggest", "jazz"),
            )
            await Editor(world.db, caller).update(ConfigKind.TEMPLATE, office, sections={Section.ENDPOINT: own})
            await settle(agent, task)

        # then Asterisk serves the recorded objects, and still lists every endpoint as alive
        assert await divergences(world.db, client) == []
        missing = names - await listed(ast)
        assert not missing, f"{len(missing)} endpoints lost their live state, e.g. {sorted(missing)[:5]}"
        # and no marker endpoint of the agent's waits is left behind
        assert not {n for n in await listed(ast) if n.startswith("pjsip-graph~")}
        assert agent.settler.waits >= 1


async def listed(ast: AsteriskInstance) -> set[str]:
    """The endpoints ARI lists with a live state (``GET /ari/endpoints/PJSIP``)."""
    async with httpx.AsyncClient(auth=(ast.ari_user, ast.ari_password), timeout=30) as http:
        answer = await http.get(f"{ast.ari_url}/endpoints/PJSIP")
    answer.raise_for_status()
    return {e["resource"] for e in answer.json()}


async def template_named(world: World, tenant: UUID, name: str) -> UUID:
    async with world.db.reading() as session:
        found = await session.scalars(
            sa.select(col(SipConfig.uuid)).where(col(SipConfig.tenant_uuid) == tenant, col(SipConfig.name) == name)
        )
        return found.one()
