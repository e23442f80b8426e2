"""`moviecli remove`: a title and everything that is its own leave the catalog, in one transaction.

What goes: the titles row and its child rows (credits, lists, box office, reviews, soundtracks, AKAs
and other items, search rows: ON DELETE CASCADE, and search_docs' trigger empties search_index),
its episode links and IMDb fills, and the people left without any credit who came from pages only
(no imdb_id: nothing else would ever credit them again). People credited elsewhere, and dataset
people (name.basics owns them), stay. The page_files row of its file is forgotten, so a later
`load` of the same file reads it and adds the title back as new; the stored page text stays unless
`purge`. A dataset title comes back at the next `load-imdb` that reads title.basics.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from moviecli import db, runs, tables

# The counts a removal reports, in this order: the title's own rows, then what goes with it.
_OWN_TABLES = (*tables.CHILD_TABLES, "imdb_fills")


@dataclass
class Removal:
    """What removing one title takes (or took) out of the catalog, by table."""

    label: str  # "Title (year)"
    counts: dict[str, int] = field(default_factory=dict)

    def rows(self) -> list[tuple[str, int]]:
        return list(self.counts.items())


def plan(conn: sqlite3.Connection, title_id: int, *, purge: bool = False) -> Removal:
    """The rows removing the title would delete, by table; reads only."""
    title = conn.execute("SELECT title, year, page_id FROM titles WHERE id = ?", (title_id,)).fetchone()
    removal = Removal(f"{title[0]} ({title[1] or '?'})", {"titles": 1})
    for table in _OWN_TABLES:
        removal.counts[table] = _count(conn, f"SELECT count(*) FROM {table} WHERE title_id = ?", title_id)
    removal.counts["episodes"] = _count(
        conn, "SELECT count(*) FROM episodes WHERE episode_id = ? OR series_id = ?", title_id, title_id
    )
    removal.counts["people"] = len(_people_left_uncredited(conn, title_id))
    sha = _page_sha(conn, title[2])
    removal.counts["page_files"] = _count(conn, "SELECT count(*) FROM page_files WHERE sha256 = ?", sha)
    removal.counts["pages"] = int(
        purge and title[2] is not None and _page_is_only_this_titles(conn, title[2], title_id)
    )
    return removal


def remove(conn: sqlite3.Connection, title_id: int, *, purge: bool = False) -> Removal:
    """Delete the title and what is its own (see the module docstring), recorded as a run of `remove`."""
    title, year = conn.execute("SELECT title, year FROM titles WHERE id = ?", (title_id,)).fetchone()
    run_id = runs.start(conn, "remove", [f"{title} ({year or '?'})"])
    try:
        with db.transaction(conn):
            removal = plan(conn, title_id, purge=purge)
            page_id = conn.execute("SELECT page_id FROM titles WHERE id = ?", (title_id,)).fetchone()[0]
            people = _people_left_uncredited(conn, title_id)
            sha = _page_sha(conn, page_id)
            conn.execute("DELETE FROM titles WHERE id = ?", (title_id,))
            conn.executemany("DELETE FROM people WHERE id = ?", [(p,) for p in people])
            if sha is not None:
                conn.execute("DELETE FROM page_files WHERE sha256 = ?", (sha,))
            if removal.counts["pages"]:
                conn.execute("DELETE FROM pages WHERE id = ?", (page_id,))
            runs.finish(conn, run_id, loaded=0, replaced=0, unchanged=0)
    except BaseException as e:
        runs.fail(conn, run_id, str(e) if isinstance(e, sqlite3.Error) else type(e).__name__)
        raise
    return removal


def _count(conn: sqlite3.Connection, sql: str, *params: object) -> int:
    return int(conn.execute(sql, params).fetchone()[0])


def _people_left_uncredited(conn: sqlite3.Connection, title_id: int) -> list[int]:
    """Page people credited on this title only: with it gone, nothing credits them."""
    rows = conn.execute(
        "SELECT DISTINCT p.id FROM credits c JOIN people p ON p.id = c.person_id WHERE c.title_id = ?"
        " AND p.imdb_id IS NULL AND NOT EXISTS (SELECT 1 FROM credits o WHERE o.person_id = p.id AND o.title_id != ?)"
        " ORDER BY p.id",
        (title_id, title_id),
    )
    return [int(r[0]) for r in rows]


def _page_sha(conn: sqlite3.Connection, page_id: int | None) -> str | None:
    if page_id is None:
        return None
    row = conn.execute("SELECT sha256 FROM pages WHERE id = ?", (page_id,)).fetchone()
    return None if row is None else str(row[0])


def _page_is_only_this_titles(conn: sqlite3.Connection, page_id: int, title_id: int) -> bool:
    return conn.execute("SELECT 1 FROM titles WHERE page_id = ? AND id != ?", (page_id, title_id)).fetchone() is None
