"""The region data: first load (time, memory) and look-ups, each load in a fresh process.

    .venv/bin/python bench/regions_bench.py [--runs 5]

Prints a table and writes bench/results/regions-latest.json. Not a test: nothing fails.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_LOAD = """
import json, resource, time, tracemalloc
from builder import regions
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start, cpu = time.perf_counter(), time.process_time()
regions.data()
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
regions._DATA = None
tracemalloc.start()
regions.data()
held, _ = tracemalloc.get_traced_memory()
print(json.dumps({"load_ms": seconds * 1000, "cpu_ms": cpu * 1000, "rss_mb": (after - before) / 1024,
                  "held_mb": held / 2**20}))
"""


def _lookups(count: int = 100_000) -> dict[str, float]:
    from builder import regions
    from builder.fields import field_type

    regions.data()
    kind = field_type("region")
    spec = {"within": "18.71", "level": "village"}
    timings = {}
    cases = {
        "accepts (exists, within, level)": lambda: regions.accepts(
            "18.71.01.1003", "18.71", "village"
        ),
        "children of a district": lambda: regions.children("18.71.01"),
        "record (code + names)": lambda: regions.record("18.71.01.1003"),
        "parse a posted field": lambda: kind.parse(spec, ["18.71.01", "18.71.01.1003"]),
    }
    for name, call in cases.items():
        start = time.perf_counter()
        for _ in range(count):
            call()
        timings[name] = (time.perf_counter() - start) / count * 1e6
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    loads = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", _LOAD], env=env, capture_output=True, check=True, text=True
            ).stdout
        )
        for _ in range(args.runs)
    ]
    sys.path.insert(0, str(ROOT))
    lookups = _lookups()
    result = {
        "load_ms_median": statistics.median(x["load_ms"] for x in loads),
        "cpu_ms_median": statistics.median(x["cpu_ms"] for x in loads),
        "rss_mb_median": statistics.median(x["rss_mb"] for x in loads),
        "held_mb": loads[0]["held_mb"],
        "lookup_us": lookups,
        "load_average": os.getloadavg(),
        "file_bytes": (ROOT / "builder" / "data" / "regions.tsv.gz").stat().st_size,
    }
    print(
        f"first load: {result['load_ms_median']:.0f} ms wall, {result['cpu_ms_median']:.0f} ms"
        f" CPU (median of {args.runs} processes)"
    )
    print(f"memory: {result['rss_mb_median']:.1f} MB RSS, {result['held_mb']:.1f} MB held")
    for name, micro in lookups.items():
        print(f"{name}: {micro:.2f} µs")
    print(f"load average: {result['load_average']}")
    out = ROOT / "bench" / "results" / "regions-latest.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
