"""A failed database statement in words a user can act on."""

from __future__ import annotations

from tui.store.sqlite import sqlite3


def is_busy(exc: sqlite3.Error) -> bool:
    """Another connection held the write lock (past the busy timeout, or at once when a
    read transaction could not become a write one): worth trying again, nothing was done."""
    message = str(exc).lower()
    return "locked" in message or "busy" in message


def database_reason(exc: sqlite3.Error) -> str:
    """A failed database write in words (busy past the timeout, disk full, read-only)."""
    message = str(exc).lower()
    if is_busy(exc):
        return "database busy (another sinowire is writing)"
    if "disk is full" in message or "disk i/o" in message:
        return f"could not save: {exc}"
    if "readonly" in message or "read-only" in message:
        return "could not save: the database is read-only"
    return f"database: {exc}"
