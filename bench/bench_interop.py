"""Asterisk interop benchmarks: pjsip.conf export and imports of 10,000 endpoints.

    .venv/bin/python bench/bench_interop.py [--endpoints 10000]

- export: `pjsipConf` (flat and native) of the benchmark tenant, against the
  floor measured in the same run: one plain SELECT of the same recorded
  objects and a loop writing them as pjsip.conf text;
- import: `pjsip-graph import pjsip-conf` of the native export, and
  `pjsip-graph import sip-conf` of a generated sip.conf with as many peers,
  each into a fresh SQLite database, as real processes: wall time and peak RSS.

Benchmarks never fail; targets are printed as met or MISSED.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from app.cli.bench_data import generate_data
from app.db.database import Database
from app.db.migrate import upgrade_async
from app.db.models import SorceryObjectRow
from app.services.bootstrap import bootstrap
from app.services.exports import TemplateMode, pjsip_conf
from app.services.operator import operator_caller
from app.services.tenants import create_tenant

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "app"]


def _median(values: list[float]) -> float:
    return statistics.median(values)


async def _floor(db: Database) -> tuple[float, int]:
    """One SELECT of the recorded objects and a plain loop writing them as text."""
    table = SorceryObjectRow.__table__  # type: ignore[attr-defined]
    start = time.perf_counter()
    async with db.reading() as session:
        rows = (await session.execute(sa.select(table.c.object_type, table.c.object_id, table.c.fields))).all()
    parts = []
    for object_type, object_id, fields in rows:
        parts.append(f"[{object_id}]\ntype = {object_type}\n")
        parts.extend(f"{k} = {v}\n" for k, v in fields)
    text = "".join(parts)
    return time.perf_counter() - start, len(text)


async def _export(url: str, endpoints: int, out: Path) -> None:
    data = await generate_data(url, endpoints=endpoints, slug="bench")
    db = Database(url)
    try:
        caller = await operator_caller(db)
        floors = [await _floor(db) for _ in range(3)]
        floor = _median([f for f, _ in floors])
        for mode in (TemplateMode.FLAT, TemplateMode.NATIVE):
            times = []
            for _ in range(3):
                start = time.perf_counter()
                text = await pjsip_conf(db, caller, engine="default", tenant_uuid=data.tenant_uuid, mode=mode)
                times.append(time.perf_counter() - start)
            took = _median(times)
            ratio = took / floor
            verdict = "met" if mode is TemplateMode.NATIVE or ratio <= 2 else "MISSED"
            target = " (target ≤ 2×)" if mode is TemplateMode.FLAT else ""
            print(
                f"export {mode.value:6}: {took:6.2f} s, {len(text) / 1e6:5.1f} MB; floor {floor:.2f} s; "
                f"ratio {ratio:.1f}×{target} {verdict if target else ''}"
            )
            if mode is TemplateMode.NATIVE:
                await asyncio.to_thread(out.write_text, text)
    finally:
        await db.dispose()


def _sip_conf(peers: int) -> str:
    lines = [
        "[general]",
        "context=from-internal",
        "allowguest=no",
        "dtmfmode=rfc2833",
        "disallow=all",
        "allow=ulaw",
        "allow=alaw",
        "qualify=yes",
        "",
        "[phones](!)",
        "type=friend",
        "host=dynamic",
        "nat=force_rport,comedia",
        "",
        "[desks](!,phones)",
        "callgroup=1",
        "language=fr",
        "",
    ]
    for i in range(peers):
        lines += [
            f"[p{i:05d}](desks)" if i % 2 else f"[p{i:05d}](phones)",
            f"secret=s{i:05d}",
            f'callerid="Phone {i}" <{1000 + i}>',
            "",
        ]
    return "\n".join(lines)


async def _fresh(url: str, data_dir: Path, slug: str) -> None:
    await upgrade_async(url)
    db = Database(url)
    try:
        await bootstrap(db, data_dir / "admin.token")
        caller = await operator_caller(db)
        await create_tenant(db, caller, name=slug, slug=slug, parent_uuid=None, with_default_templates=False)
    finally:
        await db.dispose()


def _import(kind: str, file: Path, url: str, data_dir: Path, slug: str) -> tuple[float, float, int]:
    """Run the import command; return wall seconds, peak RSS in MB, exit code."""
    asyncio.run(_fresh(url, data_dir, slug))
    env = {**os.environ, "PJSIP_GRAPH_DATABASE_URL": url, "PJSIP_GRAPH_DATA_DIR": str(data_dir)}
    start = time.perf_counter()
    process = subprocess.Popen(
        [*CLI, "import", kind, str(file), "--tenant", slug],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert process.stdout is not None
    output = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    took = time.perf_counter() - start
    if status != 0:
        print(output[-2000:])
    else:
        print("   ", " ".join(output.strip().splitlines()[:1]))
    return took, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoints", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        native = base / "native.conf"
        asyncio.run(_export(f"sqlite+aiosqlite:///{base / 'export.db'}", args.endpoints, native))
        sip = base / "sip.conf"
        sip.write_text(_sip_conf(args.endpoints))
        for kind, file, name in (("pjsip-conf", native, "pjsip"), ("sip-conf", sip, "sip")):
            took, rss, code = _import(kind, file, f"sqlite+aiosqlite:///{base / (name + '.db')}", base / name, name)
            size = file.stat().st_size / 1e6
            print(f"import {kind:10}: {took:6.1f} s, peak RSS {rss:6.0f} MB, file {size:.1f} MB, exit {code}")


if __name__ == "__main__":
    main()
