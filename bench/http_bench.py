"""HTTP benchmark with wrk: Loket against a lean hand-written app and the old baseline.

Not a test. Run it from the project root (``bash bench/setup_tools.sh`` installs wrk)::

    .venv/bin/python bench/http_bench.py              # 3 rounds of 8 s per server and row
    .venv/bin/python bench/http_bench.py --rounds 5 --duration 10
    git archive <commit> runtime builder migrations schemas | tar -x -C /tmp/old
    .venv/bin/python bench/http_bench.py --before /tmp/old   # an older Loket in the same rounds

Servers, each ``uvicorn`` with one worker on 127.0.0.1, access log off:

- **loket**: the real app (``runtime.asgi:app``) with a published 30-field text service;
- **lean** (``bench/lean_app.py``): async routes, ``await request.json()``, one cached
  ``Draft202012Validator``, one SQLModel insert + commit (SQLite WAL, synchronous=FULL); the
  page is one primary-key read of a draft and a Jinja2 template of 30 labelled inputs;
- **baseline** (``bench/baseline_app.py``): the older baseline of ``runtime_bench.py`` (sync
  routes, a dependency-provided session); its page row is ``GET /page``, the bytes of Loket's
  page from a bare route (no database, no template).

Two rows, measured with ``wrk -t1 -c16 -d8s --latency`` in alternating rounds (the order of the
servers rotates every round so that drifting machine load hits them alike):

- **submit**: the same JSON body of 30 text answers; Loket at
  ``POST /api/v1/services/bench/formulir-teks/submissions`` (validated, case and audit event
  inserted, committed, 201 with the reference and status secret), the others at
  ``POST /submissions``;
- **page**: GET of the 30-field form page with a draft holding the same answers (Loket: draft and
  CSRF cookies of a visitor who started and saved the form).

For every run: requests per second, p50/p95/p99 latency (from wrk's histogram), non-2xx count,
and the server's CPU time per request (utime + stime from ``/proc/<pid>/stat`` before and after
the run). Prints a table and writes ``bench/results/http-latest.json``. Only 127.0.0.1 is
contacted, and the servers started here are stopped however the run ends.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from runtime_bench import (  # noqa: E402
    AGENCY,
    HOST,
    Server,
    count_rows,
    machine,
    prepare_loket,
    running,
    start_server,
    wait_ready,
)

SLUG = "formulir-teks"
RESULTS = ROOT / "bench" / "results" / "http-latest.json"
FIELD_COUNT = 30

# wrk reports p50/p95/p99 in microseconds and the error counts as one JSON line at the end.
_REPORT_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
    .. '"non_2xx": %d, "socket_errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def text_fields() -> list[dict[str, Any]]:
    """The 30 text fields of the service (required, at most 100 characters)."""
    return [
        {"key": f"isian_{n:02d}", "type": "text", "label": f"Isian {n}", "max_length": 100}
        | ({"required": True} if n % 2 else {})
        for n in range(1, FIELD_COUNT + 1)
    ]


ANSWERS = {f"isian_{n:02d}": f"Jawaban nomor {n} untuk formulir" for n in range(1, 31)}


def definition() -> dict[str, Any]:
    """The benchmark service: one page of 30 text fields, a two-step workflow."""
    return {
        "format": "loket/service@1",
        "id": SLUG,
        "agency": AGENCY,
        "title": {"id": "Formulir 30 isian teks", "en": "30 text fields"},
        "summary": "Layanan buatan untuk mengukur kinerja.",
        "standard": {"requirements": ["KTP-el"], "duration_days": 3, "cost": "Gratis"},
        "privacy": {"purpose": "Pengukuran kinerja.", "retention_days": 30},
        "form": {"pages": [{"id": "data", "title": "Data", "fields": text_fields()}]},
        "roles": {"petugas": "Petugas"},
        "workflow": {
            "initial": "diajukan",
            "states": {
                "diajukan": {"label": "Diajukan", "sla_days": 2},
                "selesai": {"label": "Selesai", "final": "approved"},
            },
            "transitions": [
                {"action": "selesaikan", "from": "diajukan", "to": "selesai", "roles": ["petugas"]}
            ],
        },
    }


def lean_schema() -> dict[str, Any]:
    """The same form as a hand-written JSON Schema: 30 string fields."""
    specs = text_fields()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            s["key"]: {"type": "string", "minLength": 1, "maxLength": 100} for s in specs
        },
        "required": [s["key"] for s in specs if s.get("required")],
    }


# -- setting up the servers ---------------------------------------------------------------------

_CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


def loket_visitor(server: Server) -> tuple[str, str]:
    """Start and save the form as a visitor; return the page path and the Cookie header."""
    with httpx.Client(base_url=server.url, timeout=30) as client:
        start = client.get(f"/layanan/{AGENCY}/{SLUG}")
        match = _CSRF.search(start.text)
        if start.status_code != 200 or match is None:
            raise RuntimeError(f"start page: {start.status_code}")
        token = match.group(1)
        begun = client.post(f"/layanan/{AGENCY}/{SLUG}/mulai", data={"csrf_token": token})
        if begun.status_code != 303:
            raise RuntimeError(f"POST /mulai: {begun.status_code}")
        path = begun.headers["location"]
        saved = client.post(path, data={"csrf_token": token, "_action": "next", **ANSWERS})
        if saved.status_code != 303:
            raise RuntimeError(f"saving the page: {saved.status_code} {saved.text[:300]}")
        cookie = "; ".join(f"{c.name}={c.value}" for c in client.cookies.jar)
        check = client.get(path)
        if check.status_code != 200 or ANSWERS["isian_30"] not in check.text:
            raise RuntimeError(f"form page: {check.status_code}")
    return path, cookie


def wrk(
    url: str,
    *,
    duration: int,
    connections: int,
    script: Path,
    headers: list[str],
) -> dict[str, Any]:
    """Run wrk once against `url`; its figures as a dict."""
    if not url.startswith(f"http://{HOST}:"):
        raise ValueError(f"the bench only talks to {HOST}, not {url}")
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(script)]
    for header in headers:
        command += ["-H", header]
    done = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=duration + 60, check=True
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    result: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    return result


def lua_script(folder: Path, name: str, method: str, body: str | None) -> Path:
    """A wrk script: the request, and the report line at the end."""
    lines = [f'wrk.method = "{method}"']
    if body is not None:
        lines.append(f"wrk.body = {json.dumps(body)}")
        lines.append('wrk.headers["Content-Type"] = "application/json"')
    path = folder / f"{name}.lua"
    path.write_text("\n".join(lines) + "\n" + _REPORT_LUA, encoding="utf-8")
    return path


def measure(
    server: Server, url: str, script: Path, headers: list[str], args: argparse.Namespace
) -> dict[str, Any]:
    """One wrk run with the server's CPU time around it."""
    used = server.cpu_seconds()
    result = wrk(
        url, duration=args.duration, connections=args.connections, script=script, headers=headers
    )
    cpu = server.cpu_seconds() - used
    seconds = result["duration_us"] / 1e6
    ok = result["requests"] - result["non_2xx"]
    return {
        "requests": result["requests"],
        "non_2xx": result["non_2xx"],
        "socket_errors": result["socket_errors"],
        "rps": round(result["requests"] / seconds, 1),
        "p50_ms": round(result["p50_us"] / 1000, 2),
        "p95_ms": round(result["p95_us"] / 1000, 2),
        "p99_ms": round(result["p99_us"] / 1000, 2),
        "cpu_ms_per_request": round(1000 * cpu / max(1, ok), 3),
    }


def load() -> str:
    """The load averages from /proc/loadavg."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Start the servers, run the rounds, return the report."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: run `bash bench/setup_tools.sh`")
    names = ("loket", "lean", "baseline") + (("loket-before",) if args.before else ())
    with tempfile.TemporaryDirectory(prefix="loket-http-bench-") as tmp:
        folder = Path(tmp)
        loket_env = prepare_loket(
            folder / "loket", "bench-" + "k" * 40, service=definition(), answers=ANSWERS
        )
        schema_file = folder / "schema.json"
        schema_file.write_text(json.dumps(lean_schema()), encoding="utf-8")
        body = json.dumps(ANSWERS)
        servers = {
            "loket": start_server("loket", "runtime.asgi:app", loket_env, folder),
        }
        with running(list(servers.values())):
            wait_ready(servers["loket"], "/", timeout=120)
            page_path, cookie = loket_visitor(servers["loket"])
            if args.before:
                # the same service in a data folder of its own, served by the older code
                before_env = prepare_loket(
                    folder / "before", "bench-" + "k" * 40, service=definition(), answers=ANSWERS
                )
                before_env["PYTHONPATH"] = str(args.before)
                servers["loket-before"] = start_server(
                    "loket-before", "runtime.asgi:app", before_env, folder, cwd=args.before
                )
                wait_ready(servers["loket-before"], "/", timeout=120)
                _, before_cookie = loket_visitor(servers["loket-before"])
            page_bytes = httpx.get(servers["loket"].url + page_path, headers={"Cookie": cookie})
            page_file = folder / "page.html"
            page_file.write_bytes(page_bytes.content)
            lean_env = {
                "LEAN_DB": str(folder / "lean.sqlite"),
                "LEAN_SCHEMA": str(schema_file),
                "LEAN_DRAFT": body,
            }
            baseline_env = {
                "BASELINE_DB": str(folder / "baseline.sqlite"),
                "BASELINE_SCHEMA": str(schema_file),
                "BASELINE_PAGE": str(page_file),
            }
            servers["lean"] = start_server("lean", "bench.lean_app:app", lean_env, folder)
            servers["baseline"] = start_server(
                "baseline", "bench.baseline_app:app", baseline_env, folder
            )
            wait_ready(servers["baseline"], "/page", timeout=120)
            lean_page = httpx.Client(headers={"Cookie": "draft=bench"})
            deadline = time.monotonic() + 120
            while True:
                try:
                    if lean_page.get(servers["lean"].url + "/form").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(servers["lean"].log.read_text())
                time.sleep(0.1)
            lean_page.close()
            post = lua_script(folder, "post", "POST", body)
            get = lua_script(folder, "get", "GET", None)
            targets = {
                "submit": {
                    "loket": (f"/api/v1/services/{AGENCY}/{SLUG}/submissions", post, []),
                    "loket-before": (f"/api/v1/services/{AGENCY}/{SLUG}/submissions", post, []),
                    "lean": ("/submissions", post, []),
                    "baseline": ("/submissions", post, []),
                },
                "page": {
                    "loket": (page_path, get, [f"Cookie: {cookie}"]),
                    "loket-before": (page_path, get, [f"Cookie: {before_cookie}"])
                    if args.before
                    else ("", get, []),
                    "lean": ("/form", get, ["Cookie: draft=bench"]),
                    "baseline": ("/page", get, []),
                },
            }
            before = load()
            warm = argparse.Namespace(**{**vars(args), "duration": 2})
            for by_server in targets.values():
                for name in names:
                    path, script, headers = by_server[name]
                    measure(servers[name], servers[name].url + path, script, headers, warm)
            rounds: list[dict[str, Any]] = []
            for index in range(args.rounds):
                shift = index % len(names)
                order = names[shift:] + names[:shift]
                this: dict[str, Any] = {"order": list(order)}
                for row, by_server in targets.items():
                    this[row] = {}
                    for name in order:
                        path, script, headers = by_server[name]
                        url = servers[name].url + path
                        this[row][name] = measure(servers[name], url, script, headers, args)
                rounds.append(this)
                print(f"round {index + 1}: {json.dumps(this)}", flush=True)
            after = load()
        # after the servers stopped: every acknowledged submission is a row
        rows = {
            "loket": count_rows(folder / "loket" / "loket.db", "submissions"),
            "loket-before": count_rows(folder / "before" / "loket.db", "submissions")
            if args.before
            else None,
            "lean": count_rows(folder / "lean.sqlite", "lean_submissions"),
            "baseline": count_rows(folder / "baseline.sqlite", "baseline_submissions"),
        }
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "load_before": before,
        "load_after": after,
        "wrk": f"-t1 -c{args.connections} -d{args.duration}s --latency",
        "servers": list(names),
        "before": str(args.before) if args.before else None,
        "rounds": rounds,
        "rows_stored": rows,
    }


def summary(report: dict[str, Any]) -> str:
    """A Markdown table: every round, then medians and ratios against the lean app."""
    lines = [
        "| row | server | round | req/s | p50 ms | p95 ms | p99 ms | non-2xx | CPU ms/req |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in ("submit", "page"):
        for name in report["servers"]:
            for index, this in enumerate(report["rounds"], 1):
                m = this[row][name]
                lines.append(
                    f"| {row} | {name} | {index} | {m['rps']} | {m['p50_ms']} | {m['p95_ms']} "
                    f"| {m['p99_ms']} | {m['non_2xx']} | {m['cpu_ms_per_request']} |"
                )
    lines.append("")
    lines.append("| row | server / lean | req/s, per round | median | CPU per request, median |")
    lines.append("|---|---|---|---:|---:|")
    for row in ("submit", "page"):
        for name in report["servers"]:
            if name == "lean":
                continue
            ratios = [r[row][name]["rps"] / r[row]["lean"]["rps"] for r in report["rounds"]]
            cpu = statistics.median(
                r[row][name]["cpu_ms_per_request"] / r[row]["lean"]["cpu_ms_per_request"]
                for r in report["rounds"]
            )
            shown = ", ".join(f"{x:.2f}" for x in ratios)
            lines.append(
                f"| {row} | {name} | {shown} | {statistics.median(ratios):.2f} | {cpu:.2f} |"
            )
    return "\n".join(lines)


def main() -> None:
    """Parse the arguments, run, print and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run (8)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument(
        "--before",
        type=Path,
        help="a folder with an older Loket (runtime/, builder/, migrations/, e.g. from "
        "`git archive`): served as loket-before in the same rounds",
    )
    args = parser.parse_args()
    report = run(args)
    report["table"] = summary(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(
        f"\n{report['machine']['cpu']}, {report['machine']['cores']} cores; load {report['load_before']} before, {report['load_after']} after"
    )
    print(report["table"])
    print(f"rows stored: {report['rows_stored']}")


if __name__ == "__main__":
    main()
