"""The dataset child rows applied to the catalog: episodes, crew and principals (credits), AKAs."""

from __future__ import annotations

import sqlite3

from moviecli.imdb.report import FileCounts
from moviecli.imdb.sql import NOT_PAGE, Indexes, changes, diff, scalar


def apply_episodes(conn: sqlite3.Connection, counts: FileCounts, indexes: Indexes) -> None:
    selected = diff(
        conn,
        counts,
        indexes,
        table="episodes",
        select="SELECT e.id, p.id, r.season, r.episode FROM r_episode r"
        " JOIN s_tmap e ON e.tnum = r.tnum JOIN s_tmap p ON p.tnum = r.parent WHERE e.id != p.id",
        key=("episode_id",),
        values=("series_id", "season", "episode"),
        scope="1",
    )
    counts.skipped = counts.read - selected


# Directors and writers come in order from title.crew, at positions below CREW_POSITIONS; those
# title.principals lists and crew does not are credited after them, at CREW_POSITIONS + ordering,
# so each file keeps a part of its own and a person is credited once per role on a title.
CREW_POSITIONS = 1_000_000
_CREW_ROLE = "role IN ('director', 'writer')"


def apply_crew(conn: sqlite3.Connection, counts: FileCounts, indexes: Indexes) -> None:
    # The lists were made rows, in key order, when the file was read (PREPARE). A writer keeps the
    # credit title.principals gave them ("screenplay by"), wherever the list now places them.
    select = (
        "SELECT m.id, c.role, c.position, p.id, (SELECT k.credit FROM credits k WHERE k.title_id = m.id"
        f" AND k.role = c.role AND k.person_id = p.id AND k.position < {CREW_POSITIONS} LIMIT 1)"
        " FROM r_crew c JOIN s_tmap m ON m.tnum = c.tnum"
        f" JOIN s_pmap p ON p.nnum = c.nnum WHERE m.page IS NULL AND c.position < {CREW_POSITIONS}"
    )
    selected = diff(
        conn,
        counts,
        indexes,
        table="credits",
        select=select,
        key=("title_id", "role", "position"),
        values=("person_id", "credit"),
        scope=f"{_CREW_ROLE} AND position < {CREW_POSITIONS} AND {NOT_PAGE}",
    )
    # A principals' director or writer the list now holds is credited by the list alone.
    counts.deleted += changes(
        conn,
        f"DELETE FROM credits WHERE {_CREW_ROLE} AND position >= {CREW_POSITIONS} AND EXISTS (SELECT 1 FROM"
        " credits k WHERE k.title_id = credits.title_id AND k.role = credits.role"
        f" AND k.position < {CREW_POSITIONS} AND k.person_id = credits.person_id)",
    )
    counts.skipped = scalar(conn, "SELECT n FROM r_crew_listed") - selected


def apply_principals(conn: sqlite3.Connection, counts: FileCounts, indexes: Indexes) -> None:
    """Every category as its role; directors and writers only where title.crew (applied before) lacks them."""
    select = (
        "SELECT m.id, r.role, r.position + CASE WHEN r.role IN ('director', 'writer')"
        f" THEN {CREW_POSITIONS} ELSE 0 END, p.id, r.character, r.credit"
        " FROM r_principals r JOIN s_tmap m ON m.tnum = r.tnum JOIN s_pmap p ON p.nnum = r.nnum"
        " WHERE m.page IS NULL AND r.role IS NOT NULL AND NOT (r.role IN ('director', 'writer') AND EXISTS"
        " (SELECT 1 FROM credits k WHERE k.title_id = m.id AND k.role = r.role"
        f" AND k.position < {CREW_POSITIONS} AND k.person_id = p.id))"
    )
    selected = diff(
        conn,
        counts,
        indexes,
        table="credits",
        select=select,
        key=("title_id", "role", "position"),
        values=("person_id", "character", "credit"),
        scope=f"NOT ({_CREW_ROLE} AND position < {CREW_POSITIONS}) AND {NOT_PAGE}",
    )
    counts.skipped = counts.read - selected
    counts.updated += _apply_writer_credits(conn)


def _apply_writer_credits(conn: sqlite3.Connection) -> int:
    """The job title.principals gives a writer of title.crew's list ("screenplay by") becomes their credit."""
    conn.execute(
        "CREATE TEMP TABLE s_writer_credits (title_id INTEGER, person_id INTEGER, credit TEXT,"
        " PRIMARY KEY (title_id, person_id)) WITHOUT ROWID"
    )
    conn.execute(
        "INSERT OR IGNORE INTO s_writer_credits SELECT m.id, p.id, r.credit FROM r_principals r"
        " JOIN s_tmap m ON m.tnum = r.tnum JOIN s_pmap p ON p.nnum = r.nnum"
        " WHERE r.role = 'writer' AND m.page IS NULL AND r.credit IS NOT NULL"
    )
    crew_writers = f"credits.role = 'writer' AND credits.position < {CREW_POSITIONS}"
    updated = changes(
        conn,
        "UPDATE credits SET credit = w.credit FROM s_writer_credits w WHERE credits.title_id = w.title_id"
        f" AND {crew_writers} AND credits.person_id = w.person_id AND credits.credit IS NOT w.credit",
    )
    return updated + changes(
        conn,
        f"UPDATE credits SET credit = NULL WHERE {crew_writers} AND credit IS NOT NULL AND {NOT_PAGE}"
        " AND NOT EXISTS (SELECT 1 FROM s_writer_credits w WHERE w.title_id = credits.title_id"
        " AND w.person_id = credits.person_id)",
    )


def apply_akas(conn: sqlite3.Connection, counts: FileCounts, indexes: Indexes) -> None:
    # Distinct alternative titles (made so in PREPARE), leaving out the title itself.
    selected = diff(
        conn,
        counts,
        indexes,
        table="title_items",
        select="SELECT m.id, 'akas', a.position, a.title FROM r_akas a"
        " JOIN s_titles m ON m.tnum = a.tnum WHERE m.page IS NULL AND a.title IS NOT m.title",
        key=("title_id", "list", "position"),
        values=("text",),
        scope=f"list = 'akas' AND {NOT_PAGE}",
    )
    counts.skipped = counts.read - selected
