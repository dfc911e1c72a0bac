#!/usr/bin/env python3
"""Writes one benchmark's figures as bench/results/<NAME>-<UTC stamp>.json.

Usage: bench/emit.py NAME KEY=VALUE...   (a dotted KEY nests: store.1MB.put_ms=12.3)
Numbers are stored as numbers, anything else as text. bench/run.sh collects these files.
"""
import json, os, sys, time

def value(text):
    for kind in (int, float):
        try:
            v = kind(text)
            return None if v != v else v  # NaN (no spread from a single run) becomes null
        except ValueError:
            pass
    return text

name, pairs = sys.argv[1], sys.argv[2:]
doc = {}
for pair in pairs:
    key, _, raw = pair.partition("=")
    node = doc
    parts = key.split(".")
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = value(raw)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
os.makedirs(out, exist_ok=True)
path = os.path.join(out, "%s-%s.json" % (name, time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())))
with open(path, "w") as f:
    json.dump(doc, f, indent=2)
print("wrote", path)
