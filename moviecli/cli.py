"""The moviecli command line: parse arguments, call one library function, print. No SQL, no parsing.

Exit codes: 0 success, 1 a failure the user should know of (a page that did not load, no such
title, no database), 2 a usage error. Data goes to stdout, messages to stderr.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from moviecli import __version__, db, output
from moviecli.errors import MovieCliError


class _Commands(TyperGroup):
    """Turns the project's own errors, raised anywhere below a command, into one line and exit 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except MovieCliError as e:
            typer.echo(f"moviecli: {e}", err=True)
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=_Commands,
    help="A movie catalog over SQLite, loaded from saved IMDb title pages.\n\n"
    "Example: moviecli load seeds/ && moviecli show 'Leaving Las Vegas'",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,  # plain help: rich formatting costs ~80 ms of start-up
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Options shared by every command; their names are part of the interface.
DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Catalog file [default: $MOVIECLI_DB, else ~/.local/share/moviecli/moviecli.db]."),
]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="table, csv, tsv, json or jsonl.")]
NoHeadersOption = Annotated[bool, typer.Option("--no-headers", help="Leave out the header row (table, csv, tsv).")]
LimitOption = Annotated[int | None, typer.Option("--limit", min=0, help="At most this many rows.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors (for cron mail).")]


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr, then exit with `code`."""
    typer.echo(f"moviecli: {message}", err=True)
    raise typer.Exit(code)


def db_path(option: Path | None) -> Path:
    return option if option is not None else db.default_db_path()


def check_format(fmt: str, allowed: Sequence[str] = output.FORMATS) -> str:
    if fmt not in allowed:
        raise typer.BadParameter(f"{fmt!r} is not one of {', '.join(allowed)}", param_hint="'--format'")
    return fmt


def emit(columns: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, headers: bool = True) -> None:
    """Write rows to stdout; a reader that goes away (`| head`) ends the command quietly with 0."""
    try:
        output.write_rows(columns, rows, check_format(fmt), headers=headers)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(0) from None


def _silence_stdout() -> None:
    # Further writes (and the flush at exit) go to /dev/null instead of raising again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _version(value: bool) -> None:
    if value:
        typer.echo(f"moviecli {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """A movie catalog over SQLite, loaded from saved IMDb title pages.

    Example: moviecli load seeds/ && moviecli show "Leaving Las Vegas"
    """


@app.command()
def load(
    sources: Annotated[list[str], typer.Argument(help="Page files, folders (recursive *.txt), or - for stdin.")],
    db_option: DbOption = None,
    quiet: QuietOption = False,
    strict: Annotated[bool, typer.Option("--strict", help="Stop at the first bad page and load nothing.")] = False,
) -> None:
    """Load title pages into the catalog; a page already there is replaced, an unchanged one skipped.

    Example: moviecli load ~/movies/pages/ --db catalog.db
    """
    from moviecli.load import Failure, find_pages, load_paths

    conn = db.connect_write(db_path(db_option))

    def report_failure(failure: Failure) -> None:
        typer.echo(f"moviecli: {failure.path}: {failure.reason}", err=True)

    progress = None
    if not quiet and sys.stderr.isatty():
        total = len(find_pages(sources)[0])
        progress = typer.progressbar(length=total, label="Loading", file=sys.stderr)
        progress.__enter__()
    try:
        report = load_paths(
            conn,
            sources,
            strict=strict,
            on_page=(lambda _path: progress.update(1)) if progress else None,
            on_failure=report_failure,
        )
    finally:
        if progress:
            progress.__exit__(None, None, None)
        conn.close()
    if strict and report.failed:
        typer.echo("moviecli: --strict: nothing loaded from this run", err=True)
    if not quiet:
        typer.echo(report.summary(), err=True)
    raise typer.Exit(1 if report.failed else 0)


@app.command()
def show(
    title: Annotated[str, typer.Argument(help="The title, matched ignoring case.")],
    year: Annotated[int | None, typer.Option("--year", help="The year, when several titles share a name.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    db_option: DbOption = None,
) -> None:
    """Show one title: a readable card, or the JSON record other programs rely on.

    Example: moviecli show "Leaving Las Vegas" --year 1995 --format json
    """
    from moviecli.record import find_titles, title_record

    check_format(fmt, ("table", "json"))
    conn = db.connect_read(db_path(db_option))
    matches = find_titles(conn, title, year)
    if not matches:
        fail(f"no title {title!r}" + (f" from {year}" if year else "") + " in the catalog")
    if len(matches) > 1:
        typer.echo(f"moviecli: {len(matches)} titles match {title!r}; choose one with --year:", err=True)
        for m in matches:
            typer.echo(f"  {m['title']} ({m['year'] or '?'}) {m['kind']}", err=True)
        raise typer.Exit(1)
    record = title_record(conn, matches[0]["id"])
    if fmt == "json":
        output.write_json(record)
    else:
        from moviecli.card import title_card

        typer.echo(title_card(record))


# Maintenance commands: re-parse stored pages, the record of runs, the catalog's health.


@app.command()
def reparse(db_option: DbOption = None, quiet: QuietOption = False) -> None:
    """Re-parse every stored page with the current parser; prints each title whose record changed.

    The page files are not needed: their text is kept in the catalog. Changed titles go to
    stdout, one a line; failures and the summary to stderr.

    Example: moviecli reparse --db catalog.db
    """
    from moviecli.load import Failure, reparse_all

    path = db_path(db_option)
    if not path.is_file():
        fail(f"no database at {path} (run 'moviecli load' first, or pass --db)")
    conn = db.connect_write(path)

    def report_failure(failure: Failure) -> None:
        typer.echo(f"moviecli: {failure.path}: {failure.reason}", err=True)

    try:
        report = reparse_all(conn, on_failure=report_failure)
    finally:
        conn.close()
    emit(("title",), ((name,) for name in report.changed_titles), "tsv", headers=False)
    if not quiet:
        typer.echo(f"{report.replaced} changed, {report.unchanged} unchanged, {report.failed} failed", err=True)
    raise typer.Exit(1 if report.failed else 0)


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
    from moviecli import maintenance

    check_format(fmt)
    conn = db.connect_read(db_path(db_option))
    rows = maintenance.import_rows(conn, limit, structured=fmt in ("json", "jsonl"))
    emit(maintenance.IMPORT_COLUMNS, rows, fmt, headers=not no_headers)


@app.command("check")
def check_command(fmt: FormatOption = "table", no_headers: NoHeadersOption = False, db_option: DbOption = None) -> None:
    """Check the catalog: SQLite's integrity and foreign-key checks, and the rows in each main table.

    Exits 1 if a check fails.

    Example: moviecli check --db catalog.db
    """
    from moviecli import maintenance

    check_format(fmt)
    result = maintenance.check(db.connect_read(db_path(db_option)))
    emit(("check", "result"), result.rows(), fmt, headers=not no_headers)
    if not result.ok:
        fail("the catalog failed its checks")


def main() -> None:
    """Entry point of the `moviecli` command and `python -m moviecli`."""
    try:
        app()
    except SystemExit:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _silence_stdout()
        raise
