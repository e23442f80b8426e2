"""The query commands' SQL: one function per command, returning (columns, rows). No printing.

Every function takes an open (read-only) connection and filter values, and returns the column
names (a contract: other programs parse them) and an iterator of row tuples straight off the
cursor, so csv/tsv/jsonl output streams. User values only ever reach SQL as parameters; the
ORDER BY clauses are picked from fixed tables below, never built from what the user typed.
Every order is total: ties are broken by title (ignoring case), year, then the row's id.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from typing import Any

# moviecli.lookup (and dataclasses with it) is imported in the functions that resolve a TITLE or
# NAME: every command imports this module at start-up, and most never look one up.
from moviecli.db import name_key
from moviecli.sqlparts import (
    NOT_NULL,
    all_of,
    as_list,
    like_pattern,
    limit_clause,
    minimums,
    order_by,
    rows_of,
    with_lists,
    year_filters,
)

Rows = Iterator[tuple[Any, ...]]
Result = tuple[list[str], Rows]


# Sort fields -> the SQL expression ordered on. NULLs always go last, whichever the direction.
TITLE_SORTS = {"title": "t.title COLLATE NOCASE", "year": "t.year", "rating": "t.rating", "votes": "t.votes"}
RATING_SORTS = {**TITLE_SORTS, "metascore": "t.metascore"}
GROSS_SORTS = {"amount": "b.amount", "year": "t.year", "title": "t.title COLLATE NOCASE"}
REVIEW_SORTS = {"helpful": "r.helpful", "date": "r.date"}

# How titles tie-break: the columns of the titles_by_title index, then the id.
_TITLE_TIES = "t.title COLLATE NOCASE, t.year, t.id"


# The lists of a title, in page order (the primary keys keep position order), as JSON array text
# that with_lists turns into Python lists: arrays in json/jsonl, joined with ", " elsewhere (output.py).
_GENRES_OF = "(SELECT json_group_array(genre) FROM (SELECT genre FROM genres WHERE title_id = t.id ORDER BY position))"
_DIRECTORS_OF = (
    "(SELECT json_group_array(name) FROM"
    " (SELECT p.name FROM credits c JOIN people p ON p.id = c.person_id"
    " WHERE c.title_id = t.id AND c.role = 'director' ORDER BY c.position))"
)


# Two titles of one name and year are told apart as IMDb does, `Crash (2004/II)`; other titles show as they are.
_TITLE_SHOWN = "t.title || ifnull(' (' || ifnull(t.year, '????') || '/' || t.year_index || ')', '')"


Note = Callable[[str], None]  # where a query says something that is not a row (the CLI: stderr)


def titles(
    conn: sqlite3.Connection,
    *,
    search: str | None = None,
    genre: str | Sequence[str] | None = None,
    year: int | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    person: str | None = None,
    role: str | None = None,
    country: str | Sequence[str] | None = None,
    language: str | Sequence[str] | None = None,
    certificate: str | None = None,
    kind: str | None = None,
    min_rating: float | None = None,
    min_votes: int | None = None,
    sort: str = "title",
    desc: bool = False,
    limit: int | None = None,
    on_note: Note | None = None,
) -> Result:
    """One row per title. Text filters ignore case; --person ignores accents too (people.name_key).

    SEARCH matches the title, the original title or any also-known-as title; a row found only by
    an AKA is told to `on_note` ("Paper Moons (2003) matched by its AKA 'X'").
    Repeated genres, countries and languages must all hold. PERSON is resolved by lookup.person_ids
    (not found, or several people: LookupFailed); ROLE narrows it to that role (only as director).
    """
    columns = ["title", "year", "kind", "genres", "certificate", "rating", "votes", "directors"]
    where: list[str] = []
    params: list[Any] = []
    matched = "NULL"
    match_params: list[Any] = []
    if search:
        pattern = like_pattern(search)
        akas = (
            "SELECT a.text FROM title_items a WHERE a.title_id = t.id AND a.list = 'akas' AND a.text LIKE ? ESCAPE '\\'"
        )
        # Folded too (db.name_key: case, accents, ł ø ß …): "nausicaa" finds Nausicaä. A LIKE '%…%'
        # reads every title anyway, so the folded test costs one function call a title.
        folded = like_pattern(name_key(search))
        own = (
            "(t.title LIKE ? ESCAPE '\\' OR t.original_title LIKE ? ESCAPE '\\'"
            " OR moviecli_name_key(t.title) LIKE ? ESCAPE '\\'"
            " OR moviecli_name_key(ifnull(t.original_title, '')) LIKE ? ESCAPE '\\')"
        )
        where.append(f"({own} OR EXISTS ({akas}))")
        params += [pattern, pattern, folded, folded, pattern]
        # Found by an AKA alone: say which one. The original title is on the card already.
        matched = f"CASE WHEN {own} THEN NULL ELSE 'AKA ' || quote(({akas} ORDER BY a.position LIMIT 1)) END"
        match_params = [pattern, pattern, folded, folded, pattern]
    all_of(where, params, "genres", "genre", as_list(genre))
    all_of(where, params, "countries", "country", as_list(country))
    all_of(where, params, "languages", "language", as_list(language))
    if person:
        from moviecli import lookup  # local: see the module's imports

        ids = lookup.person_ids(conn, person, one=False)
        role_sql = " AND c.role = ?" if role else ""
        where.append(
            f"t.id IN (SELECT c.title_id FROM credits c WHERE c.person_id IN ({', '.join('?' * len(ids))}){role_sql})"
        )
        params += [*ids, *([role] if role else [])]
    elif role:
        where.append("t.id IN (SELECT c.title_id FROM credits c WHERE c.role = ?)")
        params.append(role)
    year_filters(where, params, year, year_from, year_to)
    if certificate:
        where.append("t.certificate = ? COLLATE NOCASE")
        params.append(certificate)
    if kind:
        where.append("t.kind = ?")
        params.append(kind)
    minimums(where, params, min_rating, min_votes)
    sql = (
        f"SELECT {_TITLE_SHOWN}, t.year, t.kind, {_GENRES_OF}, t.certificate, t.rating, t.votes, {_DIRECTORS_OF}, {matched}"
        " FROM titles t"
        + (" WHERE " + " AND ".join(where) if where else "")
        + order_by(TITLE_SORTS, sort, desc, _TITLE_TIES)
    )
    sql += limit_clause(limit, params)

    def rows() -> Rows:
        for row in with_lists(conn.execute(sql, [*match_params, *params]), (3, 7)):
            if row[8] is not None and on_note is not None:
                on_note(f"{row[0]} ({row[1] or '?'}) matched by its {row[8]}")
            yield row[:8]

    return columns, rows()


PEOPLE_SORTS = {"name": "p.name_key, p.name", "titles": "count(DISTINCT c.title_id)"}
FILMOGRAPHY_SORTS = {"year": "t.year", "title": "t.title COLLATE NOCASE", "rating": "t.rating"}


def people(
    conn: sqlite3.Connection,
    text: str | None = None,
    *,
    role: str | None = None,
    sort: str = "name",
    desc: bool = False,
    limit: int | None = None,
) -> Result:
    """One row per person with at least one credit; TEXT matches anywhere in the name, ignoring case and accents.

    ROLE keeps people credited in that role (their other roles are still listed). People left
    without credits (their titles were re-loaded without them) are not listed.
    """
    columns = ["name", "titles", "roles"]
    if sort not in PEOPLE_SORTS:
        raise ValueError(f"cannot sort by {sort!r}; choose from {', '.join(PEOPLE_SORTS)}")
    params: list[Any] = []
    where: list[str] = []
    if text:
        where.append("p.name_key LIKE ? ESCAPE '\\'")
        params.append(like_pattern(name_key(text)))
    if role:
        where.append("EXISTS (SELECT 1 FROM credits r WHERE r.person_id = p.id AND r.role = ?)")
        params.append(role)
    direction = " DESC" if desc else ""
    order = PEOPLE_SORTS[sort].replace(",", f"{direction},") + direction
    sql = (
        "SELECT p.name, count(DISTINCT c.title_id), json_group_array(DISTINCT c.role)"
        " FROM people p JOIN credits c ON c.person_id = p.id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + f" GROUP BY p.id ORDER BY {order}, p.name_key, p.name, p.id"
        + limit_clause(limit, params)
    )

    def rows() -> Rows:
        for name, count, roles in conn.execute(sql, params):
            # The aggregate's order is unspecified: sort the roles so output is the same every run.
            yield name, count, sorted(json.loads(roles))

    return columns, rows()


def filmography(
    conn: sqlite3.Connection,
    name: str,
    *,
    imdb_id: str | None = None,
    role: str | None = None,
    sort: str = "year",
    desc: bool = False,
    limit: int | None = None,
) -> Result:
    """One row per credit of the person NAME (or IMDb id) means (see lookup.person_ids), by year then title.

    --sort rating puts unrated titles last in both directions; ties go by year, then title.
    """
    columns = ["year", "title", "role", "character", "credit", "rating"]
    from moviecli import lookup  # local: see the module's imports

    (person_id,) = lookup.person_ids(conn, name, imdb_id=imdb_id)
    params: list[Any] = [person_id]
    role_filter = ""
    if role:
        role_filter = " AND c.role = ?"
        params.append(role)
    if sort not in FILMOGRAPHY_SORTS:
        raise ValueError(f"cannot sort by {sort!r}; choose from {', '.join(FILMOGRAPHY_SORTS)}")
    expr = FILMOGRAPHY_SORTS[sort]
    nulls = "" if expr in NOT_NULL else f"{expr} IS NULL, "
    # Within one title, credits come in the order of the page: directors, writers, creators, stars, cast.
    sql = (
        "SELECT t.year, t.title, c.role, c.character, coalesce(c.credit, c.note), t.rating"
        " FROM credits c JOIN titles t ON t.id = c.title_id"
        " WHERE c.person_id = ?" + role_filter + f" ORDER BY {nulls}{expr}{' DESC' if desc else ''},"
        " t.year IS NULL, t.year, t.title COLLATE NOCASE, t.id,"
        " CASE c.role WHEN 'director' THEN 0 WHEN 'writer' THEN 1 WHEN 'creator' THEN 2 WHEN 'star' THEN 3"
        " ELSE 4 END, c.position" + limit_clause(limit, params)
    )
    return columns, rows_of(conn.execute(sql, params))


def ratings(
    conn: sqlite3.Connection,
    *,
    certificate: str | None = None,
    min_rating: float | None = None,
    min_votes: int | None = None,
    sort: str = "title",
    desc: bool = False,
    limit: int | None = None,
) -> Result:
    """One row per title with its rating, votes, metascore, review counts and certificate."""
    columns = [
        "title",
        "year",
        "certificate",
        "certificate_reason",
        "rating",
        "votes",
        "metascore",
        "user_reviews",
        "critic_reviews",
    ]
    where: list[str] = []
    params: list[Any] = []
    if certificate:
        where.append("t.certificate = ? COLLATE NOCASE")
        params.append(certificate)
    minimums(where, params, min_rating, min_votes)
    sql = (
        "SELECT t.title, t.year, t.certificate, t.certificate_reason, t.rating, t.votes, t.metascore,"
        " t.user_reviews, t.critic_reviews FROM titles t"
        + (" WHERE " + " AND ".join(where) if where else "")
        + order_by(RATING_SORTS, sort, desc, _TITLE_TIES)
        + limit_clause(limit, params)
    )
    return columns, rows_of(conn.execute(sql, params))


def grosses(
    conn: sqlite3.Connection,
    title: str | None = None,
    *,
    title_year: int | None = None,
    kind: str | None = None,
    country: str | None = None,
    currency: str | None = None,
    year: int | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    sort: str = "title",
    desc: bool = False,
    limit: int | None = None,
    on_note: Note | None = None,
) -> Result:
    """One row per box-office figure, in its own currency; TITLE is one title (see lookup.find_title).

    Sorting by amount groups the rows by currency first (alphabetically, whatever the direction:
    the order of the box_office_by_currency indexes, so a LIMIT reads only a few rows) and orders
    amounts within each currency: figures of different currencies are never compared. When the
    rows shown had several currencies, `on_note` is told so after the last row.
    """
    columns = ["title", "year", "kind", "amount", "currency", "country", "date", "estimated"]
    where: list[str] = []
    params: list[Any] = []
    if kind:
        where.append("b.kind = ?")
        params.append(kind)
    if title is not None:
        where.append("t.id = ?")
        from moviecli import lookup  # local: see the module's imports

        params.append(lookup.title_id(conn, title, title_year, on_note))
    if country:
        where.append("b.country = ? COLLATE NOCASE")
        params.append(country)
    if currency:
        where.append("b.currency = ?")
        params.append(currency.upper())
    year_filters(where, params, year, year_from, year_to)
    if sort == "amount":
        order = f" ORDER BY b.currency, b.amount{' DESC' if desc else ''}, {_TITLE_TIES}, b.position"
    else:
        order = order_by(GROSS_SORTS, sort, desc, f"{_TITLE_TIES}, b.position")
    sql = (
        "SELECT t.title, t.year, b.kind, b.amount, b.currency, b.country, b.date, b.estimated"
        " FROM box_office b JOIN titles t ON t.id = b.title_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + order
        + limit_clause(limit, params)
    )

    def rows() -> Rows:
        seen: list[str] = []
        for row in conn.execute(sql, params):
            if row[4] not in seen:
                seen.append(row[4])
            yield (*tuple(row)[:7], bool(row[7]))  # estimated is a yes/no: true/false in JSON
        if sort == "amount" and len(seen) > 1 and on_note is not None:
            on_note(f"amounts are ordered within each currency ({', '.join(seen)}), never across currencies")

    return columns, rows()


def reviews(
    conn: sqlite3.Connection,
    title: str | None = None,
    *,
    year: int | None = None,
    author: str | None = None,
    min_helpful: int | None = None,
    sort: str | None = None,
    desc: bool = False,
    limit: int | None = None,
    on_note: Note | None = None,
) -> Result:
    """One row per user review; TITLE is one title (see lookup.find_title: id, title, original title or AKA).

    Without --sort, reviews come by title and year, each title's in the page's order.
    """
    columns = ["title", "year", "date", "author", "review_title", "rating", "helpful", "helpful_total", "text"]
    where: list[str] = []
    params: list[Any] = []
    if title:
        where.append("t.id = ?")
        from moviecli import lookup  # local: see the module's imports

        params.append(lookup.title_id(conn, title, year, on_note))
    elif year is not None:
        where.append("t.year = ?")
        params.append(year)
    if author:
        where.append("r.author = ? COLLATE NOCASE")
        params.append(author)
    if min_helpful is not None:
        where.append("r.helpful >= ?")
        params.append(min_helpful)
    if sort is None:
        order = f" ORDER BY t.title COLLATE NOCASE{' DESC' if desc else ''}, t.year, t.id, r.position"
    else:
        order = order_by(REVIEW_SORTS, sort, desc, f"{_TITLE_TIES}, r.position")
    sql = (
        "SELECT t.title, t.year, r.date, r.author, r.review_title, r.rating, r.helpful, r.helpful_total, r.text"
        " FROM reviews r JOIN titles t ON t.id = r.title_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + order
        + limit_clause(limit, params)
    )
    return columns, rows_of(conn.execute(sql, params))


def warnings(conn: sqlite3.Connection, *, limit: int | None = None) -> Result:
    """One row per parser warning of a title's record, by title, year, then the warning's order.

    page is the path the page was loaded from (None for a title that came from the datasets only).
    """
    columns = ["title", "year", "kind", "warning", "page"]
    params: list[Any] = []
    sql = (
        "SELECT t.title, t.year, t.kind, w.text, pg.path"
        " FROM title_items w JOIN titles t ON t.id = w.title_id LEFT JOIN pages pg ON pg.id = t.page_id"
        " WHERE w.list = 'warnings'"
        f" ORDER BY {_TITLE_TIES}, w.position" + limit_clause(limit, params)
    )
    return columns, rows_of(conn.execute(sql, params))
