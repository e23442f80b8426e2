"""The reading commands (query commands and show) through the real CLI, on catalogs loaded from pages by `moviecli load`.

Every case is checked in every format: JSON gives the exact rows; jsonl, csv and tsv must say the
same (CSV is read back with the csv module); the table must have the same rows, in the same order.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import run as cli
from conftest import store_page

from moviecli import db, save
from moviecli.models import Title

Row = dict[str, Any]

QUERY_COMMANDS = ("titles", "people", "filmography", "ratings", "grosses", "reviews", "search", "sql", "stats")


def run(database: Path, *args: str) -> Any:
    """A query command on DATABASE."""
    return cli(*args, "--db", database)


def csv_cell(value: Any) -> str:
    if isinstance(value, list):  # JSON arrays are joined with ", " in csv, tsv and tables
        return ", ".join(map(csv_cell, value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def tsv_cell(value: Any) -> str:
    return csv_cell(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def rows_of(database: Path, *args: str, stderr: str = "") -> list[Row]:
    """The rows of a command, checked to be the same in json, jsonl, csv, tsv and table."""
    result = run(database, *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == stderr
    rows: list[Row] = json.loads(result.stdout)
    columns = list(rows[0]) if rows else None

    jsonl = run(database, *args, "-f", "jsonl")
    assert jsonl.exit_code == 0, jsonl.stderr
    assert [json.loads(line) for line in jsonl.stdout.splitlines()] == rows

    as_csv = run(database, *args, "-f", "csv")
    assert as_csv.exit_code == 0, as_csv.stderr
    records = list(csv.reader(io.StringIO(as_csv.stdout, newline="")))
    if columns:
        assert records[0] == columns
    assert records[1:] == [[csv_cell(v) for v in row.values()] for row in rows]

    tsv = run(database, *args, "-f", "tsv")
    assert tsv.exit_code == 0, tsv.stderr
    lines = tsv.stdout.split("\n")
    assert lines[-1] == ""
    if columns:
        assert lines[0] == "\t".join(columns)
    assert lines[1:-1] == ["\t".join(tsv_cell(v) for v in row.values()) for row in rows]

    table = run(database, *args)  # table is the default format
    assert table.exit_code == 0, table.stderr
    table_lines = table.stdout.splitlines()
    body = table_lines
    if columns:
        # A narrow column's header breaks at underscores over several lines, or is shortened with "…".
        first_words = table_lines[0].split()
        assert len(first_words) == len(columns)
        assert all(c.startswith(w.rstrip("…")) for c, w in zip(columns, first_words, strict=True))
    rule = next((i for i, line in enumerate(table_lines) if set(line) <= {"-", " "}), None)
    if rule is not None:
        body = table_lines[rule + 1 :]
    assert len(body) == len(rows)
    for line, row in zip(body, rows, strict=True):
        first = " ".join(csv_cell(next(iter(row.values()))).split())
        # Not a terminal: the table keeps values whole (only free text over 200 characters is shortened).
        shown = line[: len(first)].split("…")[0].rstrip()
        assert shown and first.startswith(shown)
        assert len(first) > 200 or line.startswith(first)
    return rows


# ---- the catalog of tests/fixtures/catalog, as each command shows it ----

NIGHT_FERRY = {
    "title": "Night Ferry",
    "year": 2015,
    "kind": "tv_series",
    "genres": ["Crime", "Drama", "Mystery"],
    "certificate": "TV-MA",
    "rating": 8.1,
    "votes": 5432,
    "directors": [],
}
PAPER_MOONS = {
    "title": "Paper Moons",
    "year": 2003,
    "kind": "movie",
    "genres": ["Comedy", "Romance"],
    "certificate": "PG-13",
    "rating": 6.5,
    "votes": 2100,
    "directors": ["Peter Marsh"],
}
SALT_ROAD = {
    "title": "The Salt Road",
    "year": 1994,
    "kind": "movie",
    "genres": ["Drama", "Western"],
    "certificate": "R",
    "rating": 7.2,
    "votes": 12345,
    "directors": ["Marta Quist"],
}
WIND_ROAD = {
    "title": "Wind Road",
    "year": 2010,
    "kind": "movie",
    "genres": ["Animation", "Drama", "Family"],
    "certificate": None,
    "rating": None,
    "votes": None,
    "directors": ["Kenji Sato"],
}
TITLES = {"NF": NIGHT_FERRY, "PM": PAPER_MOONS, "SR": SALT_ROAD, "WR": WIND_ROAD}


def test_titles_gives_every_title_with_its_columns(catalog_db: Path) -> None:
    assert rows_of(catalog_db, "titles") == [NIGHT_FERRY, PAPER_MOONS, SALT_ROAD, WIND_ROAD]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--search", "road"], ["SR", "WR"]),
        (["--search", "MICHI"], ["WR"]),  # the original title, Kaze no michi
        (["--search", "%"], []),  # LIKE wildcards are taken literally
        (["--genre", "drama"], ["NF", "SR", "WR"]),
        (["--genre", "Western"], ["SR"]),
        (["--year", "2003"], ["PM"]),
        (["--from", "2000", "--to", "2012"], ["PM", "WR"]),
        (["--from", "2010"], ["NF", "WR"]),
        (["--to", "2003"], ["PM", "SR"]),
        (["--person", "zoe ashdown"], ["NF", "WR"]),
        (["--person", "ZOE LINDQVIST"], ["PM", "SR"]),  # accents ignored: Zoë Lindqvist
        (["--person", "Marta Quist"], ["NF", "PM", "SR"]),  # creator, actor, director
        (["--person", "Marta"], ["NF", "PM", "SR"]),  # no exact name: the start of a word, as filmography
        (["--country", "uk"], ["NF", "PM"]),
        (["--country", "Norway"], ["NF"]),
        (["--language", "french"], ["PM"]),
        (["--certificate", "pg-13"], ["PM"]),
        (["--kind", "tv_series"], ["NF"]),
        (["--genre", "drama", "--kind", "movie", "--from", "2000"], ["WR"]),
        (["--genre", "western", "--year", "2003"], []),
        (["--sort", "year"], ["SR", "PM", "WR", "NF"]),
        (["--sort", "year", "--desc"], ["NF", "WR", "PM", "SR"]),
        (["--sort", "rating"], ["PM", "SR", "NF", "WR"]),  # no rating: last
        (["--sort", "rating", "--desc"], ["NF", "SR", "PM", "WR"]),  # no rating: still last
        (["--sort", "votes", "--desc"], ["SR", "NF", "PM", "WR"]),
        (["--sort", "title", "--desc"], ["WR", "SR", "PM", "NF"]),
        (["--desc"], ["WR", "SR", "PM", "NF"]),
        (["--limit", "2"], ["NF", "PM"]),
        (["--sort", "rating", "--desc", "--limit", "1"], ["NF"]),
        (["--limit", "0"], []),
    ],
)
def test_titles_filters_and_sorts(catalog_db: Path, args: list[str], expected: list[str]) -> None:
    assert rows_of(catalog_db, "titles", *args) == [TITLES[t] for t in expected]


def test_titles_table_is_exact(catalog_db: Path) -> None:
    result = run(catalog_db, "titles", "--genre", "drama")
    # Not a terminal: nothing is cut (fitting a terminal's width: tests/test_cli_shell.py).
    assert result.stdout == (
        "title          year  kind       genres                    certificate  rating  votes  directors\n"
        "-------------  ----  ---------  ------------------------  -----------  ------  -----  -----------\n"
        "Night Ferry    2015  tv_series  Crime, Drama, Mystery     TV-MA        8.1     5432\n"
        "The Salt Road  1994  movie      Drama, Western            R            7.2     12345  Marta Quist\n"
        "Wind Road      2010  movie      Animation, Drama, Family                              Kenji Sato\n"
    )


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["titles", "--sort", "director"], "--sort"),
        (["titles", "--kind", "film"], "--kind"),
        (["ratings", "--sort", "popularity"], "--sort"),
        (["grosses", "--sort", "currency"], "--sort"),
        (["grosses", "--kind", "rental"], "--kind"),
        (["reviews", "--sort", "title"], "--sort"),
        (["filmography", "Peter Marsh", "--role", "gaffer"], "--role"),
        (["titles", "--format", "xml"], "--format"),
    ],
)
def test_a_bad_choice_is_a_usage_error(catalog_db: Path, args: list[str], option: str) -> None:
    result = run(catalog_db, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"Invalid value for '{option}'" in result.stderr


PEOPLE = [
    {"name": "Hal Greaves", "titles": 1, "roles": ["actor", "star"]},
    {"name": "Haruto Mori", "titles": 1, "roles": ["actor", "star"]},
    {"name": "Kenji Sato", "titles": 1, "roles": ["director", "writer"]},
    {"name": "Marta Quist", "titles": 3, "roles": ["actor", "creator", "director", "writer"]},
    {"name": "Ole Brandt", "titles": 1, "roles": ["writer"]},
    {"name": "Peter Marsh", "titles": 3, "roles": ["actor", "director", "star", "writer"]},
    {"name": "Ravi Anand", "titles": 1, "roles": ["actor", "star"]},
    {"name": "Zoe Ashdown", "titles": 2, "roles": ["actor", "star"]},
    {"name": "Zoë Lindqvist", "titles": 2, "roles": ["actor", "star"]},
]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], PEOPLE),
        (["zoe"], PEOPLE[7:9]),
        (["ZOË"], PEOPLE[7:9]),
        (["marsh"], [PEOPLE[5]]),
        (["IST"], [PEOPLE[3], PEOPLE[8]]),  # anywhere in the name
        (["%"], []),
        (["--limit", "2"], PEOPLE[:2]),
    ],
)
def test_people(catalog_db: Path, args: list[str], expected: list[Row]) -> None:
    assert rows_of(catalog_db, "people", *args) == expected


RATING = {"The Salt Road": 7.2, "Paper Moons": 6.5, "Night Ferry": 8.1, "Wind Road": None, "Leaving Las Vegas": None}


def credit(year: int, title: str, role: str, character: str | None = None, note: str | None = None) -> Row:
    return {"year": year, "title": title, "role": role, "character": character, "credit": note, "rating": RATING[title]}


MARSH = [
    credit(1994, "The Salt Road", "star"),
    credit(1994, "The Salt Road", "actor", "Tom Rusk", "as Pete Marsh"),
    credit(2003, "Paper Moons", "director"),
    credit(2003, "Paper Moons", "writer", None, "written by"),
    credit(2015, "Night Ferry", "star"),
    credit(2015, "Night Ferry", "actor", "Captain Ilse Berg", "12 episodes, 2015-2018"),
]
LINDQVIST = [
    credit(1994, "The Salt Road", "star"),
    credit(1994, "The Salt Road", "actor", "Ada Rusk"),
    credit(2003, "Paper Moons", "star"),
    credit(2003, "Paper Moons", "actor", "June Parry"),
]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["Peter Marsh"], MARSH),
        (["peter marsh", "--role", "actor"], [MARSH[1], MARSH[5]]),
        (["Peter Marsh", "--role", "writer"], [MARSH[3]]),
        (["Peter Marsh", "--role", "creator"], []),
        (["Peter Marsh", "--limit", "2"], MARSH[:2]),
        (["Zoë Lindqvist"], LINDQVIST),
        (["zoe lindqvist"], LINDQVIST),  # case and accents ignored
        (["LINDQVIST"], LINDQVIST),  # no exact match: the start of a word of the name
        (["Zoe Lind"], LINDQVIST),  # ... or of the name
        (
            ["Marta Quist"],
            [
                credit(1994, "The Salt Road", "director"),
                credit(1994, "The Salt Road", "writer", None, "screenplay by"),
                credit(2003, "Paper Moons", "actor", "Herself", "uncredited"),
                credit(2015, "Night Ferry", "creator"),
            ],
        ),
        (["Ole Brandt"], [credit(1994, "The Salt Road", "writer", None, "novel")]),
        (["Zoe Ashdown", "--role", "actor"], [
            credit(2010, "Wind Road", "actor", "Mina", "voice"),
            credit(2015, "Night Ferry", "actor", "Purser", "8 episodes, 2015-2016"),
        ]),
    ],
)  # fmt: skip
def test_filmography(catalog_db: Path, args: list[str], expected: list[Row]) -> None:
    assert rows_of(catalog_db, "filmography", *args) == expected


def test_filmography_table_is_exact(catalog_db: Path) -> None:
    result = run(catalog_db, "filmography", "marta quist")
    assert result.stdout == (
        "year  title          role      character  credit         rating\n"
        "----  -------------  --------  ---------  -------------  ------\n"
        "1994  The Salt Road  director                            7.2\n"
        "1994  The Salt Road  writer               screenplay by  7.2\n"
        "2003  Paper Moons    actor     Herself    uncredited     6.5\n"
        "2015  Night Ferry    creator                             8.1\n"
    )


def test_filmography_of_a_name_several_people_share_lists_them_and_fails(catalog_db: Path) -> None:
    result = run(catalog_db, "filmography", "zoe", "-f", "csv")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "moviecli: 2 people match 'zoe'; give the full name:\n  Zoe Ashdown\n  Zoë Lindqvist\n"


def test_filmography_of_nobody_says_so_and_fails(catalog_db: Path) -> None:
    result = run(catalog_db, "filmography", "Orson Welles")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "moviecli: no person 'Orson Welles' in the catalog\n"


def rating(title: str, year: int, *values: Any) -> Row:
    keys = ("certificate", "certificate_reason", "rating", "votes", "metascore", "user_reviews", "critic_reviews")
    return {"title": title, "year": year, **dict(zip(keys, values, strict=True))}


RATINGS = {
    "NF": rating("Night Ferry", 2015, "TV-MA", None, 8.1, 5432, None, 30, 12),
    "PM": rating("Paper Moons", 2003, "PG-13", "for some language", 6.5, 2100, None, 15, 9),
    "SR": rating("The Salt Road", 1994, "R", "for violence and language", 7.2, 12345, 68, 48, 21),
    "WR": rating("Wind Road", 2010, None, None, None, None, None, None, None),
}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], ["NF", "PM", "SR", "WR"]),
        (["--certificate", "r"], ["SR"]),
        (["--certificate", "TV-MA"], ["NF"]),
        (["--min-rating", "7"], ["NF", "SR"]),
        (["--min-rating", "7.2"], ["NF", "SR"]),
        (["--min-rating", "9"], []),
        (["--sort", "rating"], ["PM", "SR", "NF", "WR"]),
        (["--sort", "rating", "--desc"], ["NF", "SR", "PM", "WR"]),
        (["--sort", "votes"], ["PM", "NF", "SR", "WR"]),
        (["--sort", "metascore", "--desc"], ["SR", "NF", "PM", "WR"]),  # ties (no score) by title
        (["--sort", "year", "--desc"], ["NF", "WR", "PM", "SR"]),
        (["--sort", "title", "--desc", "--limit", "3"], ["WR", "SR", "PM"]),
        (["--min-rating", "6", "--sort", "votes", "--desc"], ["SR", "NF", "PM"]),
    ],
)
def test_ratings(catalog_db: Path, args: list[str], expected: list[str]) -> None:
    assert rows_of(catalog_db, "ratings", *args) == [RATINGS[t] for t in expected]


def gross(
    title: str, year: int, kind: str, amount: int, currency: str, country: str | None, date: str | None, estimated: bool
) -> Row:
    return {
        "title": title,
        "year": year,
        "kind": kind,
        "amount": amount,
        "currency": currency,
        "country": country,
        "date": date,
        "estimated": estimated,
    }


PM_BUDGET = gross("Paper Moons", 2003, "budget", 1200000, "GBP", None, None, True)
PM_OPENING = gross("Paper Moons", 2003, "opening_weekend", 310000, "GBP", "UK", "2003-04-13", False)
PM_GROSS = gross("Paper Moons", 2003, "gross", 3400000, "GBP", "UK", "2003-05-02", False)
SR_BUDGET = gross("The Salt Road", 1994, "budget", 4000000, "USD", None, None, True)
SR_OPENING = gross("The Salt Road", 1994, "opening_weekend", 250000, "USD", "USA", "1994-03-06", False)
SR_GROSS = gross("The Salt Road", 1994, "gross", 9100000, "USD", "USA", None, False)
WR_BUDGET = gross("Wind Road", 2010, "budget", 500000000, "JPY", None, None, True)
WR_OPENING = gross("Wind Road", 2010, "opening_weekend", 1052197, "USD", "France", "2011-04-17", False)
WR_WORLDWIDE = gross("Wind Road", 2010, "worldwide_gross", 12500000, "USD", None, None, False)
PM3, SR3, WR3 = (
    [PM_BUDGET, PM_OPENING, PM_GROSS],
    [SR_BUDGET, SR_OPENING, SR_GROSS],
    [WR_BUDGET, WR_OPENING, WR_WORLDWIDE],
)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], PM3 + SR3 + WR3),  # by title, each title's figures in page order
        (["--kind", "budget"], [PM_BUDGET, SR_BUDGET, WR_BUDGET]),
        (["--kind", "worldwide_gross"], [WR_WORLDWIDE]),
        (["--currency", "usd"], [*SR3, WR_OPENING, WR_WORLDWIDE]),
        (["--currency", "JPY"], [WR_BUDGET]),
        (["--year", "2010"], WR3),
        (["--from", "2000", "--to", "2005"], PM3),
        (["--from", "2004"], WR3),
        (["--sort", "year", "--desc"], WR3 + PM3 + SR3),
        (["--sort", "title", "--desc"], WR3 + SR3 + PM3),
        # By amount: grouped by currency (GBP, JPY, USD), amounts ordered within each currency only.
        (
            ["--sort", "amount"],
            [PM_OPENING, PM_BUDGET, PM_GROSS, WR_BUDGET, SR_OPENING, WR_OPENING, SR_BUDGET, SR_GROSS, WR_WORLDWIDE],
        ),
        (
            ["--sort", "amount", "--desc"],
            [PM_GROSS, PM_BUDGET, PM_OPENING, WR_BUDGET, WR_WORLDWIDE, SR_GROSS, SR_BUDGET, WR_OPENING, SR_OPENING],
        ),
        (["--kind", "budget", "--sort", "amount", "--desc"], [PM_BUDGET, WR_BUDGET, SR_BUDGET]),
        (["--currency", "USD", "--sort", "amount", "--desc", "--limit", "2"], [WR_WORLDWIDE, SR_GROSS]),
        (["--kind", "gross", "--year", "2010"], []),
    ],
)
def test_grosses(catalog_db: Path, args: list[str], expected: list[Row]) -> None:
    # Amounts of several currencies in one list: stderr says they are ordered per currency only.
    mixed = "moviecli: amounts are ordered within each currency (GBP, JPY, USD), never across currencies\n"
    stderr = mixed if "amount" in args and "--currency" not in args else ""
    assert rows_of(catalog_db, "grosses", *args, stderr=stderr) == expected


def test_grosses_amounts_stay_whole_integers_in_csv(catalog_db: Path) -> None:
    result = run(catalog_db, "grosses", "--kind", "budget", "-f", "csv")
    assert result.stdout == (
        "title,year,kind,amount,currency,country,date,estimated\n"
        "Paper Moons,2003,budget,1200000,GBP,,,true\n"
        "The Salt Road,1994,budget,4000000,USD,,,true\n"
        "Wind Road,2010,budget,500000000,JPY,,,true\n"
    )


SALT_ROAD_REVIEW_TEXT = (
    "Lindqvist carries the film on her shoulders, and the tragedy of the ending is earned."
    "\n\nThe landscape photography is the real star."
)
REVIEWS = {
    "NF": {
        "title": "Night Ferry",
        "year": 2015,
        "date": "2016-12-01",
        "author": "nordicnoir",
        "review_title": "Gripping from the first crossing",
        "rating": None,
        "helpful": 7,
        "helpful_total": 7,
        "text": "Every episode ends with a hook. Marsh has never been better.",
    },
    "PM": {
        "title": "Paper Moons",
        "year": 2003,
        "date": "2003-04-20",
        "author": "tea-and-toast",
        "review_title": "Charming and slight",
        "rating": None,
        "helpful": 5,
        "helpful_total": 5,
        "text": "A small film that knows exactly what it is. Greaves steals every scene.",
    },
    "SR": {
        "title": "The Salt Road",
        "year": 1994,
        "date": "2010-05-14",
        "author": "dustyboots",
        "review_title": "A hard, beautiful journey",
        "rating": None,
        "helpful": 10,
        "helpful_total": 12,
        "text": SALT_ROAD_REVIEW_TEXT,
    },
}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], ["NF", "PM", "SR"]),
        (["paper moons"], ["PM"]),
        (["THE SALT ROAD"], ["SR"]),
        (["Wind Road"], []),  # a title without reviews
        (["--year", "1994"], ["SR"]),
        (["--author", "NordicNoir"], ["NF"]),
        (["--min-helpful", "6"], ["NF", "SR"]),
        (["--sort", "helpful"], ["PM", "NF", "SR"]),
        (["--sort", "helpful", "--desc"], ["SR", "NF", "PM"]),
        (["--sort", "date"], ["PM", "SR", "NF"]),
        (["--sort", "date", "--desc", "--limit", "2"], ["NF", "SR"]),
        (["--min-helpful", "6", "--sort", "helpful"], ["NF", "SR"]),
    ],
)
def test_reviews(catalog_db: Path, args: list[str], expected: list[str]) -> None:
    assert rows_of(catalog_db, "reviews", *args) == [REVIEWS[t] for t in expected]


def test_reviews_table_in_a_pipe_and_other_formats_keep_text_whole(catalog_db: Path) -> None:
    table = run(catalog_db, "reviews", "The Salt Road").stdout
    # Not a terminal: the text is whole, on one line (shortened on a terminal: tests/test_cli_shell.py).
    assert table.splitlines()[0].split() == [
        "title",
        "year",
        "date",
        "author",
        "review_title",
        "rating",
        "helpful",
        "helpful_total",
        "text",
    ]
    assert table.splitlines()[2].endswith(
        "  Lindqvist carries the film on her shoulders, and the tragedy of the ending is earned."
        " The landscape photography is the real star."
    )
    assert json.loads(run(catalog_db, "reviews", "The Salt Road", "-f", "json").stdout)[0]["text"] == (
        SALT_ROAD_REVIEW_TEXT
    )
    [row] = csv.DictReader(io.StringIO(run(catalog_db, "reviews", "The Salt Road", "-f", "csv").stdout))
    assert row["text"] == SALT_ROAD_REVIEW_TEXT
    tsv = run(catalog_db, "reviews", "The Salt Road", "-f", "tsv").stdout.splitlines()[1]
    assert tsv.endswith("\tLindqvist carries the film on her shoulders, and the tragedy of the ending is earned."
                        "\\n\\nThe landscape photography is the real star.")  # fmt: skip


def match(title: str, year: int, field: str, snippet: str) -> Row:
    return {"title": title, "year": year, "field": field, "snippet": snippet}


SALT = [
    match("The Salt Road", 1994, "title", "The *Salt* Road"),
    match("The Salt Road", 1994, "quotes", "Ada Rusk: [to Tom] The *salt* remembers every footprint."),
    match("The Salt Road", 1994, "trivia", "The *salt* flat scenes were filmed at dawn to avoid the heat…"),
    match("The Salt Road", 1994, "summary", "…father's cattle across a dry *salt* flat before the winter comes."),
    match("The Salt Road", 1994, "storyline", "…Tom Rusk take his cattle across the *salt* flats to the railhead."),
]
SPIDER = "Marsh wrote the script in a {} notebook he bought for…"
AMOUR = "June Parry: [reading the card] Pour {}, not for money."


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("salt", SALT),  # best first: the shortest text that has the word
        ("SALT", SALT),
        ("salt)", SALT),  # FTS syntax characters are not syntax
        ("salt*", SALT),
        (
            "salt flat",  # every word must occur, or a word of its stem: "salt flats" matches too
            [
                match(
                    "The Salt Road", 1994, "trivia", "The *salt* *flat* scenes were filmed at dawn to avoid the heat…"
                ),
                match(
                    "The Salt Road",
                    1994,
                    "summary",
                    "…father's cattle across a dry *salt* *flat* before the winter comes.",
                ),
                match(
                    "The Salt Road",
                    1994,
                    "storyline",
                    "…Tom Rusk take his cattle across the *salt* *flats* to the railhead.",
                ),
            ],
        ),
        ("Spider-Man:", [match("Paper Moons", 2003, "trivia", SPIDER.format("*Spider-Man*"))]),
        ("spider man", [match("Paper Moons", 2003, "trivia", SPIDER.format("*Spider*-*Man*"))]),
        ("l'amour", [match("Paper Moons", 2003, "quotes", AMOUR.format("*l'amour*"))]),
        ("amour", [match("Paper Moons", 2003, "quotes", AMOUR.format("l'*amour*"))]),
        ('"quoted"', []),
        ('"unbalanced', []),
        (
            "salt AND",  # AND is a word to find, not an operator
            [
                match(
                    "The Salt Road",
                    1994,
                    "storyline",
                    "…Ada *and* Tom Rusk take his cattle across the *salt* flats to…",
                )
            ],
        ),
        ("NEAR(salt flat)", []),
        (
            "tragedy",
            [
                match(
                    "The Salt Road",
                    1994,
                    "review",
                    "…on her shoulders, and the *tragedy* of the ending is earned.\n\nThe…",
                )
            ],
        ),
        ("::: -- ()", []),  # no words at all: nothing
        ("", []),
    ],
)
def test_search(catalog_db: Path, query: str, expected: list[Row]) -> None:
    assert rows_of(catalog_db, "search", query, "--per-title", "0") == expected


def test_search_limit(catalog_db: Path) -> None:
    assert rows_of(catalog_db, "search", "salt", "--per-title", "0", "--limit", "2") == SALT[:2]


def test_sql_runs_a_read_statement(catalog_db: Path) -> None:
    assert rows_of(catalog_db, "sql", "SELECT title, year FROM titles WHERE year < 2005 ORDER BY year") == [
        {"title": "The Salt Road", "year": 1994},
        {"title": "Paper Moons", "year": 2003},
    ]
    assert rows_of(catalog_db, "sql", "WITH g AS (SELECT genre FROM genres) SELECT count(*) AS n FROM g") == [{"n": 10}]
    assert rows_of(catalog_db, "sql", "  -- a comment first\nPRAGMA user_version") == [
        {"user_version": db.SCHEMA_VERSION}
    ]
    assert rows_of(catalog_db, "sql", "SELECT count(*) AS n FROM search_index WHERE search_index MATCH 'amour'") == [
        {"n": 1}
    ]
    assert rows_of(catalog_db, "sql", "SELECT 1 AS n", "--limit", "0") == []


WRITES = [
    "INSERT INTO genres (title_id, position, genre) VALUES (1, 99, 'Horror')",
    "DELETE FROM titles",
    "UPDATE titles SET rating = 1.0",
    "DROP TABLE reviews",
    "CREATE TABLE notes (x)",
    "ALTER TABLE titles ADD COLUMN x",
    "WITH doomed AS (SELECT id FROM titles) DELETE FROM titles WHERE id IN doomed",
    "REPLACE INTO people (id, name, name_key) VALUES (1, 'x', 'x')",
    "SELECT 1; DELETE FROM titles",
    "PRAGMA query_only = 0",
    "PRAGMA user_version = 7",
    "PRAGMA journal_mode = DELETE",
    "ATTACH DATABASE ':memory:' AS other",
    "VACUUM",
    "REINDEX",
    "ANALYZE",
    "BEGIN",
    "INSERT INTO search_index (search_index) VALUES ('rebuild')",
    "WITH x AS (SELECT 1) UPDATE sqlite_master SET sql = NULL",
    "PRAGMA writable_schema = ON",
]


@pytest.mark.parametrize("statement", WRITES)
def test_sql_refuses_anything_that_writes_and_leaves_the_catalog_untouched(
    catalog_db: Path, tmp_path: Path, statement: str
) -> None:
    database = tmp_path / "copy.db"
    shutil.copy(catalog_db, database)
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    result = run(database, "sql", statement)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("moviecli: sql: ")
    assert result.stderr.count("\n") == 1
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before
    with sqlite3.connect(database) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("titles", "genres", "people")}
        assert counts == {"titles": 4, "genres": 10, "people": 9}
        assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION


def test_sql_error_is_one_line(catalog_db: Path) -> None:
    result = run(catalog_db, "sql", "SELECT nonsense FROM titles")
    assert result.exit_code == 1
    assert result.stderr == "moviecli: sql: no such column: nonsense\n"


def test_stats_counts_every_table(catalog_db: Path) -> None:
    assert rows_of(catalog_db, "stats") == [
        {"table": "box_office", "rows": 9},
        {"table": "countries", "rows": 6},
        {"table": "credits", "rows": 27},
        {"table": "episodes", "rows": 0},
        {"table": "genres", "rows": 10},
        {"table": "imdb_fills", "rows": 0},
        {"table": "import_files", "rows": 0},
        {"table": "imports", "rows": 1},
        {"table": "languages", "rows": 7},
        {"table": "page_files", "rows": 4},
        {"table": "pages", "rows": 4},
        {"table": "people", "rows": 9},
        {"table": "reviews", "rows": 3},
        {"table": "search_docs", "rows": 33},  # titles, AKAs, people, texts
        {"table": "soundtracks", "rows": 0},
        {"table": "title_items", "rows": 5},
        {"table": "titles", "rows": 4},
    ]


# ---- what every query command shares ----

ARGS = {"filmography": ["Peter Marsh"], "search": ["salt"], "sql": ["SELECT 1 AS one"]}


@pytest.mark.parametrize("command", QUERY_COMMANDS)
def test_a_missing_database_is_an_error_and_is_not_created(tmp_path: Path, command: str) -> None:
    missing = tmp_path / "nowhere" / "catalog.db"
    result = run(missing, command, *ARGS.get(command, []))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"moviecli: no database at {missing} (run 'moviecli load' first, or pass --db)\n"
    assert not missing.exists()
    assert not missing.parent.exists()


@pytest.mark.parametrize("command", QUERY_COMMANDS)
def test_no_headers(catalog_db: Path, command: str) -> None:
    args = [command, *ARGS.get(command, [])]
    with_headers = list(csv.reader(io.StringIO(run(catalog_db, *args, "-f", "csv").stdout, newline="")))
    without = list(csv.reader(io.StringIO(run(catalog_db, *args, "--no-headers", "-f", "csv").stdout, newline="")))
    assert without == with_headers[1:]
    tsv = run(catalog_db, *args, "-f", "tsv").stdout.splitlines()
    assert run(catalog_db, *args, "--no-headers", "-f", "tsv").stdout.splitlines() == tsv[1:]
    table = run(catalog_db, *args, "--no-headers").stdout.splitlines()
    data_lines = [line for line in table if not set(line) <= {"-", " "}]
    assert len(data_lines) == len(without)
    assert data_lines[0].split() != with_headers[0]


def test_no_rows_is_headers_only_or_an_empty_array(catalog_db: Path) -> None:
    args = ["titles", "--year", "1900"]
    assert run(catalog_db, *args, "-f", "json").stdout == "[]\n"
    assert run(catalog_db, *args, "-f", "jsonl").stdout == ""
    assert run(catalog_db, *args, "-f", "csv").stdout == "title,year,kind,genres,certificate,rating,votes,directors\n"
    assert (
        run(catalog_db, *args, "-f", "tsv").stdout
        == "title\tyear\tkind\tgenres\tcertificate\trating\tvotes\tdirectors\n"
    )
    table = run(catalog_db, *args)
    assert table.exit_code == 0
    assert table.stdout.splitlines()[0].split() == ["title", "year", "kind", "genres", "certificate", "rating", "votes", "directors"]  # fmt: skip


def test_query_commands_never_write_the_catalog(catalog_db: Path, tmp_path: Path) -> None:
    database = tmp_path / "copy.db"
    shutil.copy(catalog_db, database)
    before = database.stat().st_mtime_ns, hashlib.sha256(database.read_bytes()).hexdigest()
    for command in QUERY_COMMANDS:
        assert run(database, command, *ARGS.get(command, [])).exit_code == 0
    assert (database.stat().st_mtime_ns, hashlib.sha256(database.read_bytes()).hexdigest()) == before


# ---- real processes: pipes and streaming ----


def moviecli(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "moviecli", *map(str, args)]


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough titles that csv output overflows a pipe's buffer."""
    database = tmp_path_factory.mktemp("big") / "big.db"
    conn = db.connect_write(database)
    with db.transaction(conn):
        page_id = store_page(conn, "big.txt", "big", "big", "utf-8", "test")
        for i in range(5000):
            save.save_title(
                conn, Title(title=f"Film number {i:05d} with a long enough name", year=1900 + i % 120), page_id
            )
    conn.close()
    return database


def test_titles_csv_piped_to_head_ends_quietly(big_db: Path) -> None:
    pipeline = subprocess.run(
        f"{' '.join(moviecli('titles', '-f', 'csv', '--db', big_db))} | head -1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
        executable="/bin/bash",
        env=None,
    )
    assert pipeline.stdout == "title,year,kind,genres,certificate,rating,votes,directors\n"
    assert pipeline.stderr == ""


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl", "json"])
def test_reader_going_away_exits_zero_without_a_traceback(big_db: Path, fmt: str) -> None:
    process = subprocess.Popen(
        moviecli("titles", "-f", fmt, "--db", big_db), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()
    assert process.wait(timeout=30) == 0
    assert process.stderr.read() == b""


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl"])
def test_csv_tsv_and_jsonl_stream_rows_as_they_come(catalog_db: Path, fmt: str) -> None:
    # A hundred million rows would take minutes to collect; streamed, the first ones arrive at once.
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n LIMIT 100000000) SELECT i FROM n"
    process = subprocess.Popen(moviecli("sql", endless, "-f", fmt, "--db", catalog_db), stdout=subprocess.PIPE)
    assert process.stdout is not None
    started = time.monotonic()
    try:
        first = [process.stdout.readline() for _ in range(3)]
        elapsed = time.monotonic() - started
    finally:
        process.kill()
        process.wait()
        process.stdout.close()
    expected = {
        "csv": [b"i\n", b"1\n", b"2\n"],
        "tsv": [b"i\n", b"1\n", b"2\n"],
        "jsonl": [b'{"i": 1}\n', b'{"i": 2}\n', b'{"i": 3}\n'],
    }
    assert first == expected[fmt]
    assert elapsed < 10


# ---- the sample page (seeds/) ----


def test_sample_filmography_of_mike_figgis(seeds_db: Path) -> None:
    assert rows_of(seeds_db, "filmography", "Mike Figgis") == [
        credit(1995, "Leaving Las Vegas", "director"),
        credit(1995, "Leaving Las Vegas", "writer", None, "screenplay by"),
    ]


def test_sample_grosses_csv(seeds_db: Path) -> None:
    result = run(seeds_db, "grosses", "-f", "csv")
    assert result.exit_code == 0
    assert result.stdout == (
        "title,year,kind,amount,currency,country,date,estimated\n"
        "Leaving Las Vegas,1995,budget,3600000,USD,,,true\n"
        "Leaving Las Vegas,1995,opening_weekend,70864,USD,USA,1995-10-29,false\n"
    )


def test_sample_review(seeds_db: Path) -> None:
    [review] = rows_of(seeds_db, "reviews", "Leaving Las Vegas")
    assert review["author"] == "luke-a-mcgowan"
    assert review["review_title"] == "An unrelenting tragedy, with raw and passionate performances"
    assert (review["date"], review["helpful"], review["helpful_total"]) == ("2015-06-12", 4, 4)
    assert review["text"].startswith("Having recovered from the mind-numbing Heat")
    assert review["text"].endswith("are completely washed away.")


def test_sample_search_finds_the_review(seeds_db: Path) -> None:
    assert rows_of(seeds_db, "search", "tragedy") == [
        match(
            "Leaving Las Vegas",
            1995,
            "review",
            "An unrelenting *tragedy*, with raw and passionate performances\n\nHaving recovered from the…",
        )
    ]
