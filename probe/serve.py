"""`pjsip-graph serve` with an event-loop stall probe.

A loop task beats every 2 ms; a watchdog thread samples the main thread's stack every
~1 ms while the beat is older than STALL_MS. Each stall (beat gap >= STALL_MS) is written
as one JSON line to $PROBE_OUT: wall start, duration, and the sampled stacks.
"""

from __future__ import annotations

import asyncio
import collections
import json
import os
import sys
import threading
import time

STALL_MS = float(os.environ.get("PROBE_STALL_MS", "10"))
OUT = os.environ.get("PROBE_OUT", "/tmp/probe_stalls.jsonl")

_beat = [time.perf_counter()]
_main_ident = threading.main_thread().ident
_samples: list[list[str]] = []
_lock = threading.Lock()


def _stack(frame) -> list[str]:
    out = []
    while frame is not None:
        code = frame.f_code
        fn = code.co_filename
        if "/app/" in fn or "site-packages" in fn or "/asyncio/" in fn:
            short = (
                fn.split("/app/", 1)[-1] if "/app/" in fn else fn.split("site-packages/", 1)[-1].split("/asyncio/")[-1]
            )
            out.append(f"{short}:{code.co_name}:{frame.f_lineno}")
        frame = frame.f_back
    return out


def _watchdog() -> None:
    threshold = STALL_MS / 1000 / 2
    while True:
        time.sleep(0.001)
        if time.perf_counter() - _beat[0] > threshold:
            frame = sys._current_frames().get(_main_ident)
            if frame is not None:
                with _lock:
                    _samples.append(_stack(frame))


async def _heart(out) -> None:
    while True:
        before = time.perf_counter()
        wall = time.time()
        with _lock:
            _samples.clear()
        _beat[0] = before
        await asyncio.sleep(0.002)
        now = time.perf_counter()
        gap = (now - before) * 1000
        if gap >= STALL_MS:
            with _lock:
                samples = list(_samples)
            leaf = collections.Counter(" < ".join(s[:6]) for s in samples)
            out.write(
                json.dumps({"t": wall, "ms": round(gap, 1), "n": len(samples), "top": leaf.most_common(6)}) + "\n"
            )
            out.flush()


def _claim_probe(out_path: str) -> None:
    """Time from claiming the engine row to commit, per write transaction, with marks between."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    import app.record.engine_row as engine_row
    import app.record.writing as writing

    out = open(out_path, "a")  # noqa: SIM115
    original_claim = engine_row.claim_engine_row

    async def claim(session, engine):  # type: ignore[no-untyped-def]
        first = "probe_claim" not in session.info and session.info.get(engine_row._CLAIMED) != engine.uuid
        t0 = time.perf_counter()
        await original_claim(session, engine)
        if first:
            session.info["probe_claim"] = (t0, time.perf_counter(), time.time())
            session.info["probe_marks"] = []

    writing.claim_engine_row = claim
    engine_row.claim_engine_row = claim

    def marked(original, name):  # type: ignore[no-untyped-def]
        async def insert(session, *args, **kw):  # type: ignore[no-untyped-def]
            t0 = time.perf_counter()
            await original(session, *args, **kw)
            marks = session.info.get("probe_marks")
            if marks is not None:
                what = args[0].table.name if name == "insert_columns" else args[0].name
                marks.append(
                    (
                        f"{name} {what} {len(args[-1]) if name == 'insert_rows' else len(args[0])}",
                        round((t0 - session.info["probe_claim"][0]) * 1000, 1),
                        round((time.perf_counter() - t0) * 1000, 1),
                    )
                )

        return insert

    for name in ("insert_rows", "insert_columns"):
        if hasattr(writing, name):
            setattr(writing, name, marked(getattr(writing, name), name))

    @event.listens_for(Session, "before_commit")
    def before(session):  # type: ignore[no-untyped-def]
        if "probe_claim" in session.info:
            session.info["probe_before_commit"] = time.perf_counter()

    @event.listens_for(Session, "after_commit")
    def after(session):  # type: ignore[no-untyped-def]
        claim = session.info.pop("probe_claim", None)
        if claim is None:
            return
        now = time.perf_counter()
        bc = session.info.pop("probe_before_commit", now)
        out.write(
            json.dumps(
                {
                    "kind": "claim",
                    "t": claim[2],
                    "wait_ms": round((claim[1] - claim[0]) * 1000, 1),
                    "held_ms": round((now - claim[1]) * 1000, 1),
                    "commit_ms": round((now - bc) * 1000, 1),
                    "marks": session.info.pop("probe_marks", []),
                }
            )
            + "\n"
        )
        out.flush()


async def _garbage(out) -> None:  # type: ignore[no-untyped-def]
    import gc

    while True:
        await asyncio.sleep(1)
        if gc.garbage:
            kinds = collections.Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.garbage)
            out.write(
                json.dumps({"kind": "garbage", "t": time.time(), "n": len(gc.garbage), "top": kinds.most_common(25)})
                + "\n"
            )
            out.flush()
            gc.garbage.clear()


def _gc_probe(out) -> None:  # type: ignore[no-untyped-def]
    import gc

    started: dict[str, float] = {}

    def callback(phase, info):  # type: ignore[no-untyped-def]
        if phase == "start":
            started["t"] = time.perf_counter()
            return
        ms = (time.perf_counter() - started.get("t", time.perf_counter())) * 1000
        if ms >= 5:
            out.write(
                json.dumps(
                    {
                        "kind": "gc",
                        "t": time.time(),
                        "ms": round(ms, 1),
                        "gen": info["generation"],
                        "collected": info["collected"],
                        "thread": threading.current_thread().name,
                    }
                )
                + "\n"
            )
            out.flush()

    gc.callbacks.append(callback)


def _overdue_probe(out_path: str) -> None:
    """When the overdue collection is due: the generations' sizes, a young collection's time, then the full one's."""
    import gc

    import app.gc_pause as gp

    out = open(out_path, "a")  # noqa: SIM115

    def collect_if_overdue() -> None:
        if gp._was_enabled and gp._clock() - gp._paused_since > gp.MAX_PAUSE_SECONDS:
            sizes = [len(gc.get_objects(g)) for g in range(3)]
            t0 = time.perf_counter()
            young = gc.collect(1)
            t1 = time.perf_counter()
            full = gc.collect()
            t2 = time.perf_counter()
            out.write(
                json.dumps(
                    {
                        "kind": "overdue",
                        "t": time.time(),
                        "sizes": sizes,
                        "young_ms": round((t1 - t0) * 1000, 1),
                        "young_collected": young,
                        "full_ms": round((t2 - t1) * 1000, 1),
                        "full_collected": full,
                    }
                )
                + "\n"
            )
            out.flush()
            gp._paused_since = gp._clock()

    gp._collect_if_overdue = collect_if_overdue


def main() -> None:
    from app.cli import server as server_module

    if os.environ.get("PROBE_CLAIM"):
        _claim_probe(OUT)
    if os.environ.get("PROBE_STATEMENT_ROWS"):
        import app.db.bulk as bulk

        bulk.STATEMENT_ROWS = int(os.environ["PROBE_STATEMENT_ROWS"])
    if os.environ.get("PROBE_OVERDUE"):
        _overdue_probe(OUT)

    original = server_module.GracefulServer.startup

    async def startup(self, sockets=None):  # type: ignore[no-untyped-def]
        await original(self, sockets)
        out = open(OUT, "a")  # noqa: SIM115, ASYNC230
        loop = asyncio.get_running_loop()
        if os.environ.get("PROBE_ASYNCIO_DEBUG"):
            loop.set_debug(True)
            loop.slow_callback_duration = STALL_MS / 1000
        if os.environ.get("PROBE_NO_STALLS"):
            return
        _gc_probe(out)
        if os.environ.get("PROBE_SAVEALL"):
            import gc

            gc.set_debug(gc.DEBUG_SAVEALL)
            self._probe_garbage = loop.create_task(_garbage(out))  # type: ignore[attr-defined]
        self._probe_task = loop.create_task(_heart(out))  # type: ignore[attr-defined]
        threading.Thread(target=_watchdog, daemon=True, name="probe-watchdog").start()

    server_module.GracefulServer.startup = startup  # type: ignore[method-assign]
    from app.cli.main import cli

    cli()


if __name__ == "__main__":
    main()
