"""Storing a feed while another writer holds the lock: tried again, decided afresh.

A cron ``sinowire fetch`` and the app's poller share one cache. When the write lock stays
taken past the busy timeout, or SQLite refuses a deferred transaction at once, nothing of the
feed was written, so the update stores it again instead of reporting the other's write as
this feed's error. Driven through the real engine and store file; the lock is stood in for by
a hook on the store's write (a real 10 s busy timeout per try would make a slow test).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_items, rss
from tests.engine.test_pipeline import FAST, bodies_fetcher
from tui.engine import Engine
from tui.engine.update import WRITE_ATTEMPTS
from tui.store.sqlite import sqlite3

URL = "https://feeds.test/busy.xml"


def _engine_with_failing_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                failures: list[str]) -> tuple[Any, list[int]]:
    """An update whose first writes fail with ``failures`` (messages), then go through;
    returns the report and how many inserts each try's decision held."""
    engine = Engine(FAST, tmp_path / "c.db",
                    fetcher=bodies_fetcher({URL: rss(make_items(4, prefix="b"))}))
    with engine:
        engine.store.add_feed(URL)
        real_write = engine.store.write_feed
        inserts: list[int] = []

        def write_feed(feed_id, decision, **kwargs):  # type: ignore[no-untyped-def]
            inserts.append(len(decision.inserts))
            if failures:
                if len(inserts) == 1:  # another writer stores one entry meanwhile
                    first = decision.inserts[0]
                    real_write(feed_id, type(decision)(inserts=(first,)),
                               **kwargs)
                raise sqlite3.OperationalError(failures.pop(0))
            return real_write(feed_id, decision, **kwargs)

        monkeypatch.setattr(engine.store, "write_feed", write_feed)
        report = engine.update()
    return report, inserts


def test_a_feed_refused_the_lock_is_stored_on_the_next_try(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report, inserts = _engine_with_failing_writes(
        tmp_path, monkeypatch, ["database is locked"] * (WRITE_ATTEMPTS - 1))
    assert [(o.status, o.error) for o in report.outcomes] == [("ok", None)]
    # decided again each time: the entry the other writer stored is no longer new
    assert inserts == [4] + [3] * (WRITE_ATTEMPTS - 1)
    assert report.new == 3


def test_a_lock_held_through_every_try_is_the_feed_s_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report, inserts = _engine_with_failing_writes(
        tmp_path, monkeypatch, ["database is locked"] * WRITE_ATTEMPTS)
    assert len(inserts) == WRITE_ATTEMPTS
    (outcome,) = report.outcomes
    assert outcome.status == "error" and outcome.error is not None
    assert "database busy" in outcome.error and "will retry next poll" in outcome.error


def test_other_database_errors_are_not_tried_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report, inserts = _engine_with_failing_writes(tmp_path, monkeypatch, ["disk I/O error"])
    assert inserts == [4]
    (outcome,) = report.outcomes
    assert outcome.status == "error" and outcome.error is not None
    assert "could not save" in outcome.error
