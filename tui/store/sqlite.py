"""The one place that chooses the SQLite library, so every connection uses the same one.

Python's own ``sqlite3`` is as old as the system's SQLite (3.40 on Debian 12). pysqlite3
(the ``pysqlite3-binary`` wheels) bundles a current SQLite, whose FTS5 can delete from a
contentless index by rowid (``contentless_delete``, SQLite ≥ 3.43): retention then
removes 75k of 100k stories without re-indexing the survivors. sqlite-utils picks
pysqlite3 by itself when it is importable, so importing it here too keeps one library
per process: two SQLite libraries in one process do not share POSIX locks, and closing
one's file descriptor would silently drop the other's locks.

Everything in tui/ imports ``sqlite3`` from here, exception classes included: a
``pysqlite3.OperationalError`` is not a ``sqlite3.OperationalError``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # the same API: type-check against the standard library's stubs
    import sqlite3
else:
    try:  # pragma: no cover - which branch runs depends on the platform's wheels
        import pysqlite3.dbapi2 as sqlite3
    except ImportError:  # pragma: no cover
        import sqlite3

CONTENTLESS_DELETE_MIN = (3, 43, 0)
"""The first SQLite whose FTS5 knows ``contentless_delete=1``."""


def version() -> tuple[int, ...]:
    return tuple(int(part) for part in sqlite3.sqlite_version.split("."))


def has_contentless_delete() -> bool:
    """Can this library create, read and write FTS5 tables with ``contentless_delete=1``?"""
    return version() >= CONTENTLESS_DELETE_MIN


_T = TypeVar("_T")

CHUNK = 500
"""Ids per ``IN (?, ?, …)``: far below SQLite's limit on host parameters (32,766)."""


def chunks(items: Iterable[_T], size: int = CHUNK) -> Iterator[list[_T]]:
    """``items`` in lists of at most ``size``, for statements that take one ``?`` per item."""
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


__all__ = ["CHUNK", "CONTENTLESS_DELETE_MIN", "chunks", "has_contentless_delete", "sqlite3",
           "version"]
