"""The ways an alert leaves sinowire: a user's command, the desktop, the terminal.

Each channel reports what happened as a value and never raises: a missing binary, a
command that fails or hangs, a dead notification daemon must not break an update. The
command and ``notify-send`` are run from an argv list (never a shell) in their own
process group, so a timeout kills whatever they started too.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO

from tui.alerts.notify import NotifySettings
from tui.alerts.sanitize import desktop_body, desktop_summary, osc, plain, terminal_text, tmux_wrap

DESKTOP_TIMEOUT = 5.0


@dataclass(frozen=True)
class Delivery:
    """What one channel did: ok, failed, timeout, missing (the command's program),
    skipped, or unavailable (this machine has no desktop notifications: not a failure)."""

    channel: str
    status: str
    detail: str = ""
    seconds: float = 0.0


def run_argv(argv: Sequence[str], stdin: bytes, timeout: float, channel: str = "command"
             ) -> Delivery:
    """Run ``argv`` with ``stdin``; the outcome as a Delivery, whatever happens."""
    started = time.monotonic()

    def done(status: str, detail: str = "") -> Delivery:
        return Delivery(channel, status, plain(detail, 300), time.monotonic() - started)

    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(
                list(argv), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors,
                close_fds=True, start_new_session=True,
            )
        except FileNotFoundError:
            return done("missing", f"{argv[0]}: not found")
        except PermissionError:
            return done("missing", f"{argv[0]}: not executable")
        except OSError as exc:
            return done("failed", f"{argv[0]}: {exc.strerror or exc}")
        try:
            proc.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            return done("timeout", f"{argv[0]}: still running after {timeout:g} s, killed")
        errors.seek(max(0, errors.seek(0, os.SEEK_END) - 300))
        tail = errors.read().decode("utf-8", "replace")
        if proc.returncode != 0:
            how = (f"killed by signal {-proc.returncode}" if proc.returncode < 0
                   else f"exit status {proc.returncode}")
            return done("failed", f"{argv[0]}: {how}" + (f": {tail}" if tail.strip() else ""))
        return done("ok")


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.communicate(timeout=2)


DesktopSender = Callable[[str, list[str]], Delivery]


def notify_send(program: str = "notify-send") -> DesktopSender:
    """A desktop sender through libnotify's ``notify-send`` (argv, ``--`` before text)."""

    def send(summary: str, lines: list[str]) -> Delivery:
        argv = [program, "--app-name=sinowire", "--", desktop_summary(summary),
                desktop_body(lines)]
        return run_argv(argv, b"", DESKTOP_TIMEOUT, channel="desktop")

    return send


def terminal_protocol(env: Mapping[str, str]) -> str:
    """Which escape this terminal understands, from what it tells its children."""
    term = env.get("TERM", "")
    program = env.get("TERM_PROGRAM", "")
    if "KITTY_WINDOW_ID" in env or "kitty" in term:
        return "osc99"
    if "VTE_VERSION" in env or term.startswith(("foot", "rxvt")):
        return "osc777"
    if program in ("iTerm.app", "WezTerm", "ghostty") or "WT_SESSION" in env:
        return "osc9"
    return "osc9"


def terminal_escape(title: str, body: str, protocol: str, env: Mapping[str, str]) -> str:
    """The escape for this terminal, wrapped for tmux when inside it."""
    chosen = terminal_protocol(env) if protocol == "auto" else protocol
    sequence = osc(chosen, terminal_text(title, 80), terminal_text(body, 200))
    return tmux_wrap(sequence) if env.get("TMUX") else sequence


def has_session_bus(env: Mapping[str, str]) -> bool:
    """Is there a D-Bus session to reach a notification daemon? (cron usually has none)"""
    if env.get("DBUS_SESSION_BUS_ADDRESS"):
        return True
    runtime = env.get("XDG_RUNTIME_DIR")
    if not runtime:
        return False
    return os.path.exists(os.path.join(runtime, "bus"))


@dataclass
class Channels:
    """Where alerts go this update; tests and the app pass their own."""

    desktop: DesktopSender | None = None
    desktop_missing: str = ""
    terminal: IO[str] | None = None
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    run_command: Callable[[Sequence[str], bytes, float], Delivery] = run_argv


def default_channels(notify: NotifySettings, *, terminal: IO[str] | None = None,
                     env: Mapping[str, str] | None = None) -> Channels:
    """Channels from settings and what this machine has (``notify-send`` on PATH)."""
    environment = dict(os.environ if env is None else env)
    desktop: DesktopSender | None = None
    missing = ""
    if notify.desktop:
        program = shutil.which("notify-send", path=environment.get("PATH"))
        if not program:
            missing = "notify-send not found on PATH (install libnotify-bin)"
        elif not has_session_bus(environment):
            missing = "no desktop session (DBUS_SESSION_BUS_ADDRESS is not set)"
        else:
            desktop = notify_send(program)
    stream = None
    if notify.terminal:
        stream = terminal if terminal is not None else (
            sys.stderr if sys.stderr is not None and sys.stderr.isatty() else None)
    return Channels(desktop=desktop, desktop_missing=missing, terminal=stream,
                    env=environment)
