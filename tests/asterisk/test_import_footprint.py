"""What reading and planning a big pjsip.conf allocates per endpoint (tracemalloc: exact, not timed).

A 100,000-endpoint file is planned in one process: every kilobyte per endpoint here is
100 MB there. Measured with the file of the native export (an auth, an aor and an endpoint
per line, each inheriting two of a dozen templates).
"""

from __future__ import annotations

import gc
import tracemalloc

from app.asterisk.conf.parser import parse_text
from app.asterisk.pjsip_import import plan_pjsip_conf

ENDPOINTS = 3000
# Peak of parsing and planning together, per endpoint, for a file of ~350 bytes per endpoint:
# 5.3 kB now; 8.9 kB when the parser kept a string per name and value and a list of every line,
# and the planner a draft per endpoint until the end.
PEAK_PER_ENDPOINT = 6500


def _native_file() -> str:
    lines = ["[general](!)", "type=endpoint", "context=default", "allow=!all,ulaw", "dtmf_mode=rfc4733", ""]
    lines += ["[general-aor](!)", "type=aor", "max_contacts=1", "qualify_frequency=60", ""]
    for n in range(12):
        lines += [f"[l3-{n:02d}](!,general)", f"set_var=LEVEL={n}", f"language=l{n}", ""]
        lines += [f"[l3-{n:02d}-aor](!,general-aor)", f"maximum_expiration={3600 + n}", ""]
    for i in range(ENDPOINTS):
        name = f"bench-{i:06d}"
        a, b = f"l3-{i % 12:02d}", f"l3-{(i + 1) % 12:02d}"
        lines += [f"[{name}]", "type=auth", "auth_type=userpass", f"username={name}", f"password=pw-{i}-{i * 7919}", ""]
        lines += [f"[{name}]({a}-aor,{b}-aor)", "type=aor", f"max_contacts={1 + i % 3}", ""]
        lines += [f"[{name}]({a},{b})", "type=endpoint", f'callerid="Bench {i}" <{100000 + i}>']
        lines += [f"mailboxes={100000 + i}@default", f"aors={name}", f"auth={name}", ""]
    return "\n".join(lines)


def test_reading_and_planning_a_big_file_allocates_a_bounded_amount_per_endpoint() -> None:
    text = _native_file()
    gc.collect()
    tracemalloc.start()
    try:
        plan = plan_pjsip_conf(parse_text(text, name="pjsip.conf"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(plan.endpoints) == ENDPOINTS and not plan.unmapped
    per_endpoint = peak / ENDPOINTS
    assert per_endpoint < PEAK_PER_ENDPOINT, f"{per_endpoint:.0f} bytes per endpoint at the peak"
