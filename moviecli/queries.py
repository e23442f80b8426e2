"""The query commands' SQL: one function per command, returning (columns, rows). No printing.

Every function takes an open (read-only) connection and filter values, and returns the column
names (a contract: other programs parse them) and an iterator of row tuples straight off the
cursor, so csv/tsv/jsonl output streams. User values only ever reach SQL as parameters; the
ORDER BY clauses are picked from fixed tables below, never built from what the user typed.
Every order is total: ties are broken by title (ignoring case), year, then the row's id.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from typing import Any

from moviecli.db import name_key
from moviecli.errors import QueryError

Rows = Iterator[tuple[Any, ...]]
Result = tuple[list[str], Rows]


# Sort fields -> the SQL expression ordered on. NULLs always go last, whichever the direction.
TITLE_SORTS = {"title": "t.title COLLATE NOCASE", "year": "t.year", "rating": "t.rating", "votes": "t.votes"}
RATING_SORTS = {**TITLE_SORTS, "metascore": "t.metascore"}
GROSS_SORTS = {"amount": "b.amount", "year": "t.year", "title": "t.title COLLATE NOCASE"}
REVIEW_SORTS = {"helpful": "r.helpful", "date": "r.date"}

# How titles tie-break: the columns of the titles_by_title index, then the id.
_TITLE_TIES = "t.title COLLATE NOCASE, t.year, t.id"


# Columns that are never NULL: ordering on them needs no `IS NULL` term, which would keep
# SQLite from reading rows in the order of an index (titles_by_title) instead of sorting them all.
_NOT_NULL = frozenset({"t.title COLLATE NOCASE", "b.amount"})


def _order_by(sorts: dict[str, str], field: str, desc: bool, ties: str) -> str:
    if field not in sorts:  # the CLI validates first; this guards the library's callers
        raise ValueError(f"cannot sort by {field!r}; choose from {', '.join(sorts)}")
    expr = sorts[field]
    nulls_last = "" if expr in _NOT_NULL else f"{expr} IS NULL, "
    return f" ORDER BY {nulls_last}{expr}{' DESC' if desc else ''}, {ties}"


def _like_pattern(text: str) -> str:
    """`%text%` for LIKE … ESCAPE '\\', with the user's own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _rows(cursor: sqlite3.Cursor) -> Rows:
    for row in cursor:
        yield tuple(row)


# The comma-joined lists of a title, in page order (the primary keys keep position order).
_GENRES_OF = (
    "(SELECT group_concat(genre, ', ') FROM (SELECT genre FROM genres WHERE title_id = t.id ORDER BY position))"
)
_DIRECTORS_OF = (
    "(SELECT group_concat(name, ', ') FROM"
    " (SELECT p.name FROM credits c JOIN people p ON p.id = c.person_id"
    " WHERE c.title_id = t.id AND c.role = 'director' ORDER BY c.position))"
)


# Two titles of one name and year are told apart as IMDb does, `Crash (2004/II)`; other titles show as they are.
_TITLE_SHOWN = "t.title || ifnull(' (' || ifnull(t.year, '????') || '/' || t.year_index || ')', '')"


def _year_filters(
    where: list[str], params: list[Any], year: int | None, year_from: int | None, year_to: int | None
) -> None:
    """--year, --from and --to: the title's year is, is at least, is at most."""
    for op, value in (("=", year), (">=", year_from), ("<=", year_to)):
        if value is not None:
            where.append(f"t.year {op} ?")
            params.append(value)


def titles(
    conn: sqlite3.Connection,
    *,
    search: str | None = None,
    genre: str | None = None,
    year: int | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    person: str | None = None,
    country: str | None = None,
    language: str | None = None,
    certificate: str | None = None,
    kind: str | None = None,
    sort: str = "title",
    desc: bool = False,
    limit: int | None = None,
) -> Result:
    """One row per title. Text filters ignore case; --person ignores accents too (people.name_key)."""
    columns = ["title", "year", "kind", "genres", "certificate", "rating", "votes", "directors"]
    where: list[str] = []
    params: list[Any] = []
    if search:
        where.append("(t.title LIKE ? ESCAPE '\\' OR t.original_title LIKE ? ESCAPE '\\')")
        params += [_like_pattern(search)] * 2
    if genre:
        where.append("t.id IN (SELECT title_id FROM genres WHERE genre = ? COLLATE NOCASE)")
        params.append(genre)
    if country:
        where.append("t.id IN (SELECT title_id FROM countries WHERE country = ? COLLATE NOCASE)")
        params.append(country)
    if language:
        where.append("t.id IN (SELECT title_id FROM languages WHERE language = ? COLLATE NOCASE)")
        params.append(language)
    if person:
        where.append(
            "t.id IN (SELECT c.title_id FROM people p JOIN credits c ON c.person_id = p.id WHERE p.name_key = ?)"
        )
        params.append(name_key(person))
    _year_filters(where, params, year, year_from, year_to)
    if certificate:
        where.append("t.certificate = ? COLLATE NOCASE")
        params.append(certificate)
    if kind:
        where.append("t.kind = ?")
        params.append(kind)
    sql = (
        f"SELECT {_TITLE_SHOWN}, t.year, t.kind, {_GENRES_OF}, t.certificate, t.rating, t.votes, {_DIRECTORS_OF}"
        " FROM titles t"
        + (" WHERE " + " AND ".join(where) if where else "")
        + _order_by(TITLE_SORTS, sort, desc, _TITLE_TIES)
        + _limit(limit, params)
    )
    return columns, _rows(conn.execute(sql, params))


def _limit(limit: int | None, params: list[Any]) -> str:
    if limit is None:
        return ""
    params.append(limit)
    return " LIMIT ?"


def people(conn: sqlite3.Connection, text: str | None = None, *, limit: int | None = None) -> Result:
    """One row per person with at least one credit; TEXT matches anywhere in the name, ignoring case and accents.

    People left without credits (their titles were re-loaded without them) are not listed.
    """
    columns = ["name", "titles", "roles"]
    params: list[Any] = []
    where = ""
    if text:
        where = " WHERE p.name_key LIKE ? ESCAPE '\\'"
        params.append(_like_pattern(name_key(text)))
    sql = (
        "SELECT p.name, count(DISTINCT c.title_id), group_concat(DISTINCT c.role)"
        " FROM people p JOIN credits c ON c.person_id = p.id"
        + where
        + " GROUP BY p.id ORDER BY p.name_key, p.name, p.id"
        + _limit(limit, params)
    )

    def rows() -> Rows:
        for name, count, roles in conn.execute(sql, params):
            # group_concat's order is unspecified: sort the roles so output is the same every run.
            yield name, count, ", ".join(sorted(roles.split(",")))

    return columns, rows()


def find_person(conn: sqlite3.Connection, name: str) -> int:
    """The id of the one credited person NAME means; QueryError naming the candidates otherwise.

    The name is compared as people.name_key (case and accents ignored). An exact match wins; with
    none, a name that contains NAME at the start of a word matches ("figgis" finds "Mike Figgis").
    """
    key = name_key(name)
    if not key:
        raise QueryError("give a name to look for")
    credited = "EXISTS (SELECT 1 FROM credits c WHERE c.person_id = p.id)"
    matches = conn.execute(
        f"SELECT p.id, p.name FROM people p WHERE p.name_key = ? AND {credited} ORDER BY p.name, p.id", (key,)
    ).fetchall()
    if not matches:
        escaped = _like_pattern(key)[1:]  # "key%": a prefix of the name or of one of its words
        matches = conn.execute(
            "SELECT p.id, p.name FROM people p"
            f" WHERE (p.name_key LIKE ? ESCAPE '\\' OR p.name_key LIKE ? ESCAPE '\\') AND {credited}"
            " ORDER BY p.name_key, p.name, p.id",
            (escaped, "% " + escaped),
        ).fetchall()
    if not matches:
        raise QueryError(f"nobody called {name!r} in the catalog")
    if len(matches) > 1:
        listed = "\n".join(f"  {m[1]}" for m in matches)
        raise QueryError(f"{len(matches)} people match {name!r}; give the full name:\n{listed}")
    return int(matches[0][0])


def filmography(conn: sqlite3.Connection, name: str, *, role: str | None = None, limit: int | None = None) -> Result:
    """One row per credit of the person NAME means (see find_person), by year then title."""
    columns = ["year", "title", "role", "character", "credit"]
    params: list[Any] = [find_person(conn, name)]
    role_filter = ""
    if role:
        role_filter = " AND c.role = ?"
        params.append(role)
    # Within one title, credits come in the order of the page: directors, writers, creators, stars, cast.
    sql = (
        "SELECT t.year, t.title, c.role, c.character, coalesce(c.credit, c.note)"
        " FROM credits c JOIN titles t ON t.id = c.title_id"
        " WHERE c.person_id = ?" + role_filter + " ORDER BY t.year IS NULL, t.year, t.title COLLATE NOCASE, t.id,"
        " CASE c.role WHEN 'director' THEN 0 WHEN 'writer' THEN 1 WHEN 'creator' THEN 2 WHEN 'star' THEN 3"
        " ELSE 4 END, c.position" + _limit(limit, params)
    )
    return columns, _rows(conn.execute(sql, params))


def ratings(
    conn: sqlite3.Connection,
    *,
    certificate: str | None = None,
    min_rating: float | None = None,
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
    if min_rating is not None:
        where.append("t.rating >= ?")
        params.append(min_rating)
    sql = (
        "SELECT t.title, t.year, t.certificate, t.certificate_reason, t.rating, t.votes, t.metascore,"
        " t.user_reviews, t.critic_reviews FROM titles t"
        + (" WHERE " + " AND ".join(where) if where else "")
        + _order_by(RATING_SORTS, sort, desc, _TITLE_TIES)
        + _limit(limit, params)
    )
    return columns, _rows(conn.execute(sql, params))


def grosses(
    conn: sqlite3.Connection,
    *,
    kind: str | None = None,
    currency: str | None = None,
    year: int | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    sort: str = "title",
    desc: bool = False,
    limit: int | None = None,
) -> Result:
    """One row per box-office figure, in its own currency.

    Sorting by amount groups the rows by currency first (alphabetically, whatever the direction) and
    orders amounts within each currency: figures of different currencies are never compared.
    """
    columns = ["title", "year", "kind", "amount", "currency", "country", "date", "estimated"]
    where: list[str] = []
    params: list[Any] = []
    if kind:
        where.append("b.kind = ?")
        params.append(kind)
    if currency:
        where.append("b.currency = ?")
        params.append(currency.upper())
    _year_filters(where, params, year, year_from, year_to)
    if sort == "amount":
        order = f" ORDER BY b.currency, b.amount{' DESC' if desc else ''}, {_TITLE_TIES}, b.position"
    else:
        order = _order_by(GROSS_SORTS, sort, desc, f"{_TITLE_TIES}, b.position")
    sql = (
        "SELECT t.title, t.year, b.kind, b.amount, b.currency, b.country, b.date, b.estimated"
        " FROM box_office b JOIN titles t ON t.id = b.title_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + order
        + _limit(limit, params)
    )

    def rows() -> Rows:
        for row in conn.execute(sql, params):
            yield (*tuple(row)[:7], bool(row[7]))  # estimated is a yes/no: true/false in JSON

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
) -> Result:
    """One row per user review; TITLE matches a title or original title ignoring case.

    Without --sort, reviews come by title and year, each title's in the page's order.
    """
    columns = ["title", "year", "date", "author", "review_title", "rating", "helpful", "helpful_total", "text"]
    where: list[str] = []
    params: list[Any] = []
    if title:
        where.append("(t.title = ? COLLATE NOCASE OR t.original_title = ? COLLATE NOCASE)")
        params += [title, title]
    if year is not None:
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
        order = _order_by(REVIEW_SORTS, sort, desc, f"{_TITLE_TIES}, r.position")
    sql = (
        "SELECT t.title, t.year, r.date, r.author, r.review_title, r.rating, r.helpful, r.helpful_total, r.text"
        " FROM reviews r JOIN titles t ON t.id = r.title_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + order
        + _limit(limit, params)
    )
    return columns, _rows(conn.execute(sql, params))


def fts_query(text: str) -> str:
    """What the user typed, as an FTS5 query of plain words: every word must occur.

    Each whitespace-separated chunk becomes one quoted phrase of its letters and digits, so
    `Spider-Man:` is the phrase "Spider Man", `l'amour` is "l amour", and quotes, colons, stars,
    parentheses or AND/OR/NOT are never read as FTS syntax. Returns "" when no word is left.
    """
    phrases = []
    for chunk in unicodedata.normalize("NFC", text).split():
        words = re.findall(r"\w+", chunk)
        if words:
            phrases.append('"' + " ".join(words) + '"')
    return " ".join(phrases)


SNIPPET_MARKS = ("*", "*")  # around each matched word in the snippet column


def search(conn: sqlite3.Connection, query: str, *, limit: int | None = None) -> Result:
    """One row per indexed text that contains every word of QUERY, best match (bm25) first.

    A query with no words (only punctuation) matches nothing.
    """
    columns = ["title", "year", "field", "snippet"]
    match = fts_query(query)
    if not match:
        return columns, iter(())
    params: list[Any] = [*SNIPPET_MARKS, match]
    sql = (
        "SELECT t.title, t.year, d.field, snippet(search_index, 0, ?, ?, '…', 12)"
        " FROM search_index JOIN search_docs d ON d.id = search_index.rowid JOIN titles t ON t.id = d.title_id"
        " WHERE search_index MATCH ? ORDER BY search_index.rank, t.title COLLATE NOCASE, t.year, t.id, d.id"
        + _limit(limit, params)
    )
    return columns, _rows(conn.execute(sql, params))


def sql(conn: sqlite3.Connection, statement: str, *, limit: int | None = None) -> Result:
    """Run one read-only statement; its own columns. Anything that would write is refused with QueryError."""
    from moviecli.readonly_sql import run

    return run(conn, statement, limit=limit)


def stats(conn: sqlite3.Connection) -> Result:
    """How many rows each table of the catalog holds, by table name (full-text internals left out)."""
    from moviecli.check import table_counts

    return table_counts(conn)
