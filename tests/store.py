"""Test helper: a page row without a page file, for catalogs built straight from Title records."""

from __future__ import annotations

import sqlite3

from moviecli import db


def store_page(conn: sqlite3.Connection, path: str, sha256: str, text: str, encoding: str, parser_version: str) -> int:
    """A pages row (inside the caller's transaction), once per content; returns its id."""
    row = conn.execute("SELECT id FROM pages WHERE sha256 = ?", (sha256,)).fetchone()
    if row:
        return int(row[0])
    cur = conn.execute(
        "INSERT INTO pages (path, sha256, text, encoding, loaded_at, parser_version) VALUES (?, ?, ?, ?, ?, ?)",
        (path, sha256, text, encoding, db.now(), parser_version),
    )
    return int(cur.lastrowid or 0)
