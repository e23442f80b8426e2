"""The record of runs (tables imports and import_files): start, finish, fail, and the list `imports` shows.

Every writing command (load, reparse, load-imdb, remove) records its run here. The start is committed
first, so a run killed half-way still shows, unfinished (finished_at empty).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from moviecli import db

IMPORT_COLUMNS = (
    "id",
    "command",
    "started_at",
    "finished_at",
    "sources",
    "loaded",
    "replaced",
    "unchanged",
    "failed",
    "failures",
)
# A file of a load-imdb run: what it read, and what came of it in the catalog.
FILE_COLUMNS = ("dataset", "path", "read", "inserted", "updated", "deleted", "skipped", "seconds")


def start(conn: sqlite3.Connection, command: str, sources: Sequence[str]) -> int:
    """The run's row in `imports`, committed at once; returns its id."""
    with db.transaction(conn):
        cur = conn.execute(
            "INSERT INTO imports (command, started_at, sources) VALUES (?, ?, ?)",
            (command, db.now(), json.dumps(list(sources), ensure_ascii=False)),
        )
    return int(cur.lastrowid or 0)


def finish(
    conn: sqlite3.Connection,
    run_id: int,
    *,
    loaded: int,
    replaced: int,
    unchanged: int,
    failures: Sequence[tuple[str, str]] = (),
    files: Sequence[Sequence[object]] = (),
) -> None:
    """The run's counts, failed (path, reason) pairs and files read (FILE_COLUMNS), inside the caller's transaction.

    The caller's transaction, so a run's record commits with its data (load-imdb), or in one of its own.
    """
    conn.execute(
        "UPDATE imports SET finished_at = ?, loaded = ?, replaced = ?, unchanged = ?, failed = ?, failures = ?"
        " WHERE id = ?",
        (db.now(), loaded, replaced, unchanged, len(failures), _failures_json(failures), run_id),
    )
    conn.executemany(
        f"INSERT INTO import_files (import_id, {', '.join(FILE_COLUMNS)}) VALUES (?, {', '.join('?' * len(FILE_COLUMNS))})",
        [(run_id, *f) for f in files],
    )


def fail(conn: sqlite3.Connection, run_id: int, reason: str) -> None:
    """Mark a run failed as a whole (its changes rolled back); best effort, as the failure is what the user sees."""
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        with db.transaction(conn):
            conn.execute(
                "UPDATE imports SET finished_at = ?, failed = 1, failures = ? WHERE id = ?",
                (db.now(), _failures_json([("", reason)]), run_id),
            )
    except sqlite3.Error:
        pass


def _failures_json(failures: Sequence[tuple[str, str]]) -> str:
    return json.dumps([{"path": path, "reason": reason} for path, reason in failures], ensure_ascii=False)


def import_rows(
    conn: sqlite3.Connection, limit: int | None = None, *, structured: bool = False
) -> list[tuple[Any, ...]]:
    """The recorded runs, newest first. A run with no finished_at is still going, or was killed.

    `sources` and `failures` are lists when `structured` (for JSON output), else one line of text
    each: "path: reason; path: reason".
    """
    sql = f"SELECT {', '.join(IMPORT_COLUMNS)} FROM imports ORDER BY id DESC"
    params: tuple[int, ...] = ()
    if limit is not None:
        sql += " LIMIT ?"
        params = (limit,)
    rows = []
    for row in conn.execute(sql, params):
        values = dict(zip(IMPORT_COLUMNS, row, strict=True))
        sources, failures = json.loads(values["sources"]), json.loads(values["failures"])
        if structured:
            values["sources"], values["failures"] = sources, failures
        else:
            values["sources"] = " ".join(sources)
            values["failures"] = "; ".join(f"{f['path']}: {f['reason']}" for f in failures)
        rows.append(tuple(values.values()))
    return rows
