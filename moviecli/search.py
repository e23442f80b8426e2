"""`search`: what a user types, as a full-text query that never fails, and the titles it finds.

The index (search_index, over search_docs) holds each text with db.LETTER_FOLDS applied and is
tokenized `porter unicode61 remove_diacritics 2`: case and accents are ignored, "soren" finds
Søren, and a word is matched by its English stem ("drink" finds "drinking"). A query is folded
the same way before it reaches the index. Everything the user types is quoted, so no input is
ever an FTS5 syntax error; a trailing `*` on a word is the one operator kept (a prefix).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from typing import Any

from moviecli.db import fold_letters

SNIPPET_MARKS = ("*", "*")  # around each matched word in the snippet column
SNIPPET_BLOCK = 200  # rows whose snippets are made in one statement (bound parameters stay few)
PER_TITLE = 1  # rows of one title at most, unless --per-title says otherwise

_WORDS = re.compile(r"\w+")


def fts_query(text: str) -> str:
    """What the user typed, as an FTS5 query of plain words: every word must occur.

    Each whitespace-separated chunk becomes one quoted phrase of its letters and digits, so
    `Spider-Man:` is the phrase "Spider Man", `l'amour` is "l amour", and quotes, colons,
    parentheses or AND/OR/NOT are never read as FTS syntax. A chunk ending in `*` is a prefix
    (`drink*` finds drinker and drinking). Returns "" when no word is left.
    """
    phrases = []
    for chunk in fold_letters(unicodedata.normalize("NFC", text)).split():
        words = _WORDS.findall(chunk)
        if words:
            prefix = "*" if chunk.endswith("*") and chunk.rstrip("*")[-1:].isalnum() else ""
            phrases.append('"' + " ".join(words) + '"' + prefix)
    return " ".join(phrases)


def search(
    conn: sqlite3.Connection, query: str, *, limit: int | None = None, per_title: int = PER_TITLE
) -> tuple[list[str], Any]:
    """One row per indexed text containing every word of QUERY: titles by their best match (bm25), best field first.

    At most `per_title` rows of one title (0: all), so one title with many matching reviews
    does not fill the whole limit. A query with no words (only punctuation) matches nothing.
    """
    columns = ["title", "year", "field", "snippet"]
    match = fts_query(query)
    if not match:
        return columns, iter(())
    params: list[Any] = [match]
    cap = ""
    if per_title > 0:
        cap = " WHERE nth <= ?"
        params.append(per_title)
    # Ranked without snippets: snippet() is the costly part, so it is made for the rows shown only.
    hits = (
        "SELECT t.title, t.year, d.field, t.id AS title_id, d.id AS doc_id, search_index.rank AS rank"
        " FROM search_index JOIN search_docs d ON d.id = search_index.rowid JOIN titles t ON t.id = d.title_id"
        " WHERE search_index MATCH ?"
    )
    sql = (
        "SELECT title, year, field, doc_id FROM (SELECT *, min(rank) OVER (PARTITION BY title_id) AS best,"
        f" row_number() OVER (PARTITION BY title_id ORDER BY rank, doc_id) AS nth FROM ({hits}))"
        + cap
        + " ORDER BY best, title COLLATE NOCASE, year, title_id, rank, doc_id"
    )
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return columns, _with_snippets(conn, match, conn.execute(sql, params))


def _with_snippets(conn: sqlite3.Connection, match: str, ranked: sqlite3.Cursor) -> Iterator[tuple[Any, ...]]:
    """The ranked rows with their snippets, made a block of rows at a time (still streaming)."""
    while block := ranked.fetchmany(SNIPPET_BLOCK):
        ids = [row[3] for row in block]
        snippets = dict(
            conn.execute(
                "SELECT rowid, snippet(search_index, 0, ?, ?, '…', 12) FROM search_index"
                f" WHERE search_index MATCH ? AND rowid IN ({', '.join('?' * len(ids))})",
                (*SNIPPET_MARKS, match, *ids),
            ).fetchall()
        )
        for title, year, field, doc_id in block:
            yield title, year, field, snippets[doc_id]
