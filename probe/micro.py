"""In-process timing of the stretches of a big template change (no server)."""

import asyncio
import sys
import time
from uuid import UUID

import sqlalchemy as sa

import app.db.queries as q
from app.db.database import Database
from app.db.models import Engine
from app.db.queries import _as_text, _node_select, config_t, parent_t, recorded_object_texts
from app.gc_pause import collector_paused

URL, TENANT = sys.argv[1], UUID(sys.argv[2])


GAPS: list[float] = []


async def heart() -> None:
    while True:
        s = time.perf_counter()
        await asyncio.sleep(0.001)
        GAPS.append((time.perf_counter() - s) * 1000)


async def t(label, start):
    elapsed = (time.perf_counter() - start) * 1000
    await asyncio.sleep(0.003)
    gaps = sorted(GAPS)
    GAPS.clear()
    longest = gaps[-1] if gaps else 0.0
    over = sum(g for g in gaps if g > 2)
    print(f"  {label:<40} {elapsed:8.1f} ms   loop gaps: max {longest:6.1f} ms, sum>2ms {over:6.1f}")


async def main() -> None:
    db = Database(URL)
    beating = asyncio.create_task(heart())
    async with db.reading() as session:
        for _ in range(3):
            with collector_paused():
                await asyncio.sleep(0.01)
                GAPS.clear()
                s = time.perf_counter()
                res = await session.execute(_node_select().where(config_t.c.tenant_uuid.in_([TENANT])))
                await t("graph rows execute", s)
                s = time.perf_counter()
                rows = res.all()
                await t(f"graph rows .all() ({len(rows)})", s)
                s = time.perf_counter()
                links = (
                    await session.execute(
                        sa.select(
                            _as_text(parent_t.c.child_uuid), _as_text(parent_t.c.parent_uuid), parent_t.c.position
                        )
                        .select_from(parent_t.join(config_t, config_t.c.uuid == parent_t.c.child_uuid))
                        .where(config_t.c.tenant_uuid.in_([TENANT]))
                    )
                ).all()
                await t(f"links execute+all ({len(links)})", s)
                s = time.perf_counter()
                graph = await q._build_graph(session, rows, links)
                await t("_build_graph", s)
                engine = (await session.scalars(sa.select(Engine))).first()
                s = time.perf_counter()
                found = await recorded_object_texts(session, engine.uuid, tenant_uuids=[TENANT])
                await t(f"recorded_object_texts ({len(found)})", s)
                del graph, found, rows, links
    beating.cancel()
    await db.dispose()


asyncio.run(main())
