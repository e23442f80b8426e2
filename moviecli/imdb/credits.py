"""The dataset child rows applied to the catalog: episodes, crew and principals (credits), AKAs."""

from __future__ import annotations

import sqlite3

from moviecli.imdb.report import FileCounts
from moviecli.imdb.sql import NOT_PAGE, Indexes, diff, scalar


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


def apply_crew(conn: sqlite3.Connection, counts: FileCounts, indexes: Indexes) -> None:
    # The lists were made rows, in key order, when the file was read (PREPARE).
    select = (
        "SELECT m.id, c.role, c.position, p.id FROM r_crew c JOIN s_tmap m ON m.tnum = c.tnum"
        " JOIN s_pmap p ON p.nnum = c.nnum WHERE m.page IS NULL"
    )
    selected = diff(
        conn,
        counts,
        indexes,
        table="credits",
        select=select,
        key=("title_id", "role", "position"),
        values=("person_id",),
        scope=f"role IN ('director', 'writer') AND {NOT_PAGE}",
    )
    counts.skipped = scalar(conn, "SELECT n FROM r_crew_listed") - selected


def apply_principals(conn: sqlite3.Connection, counts: FileCounts, indexes: Indexes) -> None:
    selected = diff(
        conn,
        counts,
        indexes,
        table="credits",
        select="SELECT m.id, 'actor', r.position, p.id, r.character, r.note"
        " FROM r_principals r JOIN s_tmap m ON m.tnum = r.tnum JOIN s_pmap p ON p.nnum = r.nnum WHERE m.page IS NULL",
        key=("title_id", "role", "position"),
        values=("person_id", "character", "note"),
        scope=f"role = 'actor' AND {NOT_PAGE}",
    )
    counts.skipped = counts.read - selected


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
