"""Pausing Python's cycle collector around bulk work, with a bound on how long it stays off."""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar

# Longest the collector stays off while pauses overlap without a break (or, when a bulk
# operation runs then, until it ends): a busy server whose mutations always overlap would
# otherwise never collect at all.
MAX_PAUSE_SECONDS = 5.0

_pauses = 0
_was_enabled = False
_paused_since = 0.0
_clock: Callable[[], float] = time.monotonic
# Bulk work also runs in worker threads (app/record/sync.py): the count is shared.
_lock = threading.Lock()
# Operations (outermost pauses) that hold a whole tenant's worth of objects (`bulk_operation`).
_bulk = 0


class _Operation:
    """One operation's outermost pause; shared by its nested pauses and its worker threads."""

    __slots__ = ("bulk",)

    def __init__(self) -> None:
        self.bulk = False


# Set inside a pause: a pause begun within it (the same request, or a worker thread it
# started, which copies its context) belongs to the same operation.
_inside: ContextVar[_Operation | None] = ContextVar("collector_paused_inside", default=None)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector while a bulk operation allocates.

    Loading and resolving thousands of endpoints allocates millions of small
    objects that all stay alive; every allocation burst made the collector
    rescan the whole heap for nothing, which doubled or tripled the time of a
    template change. Nothing made there forms cycles, so waiting loses
    nothing; reference counting still frees everything as usual.

    Pauses nest and overlap (concurrent requests of one event loop): the
    collector runs again when the last one ends, and only if it ran before the
    first one began. When overlapping pauses have kept it off for more than
    MAX_PAUSE_SECONDS, the next pause to begin or end runs one full collection
    first, so the collector never stays off for good. Pauses nested in one
    operation (a long template change pauses around each of its steps) do not
    count: a collection then would only rescan that operation's live objects, for
    seconds on a large heap, and free nothing. For the same reason the collection
    owed to overlapping pauses waits while a bulk operation runs (`bulk_operation`),
    and is made at the next pause to begin or end after it.
    """
    if _inside.get() is not None:
        yield
        return
    operation = _Operation()
    token = _inside.set(operation)
    try:
        with _counted(operation):
            yield
    finally:
        _inside.reset(token)


def bulk_operation() -> None:
    """Mark the operation this runs in (its outermost pause) as bulk work: a whole tenant's
    objects are alive until it ends.

    A full collection meanwhile would scan all of them, on the event loop thread (hundreds of
    milliseconds for 10,000 endpoints, during which no request is served) and free little:
    the collection owed to overlapping pauses waits until no bulk operation runs. Outside a
    pause it does nothing.
    """
    global _bulk
    operation = _inside.get()
    if operation is None or operation.bulk:
        return
    with _lock:
        if not operation.bulk:
            operation.bulk = True
            _bulk += 1


@contextlib.contextmanager
def _counted(operation: _Operation) -> Iterator[None]:
    global _pauses, _was_enabled, _paused_since, _bulk
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
            _paused_since = _clock()
        else:
            _collect_if_overdue()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if operation.bulk:
                _bulk -= 1
            if _pauses == 0:
                if _was_enabled:
                    gc.enable()
            else:
                _collect_if_overdue()


def _collect_if_overdue() -> None:
    global _paused_since
    if _was_enabled and _bulk == 0 and _clock() - _paused_since > MAX_PAUSE_SECONDS:
        gc.collect()
        _paused_since = _clock()
