"""`moviecli sql`: one statement run on the catalog, provided it only reads."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from moviecli.db import is_damage
from moviecli.errors import QueryError

Rows = Iterator[tuple[Any, ...]]

# `moviecli sql`: what a read statement may do. The connection is read-only already (mode=ro);
# the authorizer also refuses, at prepare time, anything that is not reading, so even a
# `PRAGMA query_only = 0` or an ATTACH of another file cannot get through.
_READ_STARTS = ("select", "with", "explain", "pragma", "values")
# Pragmas that take an argument yet only read.
_READ_PRAGMAS_WITH_ARG = frozenset(
    {"table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo", "foreign_key_list"}
)
_ALLOWED_ACTIONS = frozenset(
    code
    for code in (
        getattr(sqlite3, "SQLITE_SELECT", None),
        getattr(sqlite3, "SQLITE_READ", None),
        getattr(sqlite3, "SQLITE_FUNCTION", None),
        getattr(sqlite3, "SQLITE_RECURSIVE", None),
    )
    if code is not None
)
_LEADING_COMMENTS = re.compile(r"^(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.DOTALL)


def _read_only_authorizer(action: int, arg1: str | None, arg2: str | None, _db: str | None, _src: str | None) -> int:
    if action in _ALLOWED_ACTIONS:
        return sqlite3.SQLITE_OK
    # Connecting a virtual table (search_index) re-parses its declaration, which SQLite authorizes
    # as an update of sqlite_master; a real one is impossible (read-only file, writable_schema off).
    if action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master":
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and (arg2 is None or (arg1 or "").lower() in _READ_PRAGMAS_WITH_ARG):
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _deny_all(*_args: object) -> int:
    return sqlite3.SQLITE_DENY


def _syntax_error(e: sqlite3.Error) -> QueryError | None:
    """The error to show when SQLite could not parse the statement at all; None for any other error."""
    message = str(e)
    if "syntax error" in message or "incomplete input" in message or "unrecognized token" in message:
        return QueryError(f"sql: syntax error: {message}")
    return None


def run(
    conn: sqlite3.Connection, statement: str, params: dict[str, str] | None = None, *, limit: int | None = None
) -> tuple[list[str], Rows]:
    """Run one read-only statement, with `params` for its :name placeholders; its own columns.

    Anything that would write is refused with QueryError; a statement SQLite cannot parse is called
    a syntax error, not a write.
    """
    body = _LEADING_COMMENTS.sub("", statement)
    first = body.split(None, 1)[0].lower() if body.strip() else ""
    if first not in _READ_STARTS:
        # Prepared under an authorizer that denies everything, so nothing runs: only parsing is tried.
        conn.set_authorizer(_deny_all)
        try:
            conn.execute(statement)
        except sqlite3.Error as e:
            if error := _syntax_error(e):
                raise error from None
        finally:
            conn.set_authorizer(None)
        raise QueryError(
            "sql: only a single read statement (SELECT, WITH, EXPLAIN, PRAGMA or VALUES) is allowed; "
            "the catalog is read-only here"
        )
    conn.set_authorizer(_read_only_authorizer)
    try:
        cursor = conn.execute(statement, params or {})
    except sqlite3.ProgrammingError as e:  # several statements (sqlite3 runs one at a time), missing parameters
        raise QueryError(f"sql: {e}") from None
    except sqlite3.DatabaseError as e:
        if is_damage(e):  # the CLI edge names the damaged catalog
            raise
        if error := _syntax_error(e):
            raise error from None
        if "not authorized" in str(e):
            raise QueryError("sql: refused: the statement would change the catalog (it is read-only)") from None
        raise QueryError(f"sql: {e}") from None
    columns = unique_names([d[0] for d in cursor.description or ()])

    def rows() -> Rows:
        try:
            yield from (tuple(row) for row in (cursor if limit is None else _take(cursor, limit)))
        except sqlite3.DatabaseError as e:
            if is_damage(e):
                raise
            raise QueryError(f"sql: {e}") from None

    return columns, rows()


def unique_names(names: Sequence[str]) -> list[str]:
    """Column names made unique as sqlite-utils makes them: a later `a` is `a_2`, then `a_3`, ...,
    skipping a suffix another column already has (`SELECT 1 AS a, 2 AS a, 3 AS a_2`: a, a_3, a_2).

    JSON keys must differ or a column is lost; every format uses the same names, so a column is
    called the same in a table, in csv and in JSON.
    """
    taken = set(names)
    if len(taken) == len(names):
        return list(names)  # the common case
    seen: set[str] = set()
    unique = []
    for name in names:
        if name in seen:
            suffix = 2
            while f"{name}_{suffix}" in seen or f"{name}_{suffix}" in taken:
                suffix += 1
            name = f"{name}_{suffix}"
        seen.add(name)
        unique.append(name)
    return unique


def _take(cursor: sqlite3.Cursor, n: int) -> Iterator[Sequence[Any]]:
    for i, row in enumerate(cursor):
        if i >= n:
            return
        yield row
