"""The feed list kept outside the cache: ``feeds.opml`` beside config.toml.

The cache is a cache: if it is damaged and has to be rebuilt, the user's subscriptions must
not go with it (newsboat keeps its ``urls`` file for the same reason). The file is
rewritten, atomically, on every change to the feed list and read back when a new cache is
started next to it. It is plain OPML 2.0, so it doubles as an always-current export.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from tui.models import Feed

if TYPE_CHECKING:
    from tui.feeds.opml import OpmlFeed

RESTORE_MAX = 100_000


def save(path: Path, feeds: Iterable[Feed]) -> bool:
    """Write the feed list to ``path`` atomically; False if it could not be written."""
    # OPML (defusedxml, email.utils) only when the list changes: not on the read path.
    from tui.feeds.opml import OpmlFeed, export_opml

    data = export_opml(
        (OpmlFeed(url=f.url, title=f.title, lang=f.lang) for f in feeds),
        title="sinowire subscriptions (kept outside the cache; rewritten on every change)",
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=".feeds-", suffix=".opml", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    except OSError:
        return False  # the cache stays the source of truth; a read-only config dir is fine
    return True


def load(path: Path) -> list[OpmlFeed] | None:
    """The feeds saved in ``path``; None if there is no usable file."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    # OPML (defusedxml, email) only when there is a file: every new cache asks first.
    from tui.feeds.opml import OpmlError, parse_opml

    try:
        return list(parse_opml(data, max_outlines=RESTORE_MAX).feeds)
    except OpmlError:
        return None
