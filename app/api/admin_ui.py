"""The web admin, served at `/` from its build (`ui/dist`, made by `npm run build` in `ui/`).

The admin is a single-page application that talks only to `/graphql`: `/` and
every path under `/tenants` (the admin's own addresses, `PAGE_PATHS`) answer
its `index.html` and the page routes in the browser; other paths stay 404.
Files under `assets/` have content-hashed names, so they are cached for a
year; `index.html` is never cached. Nothing is loaded from another host: the
Content-Security-Policy allows this origin only.

Without a build (no Node.js, or `make run` has not built it yet) `/` answers a
page that says how to build it; the API works either way.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)
_SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# The routes of the admin's pages (ui/src/App.tsx routes under them).
PAGE_PATHS = ("/", "/tenants", "/tenants/{path:path}")
_IMMUTABLE = "public, max-age=31536000, immutable"


class AdminUI:
    """Files of the admin's build, and `index.html` for every other page path."""

    def __init__(self, dist: Path) -> None:
        self.dist = dist.resolve()

    @property
    def built(self) -> bool:
        return (self.dist / "index.html").is_file()

    def _file(self, relative: str) -> Path | None:
        """A regular file inside the build, never outside it (no `..`, no symlink escape)."""
        candidate = (self.dist / relative).resolve()
        if not candidate.is_relative_to(self.dist) or not candidate.is_file():
            return None
        return candidate

    async def asset(self, request: Request) -> Response:
        path = self._file("assets/" + request.path_params["path"])
        if path is None:
            return PlainTextResponse("not found", status_code=404)
        return FileResponse(path, headers={"Cache-Control": _IMMUTABLE, "X-Content-Type-Options": "nosniff"})

    async def page(self, request: Request) -> Response:
        if not self.built:
            return HTMLResponse(_NOT_BUILT, status_code=503, headers={"Cache-Control": "no-store"})
        return FileResponse(
            self.dist / "index.html",
            media_type="text/html; charset=utf-8",
            headers={"Cache-Control": "no-cache", **_SECURITY_HEADERS},
        )


_NOT_BUILT = (
    "<!doctype html><html><head><meta charset='utf-8'><title>The web admin is not built</title></head>"
    "<body><h1>The web admin is not built</h1>"
    "<p>Building it needs Node.js 20 and npm (Debian: <code>apt-get install nodejs npm</code>). "
    "Then run <code>make run</code>, which builds it, or <code>npm ci &amp;&amp; npm run build</code> "
    "in the <code>ui</code> folder, and reload.</p>"
    "<p>The GraphQL API works without it: <a href='/graphql'>/graphql</a>.</p></body></html>"
)
