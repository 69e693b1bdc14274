"""Checking a cache file and building a new one from whatever of a damaged one is readable.

Recovery never deletes: the damaged file is kept (renamed beside the cache) and a new file
is built next to it, then moved into place. Rows come out through SQLite's own ``.recover``
(the sqlite3 command-line tool, which reads around broken pages and b-trees) when that tool
is installed, else through a row-by-row copy that steps over rows it cannot read. Either way
they are copied into a freshly migrated cache table by table, keeping the columns both
sides know, so feeds, read and starred marks come back; the search index is rebuilt.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.store import pagescan, search_index
from tui.store.database import (
    GuardedConnection,
    connect,
    marker_for,
    move_aside,
)
from tui.store.sqlite import sqlite3

HEADER = b"SQLite format 3\x00"
# Parents before children, so ids line up; any other table both sides have follows.
ORDER = ("meta", "feeds", "entities", "articles", "bodies", "article_topics",
         "article_regions", "article_entities", "tombstones")
SKIP_PREFIXES = ("sqlite_", "articles_fts", "_sqlite_migrations", "lost_and_found")
BATCH = 256
MAX_SKIPS = 64


@dataclass
class CheckReport:
    path: Path
    ok: bool
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    marker: str | None = None


@dataclass
class RecoverReport:
    source: Path
    method: str
    counts: dict[str, int]
    kept: Path | None = None
    replaced: Path | None = None


class RecoveryError(Exception):
    """Nothing usable could be read; the message is one line for the user."""


def check(path: Path) -> CheckReport:
    """Header, integrity_check and the main tables, read without writing anything."""
    report = CheckReport(path=path, ok=False)
    marker = marker_for(path)
    if marker.exists():
        with contextlib.suppress(OSError):
            report.marker = " ".join(marker.read_text(errors="replace").split())[:300]
    try:
        with path.open("rb") as handle:
            header = handle.read(len(HEADER))
    except OSError as exc:
        report.problems.append(f"cannot read the file: {exc.strerror or exc}")
        return report
    if header != HEADER:
        report.problems.append("not an SQLite database (the file header is wrong)")
        return report
    try:
        with contextlib.closing(_read_only(path)) as conn:
            rows = conn.execute("PRAGMA integrity_check(20)").fetchall()
            report.problems.extend(str(r[0]) for r in rows if r[0] != "ok")
            for table in ("feeds", "articles"):
                try:
                    report.counts[table] = conn.execute(
                        f"SELECT count(*) FROM {table}").fetchone()[0]
                except sqlite3.DatabaseError as exc:
                    report.problems.append(f"{table}: {exc}")
    except sqlite3.DatabaseError as exc:
        report.problems.append(str(exc))
    report.ok = not report.problems
    return report


def recover(source: Path, cache: Path, *, use_cli: bool | None = None) -> RecoverReport:
    """Build a new cache at ``cache`` from what ``source`` still holds; keep both old files.

    ``source`` may be the cache itself (damaged in place) or a file set aside earlier. The
    file at ``cache``, if any, is renamed (``.corrupt-…`` when it is the source, else
    ``.replaced-…``) before the new one takes its place.
    """
    if not source.exists():
        raise RecoveryError(f"{source} does not exist")
    tool = shutil.which("sqlite3") if use_cli is not False else None
    if use_cli and not cli_recover_works():
        raise RecoveryError("the sqlite3 command is not installed or its .recover fails")
    with tempfile.TemporaryDirectory(prefix="sinowire-recover-", dir=cache.parent) as work:
        folder = Path(work)
        salvage, method = source, "row-by-row copy"
        if tool is not None:
            salvaged = _salvage_with_cli(tool, source, folder / "salvage.db")
            if salvaged is not None:
                salvage, method = salvaged, "SQLite .recover"
        built = folder / "new.db"
        counts, scanned = _copy_into(salvage, built, damaged=source)
        if scanned:
            method += " + page scan"
        if not counts.get("feeds") and not counts.get("articles"):
            raise RecoveryError(f"nothing readable in {source}: no feeds or articles found; "
                                "the cache was left as it is")
        kept = replaced = None
        same = cache.exists() and source.resolve() == cache.resolve()
        if cache.exists():
            moved = move_aside(cache, "corrupt" if same else "replaced")
            kept, replaced = (moved, None) if same else (source, moved)
        else:
            kept = source
        shutil.move(str(built), str(cache))
        marker_for(cache).unlink(missing_ok=True)
    return RecoverReport(source=source, method=method, counts=counts, kept=kept,
                         replaced=replaced)


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)


def _salvage_with_cli(tool: str, source: Path, target: Path) -> Path | None:
    """``sqlite3 SOURCE .recover | sqlite3 TARGET``; None if the tool got nothing out.

    Some builds ship a ``.recover`` that fails on every file ("SQL logic error": no
    sqlite_dbpage table compiled in); then the row-by-row copy does the work.
    """
    try:
        dump = subprocess.run([tool, "-readonly", str(source), ".recover"],
                              capture_output=True, timeout=600, check=False)
        if dump.returncode != 0 or b"INSERT" not in dump.stdout:
            return None
        subprocess.run([tool, str(target)], input=dump.stdout, capture_output=True,
                       timeout=600, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return target if target.exists() else None


def cli_recover_works() -> bool:
    """Whether this machine's sqlite3 command has a working ``.recover``."""
    tool = shutil.which("sqlite3")
    if tool is None:
        return False
    with tempfile.TemporaryDirectory() as work:
        probe = Path(work) / "probe.db"
        with contextlib.closing(sqlite3.connect(probe)) as conn:
            conn.execute("CREATE TABLE t (a)")
            conn.execute("INSERT INTO t VALUES (1)")
            conn.commit()
        return _salvage_with_cli(tool, probe, Path(work) / "out.db") is not None


def _copy_into(salvage: Path, built: Path, *, damaged: Path) -> tuple[dict[str, int], bool]:
    """Copy table by table; tables that could not be read whole are topped up by a page
    scan of the damaged file (rows already copied win)."""
    db = connect(built)
    target = db.conn
    target.commit()
    counts: dict[str, int] = {}
    faults: list[str] = []
    try:
        target.execute("PRAGMA foreign_keys = OFF")
        try:
            with contextlib.closing(_read_only(salvage)) as source:
                source.execute("SELECT count(*) FROM sqlite_master").fetchone()
                present = set(_tables(source))
                for table in _tables(target):
                    if table in present:
                        counts[table] = _copy_table(source, target, table, faults)
                    else:
                        faults.append(table)
        except sqlite3.DatabaseError:
            faults = _tables(target)  # even the schema is unreadable
        scanned = bool(set(faults) & set(SCANNED))
        if scanned:
            for table, extra in _copy_scanned(damaged, target, set(faults)).items():
                counts[table] = counts.get(table, 0) + extra
        search_index.rebuild(target)
        target.commit()
        target.execute("PRAGMA foreign_keys = ON")
    finally:
        if isinstance(target, GuardedConnection):
            target.path = ""
        target.close()
    return counts, scanned


_TYPES = {"TEXT": (str,), "INTEGER": (int,), "REAL": (int, float)}


SCANNED = ("meta", "feeds", "entities", "articles", "bodies")


def _copy_scanned(damaged: Path, target: sqlite3.Connection,
                  wanted: set[str]) -> dict[str, int]:
    """Rows read off the pages, each put in the one known table whose shape it fits."""
    shapes = []
    for table in SCANNED:
        info = list(target.execute(f'PRAGMA table_info("{table}")'))
        optional = 0  # trailing columns added later with a default may be absent
        for column in reversed(info):
            if column[4] is None:
                break
            optional += 1
        shapes.append((table, info, len(info) - optional))
    counts = dict.fromkeys(wanted & set(SCANNED), 0)
    for rowid, values in pagescan.scan_rows(damaged):
        fits = [(t, info) for t, info, least in shapes
                if least <= len(values) <= len(info) and _fits(info, values)]
        if len(fits) != 1:
            continue
        table, info = fits[0]
        if table not in wanted:
            continue
        row = list(values)
        if info[0][5] and info[0][2].upper() == "INTEGER" and row[0] is None:
            row[0] = rowid  # an INTEGER PRIMARY KEY is stored as NULL: it is the rowid
        names = ", ".join(f'"{c[1]}"' for c in info[:len(row)])
        marks = ", ".join("?" for _ in row)
        try:
            counts[table] += target.execute(
                f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({marks})', row).rowcount
        except sqlite3.DatabaseError:
            continue
    return counts


def _fits(info: list[tuple[Any, ...]], values: list[object]) -> bool:
    for index, (column, value) in enumerate(zip(info, values, strict=False)):
        declared, not_null = column[2].upper(), column[3]
        if value is None:
            if not_null and not (index == 0 and column[5]):
                return False
            continue
        if not isinstance(value, _TYPES.get(declared, (object,))) or isinstance(value, bool):
            return False
    return True


def _tables(conn: sqlite3.Connection) -> list[str]:
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
    except sqlite3.DatabaseError:
        names = list(ORDER)  # the schema page itself is gone: try the known tables
    names = [n for n in names if not n.startswith(SKIP_PREFIXES)]
    return sorted(names, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    try:
        return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
    except sqlite3.DatabaseError:
        return []


def _copy_table(source: sqlite3.Connection, target: sqlite3.Connection, table: str,
                faults: list[str]) -> int:
    columns = [c for c in _columns(target, table) if c in set(_columns(source, table))]
    if not columns:
        return 0
    names = ", ".join(f'"{c}"' for c in columns)
    insert = (f'INSERT OR IGNORE INTO "{table}" ({names}) '
              f'VALUES ({", ".join("?" for _ in columns)})')
    copied = 0
    for rows in _readable_rows(source, table, names, faults):
        for row in rows:
            try:
                copied += target.execute(insert, row).rowcount
            except sqlite3.DatabaseError:
                continue  # a row that breaks a constraint of the new schema
    return copied


def _readable_rows(conn: sqlite3.Connection, table: str, names: str,
                   faults: list[str]) -> Iterator[list[tuple[Any, ...]]]:
    """Batches of rows in rowid order, stepping over the ones that cannot be read.

    A table where anything could not be read is named in ``faults``.
    """
    try:
        conn.execute(f'SELECT rowid FROM "{table}" LIMIT 0')
    except sqlite3.DatabaseError:
        yield from _whole_table(conn, table, names, faults)  # WITHOUT ROWID: one scan
        return
    last, step, skips = -(2**63), 1, 0
    query = f'SELECT rowid, {names} FROM "{table}" WHERE rowid > ? ORDER BY rowid LIMIT ?'
    while skips <= MAX_SKIPS:
        try:
            rows = conn.execute(query, (last, BATCH)).fetchall()
        except sqlite3.DatabaseError:
            try:
                rows = conn.execute(query, (last, 1)).fetchall()
            except sqlite3.DatabaseError:
                skips += 1
                if table not in faults:
                    faults.append(table)
                last = min(last + step, 2**63 - 2) if last >= 0 else max(last, 0)
                step *= 4
                continue
        if not rows:
            return
        step = 1
        last = rows[-1][0]
        yield [row[1:] for row in rows]


def _whole_table(conn: sqlite3.Connection, table: str, names: str,
                 faults: list[str]) -> Iterator[list[tuple[Any, ...]]]:
    rows: list[tuple[Any, ...]] = []
    try:
        for row in conn.execute(f'SELECT {names} FROM "{table}"'):
            rows.append(row)
            if len(rows) >= BATCH:
                yield rows
                rows = []
    except sqlite3.DatabaseError:
        faults.append(table)
    if rows:
        yield rows
