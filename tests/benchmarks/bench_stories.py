"""Story grouping on the labelled set: pairwise precision, recall, F1, and the cost.

    python tests/benchmarks/bench_stories.py [--quick] [--split test|train|all] [--errors]
                                             [--accuracy] [--no-dates] [--cpu]

All reports are grouped in one stream (the other split's stories are distractors); pairs are
then counted within a split (the split is by group, so a gold story never crosses it). Reported
overall, for cross-language pairs alone and per language pair (en-en, zh-zh, en-zh). The cost
is the grouping time per article (signals plus grouping) against the tagging time, and a
regroup of a synthetic 10k-report stream (time per report, extrapolated to 100k).
Not collected by pytest (bench_*.py).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from datetime import datetime
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tui.stories import Grouper, MemoryIndex, signals_from_parts  # noqa: E402
from tui.tagging import Tagger  # noqa: E402

DATA = ROOT / "tests" / "data" / "stories" / "stories.jsonl"
NOW = 2_000_000_000


def load(split: str = "all") -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if split == "all" or r["split"] == split]


def stamp(iso: str | None) -> int | None:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()) if iso else None


def predict(rows: list[dict[str, Any]], tagger: Tagger, *, window_hours: float = 72,
            drop_dates: bool = False) -> tuple[dict[str, int], dict[str, Any], float, float]:
    """Group ``rows`` in publication order; (story per id, decisions, tag s, group s)."""
    ordered = sorted(rows, key=lambda r: (r["published"], r["id"]))
    tag_s = group_s = 0.0
    index = MemoryIndex()
    grouper = Grouper(index, window_hours)
    decisions: dict[str, Any] = {}
    for row in ordered:
        t0 = time.perf_counter()
        tags = tagger.tag(row["title"], row["summary"], row["content"], row["lang"])
        t1 = time.perf_counter()
        sig = signals_from_parts(row["id"], row["title"], row["summary"], row["content"],
                                 None if drop_dates else stamp(row["published"]), row["lang"],
                                 [(e.name, e.type) for e in tags.entities])
        decision = grouper.add(sig)
        t2 = time.perf_counter()
        tag_s += t1 - t0
        group_s += t2 - t1
        decisions[row["id"]] = decision
    # Final stories, after any merges a later report caused.
    stories = {row["id"]: index.story_of[row["id"]] for row in ordered}
    return stories, decisions, tag_s, group_s


def pair_class(a: dict[str, Any], b: dict[str, Any]) -> str:
    return "-".join(sorted((a["lang"], b["lang"]))).replace("en-zh", "en-zh")


def scores(rows: list[dict[str, Any]], stories: dict[str, int]) -> dict[str, dict[str, float]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    for a, b in combinations(rows, 2):
        gold = a["group"] == b["group"]
        pred = stories[a["id"]] == stories[b["id"]]
        if not (gold or pred):
            continue
        cell = 0 if gold and pred else (1 if pred else 2)
        for name in ("all", pair_class(a, b)) + (("cross",) if a["lang"] != b["lang"] else ()):
            counts[name][cell] += 1
    out = {}
    for name, (tp, fp, fn) in counts.items():
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out[name] = {"precision": p, "recall": r, "f1": f, "pairs": tp + fn}
    return out


def errors(rows: list[dict[str, Any]], stories: dict[str, int], decisions: dict[str, Any]) -> None:
    by_id = {r["id"]: r for r in rows}
    for a, b in combinations(rows, 2):
        gold = a["group"] == b["group"]
        pred = stories[a["id"]] == stories[b["id"]]
        if gold != pred and a["id"] < b["id"]:
            kind = "FALSE MERGE" if pred else "MISSED"
            if kind == "MISSED" and a["group"] in _printed:
                continue
            _printed.add(a["group"])
            d = decisions[b["id"]]
            why = d.evidence.line() if d.evidence else "started a story"
            print(f"{kind}: [{a['group']}] {a['title'][:50]} | [{b['group']}] {b['title'][:50]}"
                  f"  -> {why} (matched {d.matched} {by_id.get(d.matched, {}).get('group')})")


_printed: set[str] = set()


def stream(n: int, rng: random.Random) -> list[dict[str, Any]]:
    """A synthetic stream of n reports built from the labelled set, spread over n/50 days."""
    base = load()
    rows = []
    start = 1_790_000_000
    for i in range(n):
        src = rng.choice(base)
        rows.append({**src, "id": f"x{i}", "published": start + i * 1728,
                     "title": f"{src['title']} {rng.randrange(10**6)}"})
    return rows


def cost(n: int) -> list[tuple[str, str]]:
    tagger = Tagger()
    rows = stream(n, random.Random(7))
    started = time.perf_counter()
    grouper = Grouper(MemoryIndex())
    signals = []
    for row in rows:
        tags = tagger.tag(row["title"], row["summary"], row["content"], row["lang"])
        signals.append(signals_from_parts(row["id"], row["title"], row["summary"],
                                          row["content"], row["published"], row["lang"],
                                          [(e.name, e.type) for e in tags.entities]))
    tagged = time.perf_counter()
    for sig in signals:
        grouper.add(sig)
    done = time.perf_counter()
    per = (done - tagged) / n
    return [(f"regroup {n:,} (signals ready, in memory)", f"{(done - tagged):.2f} s"),
            ("per report", f"{per * 1e3:.3f} ms"),
            ("100k extrapolated", f"{per * 100_000:.1f} s"),
            ("tag + signals per report", f"{(tagged - started) / n * 1e3:.3f} ms")]


def store_cost(n: int, body_chars: int = 0) -> list[tuple[str, str]]:
    """Ingest n reports into a real SQLite file, then group them and regroup them.

    The labelled reports are short (a title and a lead, ~110 characters); ``body_chars``
    adds a body of that length, as a feed's full items have: the synthetic corpus's filler
    sentences, which name nothing (its headlines would put every entity in every report).
    """
    from tests.benchmarks.corpus import FILLER_EN, FILLER_ZH

    rows = stream(n, random.Random(11))
    if body_chars:
        filler = {"en": FILLER_EN, "zh": FILLER_ZH}
        rows = [{**row, "content": (filler[row["lang"]] * (body_chars // 50))[:body_chars]}
                for row in rows]
    label = f" with {body_chars:,}-character bodies" if body_chars else ""
    ingest, grouped, again, kept = _ingest_and_group(rows)
    return [(f"ingest {n:,} reports{label} (tag + store)", f"{ingest:.2f} s"),
            ("grouping them at ingest", f"{grouped:.2f} s ({grouped / ingest:.0%} of ingest)"),
            (f"regroup {n:,} from text (--recompute, one core)",
             f"{again:.2f} s → 100k ≈ {again / n * 1e5:.0f} s"),
            (f"regroup {n:,} on current stored signals (default; = --keep-signals here)",
             f"{kept:.2f} s → 100k ≈ {kept / n * 1e5:.0f} s")]


def flood(n: int, rng: random.Random) -> list[dict[str, Any]]:
    """Near-identical reports: the synthetic corpus's templated headlines over the same
    filler bodies, a minute apart. They fold into a few huge stories: the worst case for
    candidates and story sizes."""
    from tests.benchmarks.corpus import body, headline

    rows = []
    for i in range(n):
        zh = rng.random() < 0.4
        lang = "zh" if zh else "en"
        rows.append({"id": f"f{i}", "title": headline(rng, zh), "summary": "",
                     "content": body(rng, zh, 1_000), "published": 1_790_000_000 + i * 60,
                     "lang": lang, "outlet": f"{lang}-{i % 8}"})
    return rows


def flood_cost(sizes: tuple[int, ...]) -> list[tuple[str, str]]:
    """Grouping time per article on the store for growing near-identical streams: flat
    when candidates and comparisons per article are capped (linear in the stream)."""
    out = []
    for n in sizes:
        ingest, grouped, _, _ = _ingest_and_group(flood(n, random.Random(3)), regroups=False,
                                                  per_poll=True)
        out.append((f"near-identical stream of {n:,}: grouping at ingest",
                    f"{grouped / n * 1e3:.2f} ms/article ({grouped / ingest:.0%} of ingest)"))
    return out


def _ingest_and_group(rows: list[dict[str, Any]], *, regroups: bool = True,
                      per_poll: bool = False) -> tuple[float, float, float, float]:
    """(ingest s, group_new s, regroup from text s, regroup on current stored signals s).

    Ingest is what the engine does per feed: tag and compute grouping signals (the
    worker's part), decide, write, offer the signals to grouping. ``per_poll`` groups after
    each feed's batch of 20, in time order, as an update does; else once at the end."""
    import tempfile

    from tui.engine.decide import decide
    from tui.models import Article
    from tui.store import Store
    from tui.stories.signals import signals_of_article
    from tui.stories.stage import group_new, offer_inserted, regroup

    tagger = Tagger()
    again = kept = 0.0
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "bench.db") as store:
        feeds: dict[str, int] = {}
        batches: dict[str, list[Article]] = defaultdict(list)
        for row in rows:
            outlet = row["outlet"]
            if outlet not in feeds:
                feeds[outlet] = store.add_feed(f"https://f{len(feeds)}.example.test/rss",
                                               outlet, row["lang"]).id
            batches[outlet].append(Article(
                guid=row["id"], title=row["title"], summary=row["summary"],
                content_text=row["content"], url=f"https://x.test/{row['id']}",
                published=row["published"], lang=row["lang"]))
        started = time.perf_counter()
        grouped = 0.0
        polls = [(outlet, articles[start:start + 20]) for outlet, articles in batches.items()
                 for start in range(0, len(articles), 20)]  # a feed's batch per poll
        if per_poll:  # in time order, grouped after each feed as the engine does
            polls.sort(key=lambda poll: poll[1][0].published or 0)
        for outlet, articles in polls:
            # The worker's part: tags and grouping signals (parse_tag_and_sign).
            tagged = [(a, tagger.tag(a.title, a.summary, a.content_text, a.lang))
                      for a in articles]
            signed = {id(a): signals_of_article(a, tags) for a, tags in tagged}
            decision = decide(store.existing(feeds[outlet]), tagged, now=NOW)
            new_ids, _ = store.write_feed(feeds[outlet], decision, now=NOW, next_due=0)
            offer_inserted(store, [i.article for i in decision.inserts], new_ids,
                           lambda a, signed=signed: signed.get(id(a)), NOW)
            if per_poll:
                grouped += group_new(store, None).seconds
        ingest = time.perf_counter() - started - grouped
        if not per_poll:
            grouped = group_new(store, None).seconds
        if regroups:
            again = regroup(store, recompute=True).seconds
            kept = regroup(store).seconds
    return ingest, grouped, again, kept


def table(title: str, result: dict[str, dict[str, float]]) -> None:
    print(f"\n### {title}\n")
    print("| pairs | precision | recall | F1 | gold pairs |\n|---|---|---|---|---|")
    for name in ("all", "cross", "en-en", "zh-zh", "en-zh"):
        if name in result:
            s = result[name]
            print(f"| {name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | "
                  f"{s['pairs']} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller cost run")
    parser.add_argument("--split", choices=("train", "test", "all"), default=None)
    parser.add_argument("--errors", action="store_true", help="print wrong pairs")
    parser.add_argument("--no-dates", action="store_true", help="drop published times")
    parser.add_argument("--accuracy", action="store_true", help="scores only, no cost runs")
    parser.add_argument("--cpu", action="store_true",
                        help="time with this process's CPU time, not the wall clock (steadier "
                             "on a shared machine; SQLite runs in this process too)")
    args = parser.parse_args()
    if args.cpu:  # every timer here and in the stages reads time.perf_counter
        time.perf_counter = time.process_time
    run(args.split, quick=args.quick, show_errors=args.errors, no_dates=args.no_dates,
        accuracy=args.accuracy)
    return 0


def run(split: str | None, *, quick: bool, show_errors: bool = False,
        no_dates: bool = False, accuracy: bool = False) -> None:
    tagger = Tagger()
    everything = load()
    # One stream of all reports: the other split's stories are distractors, as in real news.
    stories, decisions, tag_s, group_s = predict(everything, tagger, drop_dates=no_dates)
    for name in ([split] if split else ["train", "test"]):
        rows = [r for r in everything if name == "all" or r["split"] == name]
        table(f"Grouping, {name} split ({len(rows)} reports, "
              f"{len({r['group'] for r in rows})} stories)", scores(rows, stories))
        if show_errors:
            errors(rows, stories, decisions)
    print(f"\ngrouping {group_s / len(everything) * 1e3:.3f} ms/report, tagging "
          f"{tag_s / len(everything) * 1e3:.3f} ms/report "
          f"(grouping = {group_s / tag_s:.0%} of tagging)")
    if accuracy:
        return
    print("\n### Cost\n\n| what | value |\n|---|---|")
    sized = 1_000 if quick else 10_000
    for what, value in (cost(2_000 if quick else 10_000) + store_cost(sized)
                        + store_cost(sized // 2, body_chars=3_000)
                        + flood_cost((200, 800) if quick else (1_000, 4_000))):
        print(f"| {what} | {value} |")


if __name__ == "__main__":
    raise SystemExit(main())
