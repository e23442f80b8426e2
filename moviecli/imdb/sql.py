"""SQL helpers of the apply: connection settings, counts, the diff that brings a table in line, and the
secondary indexes dropped for a bulk insert and built again after it."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable

from moviecli import db, tables
from moviecli.imdb.report import FileCounts


def num(column: str) -> str:
    """SQL for 'tt0113627' -> 113627 (7- and 8-digit ids alike)."""
    return f"CAST(substr({column}, 3) AS INTEGER)"


def configure(conn: sqlite3.Connection) -> None:
    # Scratch tables in a temporary file, not in memory: the staged files can be gigabytes.
    # Page caches of 64 MB for the catalog and the staging tables keep memory flat whatever the size.
    conn.execute("PRAGMA temp_store = FILE")
    conn.execute("PRAGMA main.cache_size = -65536")
    conn.execute("PRAGMA temp.cache_size = -65536")
    conn.create_function("name_key", 1, db.name_key, deterministic=True)
    # No helper threads for the sorts: on two cores they cost more CPU than they save wall time
    # (the index builds ~20% more CPU; a whole import 18.2 s -> 17.4 s of CPU without them).
    conn.execute("PRAGMA threads = 0")


def drop_staging(conn: sqlite3.Connection) -> None:
    for (table,) in conn.execute("SELECT name FROM temp.sqlite_master WHERE type = 'table'").fetchall():
        conn.execute(f"DROP TABLE temp.{table}")


class Indexes:
    """Secondary indexes dropped before a bulk insert and built again from schema.sql after it.

    Building an index from sorted rows is several times faster than updating it row by row, but
    only when many rows go in at once (a first import); a nightly update keeps them. Unique
    indexes stay, as they guard the data.
    """

    SHARE = 0.25  # drop when the rows to insert are more than this share of the table's rows
    MIN_ROWS = 10_000  # and at least this many

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.dropped: list[str] = []
        self.statements = {
            m.group(1): m.group(0)
            for m in re.finditer(r"CREATE INDEX IF NOT EXISTS (\w+)\s+ON (\w+)[^;]*;", db.schema_sql())
        }

    def before_insert(self, table: str, rows: int) -> None:
        if rows < self.MIN_ROWS or rows < self.SHARE * scalar(self.conn, f"SELECT count(*) FROM {table}"):
            return
        for (name,) in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL"
            " AND sql NOT LIKE 'CREATE UNIQUE%'",
            (table,),
        ).fetchall():
            if name in self.statements:
                self.conn.execute(f"DROP INDEX {name}")
                self.dropped.append(name)

    def rebuild(self) -> None:
        # A small cache makes the sorter work in runs that stay in the CPU caches: the two biggest
        # builds take 1.4 s of CPU with 4 MB, 2.3 s with 64 MB.
        self.conn.execute("PRAGMA main.cache_size = -4096")
        for name in self.dropped:
            self.conn.execute(self.statements[name])
        self.dropped.clear()


def changes(conn: sqlite3.Connection, sql: str, params: Iterable[object] = ()) -> int:
    return conn.execute(sql, tuple(params)).rowcount


def scalar(conn: sqlite3.Connection, sql: str, params: Iterable[object] = ()) -> int:
    return int(conn.execute(sql, tuple(params)).fetchone()[0] or 0)


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    """A TEMP table of this run, or a staged file's r_<name> (in its attached scratch file w_<name>)."""
    if name.startswith("r_"):
        schema = f"w_{name[2:]}"
        return conn.execute("SELECT 1 FROM pragma_database_list WHERE name = ?", (schema,)).fetchone() is not None
    return conn.execute("SELECT 1 FROM temp.sqlite_master WHERE name = ?", (name,)).fetchone() is not None


def assign_ids(conn: sqlite3.Connection, stage: str, key: str, table: str) -> int:
    """Give every staged row its catalog id: the row with its imdb_id, else a new id after the last.

    Returns the highest id before this run: staged rows above it are new.
    """
    if conn.execute(f"SELECT 1 FROM {table} WHERE imdb_id IS NOT NULL LIMIT 1").fetchone():
        conn.execute(
            f"UPDATE {stage} SET id = c.id FROM {table} c"
            f" WHERE c.imdb_id IS NOT NULL AND {stage}.{key} = {num('c.imdb_id')}"
        )
    top = scalar(conn, f"SELECT max(id) FROM {table}")
    low = scalar(conn, f"SELECT min({key}) FROM {stage} WHERE id IS NULL")
    # New rows follow the last id, spaced like their dataset ids: no numbering pass needed.
    conn.execute(f"UPDATE {stage} SET id = ? + {key} WHERE id IS NULL", (top + 1 - low,))
    return top


def diff(
    conn: sqlite3.Connection,
    counts: FileCounts,
    indexes: Indexes,
    *,
    table: str,
    select: str,
    key: tuple[str, ...],
    values: tuple[str, ...],
    scope: str,
) -> int:
    """Make the rows of `table` within `scope` equal to those `select` gives, counting what changed.

    Rows are matched by `key`; `values` are compared and updated. Rows in scope but not selected
    are deleted, selected rows not in the table inserted. Returns the number of rows selected.
    When nothing is in scope yet (a first import) the rows go straight in.
    """
    columns = ", ".join((*key, *values))
    in_scope = scalar(conn, f"SELECT count(*) FROM {table} WHERE {scope}")
    if not in_scope:
        indexes.before_insert(table, counts.read)
        # OR IGNORE: of two rows with one key (a file listing a credit twice), the first stays.
        counts.inserted += changes(conn, f"INSERT OR IGNORE INTO {table} ({columns}) {select}")
        return counts.inserted
    conn.execute("DROP TABLE IF EXISTS s_target")
    # The table's own column types: with another affinity SQLite cannot use the key to match rows
    # and the NOT EXISTS below turns into a scan per row.
    types = {row[1]: row[2] for row in conn.execute(f"PRAGMA table_info({table})")}
    typed = ", ".join(f"{c} {types[c]}" for c in (*key, *values))
    conn.execute(f"CREATE TEMP TABLE s_target ({typed}, PRIMARY KEY ({', '.join(key)})) WITHOUT ROWID")
    selected = changes(conn, f"INSERT OR IGNORE INTO s_target ({columns}) {select}")
    match = " AND ".join(f"{table}.{k} = x.{k}" for k in key)
    differs = " OR ".join(f"{table}.{v} IS NOT x.{v}" for v in values)
    assign = ", ".join(f"{v} = x.{v}" for v in values)
    counts.updated += changes(conn, f"UPDATE {table} SET {assign} FROM s_target x WHERE {match} AND ({differs})")
    counts.deleted += changes(
        conn, f"DELETE FROM {table} WHERE {scope} AND NOT EXISTS (SELECT 1 FROM s_target x WHERE {match})"
    )
    indexes.before_insert(table, selected - in_scope)
    # OR IGNORE: rows already there (matched by key, updated above) stay as they are.
    counts.inserted += changes(
        conn, f"INSERT OR IGNORE INTO {table} ({columns}) SELECT {columns} FROM s_target ORDER BY {', '.join(key)}"
    )
    return selected


NOT_PAGE = "title_id NOT IN (SELECT id FROM titles WHERE page_id IS NOT NULL)"


def delete_titles(conn: sqlite3.Connection, ids: str) -> int:
    """Delete the titles whose ids `ids` selects, with every child row (foreign keys are off meanwhile)."""
    for table in (*tables.CHILD_TABLES, "imdb_fills"):
        conn.execute(f"DELETE FROM {table} WHERE title_id IN ({ids})")
    conn.execute(f"DELETE FROM episodes WHERE episode_id IN ({ids}) OR series_id IN ({ids})")
    return changes(conn, f"DELETE FROM titles WHERE id IN ({ids})")
