"""The tools a schema step is written with: add a column, rebuild a table (SQLite's 12-step
procedure, for what ALTER TABLE cannot change), rebuild a full-text table, compare CREATE
statements, and read schema.sql statement by statement. migrations.py holds the steps themselves.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator

from moviecli.errors import DatabaseError


def add_column(conn: sqlite3.Connection, table: str, definition: str) -> None:
    """`ALTER TABLE table ADD COLUMN definition`; the column lands last, so schema.sql must put it last too."""
    conn.execute(f"ALTER TABLE {table} ADD COLUMN {definition}")


def rebuild_table(conn: sqlite3.Connection, create_sql: str) -> None:
    """Give a table a new definition (CHECKs, constraints, WITHOUT ROWID), keeping its rows, indexes and triggers.

    SQLite's documented procedure for changes ALTER TABLE cannot make (sqlite.org/lang_altertable.html):
    create the new table under another name, copy the rows of the columns both have, drop the old one,
    rename the new one, then recreate the old table's indexes and triggers. `upgrade` runs steps with
    foreign keys off, as the procedure requires, and checks them before committing. sqlite-utils'
    `Table.transform()` is not used: it cannot set a CHECK, and it drops WITHOUT ROWID.
    """
    match = re.match(r"\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", create_sql, re.IGNORECASE)
    if match is None:
        raise ValueError(f"not a CREATE TABLE statement: {create_sql[:60]!r}")
    name = match.group(1)
    scratch = f"_new_{name}"
    kept = conn.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL",
        (name,),
    ).fetchall()
    conn.execute(f"CREATE TABLE {scratch}{create_sql[match.end() :]}")
    old = [row[1] for row in conn.execute(f"PRAGMA table_info({name})")]
    new = {row[1] for row in conn.execute(f"PRAGMA table_info({scratch})")}
    columns = ", ".join(c for c in old if c in new)
    conn.execute(f"INSERT INTO {scratch} ({columns}) SELECT {columns} FROM {name}")
    conn.execute(f"DROP TABLE {name}")
    conn.execute(f"ALTER TABLE {scratch} RENAME TO {name}")
    for (sql,) in kept:
        conn.execute(sql)


def rebuild_fts(conn: sqlite3.Connection, create_sql: str) -> None:
    """Recreate a full-text table with a new definition (e.g. another tokenizer), re-indexing every row under its rowid."""
    match = re.match(r"\s*CREATE\s+VIRTUAL\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", create_sql, re.IGNORECASE)
    if match is None:
        raise ValueError(f"not a CREATE VIRTUAL TABLE statement: {create_sql[:60]!r}")
    name = match.group(1)
    columns = ", ".join(row[1] for row in conn.execute(f"PRAGMA table_info({name})"))
    conn.execute(f"CREATE TEMP TABLE _fts_rows AS SELECT rowid AS rowid_, {columns} FROM {name}")
    conn.execute(f"DROP TABLE {name}")
    conn.execute(create_sql)
    conn.execute(f"INSERT INTO {name} (rowid, {columns}) SELECT rowid_, {columns} FROM temp._fts_rows")
    conn.execute("DROP TABLE temp._fts_rows")


def normalized_sql(sql: str) -> str:
    """A CREATE statement without comments, spacing or identifier quotes: what two equal schemas share."""
    sql = re.sub(r"--[^\n]*", "", sql)
    sql = re.sub(r"\bIF\s+NOT\s+EXISTS\s+", "", sql, flags=re.IGNORECASE)
    # A renamed table's CREATE TABLE is stored with its name quoted.
    sql = re.sub(r'"(\w+)"', r"\1", sql)
    sql = " ".join(sql.split())
    return re.sub(r"\s*([(),])\s*", r"\1", sql)


def statements(script: str) -> Iterator[str]:
    """The statements of a script one by one: `executescript` would commit the transaction first."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""
    if pending.strip() and re.sub(r"--[^\n]*", "", pending).strip():
        raise DatabaseError(f"schema.sql ends in an unfinished statement: {pending.strip()[:60]!r}")


def schema_text() -> str:
    from moviecli.db import schema_sql  # db imports migrations, which imports this module

    return schema_sql()
