"""A shorter thread switch interval while bulk work runs in a worker thread.

One thread at a time runs Python code, and a thread that wants to run waits until the running
one lets go, at the latest after `sys.getswitchinterval()` (5 ms by default). While a big
change resolves in a worker thread (app/record/sync.py), the event loop thread gives the
interpreter up at every socket read or write and then waits up to that long to get it back:
another tenant's small request, which does so a dozen times, is served tens of milliseconds
late. While such work runs the interval is 1 ms: the worker pays a few more switches, the
loop answers sooner.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec, TypeVar

from app.gc_pause import bulk_operation

WHILE_BULK_WORK = 0.001
# From about this many rows (graph rows, recorded objects, planned updates) on, turning them
# into values or statement parameters takes several milliseconds: `off_loop` then does it in
# a worker thread. Below it, the thread would cost more than it frees.
OFF_LOOP_ROWS = 1000

P = ParamSpec("P")
R = TypeVar("R")

_users = 0
_saved = 0.0
_lock = threading.Lock()


@contextlib.contextmanager
def loop_kept_responsive() -> Iterator[None]:
    """Shorten the switch interval for the duration (overlapping uses share it; the last
    one to end restores what was set before the first began)."""
    global _users, _saved
    with _lock:
        if _users == 0:
            _saved = sys.getswitchinterval()
            sys.setswitchinterval(min(_saved, WHILE_BULK_WORK))
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                sys.setswitchinterval(_saved)


def many_rows(count: int) -> bool:
    """Whether turning this many rows into values is worth a worker thread (`OFF_LOOP_ROWS`)."""
    return count >= OFF_LOOP_ROWS


async def off_loop(big: bool, work: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """``work(*args, **kwargs)``: in a worker thread when ``big``, else right here.

    In the thread the event loop goes on serving other requests meanwhile (the interval
    above is short for the duration). ``work`` must only compute: no session, no loop.
    """
    if not big:
        return work(*args, **kwargs)
    bulk_operation()  # no collection scans its objects on the loop until it ends (app/gc_pause.py)
    with loop_kept_responsive():
        return await asyncio.to_thread(work, *args, **kwargs)


def dismantle(*containers: list[Any] | dict[Any, Any] | set[Any]) -> None:
    """Empty these containers one item at a time.

    Dropping the last reference to a container of thousands of nested objects frees them all in
    one go, without letting another thread run: in a worker thread (`release`), item by item,
    the event loop runs between items. Only for containers nobody else still uses.
    """
    for container in containers:
        if isinstance(container, dict):
            while container:
                container.popitem()
        else:
            while container:
                container.pop()


async def release(big: bool, *containers: list[Any] | dict[Any, Any] | set[Any]) -> None:
    """Free what these containers hold in a worker thread when ``big``; else leave them to the caller's
    end (freeing a few objects costs less than a thread)."""
    if big:
        await off_loop(True, dismantle, *containers)
