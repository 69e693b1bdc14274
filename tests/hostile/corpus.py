"""Run feedparser's own test corpus through sinowire's whole ingest path.

parse (in the isolated worker, with a per-file time limit) → normalise + sanitise → tag with
the real tagger → ``Store.save_articles`` into a real SQLite file → read back with
``store.article()`` → check every stored display field, the stored HTML and the links.
Used by test_corpus.py; ``python -m tests.hostile.corpus`` prints the counts for the README.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tests.engine_helpers import save_articles
from tui.config import Settings
from tui.engine.jobs import make_tagger
from tui.engine.worker import IsolatedRunner, IsolatedTimeout
from tui.feeds.parse import ParseError, parse_feed
from tui.store import Store

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "feedparser"
PER_FILE_LIMIT = 10.0
_HEADER = re.compile(rb"^Header:\s*([A-Za-z-]+):\s*(.*?)\s*$", re.MULTILINE)


@dataclass
class CorpusStats:
    files: int = 0
    parsed: int = 0
    parse_errors: int = 0
    articles: int = 0
    html_bodies: int = 0
    failures: list[str] = field(default_factory=list)
    slowest: float = 0.0
    slowest_file: str = ""
    seconds: float = 0.0
    by_folder: dict[str, list[int]] = field(default_factory=dict)  # [files, parsed, errors]


def corpus_files(root: Path = CORPUS) -> list[Path]:
    return sorted(p for p in root.rglob("*")
                  if p.is_file() and p.name not in ("LICENSE", "README.md"))


def file_headers(body: bytes) -> tuple[dict[str, str], str | None]:
    """The HTTP headers a corpus file asks for in its ``Header:`` comment lines."""
    headers = {"content-type": "application/xml"}
    location = None
    for name, value in _HEADER.findall(body[:4096]):
        key = name.decode("ascii").lower()
        text = value.decode("latin-1")
        if key == "content-type":
            headers["content-type"] = text
        elif key == "content-location":
            location = text
    return headers, location


def run_corpus(db_path: Path, *, limit: float = PER_FILE_LIMIT,
               files: list[Path] | None = None) -> CorpusStats:
    from tests.hostile.safety import stored_problems

    stats = CorpusStats()
    tagger = make_tagger(Settings())
    started = time.monotonic()
    with IsolatedRunner() as runner, Store.open(db_path) as store:
        for number, path in enumerate(files if files is not None else corpus_files()):
            name = str(path.relative_to(CORPUS))
            folder = name.split("/", 1)[0]
            counts = stats.by_folder.setdefault(folder, [0, 0, 0])
            counts[0] += 1
            stats.files += 1
            body = path.read_bytes()
            headers, location = file_headers(body)
            url = location or f"http://example.com/corpus/{name}"
            t0 = time.monotonic()
            try:
                parsed = runner.run(parse_feed, body, headers, url, timeout=limit)
            except ParseError:
                stats.parse_errors += 1
                counts[2] += 1
                _time(stats, name, time.monotonic() - t0, limit)
                continue
            except IsolatedTimeout:
                stats.failures.append(f"{name}: parse over {limit:g} s")
                continue
            except Exception as exc:  # any other escape is a failure of ours
                stats.failures.append(f"{name}: {type(exc).__name__}: {exc}"[:300])
                continue
            try:
                feed = store.add_feed(f"http://example.com/corpus/{number}")
                save_articles(store, feed.id, parsed.articles, tagger=tagger, now=1_790_000_000,
                                    next_due=0, feed_title=parsed.title,
                                    site_url=parsed.site_url, lang=parsed.lang)
                problems = stored_problems(store, feed.id)
            except Exception as exc:
                stats.failures.append(f"{name}: store/tag {type(exc).__name__}: {exc}"[:300])
                continue
            stats.parsed += 1
            counts[1] += 1
            stats.articles += len(parsed.articles)
            stats.html_bodies += sum(1 for a in parsed.articles if a.content_html)
            stats.failures += [f"{name}: {p}" for p in problems]
            _time(stats, name, time.monotonic() - t0, limit)
        if not store.integrity_ok():
            stats.failures.append("database integrity check failed after the run")
    stats.seconds = round(time.monotonic() - started, 1)
    return stats


def _time(stats: CorpusStats, name: str, took: float, limit: float) -> None:
    if took > stats.slowest:
        stats.slowest, stats.slowest_file = round(took, 3), name
    if took > limit:
        stats.failures.append(f"{name}: whole path took {took:.1f} s (limit {limit:g} s)")


if __name__ == "__main__":  # pragma: no cover - a reporting helper
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        result = run_corpus(Path(tmp) / "corpus.db")
    print(json.dumps(asdict(result), indent=1, ensure_ascii=False))
