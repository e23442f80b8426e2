"""The loading commands: pages (load, reparse), IMDb's dataset files (load-imdb), and remove. They write."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from moviecli import db
from moviecli.cli.common import (
    INT64_MAX,
    INT64_MIN,
    DbOption,
    FormatOption,
    ImdbIdOption,
    Kind,
    NoHeadersOption,
    QuietOption,
    check_format,
    db_path,
    emit,
    fail,
    note,
    words_or_id,
)

app = typer.Typer()


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
    from moviecli.load import Duplicate, Failure, load_paths

    conn = db.connect_write(db_path(db_option))

    def report_failure(failure: Failure) -> None:
        # On a terminal, clear the progress bar's line first; the bar redraws itself below the error.
        clear = "\r\x1b[K" if progress else ""
        typer.echo(f"{clear}moviecli: {failure.path}: {failure.reason}", err=True)

    def report_duplicate(found: Duplicate) -> None:
        clear = "\r\x1b[K" if progress else ""
        typer.echo(f"{clear}moviecli: {found.path}: {found.message()}", err=True)

    progress = None

    def start_progress(total: int) -> None:
        # Sized from load_paths' own walk of the folders: they are not walked a second time.
        nonlocal progress
        if not quiet and sys.stderr.isatty():
            progress = typer.progressbar(length=total, label="Loading", file=sys.stderr)
            progress.__enter__()

    def advance(_path: str) -> None:
        if progress:
            progress.update(1)

    try:
        report = load_paths(
            conn,
            sources,
            strict=strict,
            on_start=start_progress,
            on_page=advance,
            on_failure=report_failure,
            on_duplicate=report_duplicate,
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
def reparse(db_option: DbOption = None, quiet: QuietOption = False) -> None:
    """Re-parse every stored page with the current parser; prints each title whose record changed.

    The page files are not needed: their text is kept in the catalog. Changed titles go to
    stdout, one a line; failures and the summary to stderr.

    Example: moviecli reparse --db catalog.db
    """
    from moviecli.load import Failure
    from moviecli.reparse import reparse_all

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


@app.command()
def remove(
    title: Annotated[list[str] | None, typer.Argument(help="The title, original title, an AKA or an IMDb id.")] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", min=INT64_MIN, max=INT64_MAX, help="The year, when several titles share a name."),
    ] = None,
    kind: Annotated[Kind | None, typer.Option("--kind", case_sensitive=False, help="The kind, likewise.")] = None,
    imdb_id: ImdbIdOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only show what would go; change nothing.")] = False,
    purge: Annotated[bool, typer.Option("--purge", help="Delete the stored page text too.")] = False,
    fmt: FormatOption = "table",
    no_headers: NoHeadersOption = False,
    db_option: DbOption = None,
) -> None:
    """Remove a title and what is its own: credits, lists, box office, reviews, search rows.

    People credited elsewhere stay. The stored page stays unless --purge, and a later `load` of its
    file adds the title back. Prints the rows removed per table (with --dry-run, those that would be).

    Example: moviecli remove Leaving Las Vegas --year 1995 --dry-run
    """
    from moviecli import remove as removing
    from moviecli.lookup import find_title

    check_format(fmt)
    text = words_or_id(title, imdb_id, "TITLE")
    path = db_path(db_option)
    # A dry run opens the catalog read-only: the file stays byte for byte as it was.
    conn = db.connect_read(path) if dry_run else db.connect_write(path)
    try:
        match = find_title(conn, text, year, imdb_id=imdb_id, kind=kind)
        if dry_run:
            removal = removing.plan(conn, match.id, purge=purge)
        else:
            removal = removing.remove(conn, match.id, purge=purge)
    finally:
        if not dry_run:
            conn.close()
    emit(("table", "rows"), removal.rows(), fmt, headers=not no_headers)
    note(
        f"{'would remove' if dry_run else 'removed'} {removal.label}{'; nothing changed (--dry-run)' if dry_run else ''}"
    )
