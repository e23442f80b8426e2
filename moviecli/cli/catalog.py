"""Commands over the catalog as a whole: raw SQL, the table counts, the export of every record, the
parser's warnings, its path, and browsing it in datasette. They only read it.
"""

import sys
from itertools import islice
from typing import Annotated, Any, cast

import typer
from typer.core import TyperCommand

from moviecli import db, interrupt, queries
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
    fail,
)
from moviecli.errors import MovieCliError

app = typer.Typer()


class _PairsCommand(TyperCommand):
    """A command whose --param takes two values (NAME VALUE) each time: typer cannot declare a list of pairs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if param.name == "param":
                param.nargs = 2


@app.command(cls=_PairsCommand)
def sql(
    statement: Annotated[
        str, typer.Argument(help="One SELECT, WITH, EXPLAIN, PRAGMA or VALUES statement; - reads it from stdin.")
    ],
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", metavar="NAME VALUE", help="A value for :NAME in the statement (repeatable)."),
    ] = None,
    limit: LimitOption = None,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout", min=0.001, max=1e9, metavar="SECONDS", help="Stop the statement after this long (exit 1)."
        ),
    ] = None,
    fmt: FormatOption = "table",
    no_headers: NoHeadersOption = False,
    db_option: DbOption = None,
) -> None:
    """Run one read-only SQL statement on the catalog; anything that would write is refused.

    Values typed by the user go in as parameters, never pasted into the SQL.

    Example: moviecli sql "SELECT genre, count(*) AS n FROM genres GROUP BY genre ORDER BY n DESC" -f csv

    Example: moviecli sql "SELECT * FROM people WHERE name = :name" -p name "O'Brien"
    """
    if statement == "-":
        statement = sys.stdin.read()
    conn = catalog(db_option, fmt)
    pairs = cast("list[tuple[str, str]]", param or [])  # _PairsCommand: each --param is a pair
    params = {name.removeprefix(":"): value for name, value in pairs}
    from moviecli.readonly_sql import run

    with interrupt.deadline(timeout):
        try:
            emit(*run(conn, statement, params, limit=limit), fmt, headers=not no_headers)
        except MovieCliError:
            if interrupt.past_deadline():
                fail(f"sql: stopped after {timeout:g} s (--timeout)")
            raise


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
    from moviecli.check import table_counts

    emit(*table_counts(conn), fmt, headers=not no_headers)


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


@app.command()
def serve(
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="The port to listen on.")] = 8001,
    host: Annotated[str, typer.Option("--host", help="The address to listen on (localhost only by default).")] = (
        "127.0.0.1"
    ),
    db_option: DbOption = None,
) -> None:
    """Browse the catalog in a web browser (datasette, from the 'web' extra), with search and filmography pages.

    Example: moviecli serve --port 8001 (then open http://127.0.0.1:8001/)
    """
    from moviecli.serve import serve as serve_catalog

    serve_catalog(db_path(db_option), host, port)


@app.command()
def path(db_option: DbOption = None) -> None:
    """Print the catalog's path (from --db, else $MOVIECLI_DB, else the default); never creates it.

    Example: moviecli path --db catalog.db (and: sqlite-utils tables "$(moviecli path)")
    """
    typer.echo(str(db_path(db_option)))
