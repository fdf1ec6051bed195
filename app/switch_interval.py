"""A shorter thread switch interval while bulk work runs in a worker thread.

One thread at a time runs Python code, and a thread that wants to run waits until the running
one lets go, at the latest after `sys.getswitchinterval()` (5 ms by default). While a big
change resolves in a worker thread (app/record/sync.py), the event loop thread gives the
interpreter up at every socket read or write and then waits up to that long to get it back:
another tenant's small request, which does so a dozen times, is served tens of milliseconds
late. While such work runs the interval is 1 ms: the worker pays a few more switches, the
loop answers sooner.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator

WHILE_BULK_WORK = 0.001

_users = 0
_saved = 0.0
_lock = threading.Lock()


@contextlib.contextmanager
def loop_kept_responsive() -> Iterator[None]:
    """Shorten the switch interval for the duration (overlapping uses share it; the last
    one to end restores what was set before the first began)."""
    global _users, _saved
    with _lock:
        if _users == 0:
            _saved = sys.getswitchinterval()
            sys.setswitchinterval(min(_saved, WHILE_BULK_WORK))
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                sys.setswitchinterval(_saved)
