"""Summarise a probe run: stalls, claims and collections inside the big change's windows."""

import json
import sys
from pathlib import Path

stalls_path = sys.argv[1] if len(sys.argv) > 1 else "/tmp/probe_stalls.jsonl"
windows = json.loads(Path(sys.argv[2] if len(sys.argv) > 2 else "/tmp/probe_windows.json").read_text())
verbose = "-v" in sys.argv


def window(t):
    for i, (a, b) in enumerate(windows):
        if a - 0.02 <= t <= b + 0.05:
            return i
    return None


total = {}
for line in Path(stalls_path).read_text().splitlines():
    d = json.loads(line)
    w = window(d["t"])
    kind = d.get("kind", "stall")
    if kind == "claim":
        if d["held_ms"] > 50 or d["wait_ms"] > 20:
            print(f"CLAIM w{w} wait {d['wait_ms']} held {d['held_ms']} commit {d['commit_ms']} {d['marks']}")
        continue
    if kind == "gc":
        print(f"GC    w{w} {d['ms']} ms gen{d['gen']} {d['thread']} collected {d['collected']}")
        continue
    where = f"w{w} +{d['t'] - windows[w][0]:.3f}s" if w is not None else "outside"
    top = d["top"][0][0].split(" < ") if d["top"] else ["?"]
    # the first frame of the project's code
    app_frames = [
        f
        for f in top
        if f.split(":")[0].split("/")[0]
        in {"db", "record", "services", "api", "domain", "cache", "events", "gc_pause.py"}
    ]
    label = app_frames[0] if app_frames else top[0]
    if w is not None:
        total[w] = total.get(w, 0) + d["ms"]
    print(f"STALL {where} {d['ms']:7.1f} ms n={d['n']:3d} {label}")
    if verbose:
        for st, c in d["top"][:4]:
            print("        ", c, st[:300])
print("stall ms per window (>= threshold):", {k: round(v) for k, v in total.items()})
