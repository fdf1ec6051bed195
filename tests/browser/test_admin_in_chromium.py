"""The web admin end to end in a real browser, against a real server, with nothing loaded from elsewhere.

Two browser contexts signed in with the root token: one builds a tenant with
templates and an endpoint through the screens, the other watches the endpoint
live and then saves a stale edit. Screenshots of each screen are written under
tests/browser/output/admin/ (not committed). Skipped without Chromium or npm,
except in CI (PJSIP_GRAPH_REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_graphiql_in_chromium import BROWSER_TESTS, chromium
from tests.conftest import World
from tests.integration.servers import server_env, start_server, stop
from tests.npm import npm_installed
from tests.ui.ui import built

SCREENSHOTS = BROWSER_TESTS / "output" / "admin"


@pytest.fixture
def browser() -> str:
    """Chromium, with the admin built and the test's packages installed (before any server starts)."""
    found = chromium()
    built()
    npm_installed(BROWSER_TESTS)
    return found


@pytest.fixture
def served(browser: str, world: World, database_url: str, tmp_path: Path) -> Iterator[int]:
    process, port = start_server(server_env(database_url, world.settings.data_dir))
    try:
        yield port
    finally:
        stop(process)


@pytest.fixture
def report(browser: str, world: World, served: int) -> dict[str, Any]:
    node = npm_installed(BROWSER_TESTS)
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    done = subprocess.run(
        [
            node,
            str(BROWSER_TESTS / "admin.mjs"),
            browser,
            f"http://127.0.0.1:{served}",
            world.admin_token,
            str(SCREENSHOTS),
        ],
        cwd=BROWSER_TESTS,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = done.stdout.strip().splitlines()
    result: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    assert done.returncode == 0, f"failed at step {result.get('step')}: {result.get('error')}\n{done.stderr[-3000:]}"
    return result


def test_the_admin_end_to_end(report: dict[str, Any]) -> None:
    assert report["step"] == "done"
    # nothing left the machine, nothing broke in the page
    assert report["elsewhere"] == []
    assert report["pageErrors"] == [] and report["consoleErrors"] == []
    # a wrong token is refused and not kept; sign-in shows the token's tenant and scopes
    assert report["badToken"].startswith("UNAUTHENTICATED")
    assert report["badTokenKept"] == []
    assert "Root" in report["identity"] and "sip:read" in report["identity"]
    # each screen loads with one GraphQL request
    expected = {
        "tenants": ["TenantTree"],
        "templates": ["TemplateList"],
        "endpoint-editor": ["ConfigEditor"],
        "template-editor": ["ConfigEditor"],
        "graph": ["InheritanceGraph"],
        "endpoints": ["EndpointList"],
        "import": ["TenantName"],
    }
    assert report["requestsPerScreen"] == expected
    # parents [tpl-a, tpl-b]: the later parent's context wins and overrides the earlier one's
    resolved = report["resolvedContext"]
    assert resolved["value"] == "from-b" and resolved["origin"] == "tpl-b"
    assert resolved["originHref"] == report["tplB"]
    assert resolved["overrides"] == "from-a (tpl-a)"
    # "override here" makes the value own, overriding both parents' (nearest first); "remove override" undoes it
    assert report["overridden"] == {"origin": "own", "overrides": "from-b (tpl-b)from-a (tpl-a)"}
    assert report["afterRemove"] == "tpl-b"
    # the graph: tpl-a then tpl-b are office's parents, office is the endpoint's
    endpoint = report["endpoint"]
    assert {"tpl-a>office#1", "tpl-b>office#2", f"office>{endpoint}#1"} <= set(report["graphEdges"])
    # an unknown key: "did you mean" before sending, the API's error on the row after
    assert "did you mean dtmf_mode" in report["suggestion"]
    assert "dtmfmode" in report["fieldError"] and "dtmf_mode" in report["fieldError"]
    # the dry run showed exactly what saving recorded
    assert report["preview"] and report["preview"] == report["recorded"]
    assert report["preview"][0][:3] == ["UPSERT", f"endpoint {endpoint}", "context"]
    # the second context saw the change live, with the Sorcery update in its activity panel
    assert report["liveValue"] == "from-b2"
    assert report["liveActivity"] >= 1
    assert report["conflictShown"] is True
    # ... and then saves its change on top of the newer revision
    assert report["afterConflict"]["label"] == "from b"
    assert int(report["afterConflict"]["revision"]) == report["theirRevision"] + 1
    seqs = report["activityA"]
    assert seqs == list(range(seqs[0], seqs[0] - len(seqs), -1)), "the activity panel has a gap or a duplicate"
    assert {int(s) for s in report["recordedSeqs"]} <= set(seqs) and len(seqs) >= 3
    # the endpoint list: inheritsFrom filter, search, total count; the export downloads the tenant's file
    assert report["filtered"] == {"total": "1 in all", "names": [endpoint]}
    assert report["searchedNothing"] == "0 in all"
    assert f"[{endpoint}]\ntype = endpoint\ncontext = from-b2" in report["exported"]
    assert report["exportedName"].startswith("pjsip-") and " " not in report["exportedName"]
    # import: a dry-run report, then the same import applied
    assert report["importReport"]["endpoints"] == report["imported"]["endpoints"]
    assert report["imported"]["endpoints"].startswith(f"bob{report['suffix']}, desk{report['suffix']}-00")
    assert report["importReport"]["templates"] == "imported-base"
    assert report["importReport"]["unmapped"] >= 1
    # sip.conf into a tenant created without default templates: a report naming what is not carried over
    carol = f"carol{report['suffix']}"
    assert report["sipReport"]["endpoints"] == report["sipImported"] == carol
    assert "call-limit" in report["sipReport"]["unmapped"]
    # pages of 20 in name order: alice, bob and 24 desks make 26
    paging = report["paging"]
    assert paging["total"] == "26 in all"
    assert len(paging["first"]) == 20 and len(paging["second"]) == 6 and paging["back"] == paging["first"]
    everything = paging["first"] + paging["second"]
    assert everything == sorted(everything) and len(set(everything)) == 26
    # rename, then delete after a dry run that says what goes
    # a password is typed into a password field, and shown in the resolved view only when asked
    # opening a section and adding an option put the focus where the next keystroke belongs
    assert report["focusAfterOpen"] == "add option to Auth"
    assert report["focusAfterAdd"] == "password value"
    assert report["secretFieldType"] == "password"
    assert "s3cret-pw" not in report["secretHidden"] and "•" in report["secretHidden"]
    assert "s3cret-pw" in report["secretShown"]
    # leaving an editor with unsaved changes asks, and a refusal keeps the edit
    assert report["leaveQuestions"] == ["Leave with-secret without saving? Your changes will be lost."] * 2
    assert report["stayed"] is True
    assert report["menuFollowsTenant"] is True
    # a refused token sends the tab back to sign-in, saying why
    assert report["signedOut"].startswith("Signed out: ") and "not valid" in report["signedOut"]
    # a 390 px window shows the editor in one column: nothing is cut off or out of reach sideways
    narrow = report["narrow"]
    assert narrow["pageWidth"] <= narrow["viewWidth"], narrow
    assert narrow["signOutInView"] and narrow["resolvedInView"] and narrow["ownInView"], narrow
    assert "renamed removes this tenant, every template and endpoint in it" in report["deleteConfirmation"]
    assert "Sorcery object" in report["deleteConfirmation"]
    assert not any(f"E2E {report['suffix']}" in name for name in report["tenantsAfterDelete"])
    shots = {Path(p).stem for p in report["screenshots"]}
    assert {"sign-in", "tenants", "templates", "endpoint-editor", "conflict", "import-report"} <= shots
    assert all(Path(p).stat().st_size > 0 for p in report["screenshots"])
