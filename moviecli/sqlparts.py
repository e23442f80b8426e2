"""SQL building blocks the query functions share: ordering with NULLs last, filters, limits, and rows
with their JSON list columns decoded. Plain strings and parameter lists, no connection of their own.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

Rows = Iterator[tuple[Any, ...]]


# Columns that are never NULL: ordering on them needs no `IS NULL` term, which would keep
# SQLite from reading rows in the order of an index (titles_by_title) instead of sorting them all.
NOT_NULL = frozenset({"t.title COLLATE NOCASE", "b.amount"})


def order_by(sorts: dict[str, str], field: str, desc: bool, ties: str) -> str:
    if field not in sorts:  # the CLI validates first; this guards the library's callers
        raise ValueError(f"cannot sort by {field!r}; choose from {', '.join(sorts)}")
    expr = sorts[field]
    nulls_last = "" if expr in NOT_NULL else f"{expr} IS NULL, "
    return f" ORDER BY {nulls_last}{expr}{' DESC' if desc else ''}, {ties}"


def like_pattern(text: str) -> str:
    """`%text%` for LIKE … ESCAPE '\\', with the user's own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def rows_of(cursor: sqlite3.Cursor) -> Rows:
    for row in cursor:
        yield tuple(row)


def with_lists(rows: Iterable[Sequence[Any]], positions: Sequence[int]) -> Rows:
    """Rows with the JSON array text at `positions` decoded to lists (a name with a comma stays one name)."""
    for row in rows:
        values = list(row)
        for i in positions:
            values[i] = json.loads(values[i]) if values[i] is not None else []
        yield tuple(values)


def all_of(where: list[str], params: list[Any], table: str, column: str, wanted: Sequence[str]) -> None:
    """Repeated --genre/--country/--language: the title must have every one of them (AND)."""
    for value in wanted:
        where.append(f"t.id IN (SELECT title_id FROM {table} WHERE {column} = ? COLLATE NOCASE)")
        params.append(value)


def year_filters(
    where: list[str], params: list[Any], year: int | None, year_from: int | None, year_to: int | None
) -> None:
    """--year, --from and --to: the title's year is, is at least, is at most."""
    for op, value in (("=", year), (">=", year_from), ("<=", year_to)):
        if value is not None:
            where.append(f"t.year {op} ?")
            params.append(value)


def as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def minimums(where: list[str], params: list[Any], min_rating: float | None, min_votes: int | None) -> None:
    """--min-rating and --min-votes: a title without a rating or votes never passes them."""
    for column, value in (("t.rating", min_rating), ("t.votes", min_votes)):
        if value is not None:
            where.append(f"{column} >= ?")
            params.append(value)


def limit_clause(limit: int | None, params: list[Any]) -> str:
    if limit is None:
        return ""
    params.append(limit)
    return " LIMIT ?"
