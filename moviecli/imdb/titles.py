"""The dataset people (name.basics) and titles (title.basics, title.ratings) applied to the catalog."""

from __future__ import annotations

import sqlite3

from moviecli import db
from moviecli.imdb.merge import merge_page_titles
from moviecli.imdb.report import FileCounts, ImdbReport
from moviecli.imdb.sql import Indexes, assign_ids, changes, delete_titles, num, scalar


def apply_names(conn: sqlite3.Connection, counts: FileCounts, indexes: Indexes) -> None:
    conn.execute(
        "CREATE TEMP TABLE s_names (nnum INTEGER PRIMARY KEY, name TEXT, birth INTEGER, death INTEGER,"
        " name_key TEXT, id INTEGER)"
    )
    conn.execute("INSERT INTO s_names (nnum, name, birth, death, name_key) SELECT * FROM r_names")
    counts.skipped = counts.read - scalar(conn, "SELECT count(*) FROM s_names")
    top = assign_ids(conn, "s_names", "nnum", "people")
    counts.updated = changes(
        conn,
        "UPDATE people SET name = s.name, name_key = s.name_key, birth_year = s.birth, death_year = s.death"
        " FROM s_names s WHERE people.id = s.id AND s.id <= ?"
        " AND (people.name IS NOT s.name OR people.birth_year IS NOT s.birth OR people.death_year IS NOT s.death)",
        (top,),
    )
    indexes.before_insert("people", scalar(conn, "SELECT count(*) FROM s_names WHERE id > ?", (top,)))
    counts.inserted = changes(
        conn,
        "INSERT INTO people (id, imdb_id, name, name_key, birth_year, death_year)"
        " SELECT s.id, printf('nm%07d', s.nnum), s.name, s.name_key, s.birth, s.death"
        " FROM s_names s WHERE s.id > ? ORDER BY s.id",
        (top,),
    )


def map_people_from_catalog(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TEMP TABLE s_names (nnum INTEGER PRIMARY KEY, name TEXT, birth INTEGER, death INTEGER,"
        " name_key TEXT, id INTEGER)"
    )
    conn.execute(f"INSERT INTO s_names (nnum, id) SELECT {num('imdb_id')}, id FROM people WHERE imdb_id IS NOT NULL")


def delete_vanished_people(conn: sqlite3.Connection, counts: FileCounts) -> None:
    counts.deleted = changes(
        conn,
        "DELETE FROM people WHERE imdb_id IS NOT NULL"
        f" AND NOT EXISTS (SELECT 1 FROM s_names s WHERE s.nnum = {num('people.imdb_id')})"
        " AND NOT EXISTS (SELECT 1 FROM credits c WHERE c.person_id = people.id)",
    )


_S_TITLES = (
    "CREATE TEMP TABLE s_titles (tnum INTEGER PRIMARY KEY, kind TEXT, title TEXT, original_title TEXT,"
    " year INTEGER, end_year INTEGER, runtime INTEGER, genres TEXT, id INTEGER, page INTEGER)"
)


def apply_basics(conn: sqlite3.Connection, counts: FileCounts, report: ImdbReport, indexes: Indexes, now: str) -> None:
    conn.execute(_S_TITLES)
    conn.execute(
        "INSERT INTO s_titles (tnum, kind, title, original_title, year, end_year, runtime, genres)"
        " SELECT * FROM r_basics"
    )
    counts.skipped = counts.read - scalar(conn, "SELECT count(*) FROM s_titles")
    report.merged_titles = merge_page_titles(conn)
    top = assign_ids(conn, "s_titles", "tnum", "titles")
    conn.execute(
        "UPDATE s_titles SET page = 1 WHERE id IN (SELECT id FROM titles WHERE page_id IS NOT NULL AND imdb_id IS NOT NULL)"
    )
    # Dataset titles whose row or genres differ from the file's; page titles are the page's.
    conn.execute(
        "CREATE TEMP TABLE s_changed AS SELECT s.id FROM s_titles s JOIN titles t ON t.id = s.id"
        " WHERE s.id <= ? AND s.page IS NULL AND (t.title IS NOT s.title OR t.original_title IS NOT s.original_title"
        " OR t.year IS NOT s.year OR t.end_year IS NOT s.end_year OR t.kind IS NOT s.kind"
        " OR t.runtime_minutes IS NOT s.runtime"
        " OR s.genres IS NOT (SELECT group_concat(genre, ',') FROM"
        " (SELECT genre FROM genres g WHERE g.title_id = t.id ORDER BY position)))",
        (top,),
    )
    counts.updated = changes(
        conn,
        "UPDATE titles SET title = s.title, original_title = s.original_title, year = s.year, end_year = s.end_year,"
        " kind = s.kind, runtime_minutes = s.runtime, updated_at = ?"
        " FROM s_titles s WHERE titles.id = s.id AND s.id IN (SELECT id FROM s_changed)",
        (now,),
    )
    conn.execute("DELETE FROM genres WHERE title_id IN (SELECT id FROM s_changed)")
    conn.execute(
        "CREATE TEMP TABLE s_gone AS SELECT id FROM titles WHERE imdb_id IS NOT NULL AND page_id IS NULL"
        f" AND NOT EXISTS (SELECT 1 FROM s_titles s WHERE s.tnum = {num('titles.imdb_id')})"
    )
    counts.deleted = delete_titles(conn, "SELECT id FROM s_gone")
    new = scalar(conn, "SELECT count(*) FROM s_titles WHERE id > ?", (top,))
    indexes.before_insert("titles", new)
    counts.inserted = changes(
        conn,
        "INSERT INTO titles (id, imdb_id, title, original_title, year, end_year, kind, runtime_minutes, updated_at)"
        " SELECT id, printf('tt%07d', tnum), title, original_title, year, end_year, kind, runtime, ?"
        " FROM s_titles WHERE id > ? ORDER BY id",
        (now, top),
    )
    indexes.before_insert("genres", new)
    # Genres never hold a quote or backslash, so the comma list is made a JSON array by hand.
    conn.execute(
        "INSERT INTO genres (title_id, position, genre)"
        " SELECT s.id, j.key, j.value FROM s_titles s, json_each('[\"' || replace(s.genres, ',', '\",\"') || '\"]') j"
        " WHERE s.genres IS NOT NULL AND s.genres NOT GLOB '*[\"\\]*'"
        " AND (s.id > ? OR s.id IN (SELECT id FROM s_changed)) ORDER BY s.id, j.key",
        (top,),
    )
    indexes.before_insert("search_docs", new)
    _index_titles_for_search(conn, top)


# fold_letters changes no ASCII character: most titles need no call into Python for it.
_ASCII_UNFOLDED = all(letter > 0x7F for letter in db.LETTER_FOLDS)


def _index_titles_for_search(conn: sqlite3.Connection, top: int) -> None:
    """New and changed dataset titles become searchable by title (and original title), like page titles."""
    conn.execute("DELETE FROM search_docs WHERE field = 'title' AND title_id IN (SELECT id FROM s_changed)")
    conn.execute("CREATE TEMP TABLE s_search (title_id INTEGER, text TEXT)")
    conn.execute(
        "INSERT INTO s_search SELECT id, title FROM s_titles WHERE (id > ? OR id IN (SELECT id FROM s_changed))"
        " UNION ALL SELECT id, original_title FROM s_titles WHERE original_title IS NOT NULL"
        " AND (id > ? OR id IN (SELECT id FROM s_changed)) ORDER BY 1",
        (top, top),
    )
    first = scalar(conn, "SELECT max(id) FROM search_docs")
    conn.create_function("fold_letters", 1, db.fold_letters, deterministic=True)
    other = "text GLOB '*[^ -~]*'" if _ASCII_UNFOLDED else "1"
    conn.execute(
        "INSERT INTO search_docs (id, title_id, field, text, folded)"
        f" SELECT ? + rowid, title_id, 'title', text, CASE WHEN {other} THEN nullif(fold_letters(text), text) END"
        " FROM s_search",
        (first,),
    )
    conn.execute(
        f"INSERT INTO search_index (rowid, text) SELECT ? + rowid, CASE WHEN {other} THEN fold_letters(text) ELSE text END"
        " FROM s_search",
        (first,),
    )


def map_titles_from_catalog(conn: sqlite3.Connection) -> None:
    conn.execute(_S_TITLES)
    conn.execute(
        f"INSERT INTO s_titles (tnum, title, id, page) SELECT {num('imdb_id')}, title, id,"
        " CASE WHEN page_id IS NOT NULL THEN 1 END FROM titles WHERE imdb_id IS NOT NULL"
    )


def apply_ratings(conn: sqlite3.Connection, counts: FileCounts) -> None:
    # Dataset titles only; page titles get theirs through fill_page_titles.
    target = "FROM s_ratings r JOIN s_tmap m ON m.tnum = r.tnum WHERE titles.id = m.id AND m.page IS NULL"
    counts.inserted = changes(
        conn,
        f"UPDATE titles SET rating = r.rating, votes = r.votes {target}"
        " AND titles.rating IS NULL AND titles.votes IS NULL AND (r.rating IS NOT NULL OR r.votes IS NOT NULL)",
    )
    counts.updated = changes(
        conn,
        f"UPDATE titles SET rating = r.rating, votes = r.votes {target}"
        " AND (titles.rating IS NOT r.rating OR titles.votes IS NOT r.votes)",
    )
    counts.deleted = changes(
        conn,
        "UPDATE titles SET rating = NULL, votes = NULL WHERE imdb_id IS NOT NULL AND page_id IS NULL"
        " AND (rating IS NOT NULL OR votes IS NOT NULL)"
        f" AND NOT EXISTS (SELECT 1 FROM s_ratings r WHERE r.tnum = {num('titles.imdb_id')})",
    )
    counts.skipped = counts.read - scalar(conn, "SELECT count(*) FROM s_ratings r JOIN s_tmap m ON m.tnum = r.tnum")
