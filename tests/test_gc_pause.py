"""The collector pause under overlap: it always resumes, and never stays off for long."""

from __future__ import annotations

import asyncio
import contextvars
import gc
import random
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager

import pytest

from app import gc_pause
from app.gc_pause import collector_paused


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    now = [0.0]
    monkeypatch.setattr(gc_pause, "_clock", lambda: now[0])
    assert gc.isenabled()
    yield now
    assert gc.isenabled()


class Operation:
    """A pause begun and ended in a context of its own, as each request's task has."""

    def __init__(self) -> None:
        self.context = contextvars.copy_context()
        self.pause: AbstractContextManager[None] = collector_paused()

    def __enter__(self) -> None:
        self.context.run(self.pause.__enter__)

    def __exit__(self, *exc: object) -> None:
        self.context.run(self.pause.__exit__, None, None, None)


def test_overlapping_pauses_resume_the_collector_when_the_last_one_ends(clock: list[float]) -> None:
    first, second = Operation(), Operation()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # ends before the second: still paused
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_pauses_that_always_overlap_still_let_it_collect(clock: list[float], monkeypatch: pytest.MonkeyPatch) -> None:
    collections: list[float] = []
    monkeypatch.setattr(gc, "collect", lambda *args: collections.append(clock[0]) or 0)
    open_pauses = [Operation()]
    open_pauses[0].__enter__()
    # A new mutation starts every second and each lasts two: there is never a moment without a pause.
    for _ in range(30):
        clock[0] += 1.0
        pause = Operation()
        pause.__enter__()
        open_pauses.append(pause)
        if len(open_pauses) > 2:
            open_pauses.pop(0).__exit__(None, None, None)
        assert not gc.isenabled()
    assert collections, "the collector never ran while pauses overlapped"
    gaps = [b - a for a, b in zip([0.0, *collections], collections, strict=False)]
    assert max(gaps) <= gc_pause.MAX_PAUSE_SECONDS + 1.0
    for pause in open_pauses:
        pause.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(clock: list[float]) -> None:
    gc.disable()
    try:
        with collector_paused():
            clock[0] += 100
            with collector_paused():
                pass
        assert not gc.isenabled()
    finally:
        gc.enable()


async def test_overlapping_tasks_of_one_event_loop_leave_it_enabled(clock: list[float]) -> None:
    rng = random.Random(7)

    async def mutation() -> None:
        with collector_paused():
            await asyncio.sleep(rng.random() / 100)

    await asyncio.gather(*(mutation() for _ in range(50)))
    assert gc.isenabled()


def test_pauses_from_many_threads_keep_an_exact_count(clock: list[float]) -> None:
    # Big changes resolve in worker threads while the event loop pauses too.
    import threading

    start = threading.Barrier(8)

    def work() -> None:
        start.wait()
        for _ in range(2000):
            with collector_paused():
                pass

    threads = [threading.Thread(target=work) for _ in range(8)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: races show at once
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert gc_pause._pauses == 0


def test_pauses_nested_in_one_long_operation_never_collect(clock: list[float], monkeypatch: pytest.MonkeyPatch) -> None:
    # A template change of 100,000 endpoints pauses around each of its steps for half a minute:
    # a full collection then rescans its live objects for seconds and frees nothing.
    collections: list[float] = []
    monkeypatch.setattr(gc, "collect", lambda *args: collections.append(clock[0]) or 0)
    with collector_paused():
        for _ in range(30):
            clock[0] += 1.0
            with collector_paused():
                assert not gc.isenabled()
    assert collections == []
    assert gc.isenabled()


async def test_a_worker_thread_of_an_operation_belongs_to_it(
    clock: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    collections: list[float] = []
    monkeypatch.setattr(gc, "collect", lambda *args: collections.append(clock[0]) or 0)

    def step() -> None:
        clock[0] += 10.0
        with collector_paused():
            pass

    with collector_paused():
        await asyncio.to_thread(step)  # copies the context: nested, so not counted
        await asyncio.to_thread(step)
    assert collections == []
    assert gc_pause._pauses == 0 and gc.isenabled()


def test_the_owed_collection_waits_for_the_bulk_operation_to_end(
    clock: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A template change of a big tenant, with small mutations overlapping it all along: a full
    # collection during it would scan the tenant's live objects on the event loop thread.
    collections: list[float] = []
    monkeypatch.setattr(gc, "collect", lambda *args: collections.append(clock[0]) or 0)
    big = Operation()
    big.__enter__()
    big.context.run(gc_pause.bulk_operation)
    for _ in range(20):
        clock[0] += 1.0
        small = Operation()
        small.__enter__()
        small.__exit__(None, None, None)
    assert collections == []
    overlapping = Operation()
    overlapping.__enter__()
    big.__exit__(None, None, None)  # the collection owed since it began is made now
    assert collections == [20.0]
    overlapping.__exit__(None, None, None)
    assert gc_pause._bulk == 0 and gc_pause._pauses == 0 and gc.isenabled()


def test_marking_outside_a_pause_does_nothing() -> None:
    gc_pause.bulk_operation()
    assert gc_pause._bulk == 0
