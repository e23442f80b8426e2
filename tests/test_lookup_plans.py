"""The look-ups of issue 13 (lookup.py, warnings) search indexes, never a whole big table.

Same method as test_query_plans.py (whose catalog and helpers this reuses): the SQL a call really
runs is captured and SQLite's EXPLAIN QUERY PLAN for it must use an index and scan no big table.
Not here: the fallback of a person's name to the start of any word of a name (LIKE '% key%'),
which reads the people table whole, as before this issue.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest
from test_query_plans import INDEXED, S, catalog, executed_sql, full_scans, plan

from moviecli import lookup, queries

__all__ = ["catalog"]  # the module-scoped fixture, used here under its own name


def _failing(call: Callable[[sqlite3.Connection], object]) -> Callable[[sqlite3.Connection], queries.Result]:
    """A look-up that is meant to fail (to reach the suggestions), as a query returning no rows."""

    def run(conn: sqlite3.Connection) -> queries.Result:
        with pytest.raises(lookup.LookupFailed):
            call(conn)
        return [], iter(())

    return run


CASES: dict[str, Callable[[sqlite3.Connection], queries.Result]] = {
    "show TITLE (title, original title)": lambda c: queries.reviews(c, S["title"]),
    "show AKA / not found + did you mean": _failing(lambda c: lookup.find_title(c, S["title"] + "x")),
    "show tt…": _failing(lambda c: lookup.find_title(c, "tt0000001")),
    "filmography NAME": lambda c: queries.filmography(c, S["person"]),
    "filmography nm…": _failing(lambda c: lookup.person_ids(c, "nm0000001")),
    "people suggestions": lambda c: (["s"], iter([(lookup.person_suggestions(c, "zzzz qqqq"),)])),
    "warnings": lambda c: queries.warnings(c),
}


@pytest.mark.parametrize("name", CASES)
def test_lookup_uses_an_index_and_scans_no_big_table(catalog: sqlite3.Connection, name: str) -> None:
    statements = executed_sql(catalog, lambda: CASES[name](catalog))
    assert statements, f"{name}: no SQL captured"
    for sql in statements:
        lines = plan(catalog, sql)
        report = f"{name}:\n{sql}\n" + "\n".join(lines)
        assert any(INDEXED.search(line) for line in lines), report
        assert not full_scans(lines, ordered_scan_ok=False), report
