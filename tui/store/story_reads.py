"""Reading stories back: a period's stories with their reports, one story, an article's story.

Writing them (grouping at ingest, regroup) is :mod:`tui.store.stories`; what the list shows per
row is :mod:`tui.store.story_list`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui.store.sqlite import chunks

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass(frozen=True)
class StoryReport:
    """One article of a story, as a list of its reports shows it."""

    article_id: int
    title: str
    outlet: str
    url: str | None
    published: int
    lang: str | None
    china: bool
    regions: tuple[str, ...]
    topics: tuple[str, ...]
    read: bool
    evidence: dict[str, Any] | None  # how it joined the story (None for the first report)


@dataclass(frozen=True)
class StoryRow:
    id: int
    first_seen: int
    last_published: int
    title: str
    lang: str | None
    langs: tuple[str, ...]
    size: int
    reports: tuple[StoryReport, ...] = ()

    @property
    def china(self) -> bool:
        return any(r.china for r in self.reports)

    @property
    def topics(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for report in self.reports:
            for topic in report.topics:
                seen.setdefault(topic)
        return tuple(seen)


class StoryReadMixin:
    db: Database

    def stories_since(self, since: int, *, china: bool = False, topics: Iterable[str] = (),
                      limit: int = 200) -> list[StoryRow]:
        """Stories with a report published at or after ``since``, newest first, with reports."""
        where = ["last_published >= ?"]
        params: list[Any] = [since]
        if china:
            where.append("EXISTS (SELECT 1 FROM articles a WHERE a.story_id = stories.id "
                         "AND a.china = 1)")
        topic_list = list(topics)
        if topic_list:
            marks = ",".join("?" * len(topic_list))
            where.append("EXISTS (SELECT 1 FROM articles a JOIN article_topics t "
                         "ON t.article_id = a.id WHERE a.story_id = stories.id "
                         f"AND t.topic IN ({marks}))")
            params.extend(topic_list)
        rows = self.db.conn.execute(
            "SELECT id, first_seen, last_published, title, lang, langs, size FROM stories "
            f"WHERE {' AND '.join(where)} ORDER BY last_published DESC, id DESC LIMIT ?",
            (*params, int(limit))).fetchall()
        return self._with_reports(rows)

    def story(self, story_id: int) -> StoryRow | None:
        rows = self.db.conn.execute(
            "SELECT id, first_seen, last_published, title, lang, langs, size FROM stories "
            "WHERE id = ?", (story_id,)).fetchall()
        found = self._with_reports(rows)
        return found[0] if found else None

    def story_of(self, article_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
        """article id → (story id, story size), for articles in a story."""
        out: dict[int, tuple[int, int]] = {}
        for chunk in chunks(article_ids):
            marks = ",".join("?" * len(chunk))
            for article_id, story_id, size in self.db.conn.execute(
                "SELECT a.id, a.story_id, s.size FROM articles a JOIN stories s "
                f"ON s.id = a.story_id WHERE a.id IN ({marks})", chunk
            ):
                out[article_id] = (story_id, size)
        return out

    def _with_reports(self, rows: list[tuple[Any, ...]]) -> list[StoryRow]:
        if not rows:
            return []
        reports: dict[int, list[StoryReport]] = {row[0]: [] for row in rows}
        for chunk in chunks(list(reports)):
            marks = ",".join("?" * len(chunk))
            for (story_id, article_id, title, outlet, url, published, lang, china, regions,
                 topics, read, evidence) in self.db.conn.execute(
                "SELECT a.story_id, a.id, a.title, f.title, a.url, a.published, "
                "coalesce(json_extract(s.data, '$.l'), a.lang, f.lang), a.china, a.regions, "
                "a.topics, a.read, s.evidence FROM articles a JOIN feeds f ON f.id = a.feed_id "
                "LEFT JOIN story_signals s ON s.article_id = a.id "
                f"WHERE a.story_id IN ({marks}) ORDER BY a.published, a.id", chunk
            ):
                reports[story_id].append(StoryReport(
                    article_id, title, outlet, url, published, lang, bool(china),
                    tuple(regions.split()), tuple(topics.split()), bool(read),
                    json.loads(evidence) if evidence else None))
        return [StoryRow(row[0], row[1], row[2], row[3], row[4], tuple(sorted(row[5].split())),
                         row[6], tuple(reports[row[0]])) for row in rows]
