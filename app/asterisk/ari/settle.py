"""Waiting until Asterisk has finished deleting endpoints, before any of them is put back.

Asterisk runs the observers of a deleted endpoint later, in order, on its sorcery observer
queue. A ``PUT`` of the same id that comes before them reuses the endpoint's live state (what
ARI's ``/endpoints``, device state and qualify use), and the late observer then shuts that state
down: the configuration object is right, but Asterisk no longer lists the endpoint, its device
state is invalid, and the CLI's ``pjsip show endpoints`` can crash Asterisk. Measured with the
tested build: 2,000 endpoints replaced 8 at a time left 238 of them so; 1,000 left 54 to 94.

Because the queue runs in order, a marker endpoint created and then deleted after the others
tells when their observers have run: once ARI no longer lists the marker. The marker's name is
one no product endpoint can have (``~`` is not allowed in names), it refuses every source, and
it is in the journal of owned objects while it exists, so a crash in between leaves it for the
next resynchronisation to delete.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable
from functools import partial

from app.asterisk.ari.client import AriClient, AriFatal, AriNotFound, AriRejected
from app.asterisk.ari.owned import OwnedObjects

log = logging.getLogger(__name__)

MARKER_PREFIX = "pjsip-graph~settle-"
MARKER_FIELDS = (("context", "pjsip-graph-settle"), ("deny", "0.0.0.0/0"), ("allow", "!all"))
# How often ARI is asked whether the marker is gone, and for how long before going on anyway.
POLL_INTERVAL = 0.002
TIMEOUT = 60.0

Retrying = Callable[[str, Callable[[], Awaitable[object]]], Awaitable[bool]]


class Settler:
    """Remembers the endpoints deleted since the last wait, and waits for Asterisk when needed."""

    def __init__(self, client: AriClient, owned: OwnedObjects, retrying: Retrying) -> None:
        self.client = client
        self.owned = owned
        self.retrying = retrying  # runs a step until it succeeds; False when the agent stops first
        self.unsettled: set[str] = set()
        self.waits = 0
        self._lock = asyncio.Lock()

    def deleted(self, endpoint_id: str) -> None:
        """An endpoint Asterisk had was just deleted: its observers are queued."""
        self.unsettled.add(endpoint_id)

    async def before_put(self, endpoint_id: str) -> bool:
        """Wait, if this endpoint was deleted since the last wait; False when stopped first."""
        if endpoint_id not in self.unsettled:
            return True
        async with self._lock:  # concurrent PUTs share one wait
            if endpoint_id not in self.unsettled:
                return True
            return await self._wait()

    async def _wait(self) -> bool:
        waiting_for = set(self.unsettled)
        markers: list[str] = []  # a new one per attempt: a lost answer may hide a marker created

        async def create() -> None:
            self.waits += 1
            marker = f"{MARKER_PREFIX}{os.getpid()}-{self.waits}"
            markers.append(marker)
            await asyncio.to_thread(self.owned.add, ("endpoint", marker))
            try:
                await self.client.put("endpoint", marker, MARKER_FIELDS)
            except AriRejected as exc:
                # Not the update's fault: every endpoint update would wait on it. The agent stops.
                raise AriFatal(
                    exc.method, exc.path, exc.status, f"the marker endpoint is refused: {exc.message}"
                ) from exc

        if not await self.retrying("create a marker endpoint", create):
            return False
        for marker in markers:
            if not await self.retrying(f"delete marker endpoint {marker}", partial(self._delete, marker)):
                return False
        deadline = asyncio.get_running_loop().time() + TIMEOUT
        while True:
            listed = await self._listed(markers[-1])
            if listed is None:
                return False
            if not listed:
                break
            if asyncio.get_running_loop().time() > deadline:
                log.warning("Asterisk still lists marker endpoint %s after %.0f s; going on", markers[-1], TIMEOUT)
                break
            await asyncio.sleep(POLL_INTERVAL)
        await asyncio.to_thread(self.owned.remove_all, [("endpoint", m) for m in markers])
        self.unsettled -= waiting_for
        return True

    async def _delete(self, marker: str) -> None:
        with contextlib.suppress(AriNotFound):
            await self.client.delete("endpoint", marker)

    async def _listed(self, marker: str) -> bool | None:
        """Does ARI still list the marker? None when stopped first."""
        answers: list[bool] = []

        async def ask() -> None:
            answers.append(await self.client.endpoint_listed(marker))

        return answers[-1] if await self.retrying(f"look up marker endpoint {marker}", ask) else None
