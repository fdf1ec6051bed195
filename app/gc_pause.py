"""Pausing Python's cycle collector around bulk work, with a bound on how long it stays off."""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar

# Longest the collector stays off while pauses overlap without a break: a busy
# server whose mutations always overlap would otherwise never collect at all.
MAX_PAUSE_SECONDS = 5.0

_pauses = 0
_was_enabled = False
_paused_since = 0.0
_clock: Callable[[], float] = time.monotonic
# Bulk work also runs in worker threads (app/record/sync.py): the count is shared.
_lock = threading.Lock()
# Set inside a pause: a pause begun within it (the same request, or a worker thread it
# started, which copies its context) belongs to the same operation.
_inside: ContextVar[bool] = ContextVar("collector_paused_inside", default=False)


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
    seconds on a large heap, and free nothing.
    """
    if _inside.get():
        yield
        return
    token = _inside.set(True)
    try:
        with _counted():
            yield
    finally:
        _inside.reset(token)


@contextlib.contextmanager
def _counted() -> Iterator[None]:
    global _pauses, _was_enabled, _paused_since
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
            if _pauses == 0:
                if _was_enabled:
                    gc.enable()
            else:
                _collect_if_overdue()


def _collect_if_overdue() -> None:
    global _paused_since
    if _was_enabled and _clock() - _paused_since > MAX_PAUSE_SECONDS:
        gc.collect()
        _paused_since = _clock()
