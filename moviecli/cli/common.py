"""What every command shares: the options whose names are the interface, the one-line failure,
the format check and emit(), the one way rows reach stdout.

No `from __future__ import annotations` in cli/: typer reads every command's annotations on every
run, and eval()-ing them from strings cost ~7 ms of each start-up (measured, issue 5).
"""

import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn

import typer

from moviecli import db, output, queries
from moviecli.vocabulary import BOX_OFFICE_KINDS, KINDS, ROLES

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
    PeopleSort = str
    FilmographySort = str
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
    PeopleSort = Literal[tuple(queries.PEOPLE_SORTS)]
    FilmographySort = Literal[tuple(queries.FILMOGRAPHY_SORTS)]

# SQLite's integers are 64-bit: a value beyond them can match nothing, and binding it raises
# OverflowError. Every integer option declares these bounds (or narrower): a usage error, exit 2.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _catalog_path(value: str) -> Path:
    """--db's type: an empty path would be the current folder, never a catalog."""
    if not value:
        raise typer.BadParameter("an empty path is not a catalog file", param_hint="'--db'")
    return Path(value)


DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        parser=_catalog_path,
        metavar="PATH",
        help="Catalog file [default: $MOVIECLI_DB, else ~/.local/share/moviecli/moviecli.db].",
    ),
]
FormatOption = Annotated[FormatName, typer.Option("--format", "-f", case_sensitive=False, help="Output format.")]
NoHeadersOption = Annotated[bool, typer.Option("--no-headers", help="Leave out the header row (table, csv, tsv).")]
LimitOption = Annotated[int | None, typer.Option("--limit", min=0, max=INT64_MAX, help="At most this many rows.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors (for cron mail).")]
ImdbIdOption = Annotated[str | None, typer.Option("--imdb-id", help="The IMDb id instead of a name (tt…, nm…).")]


def words(given: Sequence[str] | None) -> str:
    """A variadic argument as one text: `show Leaving Las Vegas` is `show "Leaving Las Vegas"`."""
    return " ".join(given or ())


def words_or_id(given: Sequence[str] | None, imdb_id: str | None, name: str) -> str:
    """The words of a TITLE or NAME argument; neither it nor --imdb-id given is a usage error (exit 2)."""
    if not given and not imdb_id:
        raise typer.BadParameter(f"give the {name.lower()} or --imdb-id", param_hint=f"'{name}'")
    return words(given)


def note(message: str) -> None:
    """One line on stderr that is not a failure (which title an AKA found, how amounts are ordered)."""
    typer.echo(f"moviecli: {message}", err=True)


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


def catalog(db_option: Path | None, fmt: str) -> Any:
    """Check the format before anything else, then open the catalog read-only (never creating it)."""
    check_format(fmt)
    return db.connect_read(db_path(db_option))


def emit(columns: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, headers: bool = True) -> None:
    """Write rows to stdout; a reader that goes away (`| head`) ends the command quietly with 0."""
    try:
        output.write_rows(columns, rows, check_format(fmt), headers=headers)
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
        raise typer.Exit(0) from None


def emit_records(records: Iterable[dict[str, Any]], fmt: str) -> None:
    """Whole records to stdout as jsonl or one json array; a reader going away ends with 0, as emit()."""
    try:
        output.write_records(records, fmt)
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
        raise typer.Exit(0) from None


def silence_stdout() -> None:
    # Further writes (and the flush at exit) go to /dev/null instead of raising again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
