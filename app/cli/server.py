"""uvicorn with a shutdown that completes subscriptions before closing sockets."""

from __future__ import annotations

import asyncio
import gc
import socket

import uvicorn

from app.api.app import RUNNING_HUBS


class GracefulServer(uvicorn.Server):
    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        # Everything loaded so far (modules, the schema, SQLAlchemy's metadata)
        # lives as long as the process. Freezing it keeps the cycle collector's
        # full collections from rescanning it: they were 100+ ms pauses that
        # stalled every subscriber of a replica at once.
        gc.collect()
        gc.freeze()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # Subscribers get `complete` (and can resume with `after`) instead of a dropped socket.
        for hub in list(RUNNING_HUBS):
            await hub.stop()
        await asyncio.sleep(0.2)
        await super().shutdown(sockets)
