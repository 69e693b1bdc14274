"""LiteDatabase (the store's database object at the current schema) behaves as
sqlite-utils' Database for what the store uses: execute's autocommit, atomic, savepoints."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from tui.store.database import LiteDatabase

STEPS = st.lists(st.sampled_from(["insert", "atomic_ok", "atomic_fail", "nested_fail",
                                  "begin;", "commit", "select", "bad"]), max_size=8)


def _run(db: object, steps: list[str]) -> list[int]:
    conn: sqlite3.Connection = db.conn  # type: ignore[attr-defined]
    for n, step in enumerate(steps):
        try:
            if step == "insert":
                db.execute("INSERT INTO t (v) VALUES (?)", [n])  # type: ignore[attr-defined]
            elif step == "atomic_ok":
                with db.atomic():  # type: ignore[attr-defined]
                    conn.execute("INSERT INTO t (v) VALUES (?)", (n,))
            elif step in ("atomic_fail", "nested_fail"):
                with db.atomic():  # type: ignore[attr-defined]
                    conn.execute("INSERT INTO t (v) VALUES (?)", (n,))
                    if step == "nested_fail":
                        with pytest.raises(ZeroDivisionError), db.atomic():  # type: ignore[attr-defined]
                            conn.execute("INSERT INTO t (v) VALUES (?)", (-n,))
                            raise ZeroDivisionError
                    else:
                        raise ZeroDivisionError
            elif step == "begin;":
                if not conn.in_transaction:
                    db.execute("BEGIN;")  # type: ignore[attr-defined]
            elif step == "commit":
                if conn.in_transaction:
                    db.execute("COMMIT")  # type: ignore[attr-defined]
            elif step == "select":
                db.execute("SELECT count(*) FROM t").fetchone()  # type: ignore[attr-defined]
            else:
                db.execute("INSERT INTO no_such (v) VALUES (1)")  # type: ignore[attr-defined]
        except (ZeroDivisionError, sqlite3.OperationalError):
            pass
    seen = [row[0] for row in conn.execute("SELECT v FROM t ORDER BY v")]
    return [*seen, int(conn.in_transaction)]


@settings(max_examples=60, deadline=None)
@given(STEPS)
def test_lite_database_matches_sqlite_utils(tmp_path_factory: pytest.TempPathFactory,
                                            steps: list[str]) -> None:
    results = []
    for kind in (Database, LiteDatabase):
        path: Path = tmp_path_factory.mktemp("db") / "x.db"
        conn = sqlite3.connect(str(path))
        conn.execute("CREATE TABLE t (v INTEGER)")
        conn.commit()
        db = kind(conn)
        results.append(_run(db, steps))
        # What another connection sees: only what was committed.
        other = sqlite3.connect(str(path))
        results[-1].append(other.execute("SELECT count(*) FROM t").fetchone()[0])
        other.close()
        conn.close()
    assert results[0] == results[1]
