"""uvicorn with a shutdown that completes subscriptions before closing sockets."""

from __future__ import annotations

import asyncio
import socket

import uvicorn

from app.api.app import RUNNING_HUBS


class GracefulServer(uvicorn.Server):
    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # Subscribers get `complete` (and can resume with `after`) instead of a dropped socket.
        for hub in list(RUNNING_HUBS):
            await hub.stop()
        await asyncio.sleep(0.2)
        await super().shutdown(sockets)
