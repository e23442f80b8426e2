"""Commands over the catalog as a whole: raw SQL, the table counts, the export of every record, and
the parser's warnings. They open the catalog read-only.
"""

from itertools import islice
from typing import Annotated

import typer

from moviecli import db, queries
from moviecli.cli.common import (
    DbOption,
    FormatOption,
    LimitOption,
    NoHeadersOption,
    catalog,
    check_format,
    db_path,
    emit,
    emit_records,
)

app = typer.Typer()


@app.command()
def sql(
    statement: Annotated[str, typer.Argument(help="One SELECT, WITH, EXPLAIN, PRAGMA or VALUES statement.")],
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    no_headers: NoHeadersOption = False,
    db_option: DbOption = None,
) -> None:
    """Run one read-only SQL statement on the catalog; anything that would write is refused.

    Example: moviecli sql "SELECT genre, count(*) AS n FROM genres GROUP BY genre ORDER BY n DESC" -f csv
    """
    conn = catalog(db_option, fmt)
    emit(*queries.sql(conn, statement, limit=limit), fmt, headers=not no_headers)


@app.command()
def stats(
    fmt: FormatOption = "table",
    no_headers: NoHeadersOption = False,
    db_option: DbOption = None,
) -> None:
    """Count the rows of every table of the catalog.

    Example: moviecli stats --format json
    """
    conn = catalog(db_option, fmt)
    emit(*queries.stats(conn), fmt, headers=not no_headers)


@app.command()
def export(
    since: Annotated[
        str | None, typer.Option("--since", help="Only titles added or changed since this date (YYYY-MM-DD, UTC).")
    ] = None,
    limit: LimitOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl, or json for one array.")] = "jsonl",
    db_option: DbOption = None,
) -> None:
    """Write every title's record (the JSON of `show -f json`), one a line, streaming in constant memory.

    Example: moviecli export --since 2026-11-01 > changed.jsonl
    """
    from moviecli.export import records

    check_format(fmt, ("jsonl", "json"))
    conn = db.connect_read(db_path(db_option))
    rows = records(conn, since)
    emit_records(islice(rows, limit) if limit is not None else rows, fmt)


@app.command()
def warnings(
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    no_headers: NoHeadersOption = False,
    db_option: DbOption = None,
) -> None:
    """List the parser's warnings, one row per warning, with the title and the page it came from.

    A warning marks a page that read badly: check the title with `moviecli show`.

    Example: moviecli warnings --format csv
    """
    conn = catalog(db_option, fmt)
    emit(*queries.warnings(conn, limit=limit), fmt, headers=not no_headers)
