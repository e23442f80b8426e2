"""Details and box office: dates of reduced precision, every box-office line, money read exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from moviecli.cli import app
from moviecli.models import BoxOffice
from moviecli.parse import parse_page
from moviecli.parse.header import read_subtext
from moviecli.parse.values import UnreadableMoney, iso_partial_date, money, read_release

PAGES = Path(__file__).parent / "fixtures" / "pages"
BOX_OFFICE = PAGES / "a_box_office.txt"

# What a_box_office.txt says, line for line: three opening weekends, dated grosses, currencies as written.
GLASS_ORCHARD_BOX_OFFICE = [
    BoxOffice("budget", 1500000, "USD", estimated=True),
    BoxOffice("opening_weekend", 412300, "GBP", country="United Kingdom", date="2012-03-16"),
    BoxOffice("opening_weekend", 70864, "USD", country="USA", date="2012-03-23"),
    BoxOffice("opening_weekend", 1250000000, "KRW", country="South Korea", date="2012-02-09"),
    BoxOffice("gross", 2104118, "USD", country="USA", date="2012-05-20"),
    BoxOffice("gross", 1500000, "CAD", country="Canada"),
    BoxOffice("gross", 45000, "NZD", country="New Zealand"),
    BoxOffice("gross", 10000000, "INR", country="India"),
    BoxOffice("worldwide_gross", 12661002, "USD", date="2012-06-03"),
]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("9 February 1996", "1996-02-09"),
        ("February 9, 1996", "1996-02-09"),
        ("February 2008", "2008-02"),
        ("Feb. 2008", "2008-02"),
        ("2008", "2008"),
        ("0000", None),
        ("Brumaire 2008", None),
        ("31 February 2001", None),
        ("TBA", None),
    ],
)
def test_a_date_keeps_its_precision_and_nothing_more(text: str, want: str | None) -> None:
    assert iso_partial_date(text) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("February 2008 (Morocco)", ("2008-02", "Morocco")),
        ("2008 (Iceland)", ("2008", "Iceland")),
        ("9 June 1995 (USA)", ("1995-06-09", "USA")),
        ("2011", ("2011", None)),
    ],
)
def test_release_reads_date_and_country(text: str, want: tuple[str, str | None]) -> None:
    assert read_release(text) == want


@pytest.mark.parametrize(
    ("release", "date", "country"),
    [
        ("February 2008 (Morocco) See more »", "2008-02", "Morocco"),
        ("2008 (Iceland)", "2008", "Iceland"),
        ("Coming soon", None, None),
    ],
)
def test_release_date_of_reduced_precision_in_the_details_block(
    release: str, date: str | None, country: str | None
) -> None:
    t = parse_page(f"Sand Letters (2008)\n\nDetails\n\nRelease Date:\n\n{release}\n")
    # A date without its day is kept apart: release_date holds full dates only, never a made-up day.
    assert (t.release_date, t.release_date_partial, t.release_country) == (None, date, country)


def test_release_date_of_reduced_precision_in_the_subtext() -> None:
    t = parse_page("Sand Letters (2008)\n\n1h 55min | Drama | February 2008 (Morocco)\n")
    assert (t.release_date, t.release_date_partial) == (None, "2008-02")
    assert (t.release_country, t.runtime_minutes) == ("Morocco", 115)
    assert read_subtext("Drama | 2008 (Morocco)") == {
        "genres": ["Drama"],
        "release_date": "2008",
        "release_country": "Morocco",
    }


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("$1.5 million (estimated)", (1500000, "USD", " (estimated)")),
        ("$2.25 billion", (2250000000, "USD", "")),
        ("€3 million", (3000000, "EUR", "")),
        ("$1,200 Million", (1200000000, "USD", "")),
        ("US$2,500", (2500, "USD", "")),
        ("CA$1,500,000", (1500000, "CAD", "")),
        ("NZ$45,000 (New Zealand)", (45000, "NZD", " (New Zealand)")),
        ("INR 1,00,00,000", (10000000, "INR", "")),
        ("$70,864, 29 October 1995", (70864, "USD", ", 29 October 1995")),
        ("$3,600,000 (estimated)", (3600000, "USD", " (estimated)")),
        ("See more on IMDbPro »", None),
    ],
)
def test_money_is_read_exactly(text: str, want: tuple[int, str, str] | None) -> None:
    assert money(text) == want


@pytest.mark.parametrize("text", ["$12.50", "€1.500", "$1,50,0", "$1.2345678 million", "ZZ$100"])
def test_money_that_cannot_be_read_exactly_is_refused(text: str) -> None:
    with pytest.raises(UnreadableMoney):
        money(text)


def test_every_box_office_line_is_kept_with_country_date_and_currency() -> None:
    t = parse_page(BOX_OFFICE.read_text(encoding="utf-8"))
    assert t.box_office == GLASS_ORCHARD_BOX_OFFICE
    # $12.50 is not a box-office figure: left out, and said so.
    assert t.warnings == ["gross left out: '$12.50': amount '12.50' is not a whole number"]
    assert (t.release_date, t.release_date_partial, t.release_country) == (None, "2012-02", "South Korea")


def test_box_office_labels_and_values_on_one_line() -> None:
    page = (
        "Sand Letters (2008)\n\nBox Office\n\nBudget: $1.5 million (estimated)\n\n"
        "Opening Weekend United Kingdom: £1,204, 5 June 2008\n\nCumulative Worldwide Gross: $9,870\n"
    )
    assert parse_page(page).box_office == [
        BoxOffice("budget", 1500000, "USD", estimated=True),
        BoxOffice("opening_weekend", 1204, "GBP", country="United Kingdom", date="2008-06-05"),
        BoxOffice("worldwide_gross", 9870, "USD"),
    ]


def test_show_gives_every_box_office_line_and_the_partial_date(tmp_path: Path) -> None:
    runner = CliRunner()
    db = tmp_path / "catalog.db"
    loaded = runner.invoke(app, ["load", str(BOX_OFFICE), "--db", str(db)])
    assert loaded.exit_code == 0, loaded.stderr
    shown = runner.invoke(app, ["show", "The Glass Orchard", "--db", str(db), "--format", "json"])
    assert shown.exit_code == 0, shown.stderr
    record = json.loads(shown.stdout)
    assert record["box_office"] == [
        {
            "kind": b.kind,
            "amount": b.amount,
            "currency": b.currency,
            "country": b.country,
            "date": b.date,
            "estimated": b.estimated,
        }
        for b in GLASS_ORCHARD_BOX_OFFICE
    ]
    assert (record["release_date"], record["release_date_partial"]) == (None, "2012-02")
    assert record["release_country"] == "South Korea"
