"""What the record holds: Sorcery updates as recorded, change events, and the summary a mutation returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from app.domain.diff import SorceryUpdateShape

# PostgreSQL channel that wakes the listener of every replica; the payload is an engine uuid.
NOTIFY_CHANNEL = "pjsip_graph"


@dataclass(frozen=True, slots=True)
class RecordedUpdate(SorceryUpdateShape):
    """A Sorcery update as recorded: the shape, numbered in its engine (``seq`` is None in a dry run)."""

    seq: int | None
    engine: str
    tenant_uuid: UUID | None
    endpoint_uuid: UUID | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StoredUpdates:
    """Updates a big change recorded part by part and did not keep: numbers ``first_seq`` to
    ``first_seq + count - 1`` of an engine, read back from the record when asked for
    (app/record/reading.py)."""

    engine_uuid: UUID
    engine: str
    first_seq: int
    count: int


@dataclass(slots=True)
class ChangeSummary:
    """What a change recorded: the ``updates`` kept in memory and the ``stored`` ones.

    Stored ones exist only when the change was recorded (not a dry run): every update then has
    its number, and the answer is all of them in the order of their numbers, which is the order
    the change recorded them in.
    """

    dry_run: bool
    affected_endpoints: int = 0
    updates: list[RecordedUpdate] = field(default_factory=list)
    stored: list[StoredUpdates] = field(default_factory=list)

    def __repr__(self) -> str:
        # Not the dataclass's: an import's summary holds hundreds of thousands of updates, and a
        # repr of them all (in a log line, or by asyncio for a finished task) took gigabytes.
        counts = f"affected_endpoints={self.affected_endpoints}, updates=<{self.count}>"
        return f"ChangeSummary(dry_run={self.dry_run}, {counts})"

    @property
    def count(self) -> int:
        """How many updates the change recorded (or would), kept or not."""
        return len(self.updates) + sum(s.count for s in self.stored)

    def extend(self, other: ChangeSummary) -> None:
        self.affected_endpoints += other.affected_endpoints
        self.updates.extend(other.updates)
        self.stored.extend(other.stored)


@dataclass(frozen=True, slots=True)
class Change:
    """A change to a tenant, template or endpoint, for the change-event stream."""

    action: str  # CREATED, UPDATED, DELETED
    kind: str  # tenant, template, endpoint
    uuid: UUID
    tenant_uuid: UUID
    revision: int | None = None
