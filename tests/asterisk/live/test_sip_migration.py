"""A chan_sip peer migrated with the sip.conf import registers with Asterisk with its old
credentials, from the product's exported pjsip.conf; a wrong password is refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.services.exports import TemplateMode, pjsip_conf
from app.services.imports import FileKind, import_text
from app.services.tenants import create_tenant
from tests.asterisk.live.instance import AsteriskInstance
from tests.asterisk.live.sip_client import register
from tests.asterisk.live.test_sip_end_to_end import _without_transports
from tests.conftest import World
from tests.helpers import caller_for

pytestmark = pytest.mark.asterisk

SIP_CONF = """
[general]
context=public
disallow=all
allow=ulaw

[office](!)
type=friend
host=dynamic
context=internal

[2001](office)
secret=old-chan-sip-secret
callerid="Reception" <2001>
"""


async def test_a_migrated_chan_sip_peer_registers_with_its_old_password(
    world: World, asterisk_factory: Callable[..., AsteriskInstance]
) -> None:
    caller = await caller_for(world.db, world.admin_token)
    created = await create_tenant(
        world.db, caller, name="Migrated", slug=None, parent_uuid=None, with_default_templates=False
    )
    assert created.tenant is not None
    report = await import_text(
        world.db, caller, tenant_uuid=created.tenant.uuid, kind=FileKind.SIP_CONF, text=SIP_CONF, dry_run=False
    )
    assert report.endpoints == ["2001"]

    text = await pjsip_conf(world.db, caller, engine="default", tenant_uuid=None, mode=TemplateMode.NATIVE)
    ast = asterisk_factory(pjsip_conf=_without_transports(text))
    assert register(server_port=ast.sip_port, username="2001", password="old-chan-sip-secret") == 200
    assert register(server_port=ast.sip_port, username="2001", password="wrong") == 401
    assert ast.warnings_and_errors() == []
