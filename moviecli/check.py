"""The catalog's health and size: SQLite's own checks and row counts (`moviecli check`, `moviecli stats`).

Read-only: it works on a connection from `db.connect_read`, so it can run while a load is going on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

# The tables `check` counts: what a title is made of, and where it came from.
COUNTED_TABLES = ("titles", "people", "credits", "genres", "reviews", "box_office", "pages", "imports")


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


def table_counts(conn: sqlite3.Connection) -> tuple[list[str], Iterator[tuple[str, int]]]:
    """How many rows each table of the catalog holds, by table name (full-text internals left out)."""
    columns = ["table", "rows"]
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'"
            " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )
    ]

    def rows() -> Iterator[tuple[str, int]]:
        for name in names:
            # An identifier from the schema itself, not user input: it cannot be a parameter.
            quoted = '"' + name.replace('"', '""') + '"'
            yield name, conn.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0]

    return columns, rows()
