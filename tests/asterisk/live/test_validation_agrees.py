"""Asterisk is the judge of the validation table: each value (and each whole object) the product
refuses is refused by Asterisk too, or loaded but served as something else; each one it accepts
loads. One Asterisk start."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.asterisk.live.instance import AsteriskInstance, free_port
from tests.asterisk.live.push import ari_client, normalise
from tests.domain.test_asterisk_values import (
    ACCEPTED_BY_ASTERISK,
    CHANGED_BY_ASTERISK,
    OBJECTS_ACCEPTED_BY_ASTERISK,
    OBJECTS_CHANGED_BY_ASTERISK,
    OBJECTS_REFUSED_BY_ASTERISK,
    REFUSED_BY_ASTERISK,
)

pytestmark = pytest.mark.asterisk

# Object types whose objects are named and listed by `pjsip list <type>s` after the load.
_CHECKED = {"endpoint", "aor", "auth", "identify", "registration", "transport"}
# What each type needs besides the option under test to load at all (an option under test replaces its own).
_BASE: dict[str, tuple[tuple[str, str], ...]] = {
    "endpoint": (("context", "default"),),
    "aor": (),
    "auth": (("username", "u"), ("password", "p")),
    "identify": (("endpoint", "target"), ("match", "192.0.2.1")),
    "registration": (("server_uri", "sip:127.0.0.1:5999"), ("client_uri", "sip:a@127.0.0.1:5999")),
}
Fields = tuple[tuple[str, str], ...]
Case = tuple[str, str, Fields]  # object id, type, fields


def _section(name: str, object_type: str, fields: Fields) -> str:
    return f"[{name}]\ntype = {object_type}\n" + "".join(f"{k} = {v}\n" for k, v in fields) + "\n"


def _base(object_type: str) -> Fields:
    """What the type needs; a transport binds a loopback port of its own."""
    if object_type == "transport":
        return (("protocol", "udp"), ("bind", f"127.0.0.1:{free_port()}"))
    return _BASE[object_type]


def _value_cases(table: list[tuple[str, str, str]], prefix: str) -> list[Case]:
    cases = []
    for i, (object_type, key, value) in enumerate(table):
        if object_type in _CHECKED:
            base = tuple((k, v) for k, v in _base(object_type) if k != key)
            cases.append((f"{prefix}{i}", object_type, (*base, (key, value))))
    return cases


def _object_cases(table: list[tuple[str, Fields]], prefix: str) -> list[Case]:
    # identify objects need their endpoint; the rest are tested as given
    return [
        (f"{prefix}{i}", t, ((("endpoint", "target"),) if t == "identify" else ()) + fields)
        for i, (t, fields) in enumerate(table)
    ]


async def test_asterisk_refuses_what_validation_refuses_and_loads_what_it_accepts(
    asterisk_factory: Callable[..., AsteriskInstance],
) -> None:
    refused = _value_cases(REFUSED_BY_ASTERISK, "refused") + _object_cases(OBJECTS_REFUSED_BY_ASTERISK, "orefused")
    changed = _value_cases(CHANGED_BY_ASTERISK, "changed") + _object_cases(OBJECTS_CHANGED_BY_ASTERISK, "ochanged")
    accepted = _value_cases(ACCEPTED_BY_ASTERISK, "accepted") + _object_cases(OBJECTS_ACCEPTED_BY_ASTERISK, "oaccepted")
    every = refused + changed + accepted
    conf = _section("target", "endpoint", _BASE["endpoint"])
    conf += "".join(_section(name, t, fields) for name, t, fields in every)
    ast = asterisk_factory(pjsip_conf=conf)
    listing = {t: ast.cli(f"pjsip list {'identifies' if t == 'identify' else t + 's'}") for t in _CHECKED}
    loaded = {name for name, t, _ in every if f" {name} " in listing[t] or f" {name}/" in listing[t]}
    assert [f"{t} {fields[-1]}" for name, t, fields in refused if name in loaded] == []
    assert [f"{t} {fields}" for name, t, fields in accepted if name not in loaded] == []
    # a changed value loads, and Asterisk serves another value for it
    async with ari_client(ast) as client:
        for name, object_type, fields in changed:
            key, value = fields[-1]
            served = dict(await client.get(object_type, name))
            assert normalise(served.get(key, "")) != normalise(value), (object_type, key, value)
