"""`sinowire fetch` of N loopback feeds × M stories: wall time and processes started.

    python tests/benchmarks/bench_engine.py [--feeds 20] [--items 50] [--rounds 3]
        [--pythonpath DIR]   # measure another checkout (e.g. the code before a change)

Each round uses a fresh home, so every feed is new (a cold fetch). Processes are counted
with ``strace -f -e trace=execve`` when strace is installed: the command itself, the worker
process and multiprocessing's resource tracker each count one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.corpus import feed_document  # noqa: E402


def serve(feeds: int, items: int) -> tuple[ThreadingHTTPServer, list[str]]:
    bodies = {f"/f{n}.xml": feed_document(n, items) for n in range(feeds)}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = bodies.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    return server, [f"http://127.0.0.1:{port}{path}" for path in bodies]


def run_round(urls: list[str], pythonpath: str | None) -> tuple[float, int | None]:
    home = Path(tempfile.mkdtemp(prefix="sinowire-bench-"))
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    try:
        (home / "config.toml").write_text("[subscribe]\ndefaults = false\n", encoding="utf-8")
        opml = "".join(f'<outline type="rss" xmlUrl="{u}" text="f"/>' for u in urls)
        (home / "subs.opml").write_text(
            f'<?xml version="1.0"?><opml version="2.0"><body>{opml}</body></opml>')
        base = [sys.executable, "-m", "tui", "--home", str(home)]
        subprocess.run([*base, "feeds", "import", str(home / "subs.opml")], env=env,
                       check=True, capture_output=True)
        command = [*base, "fetch"]
        trace = home / "trace"
        if shutil.which("strace"):
            command = ["strace", "-f", "-qq", "-e", "trace=execve", "-o", str(trace), *command]
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        seconds = time.perf_counter() - started
        processes = None
        if trace.exists():
            lines = trace.read_text().splitlines()
            processes = len({line.split()[0] for line in lines if "execve(" in line
                             and "= 0" in line})
        return seconds, processes
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pythonpath", help="import tui from this folder instead")
    args = parser.parse_args()
    server, urls = serve(args.feeds, args.items)
    try:
        results = [run_round(urls, args.pythonpath) for _ in range(args.rounds)]
    finally:
        server.shutdown()
    seconds = [r[0] for r in results]
    procs = {r[1] for r in results}
    print(f"sinowire fetch, {args.feeds} feeds × {args.items} stories (cold), "
          f"{args.rounds} rounds: median {statistics.median(seconds):.2f} s "
          f"(min {min(seconds):.2f}, max {max(seconds):.2f}); processes started: "
          f"{', '.join(str(p) for p in sorted(procs, key=str))}")


if __name__ == "__main__":
    main()
