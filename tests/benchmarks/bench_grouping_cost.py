"""What grouping adds to a real update: `Engine.update()` of loopback feeds, CPU time.

    python tests/benchmarks/bench_grouping_cost.py [--feeds 20] [--items 50] [--short]
                                                   [--warm] [--rounds 3] [--pythonpath DIR]

Each round runs two fresh processes on a fresh home, alternately: one updates as the engine
does (parse, sanitise, tag and sign in the parse worker; store and ``group_new`` after each
feed here), the other with ``Engine.group`` a no-op (the peer). Printed per round: CPU of
the writing process and of the worker (its start-up left out), ``group_new``'s own CPU and
its share of the rest of ingest, and the time Python's cycle collector took in the writer.
``--short`` strips the feeds' bodies to a title and a 120-character lead. The feeds are
``bench_engine``'s (templated headlines: the same entities recur, many candidates).
``--warm`` first fills the home, by an update with grouping in a process of its own, with
the three days before the measured items (144 items a feed, other texts): the steady state
a poll meets, where the window already holds stories; the measured update is the same.
Not collected by pytest (bench_*.py).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 3.0  # the worker's imports and tagger are built before the clock starts


def _short(document: bytes) -> bytes:
    text = document.decode("utf-8")
    text = re.sub(r"<content:encoded>.*?</content:encoded>", "", text, flags=re.S)
    text = re.sub(r"<description>([^<]{0,120})[^<]*</description>",
                  r"<description>\1</description>", text)
    return text.encode("utf-8")


WARM_ITEMS = 144  # three days of half-hourly items a feed before the measured ones


def _earlier(document: bytes, seconds: int) -> bytes:
    """The same feed moved ``seconds`` back, with guids of its own (other items)."""
    text = document.decode("utf-8").replace("<guid>bench-", "<guid>warm-")
    text = text.replace("<link>https://bench.test/", "<link>https://bench.test/warm/")

    def back(match: re.Match[str]) -> str:
        when = parsedate_to_datetime(match.group(1)) - timedelta(seconds=seconds)
        return f"<pubDate>{format_datetime(when, usegmt=True)}</pubDate>"

    return re.sub(r"<pubDate>(.*?)</pubDate>", back, text).encode("utf-8")


def _serve(bodies: dict[str, bytes]) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``bodies`` (path → document; the caller may swap them between updates)."""

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
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def _fill(home: Path, urls: list[str]) -> None:
    """The warm start: one update with grouping into ``home``, its engine closed after."""
    from tui.engine.factory import open_engine

    engine = open_engine(str(home))
    for n, url in enumerate(urls):
        engine.store.add_feed(url, f"f{n}", "en")
    engine.update(force=True)
    engine.close()


def one_update(feeds: int, items: int, short: bool, grouping: bool,
               warm: bool = False) -> dict[str, Any]:
    """In this process: serve, update once, return the CPU figures."""
    import tui.engine.engine as engine_module
    from tests.benchmarks.corpus import feed_document
    from tui.engine.factory import open_engine
    from tui.stories.stage import GroupReport

    def document(n: int, count: int, **kw: Any) -> bytes:
        full = feed_document(n, count, **kw)
        return _short(full) if short else full

    paths = [f"/f{n}.xml" for n in range(feeds)]
    bodies: dict[str, bytes] = {}
    server, base = _serve(bodies)
    urls = [base + path for path in paths]
    home = Path(tempfile.mkdtemp(prefix="sinowire-grouping-"))
    (home / "config.toml").write_text("[subscribe]\ndefaults = false\n", encoding="utf-8")
    filled = 0.0
    if warm:
        bodies.update({path: _earlier(document(n, WARM_ITEMS, seed=8), items * 1800)
                       for n, path in enumerate(paths)})
        _fill(home, urls)
        filled = _cpu(resource.getrusage(resource.RUSAGE_CHILDREN))  # the fill's worker
    bodies.update({path: document(n, items) for n, path in enumerate(paths)})
    engine = open_engine(str(home))
    if not warm:
        for n, url in enumerate(urls):
            engine.store.add_feed(url, f"f{n}", "en")
    spent = {"group": 0.0, "gc": 0.0, "started": 0.0}
    original = engine_module.Engine.group

    def group(self: Any, article_ids: Any = None) -> GroupReport:
        if not grouping:
            return GroupReport()
        started = time.process_time()
        try:
            return original(self, article_ids)
        finally:
            spent["group"] += time.process_time() - started

    def collector(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            spent["started"] = time.process_time()
        else:
            spent["gc"] += time.process_time() - spent["started"]

    engine_module.Engine.group = group  # type: ignore[method-assign]
    engine.worker.start()
    time.sleep(START_SECONDS)
    gc.callbacks.append(collector)
    before = resource.getrusage(resource.RUSAGE_SELF)
    report = engine.update(force=True)
    after = resource.getrusage(resource.RUSAGE_SELF)
    gc.callbacks.remove(collector)
    engine.close()
    server.shutdown()
    worker = _cpu(resource.getrusage(resource.RUSAGE_CHILDREN))  # reaped at close()
    worker -= filled
    return {"stories": sum(len(o.new_ids) for o in report.outcomes),
            "writer": _cpu(after) - _cpu(before), "worker": worker,
            "group": spent["group"], "gc": spent["gc"]}


def _cpu(usage: Any) -> float:
    return float(usage.ru_utime + usage.ru_stime)


def _worker_start_cpu() -> float:
    """The worker's start-up CPU (imports, tagger), to leave out of the worker's figure."""
    from tui.engine.factory import open_engine

    home = Path(tempfile.mkdtemp(prefix="sinowire-grouping-"))
    (home / "config.toml").write_text("[subscribe]\ndefaults = false\n", encoding="utf-8")
    engine = open_engine(str(home))
    engine.worker.start()
    time.sleep(START_SECONDS)
    engine.close()
    return _cpu(resource.getrusage(resource.RUSAGE_CHILDREN))


def _run(args: list[str], pythonpath: str | None) -> dict[str, Any]:
    env = dict(os.environ)
    env.pop("SINOWIRE_HOME", None)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    out = subprocess.run([sys.executable, __file__, "--child", *args], env=env, check=True,
                         capture_output=True, text=True, cwd=pythonpath or ROOT).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--short", action="store_true", help="title and lead only")
    parser.add_argument("--warm", action="store_true",
                        help="the window already holds three days of stories")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pythonpath", help="measure another checkout")
    parser.add_argument("--child", choices=("on", "off", "start"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, os.getcwd())
        if args.child == "start":
            print(json.dumps({"start": _worker_start_cpu()}))
        else:
            print(json.dumps(one_update(args.feeds, args.items, args.short,
                                        args.child == "on", args.warm)))
        return 0
    sizes = ["--feeds", str(args.feeds), "--items", str(args.items)]
    sizes += ["--short"] if args.short else []
    sizes += ["--warm"] if args.warm else []
    start = statistics.median(_run(["start"], args.pythonpath)["start"] for _ in range(2))
    kind = "short items" if args.short else "3 KB items"
    kind += ", warm (three days of stories before)" if args.warm else ", cold (empty cache)"
    print(f"### Grouping in a real update: {args.feeds} feeds × {args.items} {kind}\n")
    print(f"worker start-up left out: {start:.2f} s CPU\n")
    print("| round | writer CPU | worker CPU | group_new | share of the rest of ingest | "
          "peer without grouping (writer + worker) | cycle collection in the writer |")
    print("|---|---|---|---|---|---|---|")
    shares = []
    for n in range(1, args.rounds + 1):
        on = _run(["on", *sizes], args.pythonpath)
        off = _run(["off", *sizes], args.pythonpath)
        rest = on["writer"] - on["group"] + on["worker"] - start
        shares.append(on["group"] / rest)
        print(f"| {n} | {on['writer']:.2f} s | {on['worker'] - start:.2f} s | "
              f"{on['group']:.2f} s | {on['group'] / rest:.0%} | "
              f"{off['writer'] + off['worker'] - start:.2f} s | {on['gc']:.2f} s |")
    print(f"\nmedian share: {statistics.median(shares):.1%} (target ≤ 10%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
