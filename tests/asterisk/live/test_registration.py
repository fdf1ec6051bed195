"""A trunk's outbound registration, exported to pjsip.conf, is accepted by Asterisk and reaches a
registrar played by the test with the configured credentials."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from app.asterisk.pjsip_export import render_flat
from app.domain.sorcery import endpoint_objects
from tests.asterisk.live.instance import AsteriskInstance
from tests.asterisk.live.sip_client import Registrar
from tests.domain.test_sorcery import resolved

pytestmark = pytest.mark.asterisk


def test_trunk_registers_with_its_credentials(asterisk_factory: Callable[..., AsteriskInstance]) -> None:
    registrar = Registrar(expected={"acme": "trunk-secret"}).start()
    try:
        objects = endpoint_objects(
            "trunk",
            resolved(
                endpoint=(("context", "default"), ("allow", "!all,ulaw")),
                registration=(
                    ("server_uri", f"sip:127.0.0.1:{registrar.port}"),
                    ("client_uri", f"sip:acme@127.0.0.1:{registrar.port}"),
                    ("retry_interval", "10"),
                    ("expiration", "120"),
                ),
                registration_outbound_auth=(
                    ("auth_type", "userpass"),
                    ("username", "acme"),
                    ("password", "trunk-secret"),
                ),
            ),
        )
        conf = render_flat(global_options=(), system_options=(), transports=(), objects=objects)
        ast = asterisk_factory(pjsip_conf=conf)
        deadline = time.monotonic() + 15
        while not registrar.authenticated() and time.monotonic() < deadline:
            time.sleep(0.1)
        auth = [r.authorization for r in registrar.authenticated()]
        assert auth and auth[0] is not None and auth[0]["username"] == "acme"
        deadline = time.monotonic() + 10
        while "Registered" not in ast.cli("pjsip show registrations") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "Registered" in ast.cli("pjsip show registrations")
        assert ast.warnings_and_errors() == []
    finally:
        registrar.stop()
