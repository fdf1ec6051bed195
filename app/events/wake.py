"""What a commit notification wakes: a replica's event hub, or the push agent."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID


class Wakeable(Protocol):
    def wake(self, engine_uuid: UUID | None = None) -> None:
        """Something was committed for this engine (None: maybe for any engine)."""
