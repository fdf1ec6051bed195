"""The fixture itself: Asterisk boots on loopback ports, answers the CLI and ARI, and a SIP client
registers with digest credentials from pjsip.conf (and is refused with wrong ones)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.asterisk.live.instance import AsteriskInstance
from tests.asterisk.live.sip_client import register

pytestmark = pytest.mark.asterisk

PJSIP = """
[alice]
type = endpoint
context = default
disallow = all
allow = ulaw
auth = alice
aors = alice

[alice]
type = auth
auth_type = userpass
username = alice
password = s3cret

[alice]
type = aor
max_contacts = 1
remove_existing = yes
"""


def test_boots_registers_and_answers_ari(asterisk_factory: Callable[..., AsteriskInstance]) -> None:
    ast = asterisk_factory(pjsip_conf=PJSIP)
    assert "alice" in ast.cli("pjsip list endpoints")
    assert register(server_port=ast.sip_port, username="alice", password="s3cret") == 200
    assert register(server_port=ast.sip_port, username="alice", password="wrong") == 401
    reply = httpx.get(
        f"{ast.ari_url}/asterisk/config/dynamic/res_pjsip/endpoint/alice",
        auth=(ast.ari_user, ast.ari_password),
        timeout=10,
    )
    assert reply.status_code == 200
    fields = {f["attribute"]: f["value"] for f in reply.json()}
    assert fields["context"] == "default"
    assert ast.warnings_and_errors() == []
