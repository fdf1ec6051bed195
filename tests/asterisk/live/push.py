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
from app.domain.asterisk_values import parse_c_integer
from app.domain.catalog import BOOLEAN, load_catalog
from app.domain.resolution import ConfigKind
from app.domain.validation import LIST_ENUMS
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
    return codec_list([("allow", v) for v in allow])


def codec_list(fields: Fields) -> str:
    """The codec list that ``allow`` and ``disallow`` give, applied in order (``name:ms`` framing
    aside), in Asterisk's ``(a|b)`` form. ``all`` is only understood as a reset."""
    chosen: list[str] = []
    for key, value in fields:
        if key not in ("allow", "disallow"):
            continue
        for token in (t.strip() for t in value.replace("|", ",").split(",")):
            negated = token.startswith("!")
            name = token.lstrip("!").split(":")[0].strip()
            adding = negated == (key == "disallow")
            if name.lower() == "all":
                if not adding:
                    chosen.clear()
            elif adding and name and name not in chosen:
                chosen.append(name)
            elif not adding:
                chosen = [c for c in chosen if c != name]
    return "(" + "|".join(chosen) + ")" if chosen else "(nothing)"


# Differentiated services names and their ToS byte (the DSCP shifted left by two).
_DSCP = (
    {f"cs{n}": n * 8 for n in range(8)}
    | {"ef": 46}
    | {f"af{a}{b}": 8 * a + 2 * b for a in range(1, 5) for b in (1, 2, 3)}
)
# Enumeration values Asterisk reads as another one.
_ENUM_SYNONYMS = {
    ("timers", "forced"): "always",
    ("connected_line_method", "reinvite"): "invite",
    ("direct_media_method", "reinvite"): "invite",
}
# Keys Asterisk reads but does not serve (ACL rules become an ACL, disallow folds into allow).
NOT_SERVED = frozenset({"permit", "deny", "contact_permit", "contact_deny", "disallow", "security_mechanisms"})
_CODEC_PREF_DEFAULTS = {
    "codec_prefs_incoming_offer": "intersect",
    "codec_prefs_incoming_answer": "intersect",
    "codec_prefs_outgoing_offer": "union",
    "codec_prefs_outgoing_answer": "intersect",
}


# Asterisk prints at most this many characters of a call or pickup group list.
GROUP_DISPLAY_CUT = 100


def _cut_group_list(object_type: str, key: str, value: str, served: str | None) -> bool:
    """Asterisk cuts a long group list when it prints it (the groups themselves are whole):
    a cut list agrees when it begins the recorded one."""
    if served is None or key not in ("call_group", "pickup_group") or len(served) < GROUP_DISPLAY_CUT:
        return False
    return comparable(object_type, key, value).replace(",", ", ").startswith(served)


def _digest_items(values: list[str]) -> list[tuple[str, str]]:
    """(algorithm, digest) of ``ALGORITHM:digest`` items, the algorithm upper-cased."""
    items = (item.strip() for v in values for item in v.split(",") if ":" in item)
    return [(a.strip().upper(), d.strip()) for a, _, d in (item.partition(":") for item in items)]


def _is_true(value: str) -> bool:
    return value.strip().lower() in {"yes", "true", "on", "1", "y", "t"}


def comparable(object_type: str, key: str, value: str) -> str:
    """One spelling per meaning for a single-valued key, the same for the record and for Asterisk."""
    spec = load_catalog().spec(object_type, key)
    if (spec is not None and spec.type == BOOLEAN) or key == "dtls_auto_generate_cert":
        return "true" if _is_true(value) else "false"
    if key == "callerid":
        return normalise_callerid(value)
    if key in ("call_group", "pickup_group"):
        numbers: set[int] = set()
        for item in (i.strip() for i in value.split(",") if i.strip()):
            low, _, high = item.partition("-")
            numbers.update(range(int(low), int(high or low) + 1))
        return ",".join(map(str, sorted(numbers)))
    if key in ("named_call_group", "named_pickup_group"):
        return ",".join(sorted({i.strip() for i in value.split(",") if i.strip()}))
    if key in ("tos_audio", "tos_video"):
        name = value.strip().lower()
        return str(_DSCP[name] << 2 if name in _DSCP else parse_c_integer(value))
    if key in _CODEC_PREF_DEFAULTS:
        prefs = {"prefer": "pending", "operation": _CODEC_PREF_DEFAULTS[key], "keep": "all", "transcode": "allow"}
        for item in value.split(","):
            name, _, choice = item.partition(":")
            if name.strip():
                prefs[name.strip()] = choice.strip()
        return ", ".join(f"{k}:{v}" for k, v in prefs.items())
    if key in LIST_ENUMS:
        # a list of enumeration values: Asterisk keeps each once, in order
        return ",".join(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    if spec is not None and spec.enum is not None:
        lowered = value.strip().lower()
        return _ENUM_SYNONYMS.get((key, lowered), lowered)
    return normalise(value)


def asterisk_view(object_type: str, fields: Fields) -> Fields:
    """The fields with what Asterisk derives from them when it applies the object."""
    last = dict(fields)
    if object_type == "auth":
        # md5_cred is the MD5 entry of password_digest: each is served from the other
        digests = dict(_digest_items([v for k, v in fields if k == "password_digest"]))
        if "md5_cred" in last and "MD5" not in digests:
            return [*fields, ("password_digest", f"MD5:{last['md5_cred']}")]
        if "MD5" in digests and "md5_cred" not in last:
            return [*fields, ("md5_cred", digests["MD5"])]
        return fields
    if object_type != "endpoint":
        return fields
    derived: Fields = []
    if _is_true(last.get("webrtc", "no")):
        # webrtc turns on what WebRTC needs, whatever else the object says
        derived += [
            (k, "yes") for k in ("bundle", "rtcp_mux", "use_avpf", "ice_support", "media_use_received_transport")
        ]
        derived += [("media_encryption", "dtls"), ("dtls_verify", "fingerprint"), ("dtls_setup", "actpass")]
        derived.append(("dtls_rekey", "0"))
        if not last.get("dtls_cert_file"):
            derived.append(("dtls_auto_generate_cert", "yes"))
    elif _is_true(last.get("bundle", "no")):
        derived.append(("rtcp_mux", "yes"))
    # Asterisk serves direct_media_method from the connected line method (its to_str reads that field)
    derived.append(("direct_media_method", last.get("connected_line_method", "invite")))
    return [*fields, *derived]


# What Asterisk serves for a key nobody set, where the catalog names no default.
SERVED_WHEN_UNSET = {
    "callerid": "<unknown>",
    "dtls_fingerprint": "SHA-256",
    "dtls_setup": "active",
    "supported_algorithms_uac": "MD5",
    "supported_algorithms_uas": "MD5",
}


# Keys whose documented default is a description, not the value Asterisk serves.
UNSET_NOT_COMPARED = frozenset({"user_agent", "mwi_tps_queue_high"})


def unset_value(object_type: str, key: str) -> str:
    spec = load_catalog().spec(object_type, key)
    default = spec.default if spec is not None else None
    return SERVED_WHEN_UNSET.get(key, "") if default is None else default


def unset_differences(object_type: str, recorded: Fields, served: Fields) -> list[str]:
    """Keys the record does not set must be served at their default: a key removed from the
    record must not linger in Asterisk (a merge never unsets a key)."""
    catalog = load_catalog()
    set_keys = {k for k, _ in recorded}
    problems = []
    for key, value in dict(served).items():
        if key in set_keys or key not in catalog.keys(object_type) or catalog.is_multiple(object_type, key):
            continue
        if key in UNSET_NOT_COMPARED:
            continue
        expected = unset_value(object_type, key)
        if comparable(object_type, key, value) != comparable(object_type, key, expected):
            problems.append(f"{key}: unset in the record, served as {value!r}")
    return problems


def differences(object_type: str, recorded: Fields, served: Fields) -> list[str]:
    """What Asterisk serves differently from the record: the keys the record sets (as Asterisk
    applies them, see `asterisk_view`), and the defaults of the keys it does not set."""
    catalog = load_catalog()
    expected = asterisk_view(object_type, recorded)
    problems: list[str] = []
    served_single: dict[str, str] = {}
    served_multi: dict[str, list[str]] = {}
    for k, v in served:
        served_single.setdefault(k, v)
        served_multi.setdefault(k, []).append(v)
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for k, v in expected:
        if k in NOT_SERVED:
            continue
        if catalog.is_multiple(object_type, k):
            multi.setdefault(k, []).append(v)
        else:
            single[k] = v
    for k, v in single.items():
        got = served_single.get(k)
        if _cut_group_list(object_type, k, v, got):
            continue
        if got is None or comparable(object_type, k, v) != comparable(object_type, k, got):
            problems.append(f"{k}: {v!r} served as {got!r}")
    for k, values in multi.items():
        if k == "allow":
            if codec_list(expected) != served_single.get("allow"):
                problems.append(f"allow: {codec_list(expected)} served as {served_single.get('allow')!r}")
        elif k == "set_var":
            # each variable is its own field; a later set_var of a variable replaces it
            wanted = dict(v.split("=", 1) for v in values)
            for name, value in wanted.items():
                if served_single.get(name) != value:
                    problems.append(f"set_var {name}: {value!r} served as {served_single.get(name)!r}")
        elif k in ("supported_algorithms_uac", "supported_algorithms_uas"):
            # Asterisk appends the algorithms of every occurrence
            wanted_list = [a.strip().lower() for v in values for a in v.split(",") if a.strip()]
            got_list = [a.strip().lower() for a in served_single.get(k, "").split(",") if a.strip()]
            if wanted_list != got_list:
                problems.append(f"{k}: {wanted_list} served as {got_list}")
        elif k == "password_digest":
            # one digest per algorithm, the last given for it
            wanted_digests = dict(_digest_items(values))
            got_digests = dict(_digest_items([served_single.get(k, "")]))
            if wanted_digests != got_digests:
                problems.append(f"{k}: {wanted_digests} served as {got_digests}")
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
    return problems + unset_differences(object_type, expected, served)


async def served_differences(client: AriClient, recorded: dict[ObjectKey, Fields]) -> list[str]:
    """Each of these objects against Asterisk's view of it (ARI GET), as readable lines."""
    found: list[str] = []
    for (object_type, object_id), fields in sorted(recorded.items()):
        try:
            served = await client.get(object_type, object_id)
        except AriNotFound:
            found.append(f"{object_type}/{object_id}: missing")
            continue
        found += [f"{object_type}/{object_id}: {p}" for p in differences(object_type, fields, served)]
    return found


async def divergences(db: Database, client: AriClient, gone: set[ObjectKey] | None = None) -> list[str]:
    """Every recorded object against Asterisk's view of it; ``gone`` objects must be absent."""
    found = await served_differences(client, await recorded_objects(db))
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
