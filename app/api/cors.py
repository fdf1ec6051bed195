"""Cross-origin access for browser clients (a web admin served from another origin).

One setting, ``PJSIP_GRAPH_ALLOWED_ORIGINS``, lists the origins allowed to call the
API over HTTP and to open its WebSocket; it is empty by default, so no other origin
is allowed until an operator says so. Requests without an ``Origin`` header (curl,
servers, the agent) are not cross-origin and are unaffected.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

# The headers a browser client sends: the bearer token, a JSON body and its own
# request id (logged and echoed back, so it can correlate its requests with ours).
ALLOWED_HEADERS = ("Authorization", "Content-Type", "X-Request-ID")
# Readable by scripts of an allowed origin besides the CORS-safelisted ones.
EXPOSED_HEADERS = ("X-Request-ID", "Content-Disposition")
# Browsers cache a preflight answer this long (seconds), saving one round trip per request.
PREFLIGHT_MAX_AGE = 600


def cors_middleware(allowed_origins: Sequence[str]) -> Middleware:
    """Answer preflights and add ``Access-Control-*`` headers for the allowed origins only.

    Credentials are allowed: the origins are listed one by one (a ``*`` entry would
    be refused by browsers together with credentials, so it is not special-cased
    here), and ``Vary: Origin`` keeps shared caches from mixing answers.
    """
    return Middleware(
        CORSMiddleware,
        allow_origins=list(allowed_origins),
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=list(ALLOWED_HEADERS),
        expose_headers=list(EXPOSED_HEADERS),
        allow_credentials=True,
        max_age=PREFLIGHT_MAX_AGE,
    )
