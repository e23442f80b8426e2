"""The upkeep commands: the record of runs (imports) and the catalog's health (check). Read-only."""

import typer

from moviecli import db
from moviecli.cli.common import DbOption, FormatOption, LimitOption, NoHeadersOption, check_format, db_path, emit, fail

app = typer.Typer()


@app.command("imports")
def imports_command(
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    no_headers: NoHeadersOption = False,
    db_option: DbOption = None,
) -> None:
    """List the recorded runs (load, reparse), newest first, with their counts and failed paths.

    A run with no finished_at is still going, or was killed before it finished.

    Example: moviecli imports --limit 5 --format json
    """
    from moviecli import runs

    check_format(fmt)
    conn = db.connect_read(db_path(db_option))
    rows = runs.import_rows(conn, limit, structured=fmt in ("json", "jsonl"))
    emit(runs.IMPORT_COLUMNS, rows, fmt, headers=not no_headers)


@app.command("check")
def check_command(fmt: FormatOption = "table", no_headers: NoHeadersOption = False, db_option: DbOption = None) -> None:
    """Check the catalog: SQLite's integrity and foreign-key checks, and the rows in each main table.

    Exits 1 if a check fails.

    Example: moviecli check --db catalog.db
    """
    from moviecli.check import check

    check_format(fmt)
    result = check(db.connect_read(db_path(db_option)))
    emit(("check", "result"), result.rows(), fmt, headers=not no_headers)
    if not result.ok:
        fail("the catalog failed its checks")
