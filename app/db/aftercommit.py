"""What a transaction leaves for after its commit: which engines have new
records, which resolved views were recomputed. Services write it into the
session; `Database.writing` hands it to the registered hooks once committed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

_KEY = "pjsip_graph.after_commit"


@dataclass(slots=True)
class Committed:
    """Facts about one committed transaction."""

    engines: set[UUID] = field(default_factory=set)
    # (config uuid, resolved_version) -> resolved sections, for the write-through cache.
    resolved: dict[tuple[UUID, int], Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.engines or self.resolved)


CommitHook = Callable[[Committed], Awaitable[None]]


def committed(session: AsyncSession) -> Committed:
    """The after-commit facts of this session's transaction (created on first use)."""
    facts = session.info.get(_KEY)
    if facts is None:
        facts = session.info[_KEY] = Committed()
    return facts  # type: ignore[no-any-return]


def take(session: AsyncSession) -> Committed | None:
    facts = session.info.pop(_KEY, None)
    return facts if isinstance(facts, Committed) else None
