"""sinowire side by side with newsboat on the same loopback feeds, in the same run.

Rows: cold fetch of N feeds x M stories into an empty cache, the same fetch again when
every feed answers 304, and the first screen (tmux) with memory on a cache of the fetched
stories. Each row is the median of ``rounds`` and shows newsboat's time as its peer.

newsboat is used when it is on PATH (Debian: ``apt-get install newsboat``); this module
never installs anything. Without it the rows say "newsboat not installed". newsboat runs
as ``newsboat -u urls -c cache.db -C config -x reload`` in a temporary HOME, with its
default settings (one reload thread, like sinowire's one request per host at a time:
every feed here lives on 127.0.0.1). newsboat stores a new feed's ETag and Last-Modified
only from its second fetch on, so its all-304 row is its third fetch.

    python tests/benchmarks/bench_newsboat.py [--feeds 100] [--items 50] [--rounds 3]

runs the side-by-side rows alone (``run.py --only newsboat`` adds the 100,000-story screen).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a script, ``tests`` is not on the path

from tests.benchmarks.bench_fetch import FeedServer  # noqa: E402
from tests.benchmarks.measure import Result, print_table  # noqa: E402
from tui.store import Store  # noqa: E402

NEWSBOAT = shutil.which("newsboat")
TMUX = shutil.which("tmux")
NOT_INSTALLED = "newsboat not installed"


def _sinowire_home(base: Path, server: FeedServer) -> Path:
    home = base / "sinowire"
    home.mkdir(parents=True)
    (home / "config.toml").write_text("[subscribe]\ndefaults = false\n")
    with Store.open(home / "sinowire.db") as store, store.batch_feed_changes():
        for path in server.documents:
            store.add_feed(server.url(path))
    return home


def _newsboat_home(base: Path, server: FeedServer) -> Path:
    home = base / "newsboat"
    (home / ".newsboat").mkdir(parents=True)
    (home / "urls").write_text("".join(server.url(p) + "\n" for p in server.documents))
    # Defaults, except what a headless run needs: no notifications, no history files.
    (home / "config").write_text("show-read-feeds yes\nhistory-limit 0\n")
    return home


def _run(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=ROOT, env=env,
                          timeout=1800)
    return time.perf_counter() - started, done.stdout


def sinowire_fetch(home: Path, *extra: str) -> tuple[float, str]:
    return _run([sys.executable, "-m", "tui", "--home", str(home), "fetch", *extra])


def newsboat_reload(home: Path) -> float:
    env = {**os.environ, "HOME": str(home), "TERM": "xterm-256color"}
    seconds, _ = _run([NEWSBOAT or "newsboat", "-u", str(home / "urls"),
                       "-c", str(home / "cache.db"), "-C", str(home / "config"),
                       "-x", "reload"], env)
    return seconds


def newsboat_items(home: Path) -> int:
    with sqlite3.connect(home / "cache.db") as conn:
        return int(conn.execute("SELECT count(*) FROM rss_item").fetchone()[0])


def _first_screen(argv: list[str], env: dict[str, str], marker: str,
                  session: str) -> tuple[float, float]:
    """Seconds from starting ``argv`` in a 160x45 tmux pane until ``marker`` shows, and
    the program's resident memory (MB) a second later."""
    assert TMUX is not None
    command = "exec " + " ".join(f"'{a}'" for a in argv)
    exports = [f"{k}={v}" for k, v in env.items()]
    subprocess.run([TMUX, "kill-session", "-t", session], capture_output=True)
    started = time.perf_counter()
    subprocess.run([TMUX, "new-session", "-d", "-s", session, "-x", "160", "-y", "45",
                    "env", *exports, "sh", "-c", command], check=True)
    seconds = float("nan")
    rss = float("nan")
    try:
        deadline = started + 120
        while time.perf_counter() < deadline:
            screen = subprocess.run([TMUX, "capture-pane", "-t", session, "-p"],
                                    capture_output=True, text=True).stdout
            if marker in screen:
                seconds = time.perf_counter() - started
                break
            time.sleep(0.01)
        time.sleep(1.0)
        pid = subprocess.run([TMUX, "display-message", "-p", "-t", session, "#{pane_pid}"],
                             capture_output=True, text=True).stdout.strip()
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024
    finally:
        subprocess.run([TMUX, "kill-session", "-t", session], capture_output=True)
    return seconds, rss


def sinowire_screen(home: Path, marker: str) -> tuple[float, float]:
    env = {"HOME": str(home), "TERM": "xterm-256color", "PATH": os.environ.get("PATH", "")}
    return _first_screen([sys.executable, "-m", "tui", "--home", str(home)],
                         {**env, "PYTHONPATH": str(ROOT)}, marker, "hperf-sw-screen")


def newsboat_screen(home: Path, marker: str) -> tuple[float, float]:
    env = {"HOME": str(home), "TERM": "xterm-256color", "PATH": os.environ.get("PATH", "")}
    return _first_screen([NEWSBOAT or "newsboat", "-u", str(home / "urls"),
                          "-c", str(home / "cache.db"), "-C", str(home / "config")],
                         env, marker, "hperf-nb-screen")


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def side_by_side(feeds: int, items: int, *, rounds: int = 3) -> list[Result]:
    """Cold fetch, all-304 fetch, and first screen + RSS on the fetched cache."""
    label = f"{feeds} feeds x {items}"
    timings: dict[str, list[float]] = {k: [] for k in (
        "sw_cold", "sw_warm", "nb_cold", "nb_warm", "sw_screen", "nb_screen",
        "sw_rss", "nb_rss")}
    with FeedServer(feeds, items) as server:
        newest_title = server.newest_title()
        for _round in range(rounds):
            with tempfile.TemporaryDirectory(prefix="sinowire-nb-") as tmp:
                base = Path(tmp)
                sw = _sinowire_home(base, server)
                seconds, out = sinowire_fetch(sw)
                assert " 0 failed" in out, out
                timings["sw_cold"].append(seconds)
                seconds, out = sinowire_fetch(sw, "--force")
                assert f"{feeds} unchanged" in out, out
                timings["sw_warm"].append(seconds)
                if TMUX:
                    screen, rss = sinowire_screen(sw, newest_title[:30])
                    timings["sw_screen"].append(screen)
                    timings["sw_rss"].append(rss)
                if NEWSBOAT:
                    nb = _newsboat_home(base, server)
                    timings["nb_cold"].append(newsboat_reload(nb))
                    assert newsboat_items(nb) == feeds * items, newsboat_items(nb)
                    # newsboat 2.21 saves a new feed's validators only on its second fetch
                    # (the first UPDATE runs before the feed's row exists), so the second
                    # fetch downloads everything again; the third is the all-304 one.
                    newsboat_reload(nb)
                    hits = server.not_modified
                    timings["nb_warm"].append(newsboat_reload(nb))
                    assert server.not_modified - hits == feeds, "newsboat did not get 304s"
                    if TMUX:
                        screen, rss = newsboat_screen(nb, "Bench feed 0")
                        timings["nb_screen"].append(screen)
                        timings["nb_rss"].append(rss)
    return _rows(label, feeds * items, timings)


def _rows(label: str, stories: int, t: dict[str, list[float]]) -> list[Result]:
    def row(name: str, ours: str, theirs: str, unit: str = "s", note: str = "") -> Result:
        peer = _median(t[theirs]) if t[theirs] else None
        if not NEWSBOAT:
            note = NOT_INSTALLED
        return Result(name, _median(t[ours]), unit=unit, floor=peer, floor_name="newsboat",
                      note=note)

    cold = _median(t["sw_cold"])
    rows = [
        row(f"cold fetch, {label}, empty cache", "sw_cold", "nb_cold",
            note=f"sinowire {stories / cold:,.0f} stories/s"),
        row(f"fetch again, {label}, all 304", "sw_warm", "nb_warm"),
    ]
    if TMUX:
        rows.append(row(f"first screen (tmux 160x45), {stories:,} stories", "sw_screen",
                        "nb_screen"))
        rows.append(row(f"memory after first screen, {stories:,} stories", "sw_rss", "nb_rss",
                        unit="MB"))
    return rows


def big_screen(cache_dir: Path, feeds: int, items: int, *, rounds: int = 3) -> list[Result]:
    """First screen and memory at a big cache (feeds x items), both built once by fetching
    from the loopback server and kept in ``cache_dir`` between runs."""
    if not TMUX:
        return [Result("first screen at a big cache", float("nan"), note="tmux not installed")]
    folder = cache_dir / f"newsboat-side-{feeds}x{items}"
    marker_file = folder / "built"
    with FeedServer(feeds, items, lazy=True) as server:
        if not marker_file.exists():
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir(parents=True)
            sw = _sinowire_home(folder, server)
            sinowire_fetch(sw)
            if NEWSBOAT:
                newsboat_reload(_newsboat_home(folder, server))
            marker_file.write_text(server.newest_title())
        newest = marker_file.read_text()
        t: dict[str, list[float]] = {k: [] for k in ("sw_screen", "nb_screen", "sw_rss",
                                                       "nb_rss")}
        for _round in range(rounds):
            seconds, rss = sinowire_screen(folder / "sinowire", newest[:30])
            t["sw_screen"].append(seconds)
            t["sw_rss"].append(rss)
            if NEWSBOAT and (folder / "newsboat" / "cache.db").exists():
                seconds, rss = newsboat_screen(folder / "newsboat", "Bench feed 0")
                t["nb_screen"].append(seconds)
                t["nb_rss"].append(rss)
    stories = feeds * items
    with Store.open(folder / "sinowire" / "sinowire.db") as store:
        kept = store.count_all()
    note = f"{kept:,} kept by sinowire's retention" if kept != stories else ""
    out = []
    for name, ours, theirs, unit in (
            (f"first screen (tmux 160x45), {stories:,} stories", "sw_screen", "nb_screen", "s"),
            (f"memory after first screen, {stories:,} stories", "sw_rss", "nb_rss", "MB")):
        peer = _median(t[theirs]) if t[theirs] else None
        out.append(Result(name, _median(t[ours]), unit=unit, floor=peer,
                          floor_name="newsboat", note=note if NEWSBOAT else NOT_INSTALLED))
    return out


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rows = side_by_side(args.feeds, args.items, rounds=args.rounds)
    print_table("Side by side with newsboat (same loopback feeds, same run)", rows)


if __name__ == "__main__":
    main()
