"""CPU time per request, in one process: the ASGI app called directly, no server, no socket.

Not a test. A steadier measure than wrk on a shared machine: only this process's CPU time
(``time.process_time``) counts, so other jobs on the machine slow it down far less. Same two
rows as ``bench/http_bench.py`` (the 30-field text service):

- **page**: GET of the form page with a draft holding the 30 answers (the visitor's cookies);
- **submit**: POST of the 30 answers as JSON to the API (filed, committed, 201).

Every request runs to its end before the next starts; hand-offs to the thread pool run inline
(``anyio.to_thread.run_sync`` replaced by a direct call), so the figure is the app's own work.
After a warm-up, N requests per row; the rows run in rounds; the median and the lowest round
are reported (on a busy machine the lowest round is the steadier figure: other processes only
ever add to it).
The lean app (``bench/lean_app.py``) is measured the same way for the ratio.

Run from the project root::

    .venv/bin/python bench/inprocess_bench.py                     # this code
    .venv/bin/python bench/inprocess_bench.py --profile page      # cProfile top entries
    git archive main | tar -x -C /tmp/loket-main
    .venv/bin/python bench/inprocess_bench.py --ab /tmp/loket-main  # A/B, alternating processes

``--code DIR`` measures the Loket code in DIR (its ``runtime`` and ``builder``); the bench
helpers always come from this folder.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

Message = dict[str, Any]
Asgi = Callable[[dict[str, Any], Callable[[], Awaitable[Message]], Any], Awaitable[None]]


def _pin_code(code: Path) -> None:
    """Import `runtime` and `builder` from `code` before the bench helpers put ROOT first."""
    sys.path.insert(0, str(code))
    import builder  # noqa: F401
    import runtime  # noqa: F401

    sys.path.insert(1, str(BENCH))


def _inline_threads() -> None:
    """Run thread-pool hand-offs inline: the measure is the app's CPU, not the hand-off."""
    import anyio.to_thread

    async def run_sync(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return func(*args)

    anyio.to_thread.run_sync = run_sync  # type: ignore[assignment]


class Caller:
    """Calls an ASGI app with one prepared request and collects the reply."""

    def __init__(self, app: Asgi) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()

    def call(self, method: str, path: str, headers: list[tuple[str, str]], body: bytes) -> int:
        """One request; returns the status code."""
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
            "state": {},
        }
        sent = False
        status = 0

        async def receive() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        self.loop.run_until_complete(self.app(scope, receive, send))
        return status


def _loket(folder: Path) -> tuple[Caller, dict[str, tuple[str, str, list[tuple[str, str]], bytes]]]:
    """The Loket app on a fresh database with the benchmark service, and its two requests."""
    from fastapi.testclient import TestClient
    from http_bench import ANSWERS, SLUG, definition
    from runtime_bench import AGENCY, prepare_loket

    from runtime.app import create_app
    from runtime.settings import Settings

    env = prepare_loket(
        folder / "loket", "bench-" + "k" * 40, service=definition(), answers=ANSWERS
    )
    os.environ.update(env)
    app = create_app(Settings.from_env())
    base = f"/layanan/{AGENCY}/{SLUG}"
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        start = client.get(base)
        token = start.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        begun = client.post(f"{base}/mulai", data={"csrf_token": token}, follow_redirects=False)
        path = begun.headers["location"]
        saved = client.post(
            path, data={"csrf_token": token, "_action": "next", **ANSWERS}, follow_redirects=False
        )
        if saved.status_code != 303:
            raise RuntimeError(f"saving the page: {saved.status_code}")
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    host = ("host", "127.0.0.1:8000")
    body = json.dumps(ANSWERS).encode()
    requests = {
        "page": ("GET", path, [host, ("cookie", cookie)], b""),
        "submit": (
            "POST",
            f"/api/v1/services/{AGENCY}/{SLUG}/submissions",
            [host, ("content-type", "application/json"), ("content-length", str(len(body)))],
            body,
        ),
    }
    return Caller(app), requests


def _lean(folder: Path) -> tuple[Caller, dict[str, tuple[str, str, list[tuple[str, str]], bytes]]]:
    """The lean app and its two requests."""
    from http_bench import ANSWERS, lean_schema

    schema = folder / "schema.json"
    schema.write_text(json.dumps(lean_schema()), encoding="utf-8")
    body = json.dumps(ANSWERS)
    os.environ.update(
        {"LEAN_DB": str(folder / "lean.sqlite"), "LEAN_SCHEMA": str(schema), "LEAN_DRAFT": body}
    )
    from lean_app import create_lean_app

    host = ("host", "127.0.0.1:8000")
    requests = {
        "page": ("GET", "/form", [host, ("cookie", "draft=bench")], b""),
        "submit": (
            "POST",
            "/submissions",
            [host, ("content-type", "application/json"), ("content-length", str(len(body)))],
            body.encode(),
        ),
    }
    return Caller(create_lean_app()), requests


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Run the rows in this process; CPU ms per request (median of the rounds)."""
    code = Path(args.code).resolve() if args.code else ROOT
    _pin_code(code)
    _inline_threads()
    import logging

    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="loket-inprocess-") as tmp:
        caller, requests = (_lean if args.app == "lean" else _loket)(Path(tmp))
        rows = args.rows.split(",")
        figures: dict[str, list[float]] = {row: [] for row in rows}
        expected = {"page": 200, "submit": 201}
        for row in rows:
            for _ in range(args.warmup):
                status = caller.call(*requests[row])
                if status != expected[row]:
                    raise RuntimeError(f"{row}: status {status}")
        for _ in range(args.rounds):
            for row in rows:
                start = time.process_time()
                for _ in range(args.requests):
                    caller.call(*requests[row])
                figures[row].append(1000 * (time.process_time() - start) / args.requests)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                caller.call(*requests[args.profile])
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats(args.sort).print_stats(args.top)
            print(out.getvalue(), file=sys.stderr)
    return {
        "code": str(code),
        "app": args.app,
        "rounds": {row: [round(x, 3) for x in values] for row, values in figures.items()},
        "median": {row: round(statistics.median(values), 3) for row, values in figures.items()},
        "min": {row: round(min(values), 3) for row, values in figures.items()},
    }


def ab(args: argparse.Namespace) -> None:
    """Alternate processes measuring `--ab DIR` (A) and this code (B); print the medians."""
    results: dict[str, dict[str, list[float]]] = {"A": {}, "B": {}}
    base = [sys.executable, __file__, "--json", "--rows", args.rows]
    base += ["--requests", str(args.requests), "--rounds", str(args.rounds)]
    base += ["--warmup", str(args.warmup)]
    for _ in range(args.repeat):
        for label, extra in (("A", ["--code", args.ab]), ("B", [])):
            done = subprocess.run([*base, *extra], capture_output=True, text=True, check=True)
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            for row, values in figures["rounds"].items():
                results[label].setdefault(row, []).extend(values)
    for row in args.rows.split(","):
        a, b = min(results["A"][row]), min(results["B"][row])
        a_med, b_med = statistics.median(results["A"][row]), statistics.median(results["B"][row])
        print(
            f"{row}: lowest A {a:.3f} ms B {b:.3f} ms (B/A {b / a:.2f}); "
            f"median A {a_med:.3f} ms B {b_med:.3f} ms (B/A {b_med / a_med:.2f})"
        )
    print(f"A: {args.ab}; B: this code")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", choices=("loket", "lean"), default="loket")
    parser.add_argument("--code", help="the Loket code to measure (default: this folder)")
    parser.add_argument("--rows", default="page,submit")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--profile", choices=("page", "submit"))
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--ab", help="A/B against the Loket code in this folder")
    parser.add_argument("--repeat", type=int, default=2, help="A/B: processes per side")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.ab:
        ab(args)
        return
    report = measure(args)
    if args.json:
        print(json.dumps(report))
    else:
        for row, value in report["median"].items():
            print(
                f"{args.app} {row}: {value:.3f} CPU ms per request (rounds {report['rounds'][row]})"
            )


if __name__ == "__main__":
    main()
