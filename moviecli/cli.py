"""The moviecli command line: parse arguments, call one library function, print. No SQL, no parsing.

Exit codes: 0 success, 1 a failure the user should know of (a page that did not load, no such
title, no database), 2 a usage error. Data goes to stdout, messages to stderr.

No `from __future__ import annotations` here: typer reads every command's annotations on every
run, and eval()-ing them from strings cost ~7 ms of each start-up (measured, issue 5).
"""

import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn, cast

import typer
from typer.core import TyperCommand, TyperGroup

from moviecli import __version__, db, output, queries
from moviecli.errors import MovieCliError
from moviecli.vocabulary import BOX_OFFICE_KINDS, KINDS, ROLES


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
    add_completion=True,  # --install-completion / --show-completion
    rich_markup_mode=None,  # plain help: rich formatting costs ~80 ms of start-up
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Choices: typer lists them in --help, completes them in a shell and refuses others (exit 2); any
# case is accepted (-f CSV) and given back as listed. mypy sees plain strings.
if TYPE_CHECKING:
    FormatName = str
    ShowFormat = str
    Kind = str
    BoxOfficeKind = str
    Role = str
    TitleSort = str
    RatingSort = str
    GrossSort = str
    ReviewSort = str
else:
    FormatName = Literal[output.FORMATS]
    ShowFormat = Literal["table", "json"]
    Kind = Literal[KINDS]
    BoxOfficeKind = Literal[BOX_OFFICE_KINDS]
    Role = Literal[ROLES]
    TitleSort = Literal[tuple(queries.TITLE_SORTS)]
    RatingSort = Literal[tuple(queries.RATING_SORTS)]
    GrossSort = Literal[tuple(queries.GROSS_SORTS)]
    ReviewSort = Literal[tuple(queries.REVIEW_SORTS)]

# Options shared by every command; their names are part of the interface.
DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Catalog file [default: $MOVIECLI_DB, else ~/.local/share/moviecli/moviecli.db]."),
]
FormatOption = Annotated[FormatName, typer.Option("--format", "-f", case_sensitive=False, help="Output format.")]
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
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    db_option: DbOption = None,
) -> None:
    """A movie catalog over SQLite, loaded from saved IMDb title pages.

    Example: moviecli load seeds/ && moviecli show "Leaving Las Vegas"
    """
    if db_option is not None and ctx.invoked_subcommand:
        # `moviecli --db x.db titles`: the command's own --db defaults to it (and still wins if given).
        ctx.default_map = {ctx.invoked_subcommand: {"db_option": str(db_option)}}


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
        # On a terminal, clear the progress bar's line first; the bar redraws itself below the error.
        clear = "\r\x1b[K" if progress else ""
        typer.echo(f"{clear}moviecli: {failure.path}: {failure.reason}", err=True)

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
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f", case_sensitive=False, help="Output format.")] = "table",
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
    with db.snapshot(conn):  # a load may be replacing this title right now
        record = title_record(conn, matches[0]["id"])
    if fmt == "json":
        output.write_json(record)
    else:
        from moviecli.card import title_card

        typer.echo(title_card(record))


# The query commands. Each: options in, one queries.* call, rows out through emit().
DescOption = Annotated[bool, typer.Option("--desc", help="Sort in descending order (missing values stay last).")]
YearOption = Annotated[int | None, typer.Option("--year", help="Only titles of this year.")]
FromOption = Annotated[int | None, typer.Option("--from", help="Only titles of this year or later.")]
ToOption = Annotated[int | None, typer.Option("--to", help="Only titles of this year or earlier.")]


def _sort_option(default: str | None) -> Any:
    """The --sort option of a command (its choices are the annotation's)."""
    extra = f" [default: {default}]" if default else " [default: title, then the page's order]"
    return typer.Option("--sort", case_sensitive=False, help=f"What to sort by.{extra}")


TITLE_SORT = _sort_option("title")
RATING_SORT = _sort_option("title")
GROSS_SORT = _sort_option("title")
REVIEW_SORT = _sort_option(None)


def _catalog(db_option: Path | None, fmt: str) -> Any:
    """Check the format before anything else, then open the catalog read-only (never creating it)."""
    check_format(fmt)
    return db.connect_read(db_path(db_option))


@app.command()
def titles(
    search: Annotated[str | None, typer.Option("--search", help="Text in the title or original title.")] = None,
    genre: Annotated[str | None, typer.Option("--genre", help="A genre, e.g. Drama.")] = None,
    year: YearOption = None,
    year_from: FromOption = None,
    year_to: ToOption = None,
    person: Annotated[
        str | None, typer.Option("--person", help="Someone credited, full name (case and accents ignored).")
    ] = None,
    country: Annotated[str | None, typer.Option("--country", help="A country, e.g. UK.")] = None,
    language: Annotated[str | None, typer.Option("--language", help="A language, e.g. English.")] = None,
    certificate: Annotated[str | None, typer.Option("--certificate", help="A certificate, e.g. R.")] = None,
    kind: Annotated[Kind | None, typer.Option("--kind", case_sensitive=False, help="Only titles of this kind.")] = None,
    sort: Annotated[TitleSort | None, TITLE_SORT] = None,
    desc: DescOption = False,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    no_headers: NoHeadersOption = False,
    db_option: DbOption = None,
) -> None:
    """List titles with their genres, rating and directors; every filter narrows the list.

    Example: moviecli titles --genre drama --from 1990 --to 1999 --sort rating --desc --limit 10
    """
    conn = _catalog(db_option, fmt)
    columns, rows = queries.titles(
        conn,
        search=search,
        genre=genre,
        year=year,
        year_from=year_from,
        year_to=year_to,
        person=person,
        country=country,
        language=language,
        certificate=certificate,
        kind=kind,
        sort=sort or "title",
        desc=desc,
        limit=limit,
    )
    emit(columns, rows, fmt, headers=not no_headers)


@app.command()
def people(
    text: Annotated[str | None, typer.Argument(help="Part of a name (case and accents ignored).")] = None,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    no_headers: NoHeadersOption = False,
    db_option: DbOption = None,
) -> None:
    """List credited people: how many titles each has, and in which roles.

    Example: moviecli people zoe --format csv
    """
    conn = _catalog(db_option, fmt)
    emit(*queries.people(conn, text, limit=limit), fmt, headers=not no_headers)


@app.command()
def filmography(
    name: Annotated[
        str,
        typer.Argument(
            help="A person's name, ignoring case and accents. The exact name wins; else the start of the name"
            ' or of one of its words ("figgis" finds Mike Figgis). Several matches are listed, exit 1.'
        ),
    ],
    role: Annotated[
        Role | None, typer.Option("--role", case_sensitive=False, help="Only credits in this role.")
    ] = None,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    no_headers: NoHeadersOption = False,
    db_option: DbOption = None,
) -> None:
    """List one person's credits, by year then title; credit is the writer's credit or the cast note.

    NAME ignores case and accents ("zoe" finds Zoë). An exact name wins; without one, the start of
    the name or of any word in it matches. Several people matching are listed on stderr (exit 1).

    Example: moviecli filmography "Mike Figgis" --role writer
    """
    conn = _catalog(db_option, fmt)
    emit(*queries.filmography(conn, name, role=role, limit=limit), fmt, headers=not no_headers)


@app.command()
def ratings(
    certificate: Annotated[str | None, typer.Option("--certificate", help="A certificate, e.g. PG-13.")] = None,
    min_rating: Annotated[float | None, typer.Option("--min-rating", help="Only titles rated this or higher.")] = None,
    sort: Annotated[RatingSort | None, RATING_SORT] = None,
    desc: DescOption = False,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    no_headers: NoHeadersOption = False,
    db_option: DbOption = None,
) -> None:
    """List titles with their rating, votes, metascore, review counts and certificate.

    Example: moviecli ratings --min-rating 7.5 --sort votes --desc
    """
    conn = _catalog(db_option, fmt)
    columns, rows = queries.ratings(
        conn, certificate=certificate, min_rating=min_rating, sort=sort or "title", desc=desc, limit=limit
    )
    emit(columns, rows, fmt, headers=not no_headers)


@app.command()
def grosses(
    kind: Annotated[
        BoxOfficeKind | None, typer.Option("--kind", case_sensitive=False, help="Only figures of this kind.")
    ] = None,
    currency: Annotated[str | None, typer.Option("--currency", help="An ISO 4217 code, e.g. USD.")] = None,
    year: YearOption = None,
    year_from: FromOption = None,
    year_to: ToOption = None,
    sort: Annotated[GrossSort | None, GROSS_SORT] = None,
    desc: DescOption = False,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    no_headers: NoHeadersOption = False,
    db_option: DbOption = None,
) -> None:
    """List box-office figures, each in its own currency: never converted, summed or compared across currencies.

    Sorting by amount groups the figures by currency, then orders the amounts within each currency.

    Example: moviecli grosses --kind budget --sort amount --desc --limit 10
    """
    conn = _catalog(db_option, fmt)
    columns, rows = queries.grosses(
        conn,
        kind=kind,
        currency=currency,
        year=year,
        year_from=year_from,
        year_to=year_to,
        sort=sort or "title",
        desc=desc,
        limit=limit,
    )
    emit(columns, rows, fmt, headers=not no_headers)


@app.command()
def reviews(
    title: Annotated[str | None, typer.Argument(help="A title or original title, ignoring case.")] = None,
    year: YearOption = None,
    author: Annotated[str | None, typer.Option("--author", help="The reviewer's name, ignoring case.")] = None,
    min_helpful: Annotated[
        int | None, typer.Option("--min-helpful", min=0, help="Only reviews this many people found helpful.")
    ] = None,
    sort: Annotated[ReviewSort | None, REVIEW_SORT] = None,
    desc: DescOption = False,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    no_headers: NoHeadersOption = False,
    db_option: DbOption = None,
) -> None:
    """List user reviews; the table shortens long text, csv/tsv/json keep it whole.

    Example: moviecli reviews "Leaving Las Vegas" --sort helpful --desc --format json
    """
    conn = _catalog(db_option, fmt)
    columns, rows = queries.reviews(
        conn, title, year=year, author=author, min_helpful=min_helpful, sort=sort, desc=desc, limit=limit
    )
    emit(columns, rows, fmt, headers=not no_headers)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find, all of them; punctuation is ignored.")],
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    no_headers: NoHeadersOption = False,
    db_option: DbOption = None,
) -> None:
    """Full-text search of titles, summaries, storylines, reviews, trivia, goofs and quotes; best first.

    Each word typed must occur; in the snippet, matched words are marked *like this*.

    Example: moviecli search "las vegas" --limit 5
    """
    conn = _catalog(db_option, fmt)
    emit(*queries.search(conn, query, limit=limit), fmt, headers=not no_headers)


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
    conn = _catalog(db_option, fmt)
    pairs = cast("list[tuple[str, str]]", param or [])  # _PairsCommand: each --param is a pair
    params = {name.removeprefix(":"): value for name, value in pairs}
    emit(*queries.sql(conn, statement, params, limit=limit), fmt, headers=not no_headers)


@app.command()
def stats(
    fmt: FormatOption = "table",
    no_headers: NoHeadersOption = False,
    db_option: DbOption = None,
) -> None:
    """Count the rows of every table of the catalog.

    Example: moviecli stats --format json
    """
    conn = _catalog(db_option, fmt)
    emit(*queries.stats(conn), fmt, headers=not no_headers)


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


def _complete_only(incomplete: str) -> list[str]:
    """Shell completion of --only's comma-separated list: the next file name after those typed."""
    from moviecli.imdb import DATASETS

    done, _, last = incomplete.rpartition(",")
    typed = set(done.split(","))
    return [done + "," * bool(done) + name for name in DATASETS if name.startswith(last) and name not in typed]


@app.command("load-imdb")
def load_imdb(
    directory: Annotated[Path, typer.Argument(help="Folder of IMDb dataset files (*.tsv.gz or *.tsv).")],
    only: Annotated[
        str | None,
        typer.Option(
            "--only",
            autocompletion=_complete_only,
            help="Import only these files: names,basics,ratings,episode,crew,principals,akas.",
        ),
    ] = None,
    allow_shrink: Annotated[
        bool,
        typer.Option(
            "--allow-shrink",
            help="Import a file even if it has fewer than half the rows of the last import (else: refused as cut off).",
        ),
    ] = False,
    db_option: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Import IMDb's dataset files in one transaction: adds, updates and removes rows, merged with pages.

    Example: moviecli load-imdb ~/imdb/ --only ratings,basics
    """
    from moviecli import imdb

    try:
        wanted = imdb.parse_only(only)
    except imdb.ImdbError as e:
        raise typer.BadParameter(str(e).removeprefix("--only: "), param_hint="'--only'") from None
    files = imdb.find_files(directory, wanted)
    conn = db.connect_write(db_path(db_option))
    try:
        report = imdb.import_files(conn, files, allow_shrink=allow_shrink)
    finally:
        conn.close()
    if not quiet:
        typer.echo(f"moviecli: load-imdb: {report.summary()}", err=True)


# --- issue 14 commands ---


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
