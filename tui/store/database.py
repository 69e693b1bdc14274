"""Opening the SQLite file: pragmas, migrations, newer-schema refusal, corruption handling.

One connection per thread (sqlite3 refuses cross-thread use); WAL so the app can read
while ``sinowire fetch`` writes; a busy timeout so a second writer waits instead of failing.

Damage is never silent and never retried in a loop. A file that is not a database (or is
cut short) is moved aside at open and a notice says where. Damage found later, by any
statement (SQLITE_CORRUPT, "malformed"), marks the connection and the file (a
``sinowire.db.damaged`` marker beside it): from then on every write is refused at once
with :class:`DatabaseDamaged`, which names ``sinowire db check`` / ``db recover``, and
every later open reads the marker and refuses writes the same way until a recovery.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tui.store.schema import APPLICATION_ID, SCHEMA_VERSION, migrations
from tui.store.search_index import deletes_by_rowid
from tui.store.sqlite import CONTENTLESS_DELETE_MIN, has_contentless_delete, sqlite3

if TYPE_CHECKING:
    from sqlite_utils import Database


class StoreError(Exception):
    """A database problem explained in one line for the user."""


class NewerSchemaError(StoreError):
    pass


class DatabaseDamaged(StoreError):
    """The cache file is damaged; nothing more is written to it. Not an sqlite3.Error, so
    code that retries database errors (the poller) stops instead of trying again."""


T = TypeVar("T")
# Statements still allowed on a damaged cache: reads, and ending a transaction without
# committing it (so an error path can always clean up).
_READS = ("SELECT", "WITH", "PRAGMA", "EXPLAIN", "ROLLBACK", "RELEASE")


def marker_for(path: Path | str) -> Path:
    """The file that says "this cache was found damaged" (read by every later open)."""
    return Path(f"{path}.damaged")


def damage_advice(path: Path | str) -> str:
    return (f"the cache {path} is damaged; sinowire stopped writing to it. Run "
            f"`sinowire db check` to see what is wrong and `sinowire db recover` to build a "
            f"new cache from everything still readable (feeds, read and starred are kept; "
            f"the damaged file is kept too)")


class _GuardedCursor(sqlite3.Cursor):
    connection: GuardedConnection

    def execute(self, sql: str, parameters: Any = (), /) -> _GuardedCursor:
        self.connection.refuse_if_damaged(sql)
        return self.connection.guard(lambda: super(_GuardedCursor, self).execute(sql, parameters))

    def executemany(self, sql: str, seq: Any, /) -> _GuardedCursor:
        self.connection.refuse_if_damaged(sql)
        return self.connection.guard(lambda: super(_GuardedCursor, self).executemany(sql, seq))

    def fetchone(self) -> Any:
        return self.connection.guard(super().fetchone)

    def fetchmany(self, size: int | None = None) -> list[Any]:
        call = super().fetchmany
        return self.connection.guard(lambda: call() if size is None else call(size))

    def fetchall(self) -> list[Any]:
        return self.connection.guard(super().fetchall)

    def __next__(self) -> Any:
        try:  # inline, not through guard(): this runs once per row
            return super().__next__()
        except sqlite3.DatabaseError as exc:
            error = exc
            self.connection.guard(lambda: _reraise(error))
            raise


def _reraise(exc: BaseException) -> Any:
    raise exc


class GuardedConnection(sqlite3.Connection):
    """A connection that notices damage on any statement and then refuses to write."""

    path: str = ""
    damaged: str | None = None

    def cursor(self, factory: Any = _GuardedCursor) -> Any:
        return super().cursor(factory)

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> Any:
        return self.cursor().executemany(sql, parameters)

    def executescript(self, script: str, /) -> Any:
        self.refuse_if_damaged("SCRIPT")
        return self.guard(lambda: super(GuardedConnection, self).executescript(script))

    def refuse_if_damaged(self, sql: str) -> None:
        if self.damaged is None and (not self.path or self.in_transaction):
            return
        if sql.lstrip()[:8].upper().startswith(_READS):
            return
        if self.damaged is None:
            # Another connection (the poller's, a cron fetch) may have found the damage:
            # its marker is looked for once per transaction, before the first write.
            if not os.path.exists(marker_for(self.path)):
                return
            self.damaged = "marked damaged by another connection"
        raise DatabaseDamaged(damage_advice(self.path))

    def guard(self, call: Callable[[], T]) -> T:
        try:
            return call()
        except sqlite3.DatabaseError as exc:
            if not is_corrupt_error(exc) or not self.path:
                raise
            self.mark_damaged(str(exc))
            raise DatabaseDamaged(f"{damage_advice(self.path)} (SQLite said: {exc})") from exc

    def mark_damaged(self, reason: str) -> None:
        first = self.damaged is None
        self.damaged = reason
        if first:
            with contextlib.suppress(OSError):
                marker = marker_for(self.path)
                if not marker.exists():
                    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
                    marker.write_text(f"{stamp} {reason}\n", encoding="utf-8")


class LiteDatabase:
    """What the store uses of sqlite-utils' ``Database`` (``conn``, ``execute``,
    ``atomic``, ``vacuum``), with its semantics, for a cache already at the current
    schema: opening it then never imports sqlite-utils (55-150 ms of every start)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        """Run one statement; a write outside a transaction is committed at once."""
        was_in_transaction = self.conn.in_transaction
        try:
            cursor = (self.conn.execute(sql) if parameters is None
                      else self.conn.execute(sql, parameters))
        except Exception:
            if not was_in_transaction and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        if (not was_in_transaction and self.conn.in_transaction
                and cursor.description is None
                and _first_word(sql) not in _TRANSACTION_WORDS):
            self.conn.execute("COMMIT")
        return cursor

    @contextlib.contextmanager
    def atomic(self) -> Iterator[LiteDatabase]:
        """One transaction; nested blocks are savepoints (as sqlite-utils does)."""
        if self.conn.in_transaction:
            savepoint = f"sinowire_{os.urandom(8).hex()}"
            self.conn.execute(f"SAVEPOINT {savepoint}")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")
                    self.conn.execute(f"RELEASE SAVEPOINT {savepoint}")
                raise
            else:
                self.conn.execute(f"RELEASE SAVEPOINT {savepoint}")
            return
        self.conn.execute("BEGIN")
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def vacuum(self) -> None:
        self.execute("VACUUM;")


_TRANSACTION_WORDS = frozenset({"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT",
                                "RELEASE"})


def _first_word(sql: str) -> str:
    """The statement's first keyword ("BEGIN;" and "begin\n" are both BEGIN)."""
    stripped = sql.lstrip()
    end = 0
    while end < len(stripped) and stripped[end].isalpha():
        end += 1
    return stripped[:end].upper()


def _current(conn: sqlite3.Connection) -> bool:
    """At this code's schema and ours: nothing to migrate, sqlite-utils not needed."""
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.DatabaseError:
        return False  # the full checks below say what is wrong
    return bool(version == SCHEMA_VERSION and app_id == APPLICATION_ID)


def connect(path: Path | str, *, busy_timeout: float = 10.0) -> Database:
    """Open (creating and migrating if needed) the database at ``path``."""
    try:
        conn = sqlite3.connect(str(path), timeout=busy_timeout, factory=GuardedConnection)
    except sqlite3.OperationalError as exc:
        raise StoreError(f"cannot open database {path}: {exc}{_hint(path)}") from exc
    db: Any
    if _current(conn):
        db = LiteDatabase(conn)
    else:
        from sqlite_utils import Database

        db = Database(conn)
    try:
        _prepare(db, path)
    except (sqlite3.DatabaseError, StoreError):
        conn.close()
        raise
    assert isinstance(conn, GuardedConnection)
    conn.path = str(path)  # from here on, damage is noticed (not during the open's own checks)
    marker = marker_for(path)
    if marker.exists():
        with contextlib.suppress(OSError):
            conn.damaged = marker.read_text(encoding="utf-8", errors="replace").strip()[:300]
        conn.damaged = conn.damaged or "marked damaged"
    return db  # type: ignore[no-any-return]  # a LiteDatabase stands in for a Database


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
    _refuse_index_too_new(conn, path)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    if user_version < SCHEMA_VERSION:
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        known = {m.name for m in migrations._migrations}
        unknown = [m.name for m in migrations.applied(db) if m.name not in known]
        if unknown:
            raise NewerSchemaError(f"{path} has migrations this version does not know: {unknown}")
        _say_a_long_upgrade(conn, path, user_version)
        migrations.apply(db)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        # Migrations write every page they touch into the WAL, which is only reset at
        # 1000 frames: give that space back now (on a nearly full disk it decided whether
        # the first writes after an upgrade fit).
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


UPGRADE_NOTICE_AT = 5_000
"""Stories from which an upgrade is said before it starts (a rebuild of the search index
takes about a second per 1,000 stories on a slow machine: 80 s at 100k under load)."""


def _say_a_long_upgrade(conn: sqlite3.Connection, path: Path | str, user_version: int) -> None:
    """An upgrade of a big cache is said on stderr before it starts, so a minute's pause at
    the first start of a new version is not taken for a hang."""
    if user_version == 0:  # a new cache: nothing to rebuild
        return
    try:
        stories = conn.execute("SELECT max(rowid) FROM articles").fetchone()[0] or 0
    except sqlite3.Error:
        return
    if stories >= UPGRADE_NOTICE_AT:
        print(f"sinowire: upgrading the cache {path} (schema {user_version} -> "
              f"{SCHEMA_VERSION}, about {stories:,} stories): an upgrade may rebuild the "
              f"search index once, which can take a minute or two", file=sys.stderr,
              flush=True)


def _refuse_index_too_new(conn: sqlite3.Connection, path: Path | str) -> None:
    """A cache whose search index needs a newer SQLite than this Python's: say so at open
    (SQLite itself fails only at the first search or write, with "unrecognized option")."""
    if not has_contentless_delete() and deletes_by_rowid(conn):
        need = ".".join(map(str, CONTENTLESS_DELETE_MIN))
        raise StoreError(
            f"{path} was written with SQLite {need} or newer (its search index uses "
            f"contentless_delete) and this Python's SQLite is {sqlite3.sqlite_version}; "
            f"install pysqlite3-binary (`pip install pysqlite3-binary`) or run sinowire with "
            f"a Python whose sqlite3 is {need} or newer"
        )


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


def move_aside(path: Path, label: str = "corrupt") -> Path:
    """Rename a database (and its WAL files) so a fresh one can be made; never delete."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{label}-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.{label}-{stamp}-{counter}")
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
    except (sqlite3.DatabaseError, DatabaseDamaged) as exc:
        if isinstance(exc, sqlite3.DatabaseError) and not is_corrupt_error(exc):
            raise StoreError(f"cannot open database {path}: {exc}{_hint(path)}") from exc
        reason = str(exc.__cause__ or exc) if isinstance(exc, DatabaseDamaged) else str(exc)
        with contextlib.suppress(NameError, sqlite3.Error):
            db.conn.close()
        moved = move_aside(path)
        marker_for(path).unlink(missing_ok=True)
        db = connect(path, busy_timeout=busy_timeout)
        notice = (f"the cache {path} was damaged ({reason}); it was moved to {moved} and a "
                  f"new, empty cache was started. Read and starred marks are in the moved "
                  f"file: `sinowire db recover {moved}` brings back what is still readable")
        return db, notice
    conn = db.conn
    if isinstance(conn, GuardedConnection) and conn.damaged is not None:
        return db, damage_advice(path) + f" (found: {clean_reason(conn.damaged)})"
    return db, None


def clean_reason(text: str) -> str:
    return " ".join(text.split())[:200]
