"""What the alert stage adds to an update: 100 feeds' worth of new articles, 5 watches.

    python -m tests.alerts.bench_stage --quick   # 5,000 new ids on an empty cache (seconds)
    python -m tests.alerts.bench_stage           # the same on top of 50,000 older articles

Measured: matching + claiming + the batched message, with no command (the stage's own
cost), then a second run over the same ids (everything already alerted), a typical poll
(2 new entries per feed), then the per-story cost of a trivial command.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from tests.engine_helpers import save_articles
from tui.alerts import NotifySettings, Watch
from tui.alerts.channels import Channels
from tui.alerts.stage import run_alerts
from tui.alerts.summary import watch_summaries
from tui.models import Article, Entity, Tags
from tui.store import Store

NOW = 1_790_050_000
WORDS = (
    "exchange", "licence", "stablecoin", "mining", "pilot", "token", "market", "regulator",
    "court", "fund", "bridge", "wallet", "hack", "upgrade", "listing", "牌照", "香港",
    "数字人民币", "矿机", *(f"w{n}" for n in range(300)),
)
WATCHES = [
    Watch("china", china=True),
    Watch("hong-kong", regions=("HK",)),
    Watch("stable-or-cbdc", topics=("stablecoins", "cbdc")),
    Watch("hkma", entities=("HKMA",)),
    Watch("licences", search="licence OR 牌照"),
]


def tagger(article: Article) -> Tags:
    n = int(article.guid.rsplit("-", 1)[1])
    region = ("CN", "HK", "TW", None, None, None)[n % 6]
    return Tags(
        china=region in ("CN", "HK"), china_score=0.8 if region else 0.0,
        regions=frozenset({region}) if region else frozenset(),
        topics=frozenset({("stablecoins", "cbdc", "mining", "defi", "markets")[n % 5]}),
        entities=(Entity("HKMA", "ORG"),) if n % 17 == 0 else (Entity("Binance", "ORG"),),
    )


def fill(store: Store, feeds: int, per_feed: int, start: int, rng: random.Random) -> list[int]:
    before = store.max_article_id()
    for f in range(feeds):
        url = f"https://feed{f}.example/rss"
        feed = store.feed_by_url(url) or store.add_feed(url, f"Feed {f}")
        articles = [
            Article(guid=f"{f}-{start + i}-{f * 100_000 + start + i}",
                    title=" ".join(rng.choices(WORDS, k=8)), url=f"{url}/{start + i}",
                    summary=" ".join(rng.choices(WORDS, k=30)),
                    published=1_790_000_000 + start + i)
            for i in range(per_feed)
        ]
        save_articles(store, feed.id, articles, tagger=tagger, now=1_790_000_000, next_due=0)
    return store.article_ids_after(before)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rng = random.Random(15)
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "bench.db") as store:
        if not args.quick:
            fill(store, 100, 500, 0, rng)
        new_ids = fill(store, 100, 50, 10_000, rng)
        print(f"cache: {store.count_articles()} articles; new this update: {len(new_ids)}; "
              f"watches: {len(WATCHES)}")
        notify = NotifySettings(desktop=False, min_interval=0)
        channels = Channels(env={})
        started = time.perf_counter()
        first = run_alerts(store, new_ids, WATCHES, notify, channels=channels, now=NOW)
        first_s = time.perf_counter() - started
        stories = len({a.story_key for a in first.alerts})
        print(f"first run: {first_s * 1000:.0f} ms for {len(first.alerts)} alerts "
              f"({stories} stories); {first.summary()}")
        repeats = []
        for _ in range(3):
            started = time.perf_counter()
            again = run_alerts(store, new_ids, WATCHES, notify, channels=channels, now=NOW)
            repeats.append(time.perf_counter() - started)
            assert again.alerts == ()
        print(f"same ids again (all alerted): median {statistics.median(repeats) * 1000:.0f} ms")
        typical = fill(store, 100, 2, 20_000, rng)
        started = time.perf_counter()
        poll_report = run_alerts(store, typical, WATCHES, notify, channels=channels, now=NOW)
        print(f"a typical poll ({len(typical)} new ids): "
              f"{(time.perf_counter() - started) * 1000:.0f} ms, "
              f"{len(poll_report.alerts)} alerts")
        started = time.perf_counter()
        summaries = watch_summaries(store, WATCHES)
        print(f"watch_summaries (feed pane counts) for {len(summaries)} watches: "
              f"{(time.perf_counter() - started) * 1000:.0f} ms; unread "
              f"{[s.unread for s in summaries]}")
        more = fill(store, 10, 5, 30_000, rng)
        command = NotifySettings(desktop=False, min_interval=0, command=("true",))
        started = time.perf_counter()
        ran = run_alerts(store, more, WATCHES, command, channels=channels, now=NOW)
        spent = time.perf_counter() - started
        runs = max(1, len(ran.commands))
        print(f"command `true` for {len(ran.commands)} stories: {spent * 1000:.0f} ms "
              f"({spent / runs * 1000:.1f} ms per story)")

if __name__ == "__main__":
    main()
