"""GraphiQL served whole by the server: no request of the page leaves the machine.

strawberry's GraphiQL page loads React, GraphiQL and its explorer plugin from a
public CDN, so on a machine without internet it stays on "Loading..." forever.
The same files, at the same versions, are installed from the npm registry into
`ui/node_modules` by `make run` (`ui/package.json` pins them). The page is
strawberry's own with each CDN address replaced by a local one; the
Subresource Integrity hashes stay, so the browser checks that the local files
are byte for byte the ones the page was written for.

Only the files the page names are served (an allowlist built from the page),
never an arbitrary path under `node_modules`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

ASSETS_PATH = "/graphiql/assets/"
# The CDN address form of every asset in strawberry's page (package, version, file), which
# is rewritten to a local address: nothing is ever loaded from it.
_CDN_ADDRESS = re.compile(r"https://unpkg\.com/((?:@[\w.-]+/)?[\w.-]+)@([\w.-]+)/([\w./-]+)")
_CONTENT_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


@dataclass(frozen=True)
class LocalGraphiQL:
    """The page with local addresses, and the files it may load."""

    html: str
    files: dict[str, Path] = field(default_factory=dict)
    # What is not installed as the page needs it ("package@version: reason").
    missing: tuple[str, ...] = ()

    def page(self) -> Response:
        if self.missing:
            return HTMLResponse(_not_installed(self.missing), status_code=503)
        return HTMLResponse(self.html)

    async def asset(self, request: Request) -> Response:
        path = self.files.get(ASSETS_PATH + request.path_params["path"])
        if path is None or self.missing:
            return PlainTextResponse("not found", status_code=404)
        return FileResponse(
            path,
            media_type=_CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
            headers={"Cache-Control": "public, max-age=86400"},
        )


def local_graphiql(page: str, node_modules: Path) -> LocalGraphiQL:
    """Rewrite ``page``'s CDN addresses to local ones served from ``node_modules``."""
    files: dict[str, Path] = {}
    missing: list[str] = []

    def local(match: re.Match[str]) -> str:
        package, version, name = match.groups()
        address = f"{ASSETS_PATH}{package}/{name}"
        files[address] = node_modules / package / name
        problem = _installed_problem(node_modules / package, version, name)
        if problem is not None:
            missing.append(f"{package}@{version}: {problem}")
        return address

    html = _CDN_ADDRESS.sub(local, page)
    return LocalGraphiQL(html, files, tuple(dict.fromkeys(missing)))


def _installed_problem(folder: Path, version: str, name: str) -> str | None:
    manifest = folder / "package.json"
    if not manifest.is_file():
        return "not installed"
    installed = json.loads(manifest.read_text()).get("version")
    if installed != version:
        return f"version {installed} installed"
    if not (folder / name).is_file():
        return f"{name} missing"
    return None


def _not_installed(missing: tuple[str, ...]) -> str:
    items = "".join(f"<li><code>{m}</code></li>" for m in missing)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>GraphiQL is not installed</title></head>"
        "<body><h1>GraphiQL's files are not installed</h1>"
        "<p>This server serves GraphiQL itself, from files installed with npm. Run <code>make run</code> "
        "(it installs them), or <code>npm ci</code> in the <code>ui</code> folder, then reload.</p>"
        f"<ul>{items}</ul><p>The GraphQL API at this address works without them.</p></body></html>"
    )
