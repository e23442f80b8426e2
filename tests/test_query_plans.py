"""The key query commands use indexes, never a full scan of a big table (issue 5).

A query that scans `titles` or `credits` is fast on the fixture catalog and slow on 100,000 titles,
so speed cannot be checked by timing here: instead, each query function runs on a small catalog of
generated pages, the SQL it actually executes is captured (set_trace_callback), and SQLite's
EXPLAIN QUERY PLAN for it must search an index. benchmarks/bench.py measures the real times.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from moviecli import db, queries, search, tables
from moviecli.load import load_paths

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import pages  # benchmarks/ is a folder of scripts, not a package

BIG_TABLES = ["titles", "pages", "people", *tables.CHILD_TABLES]
# Aliases the queries give the big tables.
ALIASES = {"t": "titles", "p": "people", "c": "credits", "b": "box_office", "r": "reviews", "d": "search_docs"}
INDEXED = re.compile(r"USING (?:COVERING )?INDEX|USING (?:INTEGER )?PRIMARY KEY|VIRTUAL TABLE INDEX")


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    folder = tmp_path_factory.mktemp("plans")
    pages.generate(folder / "pages", 40)
    path = folder / "catalog.db"
    conn = db.connect_write(path)
    load_paths(conn, [str(folder / "pages")], workers=1)
    conn.close()
    conn = db.connect_read(path)
    yield conn
    conn.close()


def subject() -> dict[str, str]:
    """Filter values taken from a page in the catalog, so every query finds rows."""
    s = next(s for s in pages.specs(40) if s.reviews and s.box_office and s.storyline)
    return {"person": s.directors[0], "genre": s.genres[0], "title": s.title, "word": s.storyline.split()[0]}  # type: ignore[union-attr]


def executed_sql(conn: sqlite3.Connection, call: Callable[[], queries.Result]) -> list[str]:
    """The statements a query function runs (with its parameters inlined), rows fetched to the end."""
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        _, rows = call()
        list(rows)
    finally:
        conn.set_trace_callback(None)
    # FTS5 reads its own config table; sqlite3 adds PRAGMA comments: neither is the query's SQL.
    return [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH")) and "_config'" not in s]


def plan(conn: sqlite3.Connection, sql: str) -> list[str]:
    return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]


def full_scans(lines: list[str], ordered_scan_ok: bool) -> list[str]:
    """Plan lines that read a big table whole. An index read in order under a LIMIT stops early."""
    bad = []
    for line in lines:
        m = re.match(r"\s*SCAN (\w+)", line)
        if not m or ALIASES.get(m[1], m[1]) not in BIG_TABLES:
            continue
        if ordered_scan_ok and INDEXED.search(line):
            continue
        bad.append(line)
    return bad


S = subject()
CASES: dict[str, tuple[Callable[[sqlite3.Connection], queries.Result], bool]] = {
    "filmography NAME": (lambda conn: queries.filmography(conn, S["person"]), False),
    "titles --person NAME": (lambda conn: queries.titles(conn, person=S["person"]), False),
    "titles --genre G --limit 20": (lambda conn: queries.titles(conn, genre=S["genre"], limit=20), False),
    "titles --year Y": (lambda conn: queries.titles(conn, year=1960), False),
    "grosses --sort amount --desc --limit 10": (
        lambda conn: queries.grosses(conn, sort="amount", desc=True, limit=10),
        True,
    ),
    "grosses --kind budget --sort amount --limit 10": (
        lambda conn: queries.grosses(conn, kind="budget", sort="amount", limit=10),
        True,
    ),
    "reviews TITLE": (lambda conn: queries.reviews(conn, S["title"]), False),
    "search WORD": (lambda conn: search.search(conn, S["word"]), False),
}
# Not here: `people TEXT` and `titles --search TEXT` match text anywhere in a name or title
# (LIKE '%text%'), which no B-tree index can answer; they read the people or titles table whole.


@pytest.mark.parametrize("name", CASES)
def test_query_uses_an_index_and_scans_no_big_table(catalog: sqlite3.Connection, name: str) -> None:
    call, ordered_scan_ok = CASES[name]
    statements = executed_sql(catalog, lambda: call(catalog))
    assert statements, f"{name}: no SQL captured"
    for sql in statements:
        lines = plan(catalog, sql)
        report = f"{name}:\n{sql}\n" + "\n".join(lines)
        assert any(INDEXED.search(line) for line in lines), report
        assert not full_scans(lines, ordered_scan_ok), report


def test_the_checker_sees_a_full_scan(catalog: sqlite3.Connection) -> None:
    lines = plan(catalog, "SELECT * FROM titles t WHERE t.runtime_minutes = 90")
    assert full_scans(lines, ordered_scan_ok=True) == [lines[0]]


def test_grosses_by_amount_descending_reads_an_index_in_that_order(catalog: sqlite3.Connection) -> None:
    """Currency ascending, amount descending: with an index in only one order, SQLite sorts a whole currency."""
    (sql,) = executed_sql(catalog, lambda: queries.grosses(catalog, sort="amount", desc=True, limit=10))
    scan = next(line for line in plan(catalog, sql) if line.startswith("SCAN b"))
    m = re.search(r"USING (?:COVERING )?INDEX (\w+)", scan)
    assert m, scan
    keys = [(row[2], row[3]) for row in catalog.execute(f"PRAGMA index_xinfo({m[1]})") if row[5]]
    assert keys[:2] == [("currency", 0), ("amount", 1)], (scan, keys)
