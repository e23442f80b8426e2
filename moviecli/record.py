"""One title read back from the catalog as the record of docs/record.md (`moviecli show`).

The record is rebuilt from the normalised tables, not from a stored copy, so a title that came
from another source (or was merged with one) shows the same way as one loaded from a page.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from moviecli import tables


def title_record(conn: sqlite3.Connection, title_id: int) -> dict[str, Any]:
    """The record of one title (docs/record.md): every key present, null or [] where the page said nothing.

    The keys are the fields of models.Title in their order, read where tables.FIELDS says they
    live; the catalog's own imdb_id and source come just before warnings.
    """
    t = conn.execute("SELECT * FROM titles WHERE id = ?", (title_id,)).fetchone()
    items: dict[str, list[str]] = {name: [] for name in tables.ITEM_LISTS}
    for row in conn.execute(
        "SELECT list, text FROM title_items WHERE title_id = ? ORDER BY list, position", (title_id,)
    ):
        items[row["list"]].append(row["text"])
    credits: dict[str, list[sqlite3.Row]] = {}
    for row in conn.execute(
        "SELECT c.role, p.name, c.character, c.note, c.credit FROM credits c JOIN people p ON p.id = c.person_id"
        " WHERE c.title_id = ? ORDER BY c.role, c.position",
        (title_id,),
    ):
        credits.setdefault(row["role"], []).append(row)
    record: dict[str, Any] = {}
    for field, (how, where) in tables.FIELDS.items():
        if field == "warnings":
            page = conn.execute("SELECT path, sha256, loaded_at FROM pages WHERE id = ?", (t["page_id"],)).fetchone()
            record["imdb_id"] = t["imdb_id"]
            record["source"] = dict(page) if page else None
        if how == tables.COLUMN:
            value = t[where]
            record[field] = bool(value) if value is not None and ("titles", where) in tables.BOOL_COLUMNS else value
        elif how == tables.NOTES:
            record[field] = {r["name"]: r["credit"] for r in credits.get(where, []) if r["credit"] is not None}
        elif how == tables.ITEMS:
            record[field] = items[where]
        elif how == tables.CREDITS:
            parts = tables.CREDIT_PARTS.get(where)
            rows = credits.get(where, [])
            record[field] = [{p: r[p] for p in parts} for r in rows] if parts else [r["name"] for r in rows]
        elif how == tables.VALUES:
            table, column = where.split(".")
            sql = f"SELECT {column} FROM {table} WHERE title_id = ? ORDER BY position"
            record[field] = [row[0] for row in conn.execute(sql, (title_id,))]
        elif how == tables.AWARDS:
            awards = {part: t[where + part] for part in tables.AWARD_PARTS}
            record[field] = awards if any(v is not None for v in awards.values()) else None
        else:
            record[field] = _rows(conn, where, title_id)
    return record


def _rows(conn: sqlite3.Connection, table: str, title_id: int) -> list[dict[str, Any]]:
    """The items of a field stored in a table of its own, as objects with their dataclass's keys."""
    columns = tables.ROW_COLUMNS[table]
    sql = f"SELECT {', '.join(columns.values())} FROM {table} WHERE title_id = ? ORDER BY position"
    return [{f: _decoded(table, c, row[c]) for f, c in columns.items()} for row in conn.execute(sql, (title_id,))]


def _decoded(table: str, column: str, value: Any) -> Any:
    if (table, column) in tables.JSON_COLUMNS:
        return json.loads(value)
    if (table, column) in tables.BOOL_COLUMNS:
        return bool(value)
    return value
