"""Running the push agent against a real Asterisk and comparing Asterisk's objects with the record.

Asterisk answers a GET with every field of the object, defaults included, and in its own spelling;
`differences` compares only the keys the record sets, after reading both sides the way Asterisk
does (see `normalise` and `codecs`): the normalisations are documented in docs/asterisk.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from app.asterisk.ari import Agent, AriClient, AriNotFound
from app.db.database import Database
from app.db.models import SorceryObjectRow
from app.domain.catalog import load_catalog
from app.domain.resolution import ConfigKind
from app.events.records import engine_heads
from app.services import configs
from app.services.access import Caller
from app.services.snapshots import ConfigRecord
from tests.asterisk.live.instance import AsteriskInstance

NOT_PUSHED = ("transport", "system")
SETTLE_TIMEOUT_S = 20.0
Fields = list[tuple[str, str]]
ObjectKey = tuple[str, str]

_TRUE = {"yes", "true", "on"}
_FALSE = {"no", "false", "off"}


def ari_client(ast: AsteriskInstance) -> AriClient:
    return AriClient(ast.ari_url, ast.ari_user, ast.ari_password)


def new_agent(db: Database, client: AriClient, checkpoint: Path, **options: Any) -> Agent:
    return Agent(
        db, client, checkpoint_path=checkpoint, poll_interval=0.05, backoff_initial=0.05, backoff_max=0.5, **options
    )


@contextlib.asynccontextmanager
async def running(agent: Agent) -> AsyncIterator[asyncio.Task[None]]:
    """The agent's ``run`` loop as a task, stopped (and its error raised) when the block ends."""
    stop = asyncio.Event()
    task = asyncio.create_task(agent.run(stop))
    try:
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


async def head_seq(db: Database) -> int:
    (engine,) = [h for h in (await engine_heads(db)).values() if h.name == "default"]
    return engine.last_seq


async def settle(agent: Agent, task: asyncio.Task[None] | None = None) -> None:
    """Wait until the running agent has handled the engine's head sequence number."""
    target = await head_seq(agent.db)
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while agent.position < target:
        if task is not None and task.done():
            task.result()  # raises what ended the agent
            raise AssertionError("the agent stopped before reaching the head")
        if time.monotonic() > deadline:
            raise AssertionError(f"the agent is at seq {agent.position}, the head is {target}")
        await asyncio.sleep(0.05)


async def wait_until(condition: Callable[[], object], timeout: float) -> bool:
    """Poll ``condition`` (a check of another process or thread) until true or ``timeout`` s passed."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.1)
    return True


async def recorded_objects(db: Database) -> dict[ObjectKey, Fields]:
    """The engine's recorded objects, without what ARI cannot push."""
    table = SorceryObjectRow.__table__  # type: ignore[attr-defined]
    async with db.reading() as session:
        rows = (await session.execute(sa.select(table.c.object_type, table.c.object_id, table.c.fields))).all()
    return {(t, i): [(k, v) for k, v in f] for t, i, f in rows if t not in NOT_PUSHED}


# Values Asterisk reads as another one of the same set (it serves the other spelling).
ALIASES = {
    "direct_media_method": {"reinvite": "invite"},
    "connected_line_method": {"reinvite": "invite"},
    "timers": {"forced": "always"},
}


# Asterisk prints direct_media_method from the field connected_line_method sets
# (direct_media_method_to_str in res_pjsip's pjsip_configuration.c reads id.refresh_method):
# a display bug of Asterisk; what it does with each value is right. The served value is
# compared with the record's connected_line_method instead.
SERVED_FROM = {"direct_media_method": "connected_line_method"}


def normalise(value: str) -> str:
    """Booleans as Asterisk prints them, numbers by value (``3.0`` and ``3.000000`` agree)."""
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return "true"
    if lowered in _FALSE:
        return "false"
    with contextlib.suppress(ValueError):
        return repr(float(lowered))
    return value.strip()


def normalise_callerid(value: str) -> str:
    """``<alice>`` is printed ``alice``, ``"Alice" <100>`` as ``"Alice" <100>``: compare name and number."""
    return " ".join(value.replace('"', "").replace("<", " ").replace(">", " ").split())


def normalise_match(value: str) -> set[str]:
    """``10.0.0.1`` is stored as ``10.0.0.1/255.255.255.255``, ``10.0.0.0/24`` with its netmask."""
    found = set()
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            net = ipaddress.ip_network(part, strict=False)
            found.add(f"{net.network_address}/{net.netmask}")
        except ValueError:
            found.add(part)
    return found


def codecs(allow: list[str]) -> str:
    """The codec list ``allow`` values give, in Asterisk's ``(a|b)`` form."""
    chosen: list[str] = []
    for value in allow:
        for token in (t.strip() for t in value.split(",")):
            if token == "!all":
                chosen.clear()
            elif token.startswith("!"):
                chosen = [c for c in chosen if c != token[1:]]
            elif token and token not in chosen:
                chosen.append(token)
    return "(" + "|".join(chosen) + ")" if chosen else "(nothing)"


# What Asterisk serves for a key nobody set, where the catalog names no default.
SERVED_WHEN_UNSET = {
    "callerid": "<unknown>",
    "dtls_fingerprint": "SHA-256",
    "dtls_setup": "active",
    "supported_algorithms_uac": "MD5",
    "supported_algorithms_uas": "MD5",
}
# Keys whose unset value is not compared: the catalog's default omits "transcode: allow", which
# Asterisk serves for these two as well.
UNSET_NOT_COMPARED = frozenset({"codec_prefs_incoming_answer", "codec_prefs_outgoing_answer"})


def _as_served(object_type: str, recorded: Fields) -> Fields:
    """The record with the keys Asterisk serves from another field replaced by that field's value."""
    if object_type != "endpoint":
        return recorded
    values = dict(recorded)
    out = [(k, v) for k, v in recorded if k not in SERVED_FROM]
    for key, source in SERVED_FROM.items():
        value = values.get(source, unset_value(object_type, source))
        out.append((key, ALIASES.get(source, {}).get(value, value)))
    return out


def unset_value(object_type: str, key: str) -> str:
    spec = load_catalog().spec(object_type, key)
    default = spec.default if spec is not None else None
    if default is None:
        return SERVED_WHEN_UNSET.get(key, "")
    return default.replace(": ", ":") if key.startswith("codec_prefs_") else default


def unset_differences(object_type: str, recorded: Fields, served: Fields) -> list[str]:
    """Keys the record does not set must be served at their default: a key removed from the
    record must not linger in Asterisk (a merge never unsets a key)."""
    catalog = load_catalog()
    set_keys = {k for k, _ in recorded}
    problems = []
    for key, value in dict(served).items():
        if key in set_keys or key in UNSET_NOT_COMPARED or key not in catalog.keys(object_type):
            continue
        if catalog.is_multiple(object_type, key):
            continue
        if normalise(value) != normalise(unset_value(object_type, key)):
            problems.append(f"{key}: unset in the record, served as {value!r}")
    return problems


def differences(object_type: str, recorded: Fields, served: Fields) -> list[str]:
    """What Asterisk serves differently from the record: the keys the record sets, and the
    defaults of the keys it does not set."""
    catalog = load_catalog()
    problems: list[str] = []
    served_single: dict[str, str] = {}
    served_multi: dict[str, list[str]] = {}
    for k, v in served:
        served_single.setdefault(k, v)
        served_multi.setdefault(k, []).append(v)
    multi: dict[str, list[str]] = {}
    recorded = _as_served(object_type, recorded)
    for k, v in recorded:
        if catalog.is_multiple(object_type, k):
            multi.setdefault(k, []).append(v)
        elif k == "callerid":
            if normalise_callerid(v) != normalise_callerid(served_single.get(k, "")):
                problems.append(f"{k}: {v!r} served as {served_single.get(k)!r}")
        elif normalise(ALIASES.get(k, {}).get(v, v)) != normalise(served_single.get(k, "<absent>")):
            problems.append(f"{k}: {v!r} served as {served_single.get(k, '<absent>')!r}")
    for k, values in multi.items():
        if k == "allow":
            if codecs(values) != served_single.get("allow"):
                problems.append(f"allow: {values} served as {served_single.get('allow')!r}")
        elif k == "set_var":
            # each variable is its own field; a later set_var of a variable replaces it
            wanted = dict(v.split("=", 1) for v in values)
            for name, value in wanted.items():
                if served_single.get(name) != value:
                    problems.append(f"set_var {name}: {value!r} served as {served_single.get(name)!r}")
        elif k == "match":
            wanted_match = set().union(*(normalise_match(v) for v in values))
            served_match = set().union(*(normalise_match(v) for v in served_multi.get("match", [])))
            if wanted_match != served_match:
                problems.append(f"match: {sorted(wanted_match)} served as {sorted(served_match)}")
        else:
            # aor contact: Asterisk lists registered contacts too, so the record's are a subset
            served_values = {s.strip() for v in served_multi.get(k, []) for s in v.split(",")}
            missing = [v for v in values if v not in served_values]
            if missing:
                problems.append(f"{k}: {missing} not served (serves {sorted(served_values)})")
    return problems + unset_differences(object_type, recorded, served)


async def divergences(
    db: Database,
    client: AriClient,
    gone: set[ObjectKey] | None = None,
    *,
    objects: dict[ObjectKey, Fields] | None = None,
) -> list[str]:
    """Every recorded object (or the given ``objects``) against Asterisk's view of it; ``gone`` objects
    must be absent."""
    found: list[str] = []
    compared = objects if objects is not None else await recorded_objects(db)
    for (object_type, object_id), fields in sorted(compared.items()):
        try:
            served = await client.get(object_type, object_id)
        except AriNotFound:
            found.append(f"{object_type}/{object_id}: missing")
            continue
        found += [f"{object_type}/{object_id}: {p}" for p in differences(object_type, fields, served)]
    for object_type, object_id in sorted(gone or ()):
        with contextlib.suppress(AriNotFound):
            await client.get(object_type, object_id)
            found.append(f"{object_type}/{object_id}: still served after its deletion")
    return found


@dataclass
class Editor:
    """Mutations through the product's services, as the API applies them."""

    db: Database
    caller: Caller

    async def update(self, kind: ConfigKind, uuid: UUID, **patch: Any) -> None:
        await configs.update_config(
            self.db, self.caller, kind, uuid, configs.ConfigPatch(**patch), expected_revision=None, dry_run=False
        )

    async def delete(self, record: ConfigRecord) -> None:
        await configs.delete_config(self.db, self.caller, ConfigKind.ENDPOINT, record.uuid, dry_run=False)
