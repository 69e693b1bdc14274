"""The alert stage of an update: new stories matching a watch → the user's channels.

Called by the engine after grouping, with the ids of the articles the update stored. Each
(watch, story) is claimed in the store before anything is sent, so it alerts once ever,
even with the app and a cron ``fetch`` on one cache. The command runs once per story;
desktop, terminal and toast carry one batched message per update ("7 new stories for
hong-kong"), at most one per ``min_interval``: what arrives sooner waits for the next.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tui.alerts.channels import Channels, Delivery, default_channels, terminal_escape
from tui.alerts.notify import NotifySettings
from tui.alerts.sanitize import plain
from tui.alerts.watch import Watch
from tui.store import Store
from tui.store.alerts import ClaimedAlert
from tui.store.sqlite import sqlite3
from tui.text import safe_url

PENDING_DAYS = 1  # an alert not delivered within a day is dropped, not sent late
TITLES_SHOWN = 3


@dataclass(frozen=True)
class CommandRun:
    watch: str
    article_id: int
    title: str
    delivery: Delivery


@dataclass(frozen=True)
class AlertReport:
    """What the stage did. ``toast`` is what the app shows (plain text: markup off)."""

    alerts: tuple[ClaimedAlert, ...] = ()
    commands: tuple[CommandRun, ...] = ()
    deliveries: tuple[Delivery, ...] = ()
    toast_title: str | None = None
    toast: str | None = None
    batched: int = 0
    deferred: int = 0
    problems: tuple[str, ...] = ()
    seconds: float = 0.0
    marks: dict[str, int] = field(default_factory=dict)

    @property
    def failures(self) -> tuple[str, ...]:
        """One line per channel that failed, for the update's error list."""
        lines = [f"alert command for {run.watch!r}: {run.delivery.status}: "
                 f"{run.delivery.detail}" for run in self.commands
                 if run.delivery.status != "ok"]
        lines += [f"alert {d.channel}: {d.status}: {d.detail}" for d in self.deliveries
                  if d.status not in ("ok", "off", "unavailable")]
        return (*self.problems, *lines)

    def summary(self) -> str:
        if not self.alerts and not self.commands and not self.batched:
            return "alerts: none"
        marks = ", ".join(f"{name} {count}" for name, count in self.marks.items())
        text = f"alerts: {len(self.alerts)} new" + (f" ({marks})" if marks else "")
        if self.commands:
            ok = sum(1 for run in self.commands if run.delivery.status == "ok")
            text += f"; command {ok}/{len(self.commands)} ok"
        if self.deferred:
            text += f"; {self.deferred} waiting for the rate limit"
        return text


def run_alerts(store: Store, new_article_ids: Iterable[int], watches: Sequence[Watch],
               notify: NotifySettings, *, channels: Channels | None = None,
               now: float | None = None) -> AlertReport:
    """Alert on the new stories that match an alerting watch; never raises for a channel."""
    started = time.monotonic()
    stamp = int(time.time() if now is None else now)
    since = stamp - PENDING_DAYS * 86400
    channels = channels or default_channels(notify)
    ids = sorted(set(new_article_ids))
    claimed: list[ClaimedAlert] = []
    problems: list[str] = []
    lookup = _feed_lookup(store)
    oldest = int(stamp - notify.max_age_hours * 3600) if notify.max_age_hours else None
    for watch in watches:
        if not watch.alert:
            continue
        filters = watch.to_filters(lookup)
        if not filters:
            problems.append(f"watch {watch.name!r}: none of its feeds is subscribed")
            continue
        try:
            matches = store.match_articles(filters, ids, published_after=oldest)
            claimed += store.claim_alerts(watch.name, matches, now=stamp,
                                          command=notify.command is not None)
        except sqlite3.Error as exc:  # busy past the timeout, disk full: the update goes on
            problems.append(f"watch {watch.name!r}: {exc}")
    commands: list[CommandRun] = []
    report: dict[str, Any] = {}
    try:
        if notify.command:
            _run_command(store, notify, channels, stamp, since, commands)
        report = _batch(store, notify, channels, stamp, since)
    except sqlite3.Error as exc:
        problems.append(f"alerts: {exc}")
    return AlertReport(
        alerts=tuple(claimed), commands=tuple(commands), problems=tuple(problems),
        marks=dict(Counter(alert.watch for alert in claimed)),
        seconds=time.monotonic() - started, **report,
    )


def _feed_lookup(store: Store) -> dict[str, int]:
    return {feed.url: feed.id for feed in store.feeds()}


def story_json(store: Store, alert: ClaimedAlert) -> dict[str, Any] | None:
    """The object the command reads on stdin (None if the article is gone)."""
    found = store.alert_story(alert.article_id)
    if found is None:
        return None
    row = found["row"]
    return {
        "id": row.id,
        "title": plain(row.title, 500),
        "url": safe_url(row.url),
        "feed": plain(row.feed_title, 200),
        "published": _iso(row.published),
        "china": row.china,
        "regions": list(row.regions),
        "topics": list(row.topics),
        "entities": [{"name": plain(e.name, 200), "type": e.type} for e in found["entities"]],
        "watch": alert.watch,
        "watches": store.story_watches(alert.story_key),
        "story": alert.story_key,
    }


def _iso(stamp: int | None) -> str | None:
    if stamp is None:
        return None
    return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _run_command(store: Store, notify: NotifySettings, channels: Channels, now: int,
                 since: int, runs: list[CommandRun]) -> None:
    """Once per story, oldest first, within the time budget; the rest wait."""
    assert notify.command is not None
    deadline = time.monotonic() + notify.command_budget
    while time.monotonic() < deadline:
        alert = store.take_command_alert(now=now, since=since)
        if alert is None:
            break
        payload = story_json(store, alert)
        if payload is None:
            delivery = Delivery("command", "skipped", "article removed before its alert ran")
        else:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8") + b"\n"
            delivery = channels.run_command(notify.command, data, notify.command_timeout)
        store.record_alert_channel([alert.id], "command", _result(delivery))
        runs.append(CommandRun(alert.watch, alert.article_id,
                               payload["title"] if payload else "", delivery))


def _result(delivery: Delivery) -> str:
    return delivery.status if not delivery.detail else f"{delivery.status}: {delivery.detail}"


def _batch(store: Store, notify: NotifySettings, channels: Channels, now: int,
           since: int) -> dict[str, Any]:
    """One message for everything waiting: desktop, terminal and the app's toast."""
    taken = store.take_batch(now=now, min_interval=notify.min_interval, since=since)
    if taken is None:
        return {"deferred": store.pending_batch_count()}
    if not taken:
        return {}
    title, lines = batch_message(store, taken)
    stories = len({alert.story_key for alert in taken})
    deliveries: list[Delivery] = []
    if channels.desktop is not None:
        deliveries.append(channels.desktop(title, lines))
    elif notify.desktop:
        deliveries.append(Delivery("desktop", "unavailable", channels.desktop_missing))
    if channels.terminal is not None:
        deliveries.append(_terminal(channels, notify, title, lines, stories))
    ids = [alert.id for alert in taken]
    for delivery in deliveries:
        store.record_alert_channel(ids, delivery.channel, _result(delivery))
    return {"deliveries": tuple(deliveries), "toast_title": title,
            "toast": "\n".join(plain(line, 200) for line in lines), "batched": stories}


def batch_message(store: Store, alerts: Sequence[ClaimedAlert]) -> tuple[str, list[str]]:
    """("7 new stories for hong-kong", [up to three titles, "… and 4 more"])."""
    per_watch = Counter(alert.watch for alert in alerts)
    stories = list({alert.story_key: alert for alert in alerts}.values())
    if len(per_watch) == 1:
        watch, count = next(iter(per_watch.items()))
        title = (f"sinowire: new story for {plain(watch, 60)}" if count == 1
                 else f"sinowire: {count} new stories for {plain(watch, 60)}")
    elif len(stories) == 1:
        names = ", ".join(plain(w, 60) for w in list(per_watch)[:3])
        title = f"sinowire: new story for {names}" + (", …" if len(per_watch) > 3 else "")
    else:
        names = ", ".join(f"{plain(w, 60)} {n}" for w, n in per_watch.most_common(3))
        more = len(per_watch) - 3
        title = f"sinowire: {len(stories)} new stories ({names}" + (
            f", +{more} watches)" if more > 0 else ")")
    titles: list[str] = []
    for alert in stories[:TITLES_SHOWN]:
        row = store.article_row(alert.article_id)
        if row is not None:
            titles.append(plain(row.title, 200))
    if len(stories) > TITLES_SHOWN:
        titles.append(f"… and {len(stories) - TITLES_SHOWN} more")
    return title, titles


def _terminal(channels: Channels, notify: NotifySettings, title: str, lines: list[str],
              count: int) -> Delivery:
    assert channels.terminal is not None
    body = (lines[0] if lines else "") + (f" (+{count - 1} more)" if count > 1 else "")
    try:
        channels.terminal.write(terminal_escape(title, body, notify.terminal_protocol,
                                                channels.env))
        channels.terminal.flush()
    except (OSError, ValueError) as exc:
        return Delivery("terminal", "failed", str(exc))
    return Delivery("terminal", "ok")
