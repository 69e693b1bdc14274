"""Making a stranger's title harmless for each alert channel.

Titles are cleaned at ingest, but every channel has its own active syntax, so each gets
its own pass at the edge: the desktop body is markup (``<b>``, ``&amp;``) to notification
servers, a terminal escape ends at BEL/ST and OSC 777 splits on ``;``, the command reads
JSON, the toast is shown as plain text. Nothing here ever goes through a shell.
"""

from __future__ import annotations

import html
import re

from tui.text import clean_line

# Anything a terminal could act on: C0, DEL, C1 (0x9c is ST, 0x9d is OSC in 8-bit mode).
_TERMINAL_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f]")


def plain(text: object, max_len: int = 200) -> str:
    """One line of text without control, bidi or line-break characters."""
    return clean_line(text, max_len)


def desktop_summary(text: object) -> str:
    """The summary line: plain text in the Notifications spec, so cleaning is enough."""
    return plain(text, 120)


def desktop_body(lines: list[str]) -> str:
    """The body: servers may render a subset of HTML, so ``<`` ``&`` are escaped."""
    return "\n".join(html.escape(plain(line, 200), quote=True) for line in lines)


def terminal_text(text: object, max_len: int = 200) -> str:
    """For OSC payloads: no control characters at all, and no ``;`` (a field separator).

    The text also never starts with a digit: ConEmu reads ``OSC 9 ; 4 ; …`` as commands
    (a progress bar), so callers put a word first; this is the backstop.
    """
    cleaned = _TERMINAL_UNSAFE.sub("", plain(text, max_len)).replace(";", ",")
    return f"- {cleaned}" if cleaned[:1].isdigit() else cleaned


def osc(protocol: str, title: str, body: str) -> str:
    """A desktop-notification escape for one terminal protocol (text already safe)."""
    if protocol == "osc777":  # VTE, foot, urxvt
        return f"\x1b]777;notify;{title};{body}\x1b\\"
    if protocol == "osc99":  # kitty: title and body as two chunks of one notification
        return f"\x1b]99;i=sinowire:d=0:p=title;{title}\x1b\\" \
               f"\x1b]99;i=sinowire:d=1:p=body;{body}\x1b\\"
    return f"\x1b]9;{title}: {body}\x07"  # iTerm2, WezTerm, Ghostty, Windows Terminal


def tmux_wrap(sequence: str) -> str:
    """tmux passthrough: DCS tmux; with every ESC doubled, ended by ST."""
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
