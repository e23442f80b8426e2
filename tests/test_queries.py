"""moviecli.queries without the CLI: query plans, the FTS query builder, the read-only guard, ordering."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import store_page
from hypothesis import given, settings
from hypothesis import strategies as st

from moviecli import db, lookup, queries, readonly_sql, search
from moviecli.check import table_counts
from moviecli.errors import QueryError
from moviecli.models import CastMember, Title
from moviecli.save import save_title


@pytest.fixture
def records(records_db: Path) -> Iterator[sqlite3.Connection]:
    conn = db.connect_read(records_db)
    yield conn
    conn.close()


class Recorder:
    """A connection stand-in that remembers the statements a query function runs."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.calls: list[tuple[str, Any]] = []

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        self.calls.append((sql, params))
        return self.conn.execute(sql, params)


def plans(conn: sqlite3.Connection, call: Callable[[Any], queries.Result]) -> list[list[str]]:
    """EXPLAIN QUERY PLAN of every statement the query function runs, one list of lines each."""
    recorder = Recorder(conn)
    list(call(recorder)[1])
    return [[row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)] for sql, params in recorder.calls]


def full_scans(plan: list[str]) -> list[str]:
    # "SCAN t" reads a whole table; "SCAN t USING INDEX", a virtual table's index or a subquery don't.
    return [line for line in plan if line.startswith("SCAN ") and len(line.split()) == 2 and "(" not in line]


@pytest.mark.parametrize(
    ("name", "call", "indexes"),
    [
        ("filmography NAME", lambda c: queries.filmography(c, "Marta Quist"), ["people_by_key", "credits_by_person"]),
        ("titles --person", lambda c: queries.titles(c, person="Peter Marsh"), ["people_by_key", "credits_by_person"]),
        ("titles --genre --limit 20", lambda c: queries.titles(c, genre="Drama", limit=20), ["genres_by_genre"]),
        (
            "grosses --sort amount --desc --limit 10",
            lambda c: queries.grosses(c, sort="amount", desc=True, limit=10),
            ["box_office_by_currency"],
        ),
        ("reviews TITLE", lambda c: queries.reviews(c, "Paper Moons"), ["titles_by_title", "titles_by_original_title"]),
        ("search WORD", lambda c: search.search(c, "salt"), ["VIRTUAL TABLE INDEX"]),
        ("titles (default order)", lambda c: queries.titles(c, limit=20), ["titles_by_title"]),
    ],
)
def test_query_plans_use_indexes_not_scans(
    records: sqlite3.Connection, name: str, call: Callable[[Any], queries.Result], indexes: list[str]
) -> None:
    statements = plans(records, call)
    text = "\n".join(line for plan in statements for line in plan)
    for index in indexes:
        assert index in text, f"{name}: no {index} in\n{text}"
    for plan in statements:
        assert full_scans(plan) == [], f"{name}: full table scan in\n{text}"


@pytest.mark.parametrize(
    ("typed", "fts"),
    [
        ("salt", '"salt"'),
        ("Spider-Man:", '"Spider Man"'),
        ("l'amour", '"l amour"'),
        ('"quoted"', '"quoted"'),
        ('say "hi', '"say" "hi"'),
        ("salt AND NOT flat", '"salt" "AND" "NOT" "flat"'),
        ("NEAR(a b)", '"NEAR a" "b"'),
        ("col:word", '"col word"'),
        ("pre* ^start", '"pre"* "start"'),  # a trailing star is a prefix, a leading caret nothing
        ("drink* *", '"drink"*'),
        ("Paweł Søren", '"Pawel" "Soren"'),  # letters Unicode does not decompose, folded as the index is
        ("Zoe\u0308", '"Zoë"'),  # a decomposed accent is composed first
        ("", ""),
        ("  ::: () - ", ""),
    ],
)
def test_fts_query_turns_what_is_typed_into_quoted_words(typed: str, fts: str) -> None:
    assert search.fts_query(typed) == fts


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_search_never_raises_whatever_is_typed(text: str) -> None:
    conn = _catalog_for_hypothesis()
    columns, rows = search.search(conn, text)
    assert columns == ["title", "year", "field", "snippet"]
    for row in rows:
        assert len(row) == 4


_HYPOTHESIS_CONN: list[sqlite3.Connection] = []


def _catalog_for_hypothesis() -> sqlite3.Connection:
    # Hypothesis does not mix with function-scoped fixtures: one in-memory catalog for all examples.
    if not _HYPOTHESIS_CONN:
        conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.executescript(db.schema_sql())
        conn.execute("INSERT INTO titles (id, title, kind, updated_at) VALUES (1, 'Spider-Man: l''amour', 'movie', '')")
        text = "Spider-Man: l''amour \"quoted\" AND OR"
        conn.execute(f"INSERT INTO search_docs (id, title_id, field, text) VALUES (1, 1, 'title', '{text}')")
        conn.execute(f"INSERT INTO search_index (rowid, text) VALUES (1, '{text}')")
        _HYPOTHESIS_CONN.append(conn)
    return _HYPOTHESIS_CONN[0]


def test_search_finds_words_whatever_the_punctuation_around_them() -> None:
    conn = _catalog_for_hypothesis()
    for typed in ("spider-man:", "SPIDER MAN", "l'amour", '"quoted"', "and or", "amour)"):
        assert [row[0] for row in search.search(conn, typed)[1]] == ["Spider-Man: l'amour"], typed


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM titles",
        "WITH x AS (SELECT 1) DELETE FROM titles",
        "PRAGMA query_only = OFF",
        "ATTACH ':memory:' AS other",
        "SELECT 1; DROP TABLE titles",
        "CREATE TEMP TABLE scratch (x)",
        "/* sneaky */ INSERT INTO people (name, name_key) VALUES ('x', 'x')",
    ],
)
def test_sql_refuses_writes(records: sqlite3.Connection, statement: str) -> None:
    with pytest.raises(QueryError, match=r"^sql: "):
        list(readonly_sql.run(records, statement)[1])
    assert records.execute("SELECT count(*) FROM titles").fetchone()[0] == 4


def test_sql_allows_reads_including_pragmas_that_read(records: sqlite3.Connection) -> None:
    columns, rows = readonly_sql.run(records, "PRAGMA table_info(genres)")
    assert columns[:3] == ["cid", "name", "type"]
    assert [row[1] for row in rows] == ["title_id", "position", "genre"]
    columns, rows = readonly_sql.run(records, "EXPLAIN QUERY PLAN SELECT * FROM titles WHERE id = 1")
    assert "SEARCH titles USING INTEGER PRIMARY KEY" in next(iter(rows))[3]


def test_unknown_sort_field_is_refused(records: sqlite3.Connection) -> None:
    with pytest.raises(ValueError, match="cannot sort by 'title; DROP'"):
        queries.titles(records, sort="title; DROP")


def test_rows_are_produced_lazily(records: sqlite3.Connection) -> None:
    for columns, rows in (
        queries.titles(records),
        queries.people(records),
        queries.grosses(records),
        queries.reviews(records),
        search.search(records, "salt"),
        readonly_sql.run(records, "SELECT * FROM titles"),
        table_counts(records),
    ):
        assert iter(rows) is rows, columns  # an iterator over the cursor, not a list
        assert len(next(rows)) == len(columns)


def test_records_and_pages_give_the_same_answers(records: sqlite3.Connection, catalog_db: Path) -> None:
    """The fixture pages, as the parser reads them, say what CATALOG_RECORDS say."""
    pages = db.connect_read(catalog_db)
    for call in (
        lambda c: queries.titles(c),
        lambda c: queries.people(c),
        lambda c: queries.filmography(c, "Marta Quist"),
        lambda c: queries.filmography(c, "Peter Marsh"),
        lambda c: queries.ratings(c),
        lambda c: queries.grosses(c),
        lambda c: queries.reviews(c),
        lambda c: search.search(c, "salt"),
    ):
        assert list(call(pages)[1]) == list(call(records)[1])


@pytest.fixture
def writable(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    conn = db.connect_write(tmp_path / "w.db")
    yield conn
    conn.close()


def save(conn: sqlite3.Connection, *records: Title) -> None:
    with db.transaction(conn):
        for i, record in enumerate(records):
            page_id = store_page(conn, f"{record.title}-{i}", f"{record.title}-{record.year}-{i}", "", "utf-8", "t")
            save_title(conn, record, page_id)


def test_ties_are_broken_by_title_then_year_the_same_on_every_run(writable: sqlite3.Connection) -> None:
    save(
        writable,
        Title("twin", year=2001, kind="movie", rating=7.0),
        Title("Twin", year=1999, kind="movie", rating=7.0),
        Title("Alpha", year=2005, kind="movie", rating=7.0),
        Title("Twin", year=2001, kind="tv_movie", rating=7.0),
    )
    expected = [("Alpha", 2005), ("Twin", 1999), ("twin", 2001), ("Twin", 2001)]
    for sort in ("rating", "votes", "title"):
        assert [row[:2] for row in queries.titles(writable, sort=sort)[1]] == expected, sort


def test_people_left_without_credits_are_neither_listed_nor_found(writable: sqlite3.Connection) -> None:
    save(writable, Title("Draft", year=2000, cast=[CastMember("Cut Actor"), CastMember("Kept Actor")]))
    save(writable, Title("Draft", year=2000, cast=[CastMember("Kept Actor")]))  # the page is re-loaded
    assert writable.execute("SELECT count(*) FROM people").fetchone()[0] == 2  # the row stays behind
    assert list(queries.people(writable)[1]) == [("Kept Actor", 1, ["actor"])]
    with pytest.raises(lookup.LookupFailed, match="no person 'Cut Actor'"):
        queries.filmography(writable, "Cut Actor")


def test_filmography_prefers_an_exact_name_over_longer_ones(writable: sqlite3.Connection) -> None:
    save(writable, Title("One", year=2000, directors=["Ann Lee", "Ann Leeds", "Joanne Lee"]))
    assert [row[2] for row in queries.filmography(writable, "ann lee")[1]] == ["director"]
    with pytest.raises(lookup.LookupFailed, match=r"(?s)2 people match 'ann'.*Ann Lee\n  Ann Leeds"):
        queries.filmography(writable, "ann")
    with pytest.raises(lookup.LookupFailed, match=r"(?s)3 people match 'lee'.*Ann Lee\n  Ann Leeds\n  Joanne Lee"):
        queries.filmography(writable, "lee")  # the start of any word of the name
    with pytest.raises(lookup.LookupFailed, match="no person 'nn'"):
        queries.filmography(writable, "nn")  # not the middle of a word
