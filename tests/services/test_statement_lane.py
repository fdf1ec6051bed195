"""A statement lane runs one session's statements in order, one at a time, while its caller computes."""

from __future__ import annotations

import asyncio

import pytest

from app.db.lane import StatementLane, statement_lane


async def test_statements_run_in_order_one_at_a_time_while_the_caller_goes_on() -> None:
    events: list[str] = []
    running = 0

    async def statement(name: str) -> str:
        nonlocal running
        running += 1
        assert running == 1, "two statements at once"
        events.append(f"{name} starts")
        await asyncio.sleep(0.01)
        events.append(f"{name} ends")
        running -= 1
        return name

    async with statement_lane() as lane:
        first = lane.then(lambda: statement("first"))
        second = lane.then(lambda: statement("second"))
        events.append("caller computes")  # before any statement has started
        await asyncio.sleep(0.005)
        events.append("caller still computes")  # while the first one runs
        assert await second == "second"
        assert await first == "first"
        third = lane.then(lambda: statement("third"))
    # the block waited for the last one
    assert third.done()
    assert events == [
        "caller computes",
        "first starts",
        "caller still computes",
        "first ends",
        "second starts",
        "second ends",
        "third starts",
        "third ends",
    ]


async def test_after_a_failure_nothing_more_runs_and_the_failure_surfaces() -> None:
    ran: list[str] = []

    async def fails() -> None:
        raise RuntimeError("constraint violated")

    async def records(name: str) -> None:
        ran.append(name)

    with pytest.raises(RuntimeError, match="constraint violated"):
        async with statement_lane() as lane:
            lane.then(lambda: records("before"))
            lane.then(fails)
            after = lane.then(lambda: records("after"))
    assert ran == ["before"]
    assert after.done() and isinstance(after.exception(), RuntimeError)


async def test_when_the_caller_fails_the_running_statement_ends_and_the_rest_never_run() -> None:
    """Cancelled in the middle, a statement can leave its connection without the rollback (SQLite's
    driver goes on running it in its thread): the database then stays locked for other writers."""
    started, finished = asyncio.Event(), []

    async def slow(name: str) -> None:
        started.set()
        await asyncio.sleep(0.05)
        finished.append(name)

    with pytest.raises(ValueError, match="planning failed"):
        async with statement_lane() as lane:
            running = lane.then(lambda: slow("running"))
            queued = lane.then(lambda: slow("queued"))
            await started.wait()
            raise ValueError("planning failed")
    # the block ended only once the running statement had, and the next one never ran
    assert running.done() and not running.cancelled()
    assert queued.cancelled()
    assert finished == ["running"]


async def test_an_empty_lane_ends_at_once() -> None:
    async with statement_lane():
        pass
    await StatementLane().abandon()
