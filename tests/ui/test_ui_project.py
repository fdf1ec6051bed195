"""The web admin's TypeScript: generated types up to date, type-checked, unit-tested, small.

Needs Node.js and npm (skipped without them, failed when PJSIP_GRAPH_REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

from tests.ui.ui import UI, built, run_npm

BUNDLE_LIMIT = 400 * 1024  # bytes, gzipped: everything the admin's page loads


def test_generated_types_match_schema_and_documents(tmp_path: Path) -> None:
    fresh = tmp_path / "generated.ts"
    done = run_npm("run", "codegen", env={"CODEGEN_OUTPUT": str(fresh)})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    committed = (UI / "src" / "api" / "generated.ts").read_text()
    assert fresh.read_text() == committed, "ui/src/api/generated.ts is stale: run `npm run codegen` in ui/"


def test_typescript_type_checks() -> None:
    done = run_npm("run", "typecheck")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_unit_tests_pass() -> None:
    done = run_npm("test")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert re.search(r"Tests\s+\d+ passed", re.sub(r"\x1b\[[0-9;]*m", "", output)), output[-2000:]


def gzipped_size(dist: Path) -> int:
    """What the page loads, gzipped: index.html and every file it may load from assets/."""
    files = [dist / "index.html", *sorted((dist / "assets").iterdir())]
    return sum(len(gzip.compress(f.read_bytes(), compresslevel=9)) for f in files)


def test_bundle_is_under_the_limit_and_loads_nothing_from_elsewhere() -> None:
    dist = built()
    size = gzipped_size(dist)
    assert size < BUNDLE_LIMIT, f"the admin is {size / 1024:.0f} KB gzipped, over {BUNDLE_LIMIT // 1024} KB"
    index = (dist / "index.html").read_text()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", index), "index.html loads from another host"


def test_dependencies_are_pinned_and_the_lock_file_names_no_registry() -> None:
    manifest = json.loads((UI / "package.json").read_text())
    versions = {**manifest["dependencies"], **manifest["devDependencies"]}
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in versions.values()), versions
    lock = json.loads((UI / "package-lock.json").read_text())
    assert [name for name, entry in lock["packages"].items() if "resolved" in entry] == []
    assert "omit-lockfile-registry-resolved=true" in (UI / ".npmrc").read_text()
