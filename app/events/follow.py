"""One subscriber's path through a stream: replay from the record, then live.

Both phases read the same record by sequence number (replay straight from the
database, live from the hub's window), so a subscriber that resumes with
``after`` = the last sequence it saw gets exactly what it missed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

from app.errors import AppError
from app.events.hub import EventHub
from app.events.records import READERS, engine_heads

REPLAY_PAGE = 500


def _stream_words(stream: str) -> tuple[str, str]:
    """What a stream holds, and how a client rebuilds its state without it."""
    if stream == "updates":
        return (
            "Sorcery updates",
            "read every endpoint's pjsipObjects and the engine's transports, globalOptions and systemOptions",
        )
    return "change events", "read the tenants, templates and endpoints you follow"


class ResyncRequired(AppError):
    """``after`` is older than what the record still holds."""

    code = "BAD_USER_INPUT"

    def __init__(self, stream: str, after: int, pruned: int, head: int) -> None:
        what, how = _stream_words(stream)
        super().__init__(
            f"{what} after {after} are no longer retained (the oldest kept follows {pruned}). "
            f"Resynchronise: {how}, then subscribe again with after: {head}."
        )
        self.pruned = pruned
        self.head = head

    def extensions(self) -> dict[str, object]:
        return {"code": self.code, "reason": "RESYNC_REQUIRED", "retainedAfter": self.pruned, "lastSeq": self.head}


class BeyondRecord(AppError):
    """``after`` is past the last recorded sequence: the client saw a record that is gone (restore or reset)."""

    code = "BAD_USER_INPUT"

    def __init__(self, stream: str, after: int, head: int) -> None:
        what, how = _stream_words(stream)
        super().__init__(
            f"after: {after} is beyond the last recorded {what[:-1]} ({head}): the database was restored or reset "
            f"since you read it. Resynchronise: {how}, then subscribe again with after: {head}."
        )
        self.head = head

    def extensions(self) -> dict[str, object]:
        return {"code": self.code, "field": "after", "reason": "AFTER_BEYOND_RECORD", "lastSeq": self.head}


def check_after(stream: str, after: int, *, pruned: int, head: int) -> None:
    """Refuse a resume point the record cannot serve exactly: pruned already, or never recorded."""
    if after < pruned:
        raise ResyncRequired(stream, after, pruned, head)
    if after > head:
        raise BeyondRecord(stream, after, head)


class TooSlow(AppError):
    code = "CONFLICT"

    def __init__(self, last: int) -> None:
        super().__init__(
            f"subscriber too slow: it fell out of the live window; subscribe again with after: {last} to resume"
        )
        self.last = last

    def extensions(self) -> dict[str, object]:
        return {"code": self.code, "reason": "TOO_SLOW", "lastSeq": self.last}


async def follow(hub: EventHub, engine_uuid: UUID, stream: str, after: int | None) -> AsyncIterator[Any]:
    """Every record of the stream with seq > ``after`` (None: from now on), in order, forever."""
    window = await hub.window(engine_uuid, stream)
    if after is None:
        last = window.head
    else:
        heads = await engine_heads(hub.db)
        state = heads[engine_uuid]
        check_after(stream, after, pruned=state.pruned(stream), head=state.head(stream))
        last = after
    live = False
    hub.subscribers += 1
    try:
        while not hub.closed:
            records = window.since(last)
            if records is None:
                if live:
                    raise TooSlow(last)
                records = list(await READERS[stream](hub.db, engine_uuid, last, REPLAY_PAGE))
                if not records:
                    live = True  # the window starts right after the record's end
                    continue
            else:
                live = True
            for record in records:
                yield record
                last = record.seq
            if not records or live:
                await window.wait_beyond(last)
    finally:
        hub.subscribers -= 1
