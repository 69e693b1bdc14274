"""Polling for the main screen: a thread worker with its own Store, and its progress.

The worker calls the engine's blocking ``update()`` and reports each feed through messages;
the UI thread never waits on the network. Cancellation (on quit) is a threading.Event
the poller checks between feeds.

A poll of 200 feeds sends 200 progress messages. Each used to reload the list and ask for
the feed counts again, and the keys waited behind those reloads; now a feed only marks the
data dirty, and the list, counts and status line are refreshed together at most every
``POLL_REFRESH_SECONDS`` while the poll runs (and once when it ends). While the user is
typing (a key in the last ``TYPING_SECONDS``) the list waits for a pause, at most
``MAX_DEFER_SECONDS``: a refresh repaints the whole screen's panes, and the keys pressed
meanwhile waited for it. Such a refresh is one frame, not four: the side panes' counts,
watch rows and entities are read in one worker, and the list reloads when they arrive
(:meth:`MainScreen.data_changed`'s ``together``); while the user types it is painted
just after a key's frame (:meth:`Poller.between_keys`), in the pause before the next key.
The status line's progress follows every tick, but while the user types it is painted in
the next key's frame (:meth:`Poller.key_handled`): a frame of its own, a few ms before a
key, made that key wait for Textual's next frame (1/60 s apart, more on a busy machine).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.message import Message
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from tui.models import Feed, UpdateReport
from tui.ui.messages import PollFinished, PollProgress, PollStarted
from tui.ui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from tui.ui.screens.main import MainScreen

POLL_REFRESH_SECONDS = 0.5
"""How often the list, counts and status line follow a running poll (at most)."""
TYPING_SECONDS = 0.4
"""A key this recent means the user is typing: the list refresh waits for a pause."""
MAX_DEFER_SECONDS = 2.0
"""However fast the typing, the list follows the poll at least this often."""


class Poller:
    """Starts the poll worker and follows it (the screen owns ``polling``)."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self._poll_done = 0
        self._poll_quiet = False
        self._poll_dirty = False
        self._poll_timer: Timer | None = None
        self._poll_flushed = 0.0
        self._list_flushed = 0.0
        self._progress_due = False
        self._progress_timer: Timer | None = None
        self._held: Callable[[], None] | None = None
        self._held_timer: Timer | None = None

    def start(self, *, force: bool = False, feeds: list[Feed] | None = None,
                   quiet: bool = False) -> bool:
        """Start a poll unless one is running (then say so); False if not started.

        ``quiet`` is for the interval timer: a busy poller is not worth a message then.
        """
        if self.screen.demo:
            if not quiet:
                self.screen.notify("Demo data: no network, nothing to poll.")
            return False
        if self.screen.polling:
            if not quiet:
                self.screen.notify("Already polling; the list updates as feeds arrive.")
            return False
        self.screen.polling = True
        self._poll_done = 0
        self._poll_quiet = quiet
        if not quiet:
            count = len(feeds) if feeds is not None else len(self.screen.store.feeds())
            self.screen.notify(f"Polling {count} feed{'' if count == 1 else 's'}…",
                               timeout=3)
        self.screen.run_worker(partial(self._poll, force, feeds), name="poll", group="poll",
                               description="Polling feeds", thread=True, exclusive=True,
                               exit_on_error=False)
        return True

    def _poll(self, force: bool, feeds: list[Feed] | None) -> None:
        """One engine call plus its messages; a failure ends in the app's (and the
        screen's) ``on_worker_state_changed``. On quit the cancel event stops it between
        feeds, and its daemon thread never holds the exit (``tui.ui.workers``)."""
        engine = self.screen.engine

        def post(message: Message) -> None:
            self.screen.post_message(message)
        try:
            post(PollStarted(len(feeds) if feeds is not None else len(engine.store.feeds())))
            # In a child process: its writes and grouping never take this
            # process's GIL from the UI thread.
            report = engine.update(
                feeds, force=force, cancel=self.screen.cancel_event, in_child=True,
                on_progress=lambda outcome: post(PollProgress(outcome)))
        finally:
            engine.release_thread_store()
        if not self.screen.cancel_event.is_set():
            post(PollFinished(report))

    def worker_changed(self, event: Worker.StateChanged) -> None:
        """The poll worker ended without a report (it failed: the app says why, once; or
        it was cancelled): the poll is over all the same."""
        if (event.worker.group == "poll" and self.screen.polling
                and event.state in (WorkerState.ERROR, WorkerState.CANCELLED)):
            self.screen.post_message(PollFinished(None))

    @property
    def _status(self) -> StatusLine:
        return self.screen.query_one("#status", StatusLine)

    def started(self, event: PollStarted) -> None:
        self._status.polling = (0, event.total)
        self._status.new = 0
        self._status.render_status()

    def progress(self, event: PollProgress) -> None:
        self._poll_done += 1
        status = self._status
        total = event.outcome.total or (status.polling[1] if status.polling else 0)
        status.polling = (min(self._poll_done, total), total)
        status.new += event.outcome.new
        if event.outcome.new or event.outcome.updated or event.outcome.status == "error":
            self._poll_dirty = True
        self._schedule_poll_refresh()

    def _schedule_poll_refresh(self) -> None:
        """One refresh per POLL_REFRESH_SECONDS however many feeds arrive in between."""
        if self._poll_timer is not None:
            return
        wait = self._poll_flushed + POLL_REFRESH_SECONDS - time.monotonic()
        if wait <= 0:  # nothing shown for a while: show this feed at once
            self._poll_refresh()
            return
        self._poll_timer = self.screen.set_timer(wait, self._poll_refresh)

    def _poll_refresh(self) -> None:
        self._poll_timer = None
        now = self._poll_flushed = time.monotonic()
        self._show_progress()
        if not self._poll_dirty:
            return
        typing = TYPING_SECONDS - self._since_input()
        overdue = now - self._list_flushed >= MAX_DEFER_SECONDS
        if typing > 0 and not overdue:  # come back when the typing pauses (or at the cap)
            wait = min(typing, self._list_flushed + MAX_DEFER_SECONDS - now)
            self._poll_timer = self.screen.set_timer(max(wait, 0.01), self._poll_refresh)
            return
        self._poll_dirty = False
        self._list_flushed = now
        self.screen.data_changed(together=True)

    def _show_progress(self) -> None:
        """The status line's progress now, unless the user is typing: then in the next
        key's frame, or once the typing pauses."""
        if self._since_input() >= TYPING_SECONDS:
            self._progress_due = False
            self._status.render_status()
            return
        self._progress_due = True
        if self._progress_timer is None:  # no key comes: show it at the pause
            self._progress_timer = self.screen.set_timer(TYPING_SECONDS, self._progress_pause)

    def _progress_pause(self) -> None:
        self._progress_timer = None
        if self._progress_due:  # (not painted by a key meanwhile)
            self._show_progress()

    def between_keys(self, show: Callable[[], None]) -> None:
        """Paint a refresh now, or while the user types just after the next key's frame:
        the whole pause before the key after it is the refresh's, and no key waits behind
        it (the newest refresh replaces one still held; the typing's pause shows it if no
        key comes)."""
        if self._since_input() >= TYPING_SECONDS:
            show()
            return
        self._held = show
        if self._held_timer is None:
            self._held_timer = self.screen.set_timer(TYPING_SECONDS, self._show_held)

    def _show_held(self) -> None:
        self._held_timer = None
        held, self._held = self._held, None
        if held is not None:
            held()

    def key_handled(self) -> None:
        """A key's binding has run (the app calls this as the key comes back up to it):
        the progress held for it is painted in the key's frame, a held refresh just after
        that frame. (Painted before the key's binding runs, the progress was a frame of
        its own just ahead of the key's: the wait it was held to avoid.)"""
        if self._progress_due:
            self._progress_due = False
            if self._progress_timer is not None:
                self._progress_timer.stop()
                self._progress_timer = None
            self._status.render_status()
        if self._held is not None:
            held, self._held = self._held, None
            if self._held_timer is not None:
                self._held_timer.stop()
                self._held_timer = None
            self.screen.call_after_refresh(held)

    def _since_input(self) -> float:
        """Seconds since the user's last key (the app's; infinite without one)."""
        idle_gc = getattr(self.screen.app, "idle_gc", None)
        return idle_gc.since_input() if idle_gc is not None else float("inf")

    def _stop_poll_refresh(self) -> None:
        if self._poll_timer is not None:
            self._poll_timer.stop()
            self._poll_timer = None
        self._poll_dirty = False
        if self._progress_timer is not None:
            self._progress_timer.stop()
            self._progress_timer = None
        self._progress_due = False
        if self._held_timer is not None:
            self._held_timer.stop()
            self._held_timer = None
        self._held = None  # (the poll's last refresh covers it)

    def finished(self, event: PollFinished) -> None:
        self.screen.polling = False
        self._stop_poll_refresh()  # the refresh below covers every feed
        status = self._status
        status.polling = None
        if event.report is not None:
            status.new = event.report.new
            status.last_poll = int(self.screen.clock())
        if event.report is not None and not self._poll_quiet:
            self.screen.notify(poll_summary(event.report),
                               severity="warning" if event.report.errors else "information")
        alerts = event.report.alerts if event.report is not None else None
        if alerts is not None and alerts.toast:
            # A story matched an alerting watch: the same batched message as the desktop's.
            self.screen.notify(alerts.toast, title=alerts.toast_title or "",
                               timeout=15, markup=False)
        self.screen.data_changed(together=True)  # (not held: the poll is over)
        self.screen.watch_actions.check_health()


def poll_summary(report: UpdateReport) -> str:
    """``12 new · 2 feeds failing`` (or ``nothing new``): the result of one poll."""
    parts = [f"{report.new} new" if report.new else "nothing new"]
    if report.errors:
        s = "" if report.errors == 1 else "s"
        parts.append(f"{report.errors} feed{s} failing (marked ! in the feed pane)")
    if report.cancelled:
        parts.append("stopped early")
    return "Polled: " + " · ".join(parts)

