"""What a transaction leaves for after its commit: which engines have new
records, which resolved views were recomputed, what is freed only then.
Services write it into the session; `Database.writing` hands it to the
registered hooks once committed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

_KEY = "pjsip_graph.after_commit"
_VIEWS_KEY = "pjsip_graph.resolved_views_wanted"


@dataclass(slots=True)
class Committed:
    """Facts about one committed transaction."""

    engines: set[UUID] = field(default_factory=set)
    # (config uuid, resolved_version) -> resolved sections, for the write-through cache.
    resolved: dict[tuple[UUID, int], Any] = field(default_factory=dict)
    # What the change no longer needs (`free_after_commit`), freed once committed.
    unneeded: list[Any] = field(default_factory=list)
    # Tenant uuid -> the tenant's graph as the transaction last read it, kept once committed
    # (app/db/tenant_graphs.py).
    graphs: dict[UUID, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.engines or self.resolved or self.unneeded or self.graphs)


CommitHook = Callable[[Committed], Awaitable[None]]


def committed(session: AsyncSession) -> Committed:
    """The after-commit facts of this session's transaction (created on first use)."""
    facts = session.info.get(_KEY)
    if facts is None:
        facts = session.info[_KEY] = Committed()
    return facts  # type: ignore[no-any-return]


def want_resolved_views(session: AsyncSession, wanted: bool) -> None:
    """Whether this transaction's recomputed views serve anyone after its commit (a cache)."""
    session.info[_VIEWS_KEY] = wanted


def resolved_views_wanted(session: AsyncSession) -> bool:
    """False when nothing would read `Committed.resolved` (no cache, a command-line import):
    a big change then does not keep every endpoint's view until its commit."""
    return bool(session.info.get(_VIEWS_KEY, True))


def free_after_commit(session: AsyncSession, *objects: Any) -> None:
    """Keep these objects until this session's transaction has committed (or rolled back).

    For a big change's last references to thousands of objects (its tenant graph, its update
    rows) once they are written: freeing them takes milliseconds of the event loop, which
    would otherwise pass while the change still holds the engine row and every other writer
    of the engine waits (app/record/engine_row.py). After the commit they are freed in a
    worker thread.
    """
    committed(session).unneeded.extend(objects)


def take(session: AsyncSession) -> Committed | None:
    facts = session.info.pop(_KEY, None)
    return facts if isinstance(facts, Committed) else None
