"""A user's read/star marks never wait for another writer (the app's poll), and still land.

A second connection on the same file holds the write lock, as the poll's child process does
for a feed's transaction or a retention: the mark must return at once, be applied once the
lock is free, and in order (the last mark wins), including across a close.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import plain_tagger
from tests.engine_helpers import save_articles
from tui.models import Article, Filter
from tui.store import Store
from tui.store.sqlite import sqlite3

NOW = 1_795_300_000


def _cache(path: Path, count: int = 5) -> list[int]:
    with Store.open(path) as store:
        feed = store.add_feed("https://example.test/feed.xml")
        save_articles(store, feed.id, [Article(guid=f"g{n}", title=f"Story {n}",
                                               published=NOW - n) for n in range(count)],
                      tagger=plain_tagger, now=NOW, next_due=NOW)
        return [row[0] for row in store.db.conn.execute("SELECT id FROM articles ORDER BY id")]


class Writer:
    """Another process's writer: holds the write lock until released."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("UPDATE feeds SET title = title")

    def release(self) -> None:
        self.conn.execute("COMMIT")
        self.conn.close()


def _state(path: Path, article_id: int) -> tuple[int, int]:
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute("SELECT read, starred FROM articles WHERE id = ?",
                            (article_id,)).fetchone()
    finally:
        conn.close()


def test_marks_return_at_once_while_another_writer_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    ids = _cache(path)
    with Store.open(path) as store:
        writer = Writer(path)
        began = time.perf_counter()
        store.set_read([ids[0]], True)
        store.set_starred(ids[1], True)
        took = time.perf_counter() - began
        # A waiting mark would take the busy timeout (10 s); the bound is its failure.
        assert took < 2.0
        assert _state(path, ids[0]) == (0, 0)  # not yet: the lock is held
        writer.release()
        assert store.flush_user_writes(timeout=10)
        assert _state(path, ids[0]) == (1, 0)
        assert _state(path, ids[1]) == (0, 1)


def test_a_free_lock_means_the_mark_is_there_at_once(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    ids = _cache(path)
    with Store.open(path) as store:
        store.set_read(ids, True)
        assert store._user_writes is not None and store._user_writes.pending == 0
        assert store.count_articles(Filter(unread=True)) == 0


def test_mark_all_while_locked_counts_and_lands(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    ids = _cache(path, count=7)
    with Store.open(path) as store:
        store.set_read(ids[:2], True)
        writer = Writer(path)
        assert store.mark_read(Filter()) == 5  # counted, since the write is queued
        writer.release()
        store.flush_user_writes(timeout=10)
        assert store.count_articles(Filter(unread=True)) == 0


def test_close_applies_what_is_queued(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    ids = _cache(path)
    store = Store.open(path)
    writer = Writer(path)
    store.set_starred(ids[2], True)
    threading.Timer(0.3, writer.release).start()
    store.close()  # waits for the lock (as a quit may), then the mark is stored
    assert _state(path, ids[2]) == (0, 1)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.booleans(), st.booleans()),
                min_size=1, max_size=12),
       st.integers(0, 11))
def test_queued_and_immediate_marks_apply_in_order(tmp_path_factory, marks, locked_from) -> None:  # type: ignore[no-untyped-def]
    """Whatever mix of marks, some made while the lock is held: the last word wins."""
    path = tmp_path_factory.mktemp("order") / "c.db"
    ids = _cache(path)
    expected: dict[int, list[int]] = {i: [0, 0] for i in ids}
    with Store.open(path) as store:
        writer = None
        for index, (which, star, value) in enumerate(marks):
            if index == locked_from:
                writer = Writer(path)
            article_id = ids[which]
            if star:
                store.set_starred(article_id, value)
            else:
                store.set_read([article_id], value)
            expected[article_id][1 if star else 0] = int(value)
        if writer is not None:
            writer.release()
        assert store.flush_user_writes(timeout=10)
        for article_id, (read, starred) in expected.items():
            assert _state(path, article_id) == (read, starred)
