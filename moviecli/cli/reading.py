"""The reading commands: show one title, and the query commands that list rows.

Each: options in, one queries.* call, rows out through emit(). They open the catalog read-only.
"""

from collections.abc import Iterable
from typing import Annotated, Any

import typer

from moviecli import db, output, queries
from moviecli.cli.common import (
    INT64_MAX,
    INT64_MIN,
    DbOption,
    FormatOption,
    LimitOption,
    NoHeadersOption,
    catalog,
    check_format,
    db_path,
    emit,
    fail,
    one_of,
)
from moviecli.vocabulary import BOX_OFFICE_KINDS, KINDS, ROLES

app = typer.Typer()


@app.command()
def show(
    title: Annotated[str, typer.Argument(help="The title, matched ignoring case.")],
    year: Annotated[
        int | None,
        typer.Option("--year", min=INT64_MIN, max=INT64_MAX, help="The year, when several titles share a name."),
    ] = None,
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
    with db.snapshot(conn):  # a load may be replacing this title right now
        record = title_record(conn, matches[0]["id"])
    if fmt == "json":
        output.write_json(record)
    else:
        from moviecli.card import title_card

        typer.echo(title_card(record))


DescOption = Annotated[bool, typer.Option("--desc", help="Sort in descending order (missing values stay last).")]
YearOption = Annotated[
    int | None, typer.Option("--year", min=INT64_MIN, max=INT64_MAX, help="Only titles of this year.")
]
FromOption = Annotated[
    int | None, typer.Option("--from", min=INT64_MIN, max=INT64_MAX, help="Only titles of this year or later.")
]
ToOption = Annotated[
    int | None, typer.Option("--to", min=INT64_MIN, max=INT64_MAX, help="Only titles of this year or earlier.")
]


def _sort_option(sorts: Iterable[str], default: str | None) -> Any:
    """The --sort option of a command that sorts by one of `sorts`."""
    extra = f" [default: {default}]" if default else " [default: title, then the page's order]"
    return typer.Option("--sort", callback=one_of(list(sorts), "--sort"), help=f"{' | '.join(sorts)}.{extra}")


TITLE_SORT = _sort_option(queries.TITLE_SORTS, "title")
RATING_SORT = _sort_option(queries.RATING_SORTS, "title")
GROSS_SORT = _sort_option(queries.GROSS_SORTS, "title")
REVIEW_SORT = _sort_option(queries.REVIEW_SORTS, None)


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
    kind: Annotated[
        str | None, typer.Option("--kind", callback=one_of(KINDS, "--kind"), help=" | ".join(KINDS) + ".")
    ] = None,
    sort: Annotated[str | None, TITLE_SORT] = None,
    desc: DescOption = False,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    no_headers: NoHeadersOption = False,
    db_option: DbOption = None,
) -> None:
    """List titles with their genres, rating and directors; every filter narrows the list.

    Example: moviecli titles --genre drama --from 1990 --to 1999 --sort rating --desc --limit 10
    """
    conn = catalog(db_option, fmt)
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
    conn = catalog(db_option, fmt)
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
        str | None,
        typer.Option("--role", callback=one_of(ROLES, "--role"), help=" | ".join(ROLES) + "."),
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
    conn = catalog(db_option, fmt)
    emit(*queries.filmography(conn, name, role=role, limit=limit), fmt, headers=not no_headers)


@app.command()
def ratings(
    certificate: Annotated[str | None, typer.Option("--certificate", help="A certificate, e.g. PG-13.")] = None,
    min_rating: Annotated[float | None, typer.Option("--min-rating", help="Only titles rated this or higher.")] = None,
    sort: Annotated[str | None, RATING_SORT] = None,
    desc: DescOption = False,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    no_headers: NoHeadersOption = False,
    db_option: DbOption = None,
) -> None:
    """List titles with their rating, votes, metascore, review counts and certificate.

    Example: moviecli ratings --min-rating 7.5 --sort votes --desc
    """
    conn = catalog(db_option, fmt)
    columns, rows = queries.ratings(
        conn, certificate=certificate, min_rating=min_rating, sort=sort or "title", desc=desc, limit=limit
    )
    emit(columns, rows, fmt, headers=not no_headers)


@app.command()
def grosses(
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            callback=one_of(BOX_OFFICE_KINDS, "--kind"),
            help=" | ".join(BOX_OFFICE_KINDS) + ".",
        ),
    ] = None,
    currency: Annotated[str | None, typer.Option("--currency", help="An ISO 4217 code, e.g. USD.")] = None,
    year: YearOption = None,
    year_from: FromOption = None,
    year_to: ToOption = None,
    sort: Annotated[str | None, GROSS_SORT] = None,
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
    conn = catalog(db_option, fmt)
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
        int | None,
        typer.Option("--min-helpful", min=0, max=INT64_MAX, help="Only reviews this many people found helpful."),
    ] = None,
    sort: Annotated[str | None, REVIEW_SORT] = None,
    desc: DescOption = False,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    no_headers: NoHeadersOption = False,
    db_option: DbOption = None,
) -> None:
    """List user reviews; the table shortens long text, csv/tsv/json keep it whole.

    Example: moviecli reviews "Leaving Las Vegas" --sort helpful --desc --format json
    """
    conn = catalog(db_option, fmt)
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
    conn = catalog(db_option, fmt)
    emit(*queries.search(conn, query, limit=limit), fmt, headers=not no_headers)


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
