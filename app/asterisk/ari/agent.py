"""The ARI push-configuration agent: keeps one Asterisk in step with one engine's recorded updates.

The database records every Sorcery update of an engine with a gapless sequence number
(DOMAIN.md §5). The agent reads them in order after a saved checkpoint and applies each
one through ARI (asterisk-notes §2):

* ``DELETE``: DELETE the object. A 404 means Asterisk already lacks it, which is the
  desired state, so it counts as applied.
* ``UPSERT`` of an aor: never DELETE, because Asterisk drops the registered contacts of a
  deleted aor. GET it; when missing, PUT the full field list; otherwise PUT the single-valued
  keys, the default of every key the record no longer has, and the permanent ``contact``
  values Asterisk does not list yet. Only the removal of a permanent contact, which no merge
  can do, recreates the aor (DELETE then PUT).
* ``UPSERT`` of an auth, identify or registration whose desired fields hold no
  accumulating key, and that removes no key: PUT the *full* desired field list. Asterisk
  copies the stored object and applies the fields on top, so every value ends as recorded;
  and when Asterisk lacks the object (an earlier version was rejected), the PUT creates it
  whole, never as a partial object made of the changed keys alone.
* ``UPSERT`` of an endpoint, or flagged ``requiresRecreate``, or whose desired fields hold an
  accumulating key (``allow``, ``set_var``, ``match``, ``contact``...), or that removes a key:
  DELETE (404 tolerated) then PUT the full field list; an endpoint's PUT waits until Asterisk
  has finished deleting it (`Settler`, app/asterisk/ari/settle.py). A merge would append accumulating
  values again and can never remove a key; and Asterisk cannot merge into an existing
  endpoint at all: its copy of the stored endpoint goes through the endpoint's string form,
  which fails (HTTP 500 "Allocation failed") or turns ``permit``/``deny`` into a named ACL
  reference, leaving the endpoint open to any source.
* A 5xx answer is retried with backoff, at most ``max_server_errors`` times for one update;
  after that the update counts as rejected (logged, in the status file) instead of blocking
  every later update forever.
* ``requiresReload`` (transports, ``system``): not pushable through ARI; counted and
  logged as needing a reload, never sent.

Consecutive updates of one object type and action, each of a different object, are sent
concurrently (at most ``concurrency`` objects in flight): a template change reaching every
endpoint is a long run of endpoint updates, and one request at a time leaves both the agent
and Asterisk waiting on each other. Updates of the same object never overlap and keep their
order, and a run of another type or action starts only when the previous run is done, so an
object is created after the objects it names, as recorded. The checkpoint is saved after
each batch read from the database.

The agent wakes up when an update is committed (``wake``: in ``pjsip-graph agent``, called
on PostgreSQL's NOTIFY, or when the SQLite file changes) and otherwise polls every
``poll_interval`` seconds.

Every step is idempotent, so applying an update again after a crash converges to the same
state: the checkpoint may lag behind Asterisk, never run ahead of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TypeVar
from uuid import UUID

from sqlalchemy.exc import SQLAlchemyError

from app.asterisk.ari.client import AriClient, AriError, AriFatal, AriNotFound, AriRejected, AriTransient
from app.asterisk.ari.files import replace_file
from app.asterisk.ari.owned import OwnedObjects, owned_path_for
from app.asterisk.ari.resync import deletion, recorded_state
from app.asterisk.ari.settle import Settler
from app.asterisk.ari.status import AgentStatus, status_path_for
from app.db.database import Database
from app.domain.catalog import Catalog, load_catalog
from app.domain.diff import Action
from app.events.records import EngineHead, engine_heads, read_updates
from app.record.updates import RecordedUpdate

log = logging.getLogger(__name__)

POLL_INTERVAL = 0.5
BATCH_SIZE = 500
CONCURRENCY = 8
# How often an idle agent asks Asterisk whether it restarted (polls may be much more frequent).
WATCH_INTERVAL = 1.0
BACKOFF_INITIAL = 0.2
BACKOFF_MAX = 10.0
MAX_SERVER_ERRORS = 30

# Types whose stored object Asterisk cannot copy faithfully, so an update is never merged into it.
NEVER_MERGED = frozenset({"endpoint"})
# Types whose DELETE makes Asterisk drop the registered contacts: updated by merging instead.
KEEPS_CONTACTS = frozenset({"aor"})
# Endpoints of a run deleted before one wait for Asterisk (`Settler`) and then put back: Asterisk
# raises an overload alert (and ignores new SIP requests meanwhile) past 500 queued observers.
REPLACED_PER_WAIT = 250

T = TypeVar("T")
R = TypeVar("R")


class Stopped(Exception):
    """The agent was asked to stop while an update waited for Asterisk."""


class AgentError(RuntimeError):
    """The agent cannot go on without an operator: wrong engine, stale checkpoint, pruned
    history, or an ARI connection that refuses every request."""


class Outcome(StrEnum):
    APPLIED = "applied"
    REJECTED = "rejected"
    NEEDS_RELOAD = "needs_reload"


@dataclass(slots=True)
class Counters:
    """What the agent did since it started (a restarted agent starts from zero)."""

    applied: int = 0
    rejected: int = 0
    needs_reload: int = 0
    retries: int = 0
    resyncs: int = 0
    stale_deleted: int = 0

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)


@dataclass(frozen=True, slots=True)
class CheckpointState:
    """The last sequence number handled, and which engine's history it belongs to."""

    engine: str
    engine_uuid: UUID
    seq: int


class Checkpoint:
    """A small JSON file holding a `CheckpointState`, replaced atomically.

    Written through `replace_file`, so a crash leaves either the old or the new
    checkpoint, never a torn one.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> CheckpointState | None:
        try:
            raw = json.loads(self.path.read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise AgentError(f"checkpoint {self.path} is unreadable: {exc}") from exc
        try:
            return CheckpointState(engine=str(raw["engine"]), engine_uuid=UUID(raw["engine_uuid"]), seq=int(raw["seq"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise AgentError(f"checkpoint {self.path} is not a checkpoint written by this agent") from exc

    def save(self, state: CheckpointState) -> None:
        content = json.dumps({"engine": state.engine, "engine_uuid": str(state.engine_uuid), "seq": state.seq})
        replace_file(self.path, content + "\n")


def default_checkpoint_path(data_dir: Path, engine: str) -> Path:
    return data_dir / f"agent-{engine}.checkpoint"


class Agent:
    """Follows the recorded Sorcery updates of one engine and applies them through ARI, in seq order.

    The checkpoint advances only after Asterisk accepted an update, or after a definitive
    rejection (4xx) that is logged and counted in ``counters.rejected``. Skipping a rejected
    update is deliberate: retrying it cannot succeed, and one bad object must not block every
    later update forever. The cost is that Asterisk keeps its previous version of that object
    (or lacks it) until a later update of the same object replaces it, so rejections need an
    operator's attention. Transient failures (5xx, connection errors) are retried with
    exponential backoff capped at ``backoff_max`` seconds, for as long as it takes, without
    advancing the checkpoint.
    """

    def __init__(
        self,
        db: Database,
        client: AriClient,
        *,
        checkpoint_path: Path,
        engine: str = "default",
        poll_interval: float = POLL_INTERVAL,
        batch_size: int = BATCH_SIZE,
        backoff_initial: float = BACKOFF_INITIAL,
        backoff_max: float = BACKOFF_MAX,
        catalog: Catalog | None = None,
        max_server_errors: int = MAX_SERVER_ERRORS,
        concurrency: int = CONCURRENCY,
    ) -> None:
        self.db = db
        self.client = client
        self.engine = engine
        self.checkpoint = Checkpoint(checkpoint_path)
        self.poll_interval = poll_interval
        self.batch_size = batch_size
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.catalog = catalog or load_catalog()
        self.max_server_errors = max_server_errors
        self.concurrency = max(1, concurrency)
        self.counters = Counters()
        self.status = AgentStatus(status_path_for(checkpoint_path))
        self.owned = OwnedObjects(owned_path_for(checkpoint_path))
        self.settler = Settler(client, self.owned, self._retrying)
        self._cleared: set[str] = set()  # endpoints of the run in progress deleted ahead of their PUT
        self._engine_uuid: UUID | None = None
        self._position = 0
        self._resync_reason: str | None = None
        self._startup_time: str | None = None
        self._stop = asyncio.Event()
        self._wakeup = asyncio.Event()
        self._watched_at = 0.0

    def wake(self, engine_uuid: UUID | None = None) -> None:
        """Something was committed (for ``engine_uuid``, or maybe for any engine): look now."""
        if engine_uuid is None or self._engine_uuid is None or engine_uuid == self._engine_uuid:
            self._wakeup.set()

    @property
    def position(self) -> int:
        """The last sequence number handled (what the checkpoint file says)."""
        return self._position

    async def run(self, stop: asyncio.Event) -> None:
        """Apply updates as they are recorded until ``stop`` is set.

        Raises `AgentError` for what needs an operator; everything transient is retried.
        """
        self._stop = stop
        if not await self._probe():
            return
        while not stop.is_set():
            try:
                handled = await self.run_once()
            except (SQLAlchemyError, OSError) as exc:
                # The database restarting, or the checkpoint's disk: both may come back.
                log.warning("engine '%s': %s: %s; trying again", self.engine, type(exc).__name__, exc)
                handled = 0
            if handled == 0:
                await self._watch_asterisk()
                await self._idle()

    async def run_once(self) -> int:
        """Apply the updates recorded after the checkpoint, one batch at most; return how many were handled.

        Stops early, without advancing past the update in progress, when the stop event is set.
        """
        engine_uuid = await self._bind()
        if self._resync_reason is not None:
            return await self.resync(self._resync_reason)
        updates = await read_updates(self.db, engine_uuid, self._position, self.batch_size)
        if updates and seq_of(updates[0]) != self._position + 1:
            return await self.resync(
                f"updates {self._position + 1}..{seq_of(updates[0]) - 1} were pruned before the agent applied them"
            )
        await self._remember(updates)
        handled = 0
        last: RecordedUpdate | None = None
        for run in concurrent_runs(updates):
            outcomes = await self._apply_run(run)
            if None in outcomes:
                break  # stopped: the run is applied again next time, which is harmless
            for outcome in outcomes:
                assert outcome is not None
                self.counters.count(outcome)
            last = run[-1]
            handled += len(run)
        if last is not None:
            # once per batch: a crash before it applies the batch again, which is harmless
            await self._advance(last)
        return handled

    # -- startup -----------------------------------------------------------------------------

    async def _probe(self) -> bool:
        """Check URL and credentials once before reading anything (False if stopped meanwhile).

        Without it a wrong URL answering 404 to everything would look like a stream of
        rejected objects and be skipped past.
        """
        delay = self.backoff_initial
        while not self._stop.is_set():
            try:
                self._startup_time = startup_time(await self.client.info())
                await self.client.check_write_access()
                return True
            except AriTransient as exc:
                self.counters.retries += 1
                log.warning("Asterisk ARI is not reachable yet (%s); retrying in %.1fs", exc, delay)
            except AriError as exc:
                raise AgentError(f"ARI refuses the agent: {exc}") from exc
            await self._wait_for_stop(delay)
            delay = min(delay * 2, self.backoff_max)
        return False

    async def _bind(self) -> UUID:
        """Find the engine and load the checkpoint, once, refusing one that cannot be continued."""
        if self._engine_uuid is not None:
            return self._engine_uuid
        head = await self._engine_head()
        saved = self.checkpoint.load()
        position = self._validated_position(head, saved)
        self._engine_uuid, self._position = head.uuid, position
        log.info("agent for engine '%s' starts after seq %d (engine head: %d)", self.engine, position, head.last_seq)
        return head.uuid

    async def _engine_head(self) -> EngineHead:
        for head in (await engine_heads(self.db)).values():
            if head.name == self.engine:
                return head
        raise AgentError(f"no engine named '{self.engine}' in the database")

    def _validated_position(self, head: EngineHead, saved: CheckpointState | None) -> int:
        where = self.checkpoint.path
        if saved is None:
            if head.pruned_update_seq > 0:
                self._resync_reason = f"no checkpoint and updates up to {head.pruned_update_seq} were pruned"
            return 0
        if saved.engine_uuid != head.uuid:
            raise AgentError(
                f"checkpoint {where} belongs to engine {saved.engine_uuid}, but engine '{self.engine}' is"
                f" {head.uuid} (a different database); remove the checkpoint to replay this engine's history"
            )
        if saved.seq > head.last_seq:
            raise AgentError(f"checkpoint {where} is at seq {saved.seq}, beyond the engine's last seq {head.last_seq}")
        if saved.seq < head.pruned_update_seq:
            self._resync_reason = f"checkpoint at seq {saved.seq}, updates up to {head.pruned_update_seq} pruned"
        return saved.seq

    # -- resynchronisation -------------------------------------------------------------------

    async def _watch_asterisk(self) -> None:
        """When idle: notice an Asterisk that restarted (its memory wizard is then empty).

        ARI reports its start time; a different one means every pushed object may be gone,
        whether or not the agent saw the connection drop. Asked at most every
        ``WATCH_INTERVAL`` seconds, however often the agent polls.
        """
        now = asyncio.get_running_loop().time()
        if now - self._watched_at < WATCH_INTERVAL:
            return
        self._watched_at = now
        try:
            started = startup_time(await self.client.info())
        except AriFatal as exc:
            raise AgentError(f"ARI refuses the agent: {exc}") from exc
        except (AriTransient, AriRejected) as exc:
            # the URL worked at start: a 404 now is Asterisk's HTTP server up before res_ari
            log.warning("Asterisk ARI is not answering (%s); waiting for it", exc)
            return
        if started is not None and self._startup_time is not None and started != self._startup_time:
            self._resync_reason = f"Asterisk restarted (started {started}, before {self._startup_time})"
        if started is not None:
            self._startup_time = started

    async def resync(self, reason: str) -> int:
        """Push every recorded object of the engine, delete the objects this agent created that
        the record no longer has (`OwnedObjects`), then continue after the head read first.

        The head is read before the objects, so an update recorded meanwhile is applied again
        afterwards: pushing a state twice is harmless, missing one is not. Returns how many
        objects were handled (0 if stopped first, and the resync is then redone).
        """
        log.warning("engine '%s': %s; resynchronising Asterisk with the whole engine", self.engine, reason)
        self._resync_reason = reason
        head = await self._engine_head()
        state = await recorded_state(self.db, head.uuid, self.engine)
        await self._remember(state)
        for run in concurrent_runs(state):
            outcomes = await self._apply_run(run)
            if None in outcomes:
                return 0
            self.counters.rejected += outcomes.count(Outcome.REJECTED)
        recorded = {(u.object_type, u.object_id) for u in state}
        kept = set(recorded)
        stale = self.owned.stale(recorded)
        # created by this agent, gone from the record: their DELETEs were pruned while the agent was away
        deletions = [deletion(self.engine, object_type, object_id) for object_type, object_id in stale]
        for run in concurrent_runs(deletions):
            outcomes = await self._apply_run(run)
            if None in outcomes:
                return 0
            for update, outcome in zip(run, outcomes, strict=True):
                if outcome is Outcome.APPLIED:
                    self.counters.stale_deleted += 1
                else:
                    kept.add((update.object_type, update.object_id))
        await asyncio.to_thread(self.owned.rewrite, kept)
        checkpoint = CheckpointState(self.engine, head.uuid, max(head.last_seq, self._position))
        await asyncio.to_thread(self.checkpoint.save, checkpoint)
        self._position = checkpoint.seq
        self._resync_reason = None
        self.counters.resyncs += 1
        log.warning(
            "engine '%s': resynchronised %d objects, deleted %d stale ones; continuing after seq %d",
            self.engine,
            len(state),
            len(stale) - (len(kept) - len(recorded)),
            self._position,
        )
        return max(len(state), 1)

    async def _advance(self, update: RecordedUpdate) -> None:
        """Save the checkpoint (in a thread: the fsync takes milliseconds), then move on."""
        assert self._engine_uuid is not None
        state = CheckpointState(self.engine, self._engine_uuid, seq_of(update))
        await asyncio.to_thread(self.checkpoint.save, state)
        self._position = state.seq

    # -- applying updates ---------------------------------------------------------------------

    async def _apply_run(self, run: list[RecordedUpdate]) -> list[Outcome | None]:
        """Apply a run of updates of distinct objects, ``concurrency`` at a time.

        Every object about to be PUT is in the journal of owned objects before any request
        (usually written for the whole batch already), and a deleted one is forgotten once its
        DELETE succeeded.
        """
        await self._remember(run)
        outcomes: list[Outcome | None] = []
        for start in range(0, len(run), REPLACED_PER_WAIT):
            part = run[start : start + REPLACED_PER_WAIT]
            replaced = [u.object_id for u in part if self._replaces_endpoint(u)]
            if len(replaced) > 1:
                # every DELETE first, then one wait for Asterisk (`Settler`), then every PUT
                await self._concurrently(replaced, self._clear)
            try:
                outcomes += await self._concurrently(part, self._apply_with_retries)
            finally:
                self._cleared.clear()
        deleted = [
            (u.object_type, u.object_id)
            for u, outcome in zip(run, outcomes, strict=True)
            if u.action is Action.DELETE and outcome is Outcome.APPLIED
        ]
        if any(key in self.owned for key in deleted):
            await asyncio.to_thread(self.owned.remove_all, deleted)
        return outcomes

    async def _concurrently(self, items: Sequence[T], work: Callable[[T], Awaitable[R]]) -> list[R]:
        """``work`` on every item, ``concurrency`` at a time; the results in order."""
        if len(items) == 1:
            return [await work(items[0])]
        slots = asyncio.Semaphore(self.concurrency)

        async def one(item: T) -> R:
            async with slots:
                return await work(item)

        # a task group: an error that ends the agent cancels the requests still in flight
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(one(item)) for item in items]
        except ExceptionGroup as failed:
            raise failed.exceptions[0] from None  # as one update at a time would raise it
        return [task.result() for task in tasks]

    async def _clear(self, endpoint_id: str) -> None:
        """DELETE an endpoint ahead of its PUT (a refusal is left for the update itself to meet)."""
        with contextlib.suppress(AriRejected):
            if await self._retrying(
                f"delete endpoint {endpoint_id}", lambda: self._delete_if_present("endpoint", endpoint_id)
            ):
                self._cleared.add(endpoint_id)

    async def _retrying(self, what: str, step: Callable[[], Awaitable[object]]) -> bool:
        """Run ``step`` until it succeeds, transient failures retried with backoff; False when stopped first."""
        delay = self.backoff_initial
        while not self._stop.is_set():
            try:
                await step()
                return True
            except AriTransient as exc:
                self.counters.retries += 1
                log.warning("%s: %s, retrying in %.2fs", what, exc, delay)
            except AriFatal as exc:
                raise AgentError(f"ARI refuses the agent ({what}): {exc}") from exc
            await self._wait_for_stop(delay)
            delay = min(delay * 2, self.backoff_max)
        return False

    def _replaces_endpoint(self, update: RecordedUpdate) -> bool:
        return (
            update.object_type == "endpoint"
            and update.action is not Action.DELETE
            and not update.requires_reload
            and self._must_replace(update)
        )

    async def _remember(self, updates: list[RecordedUpdate]) -> None:
        """Journal every object about to be PUT that is not known yet, in one write, before any request."""
        created = [
            (u.object_type, u.object_id) for u in updates if u.action is not Action.DELETE and not u.requires_reload
        ]
        if any(key not in self.owned for key in created):
            await asyncio.to_thread(self.owned.add_all, created)

    async def _apply_with_retries(self, update: RecordedUpdate) -> Outcome | None:
        """Apply until Asterisk gives a definitive answer; None if stopped first."""
        delay = self.backoff_initial
        server_errors = 0
        while not self._stop.is_set():
            try:
                return await self._apply(update)
            except Stopped:
                return None
            except AriTransient as exc:
                self.counters.retries += 1
                if exc.status is not None:
                    server_errors += 1
                    if server_errors >= self.max_server_errors:
                        self._log_rejection(update, exc)
                        return Outcome.REJECTED
                log.warning("seq %s: %s, retrying in %.2fs", update.seq, exc, delay)
            await self._wait_for_stop(delay)
            delay = min(delay * 2, self.backoff_max)
        return None

    async def _apply(self, update: RecordedUpdate) -> Outcome:
        """One attempt; `AriTransient` propagates for the retry loop, `AriFatal` ends the agent."""
        if update.requires_reload:
            log.warning(
                "seq %s: %s %s/%s needs a reload (Asterisk cannot apply it through ARI); not pushed",
                update.seq,
                update.action,
                update.object_type,
                update.object_id,
            )
            return Outcome.NEEDS_RELOAD
        try:
            await self._send(update)
        except AriFatal as exc:
            raise AgentError(f"ARI refuses the agent at seq {update.seq}: {exc}") from exc
        except AriRejected as exc:
            self._log_rejection(update, exc)
            return Outcome.REJECTED
        self.status.applied(update)
        return Outcome.APPLIED

    async def _send(self, update: RecordedUpdate) -> None:
        object_type, object_id = update.object_type, update.object_id
        if update.action is Action.DELETE:
            await self._delete_if_present(object_type, object_id)
            return
        if object_type in KEEPS_CONTACTS and not self._removes_permanent_contact(update):
            await self._merge_keeping_contacts(update)
            return
        cleared = object_type == "endpoint" and object_id in self._cleared
        self._cleared.discard(object_id)  # a retry deletes again: a lost answer may hide a PUT that took effect
        if self._must_replace(update) and not cleared:
            await self._delete_if_present(object_type, object_id)
        if object_type == "endpoint" and not await self.settler.before_put(object_id):
            raise Stopped
        # the full list, not the changed keys: the object may be missing from Asterisk
        await self.client.put(object_type, object_id, update.fields)

    async def _merge_keeping_contacts(self, update: RecordedUpdate) -> None:
        """Bring an aor to the recorded fields without deleting it, so registered phones stay.

        Asterisk deletes every registered contact of an aor that is deleted, so a DELETE+PUT
        would make each phone of the aor unreachable until it registers again. Asterisk's
        merge gives the recorded object when: single-valued keys carry their recorded value,
        a key the record no longer has is sent at its default (a merge never unsets a key),
        and only the permanent ``contact`` values Asterisk does not list yet are sent (every
        value sent is appended). When Asterisk lacks the aor, the full list creates it whole.
        """
        object_type, object_id = update.object_type, update.object_id
        try:
            current = await self.client.get(object_type, object_id)
        except AriNotFound:
            await self.client.put(object_type, object_id, update.fields)
            return
        listed = {(k, v) for k, v in current if self._is_multiple(object_type, k)}
        fields = [(k, v) for k, v in update.fields if not self._is_multiple(object_type, k) or (k, v) not in listed]
        present = {k for k, _ in update.fields}
        fields += [(k, self._default(object_type, k)) for k in update.changed_keys if k not in present]
        await self.client.put(object_type, object_id, fields)

    def _removes_permanent_contact(self, update: RecordedUpdate) -> bool:
        """A merge cannot take a permanent contact away: only then is an aor recreated."""
        return update.requires_recreate and any(self._is_multiple(update.object_type, k) for k in update.changed_keys)

    def _default(self, object_type: str, key: str) -> str:
        """The value Asterisk gives a key nobody set (empty when the catalog names none)."""
        try:
            spec = self.catalog.spec(object_type, key)
        except KeyError:
            spec = None
        return spec.default if spec is not None and spec.default is not None else ""

    async def _delete_if_present(self, object_type: str, object_id: str) -> None:
        """DELETE, where "already absent" is success: it is the state wanted, and a retry
        after a lost response finds the object gone. A deleted endpoint is told to the
        `Settler`: it is not put back before Asterisk has finished deleting it."""
        with contextlib.suppress(AriNotFound):
            await self.client.delete(object_type, object_id)
            if object_type == "endpoint":
                self.settler.deleted(object_id)

    def _must_replace(self, update: RecordedUpdate) -> bool:
        """Can a merging PUT of the changed keys not produce the desired object?

        True when the record says so, when an accumulating key changed (a merge appends),
        when the type is never merged into (`NEVER_MERGED`), when a desired key accumulates
        (the full list would append its values again), when a changed key is absent from the
        desired fields (a merge cannot unset it), or when nothing is listed as changed (only
        a full write is then certain).
        """
        if update.requires_recreate or not update.changed_keys or update.object_type in NEVER_MERGED:
            return True
        present = {key for key, _ in update.fields}
        if any(self._is_multiple(update.object_type, k) for k in present):
            return True
        return any(k not in present for k in update.changed_keys)

    def _is_multiple(self, object_type: str, key: str) -> bool:
        try:
            return self.catalog.is_multiple(object_type, key)
        except KeyError:  # a type the catalog does not know: Asterisk will say what it thinks of it
            return False

    def _log_rejection(self, update: RecordedUpdate, exc: AriError) -> None:
        self.status.rejected(update, exc)
        log.error(
            "seq %s: Asterisk rejected %s %s/%s: HTTP %s: %s (%s %s); skipped, checkpoint advanced",
            update.seq,
            update.action,
            update.object_type,
            update.object_id,
            exc.status,
            exc.message,
            exc.method,
            exc.path,
        )

    async def _wait_for_stop(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)

    async def _idle(self) -> None:
        """Wait for a wake-up, the stop event or the next poll, whichever comes first."""
        woken = asyncio.ensure_future(self._wakeup.wait())
        stopped = asyncio.ensure_future(self._stop.wait())
        try:
            await asyncio.wait((woken, stopped), timeout=self.poll_interval, return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
            stopped.cancel()
        self._wakeup.clear()


def concurrent_runs(updates: list[RecordedUpdate]) -> list[list[RecordedUpdate]]:
    """Cut ``updates`` into runs that may be applied concurrently, keeping their order.

    A run holds consecutive updates of one object type and action, each of a different object;
    a new run starts at another type or action, or at an object already in the run.
    """
    runs: list[list[RecordedUpdate]] = []
    seen: set[tuple[str, str]] = set()
    for update in updates:
        key = (update.object_type, update.object_id)
        current = runs[-1] if runs else None
        if (
            current is None
            or key in seen
            or current[0].object_type != update.object_type
            or current[0].action is not update.action
        ):
            runs.append([update])
            seen = {key}
        else:
            current.append(update)
            seen.add(key)
    return runs


def startup_time(info: dict[str, object]) -> str | None:
    """``status.startup_time`` of ``GET /ari/asterisk/info`` (None when ARI does not report it)."""
    status = info.get("status")
    if isinstance(status, dict) and status.get("startup_time") is not None:
        return str(status["startup_time"])
    return None


def seq_of(update: RecordedUpdate) -> int:
    """The sequence number of a stored update (only dry runs have none)."""
    if update.seq is None:
        raise ValueError("a dry-run update has no sequence number")
    return update.seq
