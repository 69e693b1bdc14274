"""`sinowire fetch` of N loopback feeds × M stories: wall time and processes started.

    python tests/benchmarks/bench_engine.py [--feeds 20] [--items 50] [--rounds 3]
        [--pythonpath DIR]   # measure another checkout (e.g. the code before a change)
    python tests/benchmarks/bench_engine.py --stages [--feeds 100] [--items 50]

``--stages`` says where a cold fetch's seconds go: the command's own path run in this
process (``tui.cli.main.main([... "fetch"])``, two parse workers), the writing thread's CPU
and wall per stage (storing, grouping, waiting for a parsed feed), the process's other
threads and the workers' CPU; then the worker's job split per story, in-process on one
core, with feedparser alone as the floor. It imports the checkout it lives in: to measure
the code before a change, run a copy of this file placed in that checkout.

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
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

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


WRITER_STAGES = (
    ("store a feed (decide, write, FTS, tag rows)", "tui.engine.update", "_store_result"),
    ("group after each feed and at the end", "tui.engine.engine", "Engine.group"),
    ("wait for a parsed feed", "tui.engine.update", "_next"),
    ("alerts and retention", "tui.engine.engine", "Engine.apply_retention"),
)


def _timed(owner: Any, name: str, totals: list[float], thread: int) -> Callable[[], None]:
    """Wrap ``owner.name`` to add its CPU and wall on ``thread`` to ``totals``; returns the
    undo."""
    original = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        if threading.get_ident() != thread:
            return original(*args, **kwargs)
        cpu, wall = time.thread_time(), time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            totals[0] += time.thread_time() - cpu
            totals[1] += time.perf_counter() - wall

    setattr(owner, name, timed)
    return lambda: setattr(owner, name, original)


def stages(feeds: int, items: int, rounds: int) -> None:
    """Print where a cold fetch's CPU and wall go (medians of ``rounds``)."""
    import contextlib
    import importlib
    import io
    import resource

    from tests.benchmarks.bench_fetch import FeedServer
    from tests.benchmarks.bench_newsboat import _sinowire_home
    from tui.cli.main import main as cli

    rows: list[dict[str, float]] = []
    with FeedServer(feeds, items) as server:
        for _round in range(rounds):
            with tempfile.TemporaryDirectory(prefix="sinowire-stages-") as tmp:
                home = _sinowire_home(Path(tmp), server)
                thread = threading.get_ident()
                totals = {label: [0.0, 0.0] for label, _m, _n in WRITER_STAGES}
                undo = []
                for label, module, name in WRITER_STAGES:
                    owner: Any = importlib.import_module(module)
                    if "." in name:
                        cls, name = name.split(".")
                        owner = getattr(owner, cls)
                    undo.append(_timed(owner, name, totals[label], thread))
                kids = resource.getrusage(resource.RUSAGE_CHILDREN)
                mine = resource.getrusage(resource.RUSAGE_SELF)
                cpu, wall = time.thread_time(), time.perf_counter()
                try:
                    with contextlib.redirect_stdout(io.StringIO()) as out, \
                            contextlib.redirect_stderr(io.StringIO()):
                        cli(["--home", str(home), "fetch"])
                finally:
                    for one in undo:
                        one()
                wall = time.perf_counter() - wall
                cpu = time.thread_time() - cpu
                assert " 0 failed" in out.getvalue(), out.getvalue()
                kids_after = resource.getrusage(resource.RUSAGE_CHILDREN)
                mine_after = resource.getrusage(resource.RUSAGE_SELF)
                row = {"wall": wall, "writer CPU": cpu,
                       "process CPU": (mine_after.ru_utime - mine.ru_utime
                                       + mine_after.ru_stime - mine.ru_stime),
                       "workers CPU": (kids_after.ru_utime - kids.ru_utime
                                       + kids_after.ru_stime - kids.ru_stime)}
                for label, (stage_cpu, stage_wall) in totals.items():
                    row[f"{label}: CPU"] = stage_cpu
                    row[f"{label}: wall"] = stage_wall
                rows.append(row)
    stories = feeds * items

    def med(key: str) -> float:
        return statistics.median(r[key] for r in rows)

    print(f"\ncold fetch, {feeds} feeds x {items} stories, medians of {rounds}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"  wall {med('wall'):.2f} s ({stories / med('wall'):,.0f} stories/s); CPU: "
          f"writing thread {med('writer CPU'):.2f} s, the process's other threads "
          f"{med('process CPU') - med('writer CPU'):.2f} s, parse workers "
          f"{med('workers CPU'):.2f} s; all {med('process CPU') + med('workers CPU'):.2f} s "
          f"= {(med('process CPU') + med('workers CPU')) / stories * 1000:.2f} ms per story")
    for label, _module, _name in WRITER_STAGES:
        print(f"  writing thread, {label}: CPU {med(label + ': CPU'):.2f} s "
              f"({med(label + ': CPU') / stories * 1000:.3f} ms per story), "
              f"wall {med(label + ': wall'):.2f} s")
    _worker_split(items)


def _worker_split(items: int, feeds: int = 6, passes: int = 3) -> None:
    """The worker's job per story, in this process on one core (CPU, median of passes)."""
    import pickle

    from tests.benchmarks.corpus import feed_document
    from tui.engine import jobs
    from tui.feeds import parse as feed_parse
    from tui.stories.signals import signals_of_article

    jobs.init_worker(jobs.TagConfig())
    tagger = jobs.TagConfig().build()
    headers = {"content-type": "application/rss+xml; charset=utf-8"}
    docs = [feed_document(n, items) for n in range(feeds)]
    url = "http://127.0.0.1/feed.xml"
    parsed = [feed_parse.parse_feed(d, headers, url) for d in docs]
    tags = [[tagger(a) for a in p.articles] for p in parsed]
    results = [jobs.parse_tag_and_sign(d, headers, url) for d in docs]
    blobs = [pickle.dumps(r) for r in results]
    stories = sum(len(p.articles) for p in parsed)
    steps: dict[str, Callable[[], object]] = {
        "feedparser alone (floor)": lambda: [
            feed_parse.feedparser.parse(d, sanitize_html=True, resolve_relative_uris=False)
            for d in docs],
        "parse_feed (feedparser + normalise + sanitise)": lambda: [
            feed_parse.parse_feed(d, headers, url) for d in docs],
        "tag": lambda: [[tagger(a) for a in p.articles] for p in parsed],
        "grouping signals": lambda: [
            [signals_of_article(a, t, p.lang) for a, t in zip(p.articles, ts, strict=True)]
            for p, ts in zip(parsed, tags, strict=True)],
        "result to the writer: pickle in the worker": lambda: [pickle.dumps(r) for r in results],
        "result to the writer: unpickle in the writer": lambda: [pickle.loads(b) for b in blobs],
    }
    print(f"  worker's job per story (in-process, one core, {stories} stories, "
          f"median of {passes}):")
    for label, step in steps.items():
        samples = []
        for _ in range(passes):
            started = time.process_time()
            step()
            samples.append(time.process_time() - started)
        print(f"    {label}: {statistics.median(samples) / stories * 1000:.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pythonpath", help="import tui from this folder instead")
    parser.add_argument("--stages", action="store_true",
                        help="where a cold fetch's CPU and wall go, per stage")
    args = parser.parse_args()
    if args.stages:
        stages(args.feeds, args.items, args.rounds)
        return
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
