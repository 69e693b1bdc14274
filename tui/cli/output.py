"""How the CLI prints things: JSON shapes, one-line summaries and a progress line."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO, Any

from tui.models import (
    ArticleDetail,
    ArticleRow,
    Entity,
    Feed,
    FeedHealth,
    FeedOutcome,
    TopicEvidence,
    UpdateReport,
)
from tui.text import clean_line


def iso(stamp: int | None) -> str | None:
    """UTC ISO 8601 (``2026-11-21T08:00:00Z``) or None."""
    if stamp is None:
        return None
    return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def feed_json(feed: Feed, unread: int = 0, health: FeedHealth | None = None) -> dict[str, Any]:
    return {
        "id": feed.id,
        "url": feed.url,
        "title": feed.title,
        "lang": feed.lang,
        "unread": unread,
        "last_attempt": iso(feed.last_attempt),
        "last_success": iso(feed.last_success),
        "last_error": feed.last_error,
        "error_count": feed.error_count,
        "next_due": iso(feed.next_due) if feed.next_due else None,
        "stale": health.stale if health else False,
        "newest_item": iso(health.newest_item) if health else None,
    }


def describe_feed(feed: Feed, unread: int = 0, health: FeedHealth | None = None) -> str:
    state = f"error: {feed.last_error}" if feed.last_error else (
        f"ok {iso(feed.last_success)}" if feed.last_success else "never fetched")
    if health is not None and health.stale:
        state += f" · stale (newest item {iso(health.newest_item) or 'none'})"
    lang = feed.lang or "--"
    title = feed.display_title
    return f"[{feed.id:>3}] {lang:2} {unread:>5} unread  {title}  <{feed.url}>  {state}"


def topic_evidence_json(evidence: Iterable[TopicEvidence]) -> dict[str, Any]:
    """``{"mining": {"score": 0.93, "terms": [{"term": "hashrate", "field": "title"}]}}``."""
    return {
        t.topic: {"score": t.score, "terms": [{"term": a, "field": b} for a, b in t.terms]}
        for t in evidence
    }


def article_json(
    row: ArticleRow, entities: list[Entity], topic_evidence: Iterable[TopicEvidence] = (),
    story: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """``story`` is (story id, number of reports in it) when the article is in one."""
    return {
        "id": row.id,
        "feed": row.feed_title,
        "feed_id": row.feed_id,
        "title": row.title,
        "url": row.url,
        "author": row.author or None,
        "published": iso(row.published),
        "read": row.read,
        "starred": row.starred,
        "china": row.china,
        "china_score": row.china_score,
        "regions": list(row.regions),
        "topics": list(row.topics),
        "topic_evidence": topic_evidence_json(topic_evidence),
        "entities": [{"name": e.name, "type": e.type, "count": e.count} for e in entities],
        "story": story[0] if story else None,
        "sources": story[1] if story else 1,
    }


def article_detail_json(detail: ArticleDetail) -> dict[str, Any]:
    """``list --json``'s fields plus the text shown and the China evidence."""
    record = article_json(detail.row, list(detail.entities), detail.topic_evidence)
    text, source = detail.body()
    record.update({
        "content": text,
        "content_source": source,
        "full_text_error": detail.extract_error,
        "evidence": [{"term": e.term, "entity": e.entity, "field": e.field,
                      "region": e.region} for e in detail.evidence],
    })
    return record


def format_article(detail: ArticleDetail) -> str:
    """One story as plain text for a terminal or a pager."""
    row = detail.row
    text, source = detail.body()
    lines = [row.title, f"{row.feed_title} · {iso(row.published)} · {row.url or 'no link'}"]
    tags = [*row.regions, *row.topics]
    if tags:
        lines.append("tags: " + " ".join(tags))
    if detail.evidence:
        lines.append("why China: " + ", ".join(
            f"{e.term} ({e.field})" for e in detail.evidence[:8]))
    if detail.entities:
        lines.append("entities: " + ", ".join(e.name for e in detail.entities[:12]))
    lines += ["", text or "(no text)", "", f"[{source}]"]
    return "\n".join(lines)


def cell_width(text: str) -> int:
    """Terminal columns: CJK and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit(text: str, width: int) -> str:
    """Cut or pad to exactly ``width`` terminal columns."""
    out = []
    used = 0
    for ch in text:
        size = cell_width(ch)
        if used + size > width:
            break
        out.append(ch)
        used += size
    return "".join(out) + " " * (width - used)


LIST_HEADER = f"  {'ID':>6} {'PUBLISHED (UTC)':16} {'FEED':18} {'REGION':8} TITLE"
LIST_LEGEND = "(N = unread, * = starred)"


def format_article_line(row: ArticleRow) -> str:
    """One story under :data:`LIST_HEADER`: mark, id, date with year, feed, region, title."""
    mark = "*" if row.starred else ("N" if not row.read else " ")
    when = datetime.fromtimestamp(row.published, UTC).strftime("%Y-%m-%d %H:%M")
    region = ",".join(row.regions) if row.regions else ""
    china = f"[{region}]" if region else ""
    source = fit(clean_line(row.feed_title, 40), 18)
    return f"{mark} {row.id:>6} {when} {source} {china:8} {row.title}"


def outcome_json(outcome: FeedOutcome) -> dict[str, Any]:
    return {
        "feed_id": outcome.feed_id,
        "url": outcome.url,
        "status": outcome.status,
        "new": outcome.new,
        "updated": outcome.updated,
        "error": outcome.error,
        "seconds": round(outcome.elapsed, 3),
    }


def summary_line(report: UpdateReport, elapsed: float) -> str:
    statuses = [o.status for o in report.outcomes]
    parts = [
        f"{len(statuses)} feeds polled",
        f"{statuses.count('ok')} updated",
        f"{statuses.count('not_modified')} unchanged",
        f"{report.errors} failed",
        f"{report.new} new articles",
    ]
    if report.removed:
        parts.append(f"{report.removed} removed by retention")
    parts.append(f"{elapsed:.1f} s")
    text = " · ".join(parts)
    for problem in (report.grouping_error, report.retention_error):
        if problem:
            text += f" ({problem})"
    if report.cancelled:
        text += " (cancelled)"
    return text


class ProgressLine:
    """A one-line progress bar on a terminal; plain per-feed lines when not a terminal."""

    def __init__(self, stream: IO[str] | None = None, *, enabled: bool = True):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = enabled and self.stream.isatty()
        self._drawn = False

    def update(self, outcome: FeedOutcome) -> None:
        if not self.enabled:
            return
        detail = f"{outcome.new} new" if outcome.status == "ok" else (
            "unchanged" if outcome.status == "not_modified" else f"error: {outcome.error}")
        if self.tty:
            width = 24
            filled = int(width * outcome.index / max(outcome.total, 1))
            bar = "#" * filled + "-" * (width - filled)
            line = f"[{bar}] {outcome.index}/{outcome.total} {outcome.url} {detail}"
            self.stream.write("\r\x1b[2K" + clean_line(line, 150))
            self._drawn = True
        else:
            self.stream.write(f"{outcome.index}/{outcome.total} {outcome.url}: {detail}\n")
        self.stream.flush()

    def count(self, done: int, total: int) -> None:
        if self.tty:
            self.stream.write(f"\r\x1b[2K{done}/{total}")
            self.stream.flush()
            self._drawn = True

    def finish(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._drawn = False
