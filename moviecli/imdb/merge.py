"""Pages win: page titles merged with their dataset titles, the fields a page left empty filled in, and
page people matched to the dataset people credited on the same title."""

from __future__ import annotations

import sqlite3

from moviecli.imdb.sql import delete_titles, has_table, scalar

# Title fields the dataset may fill in on a page title that has none, by the file that has them.
FILLABLE = {"basics": ("original_title", "end_year", "runtime_minutes"), "ratings": ("rating", "votes")}


def merge_page_titles(conn: sqlite3.Connection) -> int:
    """Page titles without an imdb_id take the one of the dataset title with their title, year and kind.

    Of several candidates the most voted (then the lowest id) wins. A dataset-only row of that
    title from an earlier run gives way: its episode links move to the page title, its rows go.
    """
    if not scalar(conn, "SELECT count(*) FROM titles WHERE page_id IS NOT NULL AND imdb_id IS NULL"):
        return 0
    votes = "(SELECT votes FROM s_ratings r WHERE r.tnum = s.tnum)" if has_table(conn, "s_ratings") else "NULL"
    # The loop runs over the staged titles and probes the page-identity index of titles with all four
    # of its columns (CROSS JOIN keeps that order: led by the page titles, SQLite would read s_titles
    # whole for each; without the numeral term it searched the imdb_id index for NULL, every page
    # title once per staged title: 37 s instead of 9 for 3,000 pages and 100,000 titles, measured).
    # A numbered page title, `Crash (2004/II)`, is one of several of that name and year: the dataset
    # files do not say which, so it is never merged by name (a wrong id is worse than none).
    matches = conn.execute(
        "SELECT id, tnum FROM (SELECT t.id, s.tnum, row_number() OVER"
        f" (PARTITION BY t.id ORDER BY {votes} DESC NULLS LAST, s.tnum) AS r"
        " FROM s_titles s CROSS JOIN titles t ON t.title = s.title AND ifnull(t.year, 0) = ifnull(s.year, 0)"
        " AND ifnull(t.year_index, '') = '' AND t.kind = s.kind AND t.page_id IS NOT NULL"
        " WHERE t.imdb_id IS NULL) WHERE r = 1"
    ).fetchall()
    merged = 0
    for title_id, tnum in matches:
        imdb_id = f"tt{tnum:07d}"
        holder = conn.execute("SELECT id, page_id FROM titles WHERE imdb_id = ?", (imdb_id,)).fetchone()
        if holder is not None:
            if holder["page_id"] is not None:
                continue  # another page title already holds that id
            conn.execute("UPDATE OR IGNORE episodes SET series_id = ? WHERE series_id = ?", (title_id, holder["id"]))
            conn.execute("UPDATE OR IGNORE episodes SET episode_id = ? WHERE episode_id = ?", (title_id, holder["id"]))
            delete_titles(conn, str(int(holder["id"])))
        conn.execute("UPDATE titles SET imdb_id = ? WHERE id = ?", (imdb_id, title_id))
        merged += 1
    return merged


def fill_page_titles(conn: sqlite3.Connection, fields: list[str], now: str) -> None:
    """Fill the fields a merged page title lacks from the dataset, and keep earlier fills current."""
    staged = {
        "original_title": "s.original_title",
        "end_year": "s.end_year",
        "runtime_minutes": "s.runtime",
        "rating": "r.rating",
        "votes": "r.votes",
    }
    ratings = "LEFT JOIN s_ratings r ON r.tnum = s.tnum" if has_table(conn, "s_ratings") else ""
    columns = ", ".join(f"{staged[f]} AS {f}" for f in fields)
    rows = conn.execute(
        f"SELECT t.id, {', '.join('t.' + f for f in fields)}, {columns} FROM s_titles s"
        f" JOIN titles t ON t.id = s.id {ratings} WHERE s.page = 1"
    ).fetchall()
    for row in rows:
        title_id = row[0]
        current = dict(zip(fields, row[1 : 1 + len(fields)], strict=True))
        dataset = dict(zip(fields, row[1 + len(fields) :], strict=True))
        fills = dict(conn.execute("SELECT field, value FROM imdb_fills WHERE title_id = ?", (title_id,)).fetchall())
        changes: dict[str, object] = {}
        for name in fields:
            ours = name in fills and fills[name] == current[name]
            if current[name] is not None and not ours:
                conn.execute("DELETE FROM imdb_fills WHERE title_id = ? AND field = ?", (title_id, name))
                continue  # the page's own value
            if dataset[name] != current[name]:
                changes[name] = dataset[name]
            if dataset[name] is None:
                conn.execute("DELETE FROM imdb_fills WHERE title_id = ? AND field = ?", (title_id, name))
            else:
                conn.execute(
                    "INSERT OR REPLACE INTO imdb_fills (title_id, field, value) VALUES (?, ?, ?)",
                    (title_id, name, dataset[name]),
                )
        if changes:
            assign = ", ".join(f"{name} = ?" for name in changes)
            conn.execute(f"UPDATE titles SET {assign} WHERE id = ?", (*changes.values(), title_id))


def merge_page_people(conn: sqlite3.Connection) -> int:
    """On merged page titles, a page person becomes the dataset person of the same name credited there.

    The page's credit keeps its role, position and character and points to the dataset person;
    a page person left without credits goes. Never matched on a name alone: only on a title both
    sources credit, and only when exactly one dataset person there has that name.
    """
    # CROSS JOIN fixes the order: merged page titles, their credits by key, each person by id.
    # Led by the page people instead, SQLite read every dataset title once per page person.
    rows = conn.execute(
        "SELECT c.title_id, c.role, c.position, c.person_id, q.name_key FROM titles t"
        " CROSS JOIN credits c ON c.title_id = t.id CROSS JOIN people q ON q.id = c.person_id"
        " WHERE t.page_id IS NOT NULL AND t.imdb_id IS NOT NULL AND q.imdb_id IS NULL"
    ).fetchall()
    if not rows:
        return 0
    credited = _dataset_people_of(conn, {r[0] for r in rows})
    merged = 0
    touched: set[int] = set()
    for title_id, role, position, person_id, key in rows:
        candidates = credited.get((title_id, key), set())
        if len(candidates) != 1:
            continue  # nobody of that name there, or two: no guess
        conn.execute(
            "UPDATE credits SET person_id = ? WHERE title_id = ? AND role = ? AND position = ?",
            (next(iter(candidates)), title_id, role, position),
        )
        touched.add(person_id)
        merged += 1
    conn.executemany(
        "DELETE FROM people WHERE id = ? AND imdb_id IS NULL AND NOT EXISTS (SELECT 1 FROM credits WHERE person_id = ?)",
        [(p, p) for p in touched],
    )
    return merged


def _dataset_people_of(conn: sqlite3.Connection, title_ids: set[int]) -> dict[tuple[int, str], set[int]]:
    """(title id, name_key) -> ids of the people the staged principals and crew credit on those titles."""
    conn.execute("CREATE TEMP TABLE s_merged (tnum INTEGER PRIMARY KEY, id INTEGER)")
    # s_titles has no index on id: one pass over it, not one per title.
    conn.execute("CREATE TEMP TABLE s_merged_ids (id INTEGER PRIMARY KEY)")
    conn.executemany("INSERT INTO s_merged_ids VALUES (?)", [(i,) for i in title_ids])
    conn.execute("INSERT INTO s_merged SELECT tnum, id FROM s_titles WHERE id IN (SELECT id FROM s_merged_ids)")
    pairs: list[tuple[int, int]] = []
    for table in ("r_principals", "r_crew"):
        if has_table(conn, table):
            pairs += conn.execute(f"SELECT m.id, r.nnum FROM {table} r JOIN s_merged m ON m.tnum = r.tnum").fetchall()
    credited: dict[tuple[int, str], set[int]] = {}
    for title_id, nnum in pairs:
        person = conn.execute(
            "SELECT p.id, p.name_key FROM s_names s JOIN people p ON p.id = s.id WHERE s.nnum = ?", (nnum,)
        ).fetchone()
        if person:
            credited.setdefault((title_id, person[1]), set()).add(person[0])
    return credited
