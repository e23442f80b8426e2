"""The reading commands: show one title, and the query commands that list rows.

Each: options in, one queries.* call, rows out through emit(). They open the catalog read-only.
A title or a person is found the same way by every command (lookup.py): by its name, another of its
titles or its IMDb id; the words of a TITLE or NAME need no quotes.
"""

from typing import Annotated, Any

import typer

from moviecli import db, output, queries
from moviecli.cli.common import (
    INT64_MAX,
    INT64_MIN,
    BoxOfficeKind,
    DbOption,
    FilmographySort,
    FormatOption,
    GrossSort,
    ImdbIdOption,
    Kind,
    LimitOption,
    NoHeadersOption,
    PeopleSort,
    RatingSort,
    ReviewSort,
    Role,
    ShowFormat,
    TitleSort,
    catalog,
    check_format,
    db_path,
    emit,
    note,
    words,
    words_or_id,
)

app = typer.Typer()


def _matched_note(match: Any) -> None:
    """Say on stderr which of its titles a title was found by, when it was not its own title."""
    from moviecli.lookup import matched_note

    if message := matched_note(match):
        note(message)


@app.command()
def show(
    title: Annotated[
        list[str] | None,
        typer.Argument(help="The title, original title, an AKA or an IMDb id (tt0113627), ignoring case."),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", min=INT64_MIN, max=INT64_MAX, help="The year, when several titles share a name."),
    ] = None,
    imdb_id: ImdbIdOption = None,
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f", case_sensitive=False, help="Output format.")] = "table",
    db_option: DbOption = None,
) -> None:
    """Show one title: a readable card, or the JSON record other programs rely on.

    Found by another of its titles (original title, AKA), the title says so on stderr.

    Example: moviecli show Leaving Las Vegas --year 1995 --format json
    """
    from moviecli.lookup import find_title
    from moviecli.record import title_record

    check_format(fmt, ("table", "json"))
    text = words_or_id(title, imdb_id, "TITLE")
    conn = db.connect_read(db_path(db_option))
    match = find_title(conn, text, year, imdb_id=imdb_id)
    _matched_note(match)
    with db.snapshot(conn):  # a load may be replacing this title right now
        record = title_record(conn, match.id)
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
MinRatingOption = Annotated[float | None, typer.Option("--min-rating", help="Only titles rated this or higher.")]
MinVotesOption = Annotated[
    int | None, typer.Option("--min-votes", min=0, max=INT64_MAX, help="Only titles with this many votes.")
]


def _sort_option(default: str | None) -> Any:
    """The --sort option of a command (its choices are the annotation's)."""
    extra = f" [default: {default}]" if default else " [default: title, then the page's order]"
    return typer.Option("--sort", case_sensitive=False, help=f"What to sort by.{extra}")


RoleOption = Annotated[Role | None, typer.Option("--role", case_sensitive=False, help="Only credits in this role.")]


TITLE_SORT = _sort_option("title")
RATING_SORT = _sort_option("title")
GROSS_SORT = _sort_option("title")
REVIEW_SORT = _sort_option(None)
PEOPLE_SORT = _sort_option("name")
FILMOGRAPHY_SORT = _sort_option("year")


@app.command()
def titles(
    search: Annotated[
        str | None, typer.Option("--search", help="Text in the title, original title or an AKA (stderr says which).")
    ] = None,
    genre: Annotated[
        list[str] | None, typer.Option("--genre", help="A genre, e.g. Drama; repeated: every one of them.")
    ] = None,
    year: YearOption = None,
    year_from: FromOption = None,
    year_to: ToOption = None,
    person: Annotated[
        str | None,
        typer.Option("--person", help="Someone credited: a name (case and accents ignored) or an IMDb id (nm…)."),
    ] = None,
    role: Annotated[
        Role | None, typer.Option("--role", case_sensitive=False, help="Credited in this role (with --person: theirs).")
    ] = None,
    country: Annotated[
        list[str] | None, typer.Option("--country", help="A country, e.g. UK; repeated: every one of them.")
    ] = None,
    language: Annotated[
        list[str] | None, typer.Option("--language", help="A language, e.g. English; repeated: every one of them.")
    ] = None,
    certificate: Annotated[str | None, typer.Option("--certificate", help="A certificate, e.g. R.")] = None,
    kind: Annotated[Kind | None, typer.Option("--kind", case_sensitive=False, help="Only titles of this kind.")] = None,
    min_rating: MinRatingOption = None,
    min_votes: MinVotesOption = None,
    sort: Annotated[TitleSort | None, TITLE_SORT] = None,
    desc: DescOption = False,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    no_headers: NoHeadersOption = False,
    db_option: DbOption = None,
) -> None:
    """List titles with their genres, rating and directors; every filter narrows the list.

    Repeated --genre, --country and --language all hold: --genre Comedy --genre Fantasy is both.

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
        role=role,
        country=country,
        language=language,
        certificate=certificate,
        kind=kind,
        min_rating=min_rating,
        min_votes=min_votes,
        sort=sort or "title",
        desc=desc,
        limit=limit,
        on_note=note,
    )
    emit(columns, rows, fmt, headers=not no_headers)


@app.command()
def people(
    text: Annotated[list[str] | None, typer.Argument(help="Part of a name (case and accents ignored).")] = None,
    role: Annotated[
        Role | None, typer.Option("--role", case_sensitive=False, help="Only people credited in this role.")
    ] = None,
    sort: Annotated[PeopleSort | None, PEOPLE_SORT] = None,
    desc: DescOption = False,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    no_headers: NoHeadersOption = False,
    db_option: DbOption = None,
) -> None:
    """List credited people: how many titles each has, and in which roles.

    Example: moviecli people --role director --sort titles --desc --format csv
    """
    conn = catalog(db_option, fmt)
    rows = queries.people(conn, words(text), role=role, sort=sort or "name", desc=desc, limit=limit)
    emit(*rows, fmt, headers=not no_headers)


@app.command()
def filmography(
    name: Annotated[
        list[str] | None,
        typer.Argument(
            help="A person's name, ignoring case and accents, or an IMDb id (nm…). The exact name wins; else"
            ' the start of the name or of one of its words ("figgis" finds Mike Figgis). Several matches'
            " are listed, exit 1."
        ),
    ] = None,
    imdb_id: ImdbIdOption = None,
    role: RoleOption = None,
    sort: Annotated[FilmographySort | None, FILMOGRAPHY_SORT] = None,
    desc: DescOption = False,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    no_headers: NoHeadersOption = False,
    db_option: DbOption = None,
) -> None:
    """List one person's credits, by year then title; credit is the writer's credit or the cast note.

    NAME ignores case and accents ("zoe" finds Zoë); several words need no quotes. An exact name
    wins; without one, the start of the name or of any word in it matches. Nobody, or several
    people, matching is said on stderr with the close or matching names (exit 1).

    Example: moviecli filmography Mike Figgis --role writer --sort rating --desc
    """
    text = words_or_id(name, imdb_id, "NAME")
    conn = catalog(db_option, fmt)
    columns, rows = queries.filmography(
        conn, text, imdb_id=imdb_id, role=role, sort=sort or "year", desc=desc, limit=limit
    )
    emit(columns, rows, fmt, headers=not no_headers)


@app.command()
def ratings(
    certificate: Annotated[str | None, typer.Option("--certificate", help="A certificate, e.g. PG-13.")] = None,
    min_rating: MinRatingOption = None,
    min_votes: MinVotesOption = None,
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
    conn = catalog(db_option, fmt)
    columns, rows = queries.ratings(
        conn,
        certificate=certificate,
        min_rating=min_rating,
        min_votes=min_votes,
        sort=sort or "title",
        desc=desc,
        limit=limit,
    )
    emit(columns, rows, fmt, headers=not no_headers)


@app.command()
def grosses(
    title: Annotated[
        list[str] | None, typer.Argument(help="Only this title (title, original title, AKA or IMDb id).")
    ] = None,
    kind: Annotated[
        BoxOfficeKind | None, typer.Option("--kind", case_sensitive=False, help="Only figures of this kind.")
    ] = None,
    currency: Annotated[str | None, typer.Option("--currency", help="An ISO 4217 code, e.g. USD.")] = None,
    country: Annotated[str | None, typer.Option("--country", help="Figures for this country, e.g. USA.")] = None,
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

    Sorting by amount groups the figures by currency (alphabetically), then orders the amounts within
    each currency; with several currencies shown, stderr says so.

    Example: moviecli grosses --kind budget --sort amount --desc --limit 10
    """
    conn = catalog(db_option, fmt)
    columns, rows = queries.grosses(
        conn,
        words(title) if title else None,
        title_year=year,
        kind=kind,
        country=country,
        currency=currency,
        year=year,
        year_from=year_from,
        year_to=year_to,
        sort=sort or "title",
        desc=desc,
        limit=limit,
        on_note=note,
    )
    emit(columns, rows, fmt, headers=not no_headers)


@app.command()
def reviews(
    title: Annotated[
        list[str] | None, typer.Argument(help="A title, original title, AKA or IMDb id, ignoring case.")
    ] = None,
    year: YearOption = None,
    author: Annotated[str | None, typer.Option("--author", help="The reviewer's name, ignoring case.")] = None,
    min_helpful: Annotated[
        int | None,
        typer.Option("--min-helpful", min=0, max=INT64_MAX, help="Only reviews this many people found helpful."),
    ] = None,
    sort: Annotated[ReviewSort | None, REVIEW_SORT] = None,
    desc: DescOption = False,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    no_headers: NoHeadersOption = False,
    db_option: DbOption = None,
) -> None:
    """List user reviews; the table shortens long text, csv/tsv/json keep it whole.

    Example: moviecli reviews Leaving Las Vegas --sort helpful --desc --format json
    """
    conn = catalog(db_option, fmt)
    columns, rows = queries.reviews(
        conn,
        words(title) or None,
        year=year,
        author=author,
        min_helpful=min_helpful,
        sort=sort,
        desc=desc,
        limit=limit,
        on_note=note,
    )
    emit(columns, rows, fmt, headers=not no_headers)


@app.command()
def search(
    query: Annotated[list[str], typer.Argument(help="Words to find, all of them; punctuation is ignored.")],
    limit: LimitOption = None,
    per_title: Annotated[
        int,
        typer.Option(
            "--per-title", min=0, max=INT64_MAX, help="Rows of one title at most, its best fields first (0: all)."
        ),
    ] = 1,
    fmt: FormatOption = "table",
    no_headers: NoHeadersOption = False,
    db_option: DbOption = None,
) -> None:
    """Full-text search of titles, AKAs, people, summaries, storylines, reviews, trivia, goofs and quotes; best first.

    Each word typed must occur, or a word of the same stem ("drink" finds "drinking"); `drink*`
    finds every word starting so. Case, accents and letters like ł ø ß are ignored. In the
    snippet, matched words are marked *like this*.

    Example: moviecli search las vegas --limit 5
    """
    from moviecli.search import search as full_text

    conn = catalog(db_option, fmt)
    emit(*full_text(conn, words(query), limit=limit, per_title=per_title), fmt, headers=not no_headers)
