"""Looking after the catalog: the record of runs (`moviecli imports`) and its health (`moviecli check`).

Read-only: both work on a connection from `db.connect_read`, so they can run while a load is going on.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

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
# The tables `check` counts: what a title is made of, and where it came from.
COUNTED_TABLES = ("titles", "people", "credits", "genres", "reviews", "box_office", "pages", "imports")


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


@dataclass
class CheckResult:
    integrity: list[str]  # ["ok"] when the file is sound
    foreign_key_errors: list[str]  # "credits row 12 -> people"
    counts: dict[str, int]

    @property
    def ok(self) -> bool:
        return self.integrity == ["ok"] and not self.foreign_key_errors

    def rows(self) -> list[tuple[str, str]]:
        """(check, result) rows: the two checks, then the row count of each table."""
        fk = "ok" if not self.foreign_key_errors else "; ".join(self.foreign_key_errors)
        rows = [("integrity_check", "; ".join(self.integrity)), ("foreign_key_check", fk)]
        return rows + [(f"{table} rows", str(n)) for table, n in self.counts.items()]


def check(conn: sqlite3.Connection) -> CheckResult:
    """PRAGMA integrity_check and foreign_key_check, and the row count of the main tables."""
    try:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        fk_errors = [
            f"{table} row {rowid} -> {parent}" for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")
        ]
        counts = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in COUNTED_TABLES}
    except sqlite3.DatabaseError as e:  # damage bad enough that the checks themselves cannot run
        return CheckResult([str(e)], [], {})
    return CheckResult(integrity, fk_errors, counts)
