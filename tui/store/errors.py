"""A failed database statement in words a user can act on."""

from __future__ import annotations

from tui.store.sqlite import sqlite3


def database_reason(exc: sqlite3.Error) -> str:
    """A failed database write in words (busy past the timeout, disk full, read-only)."""
    message = str(exc).lower()
    if "locked" in message or "busy" in message:
        return "database busy (another sinowire is writing)"
    if "disk is full" in message or "disk i/o" in message:
        return f"could not save: {exc}"
    if "readonly" in message or "read-only" in message:
        return "could not save: the database is read-only"
    return f"database: {exc}"
