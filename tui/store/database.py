"""Opening the SQLite file: pragmas, migrations, newer-schema refusal, corruption handling.

One connection per thread (sqlite3 refuses cross-thread use); WAL so the app can read
while ``sinowire fetch`` writes; a busy timeout so a second writer waits instead of failing.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from sqlite_utils import Database

from tui.store.schema import APPLICATION_ID, SCHEMA_VERSION, migrations


class StoreError(Exception):
    """A database problem explained in one line for the user."""


class NewerSchemaError(StoreError):
    pass


def connect(path: Path | str, *, busy_timeout: float = 10.0) -> Database:
    """Open (creating and migrating if needed) the database at ``path``."""
    try:
        conn = sqlite3.connect(str(path), timeout=busy_timeout)
    except sqlite3.OperationalError as exc:
        raise StoreError(f"cannot open database {path}: {exc}{_hint(path)}") from exc
    db = Database(conn)
    try:
        _prepare(db, path)
    except (sqlite3.DatabaseError, StoreError):
        conn.close()
        raise
    return db


def _prepare(db: Database, path: Path | str) -> None:
    conn = db.conn
    user_version = conn.execute("PRAGMA user_version").fetchone()[0]
    if user_version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"{path} was created by a newer version of sinowire (schema {user_version}, "
            f"this version knows {SCHEMA_VERSION}); upgrade sinowire to open it"
        )
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if app_id not in (0, APPLICATION_ID):
        raise StoreError(f"{path} is an SQLite database of another program; not touching it")
    has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if app_id == 0 and has_tables and not db["_sqlite_migrations"].exists():
        raise StoreError(f"{path} is an SQLite database of another program; not touching it")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    if user_version < SCHEMA_VERSION:
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        known = {m.name for m in migrations._migrations}
        unknown = [m.name for m in migrations.applied(db) if m.name not in known]
        if unknown:
            raise NewerSchemaError(f"{path} has migrations this version does not know: {unknown}")
        migrations.apply(db)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        # Migrations write every page they touch into the WAL, which is only reset at
        # 1000 frames: give that space back now (on a nearly full disk it decided whether
        # the first writes after an upgrade fit).
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _hint(path: Path | str) -> str:
    """Why SQLite's "unable to open database file" probably happened, in words."""
    target = Path(path)
    if not os.access(target.parent, os.W_OK) or (
        target.exists() and not os.access(target, os.W_OK)
    ):
        return f" ({target.parent} is read-only or not writable; sinowire needs to write there)"
    return ""


def is_corrupt_error(exc: BaseException) -> bool:
    message = str(exc).lower()
    return isinstance(exc, sqlite3.DatabaseError) and (
        "not a database" in message or "malformed" in message or "corrupt" in message
    )


def move_aside(path: Path) -> Path:
    """Rename a damaged database (and its WAL files) so a fresh one can be made; never delete."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    path.rename(target)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return target


def open_database(path: Path, *, busy_timeout: float = 10.0) -> tuple[Database, str | None]:
    """Open the database; a corrupt file is moved aside and a notice says where it went."""
    try:
        db = connect(path, busy_timeout=busy_timeout)
        db.conn.execute("SELECT count(*) FROM feeds").fetchone()
        return db, None
    except sqlite3.DatabaseError as exc:
        if not is_corrupt_error(exc):
            raise StoreError(f"cannot open database {path}: {exc}{_hint(path)}") from exc
        moved = move_aside(path)
        db = connect(path, busy_timeout=busy_timeout)
        notice = f"the database was damaged ({exc}); it was moved to {moved} and a new one started"
        return db, notice
