"""Each block reader on its own: the shapes and quirks listed in FORMAT.md."""

from __future__ import annotations

import pytest

from moviecli.models import Awards, BoxOffice, CastMember
from moviecli.parse import parse_page
from moviecli.parse.cast import read_row, undouble
from moviecli.parse.details import read_money
from moviecli.parse.header import read_subtext
from moviecli.parse.lines import page_lines, strip_links
from moviecli.parse.reviews import read_author
from moviecli.parse.scores import read_awards
from moviecli.parse.values import iso_date, money


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("9 February 1996", "1996-02-09"),
        ("29 October 1995", "1995-10-29"),
        ("February 9, 1996", "1996-02-09"),
        ("February 2008", None),
        ("1995", None),
        ("31 February 2001", None),
        ("9 Brumaire 1996", None),
    ],
)
def test_iso_date(text: str, want: str | None) -> None:
    assert iso_date(text) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("$3,600,000 (estimated)", (3600000, "USD", " (estimated)")),
        ("£4,200,000", (4200000, "GBP", "")),
        ("€950,000", (950000, "EUR", "")),
        ("JPY 1,900,000,000 (estimated)", (1900000000, "JPY", " (estimated)")),
        ("$70,864, 29 October 1995", (70864, "USD", ", 29 October 1995")),
        ("See more on IMDbPro »", None),
        ("Cumulative Worldwide Gross:", None),
    ],
)
def test_money(text: str, want: tuple[int, str, str] | None) -> None:
    assert money(text) == want


def test_read_money_country_and_date_from_the_value() -> None:
    assert read_money("$612,235 (USA) (11 November 2011)", "opening_weekend", None) == BoxOffice(
        "opening_weekend", 612235, "USD", country="USA", date="2011-11-11"
    )
    # A screens count is not a country.
    assert read_money("$9,100 (USA) (2 May 1990) (3 screens)", "opening_weekend", None) == BoxOffice(
        "opening_weekend", 9100, "USD", country="USA", date="1990-05-02"
    )
    assert read_money("$8,349,430", "gross", "USA") == BoxOffice("gross", 8349430, "USD", country="USA")


@pytest.mark.parametrize(
    ("line", "want"),
    [
        (
            "R | 1h 52min | Comedy, Drama | 9 June 1995 (USA)",
            {
                "certificate": "R",
                "runtime_minutes": 112,
                "genres": ["Comedy", "Drama"],
                "release_date": "1995-06-09",
                "release_country": "USA",
            },
        ),
        (
            "117 min - Animation | Adventure - 11 March 1984 (Japan)",
            {
                "runtime_minutes": 117,
                "genres": ["Animation", "Adventure"],
                "release_date": "1984-03-11",
                "release_country": "Japan",
            },
        ),
        (
            "TV Series - 60 min - Crime | Drama",
            {"kind": "tv_series", "runtime_minutes": 60, "genres": ["Crime", "Drama"]},
        ),
        (
            "1h 29min | Animation, Comedy | Video 24 February 2009",
            {
                "runtime_minutes": 89,
                "genres": ["Animation", "Comedy"],
                "kind": "video",
                "release_date": "2009-02-24",
                "release_country": None,
            },
        ),
        (
            "TV-14 | 44min | Drama | TV Movie 3 May 2001",
            {
                "certificate": "TV-14",
                "runtime_minutes": 44,
                "genres": ["Drama"],
                "kind": "tv_movie",
                "release_date": "2001-05-03",
                "release_country": None,
            },
        ),
        (
            "1h 55min | Drama | February 2008 (Morocco)",
            {"runtime_minutes": 115, "genres": ["Drama"], "release_date": "2008-02", "release_country": "Morocco"},
        ),
        ("2:48 | Trailer", None),
        ("A quiet story, told slowly.", None),
        ("R", None),
    ],
)
def test_read_subtext(line: str, want: dict[str, object] | None) -> None:
    assert read_subtext(line) == want


@pytest.mark.parametrize(
    ("row", "want"),
    [
        ("Kim Adams Kim Adams ... Sheila", CastMember("Kim Adams", "Sheila")),
        (
            "Albert Henderson ... Man at Strip Bar (as Al Henderson)",
            CastMember("Albert Henderson", "Man at Strip Bar", "as Al Henderson"),
        ),
        ("Shigeru Wakita Shigeru Wakita ... (voice)", CastMember("Shigeru Wakita", None, "voice")),
        ("Jaideep Ahlawat", CastMember("Jaideep Ahlawat")),
        (
            "Ann Bo ... Herself (as Penn & Teller) (credit only)",
            CastMember("Ann Bo", "Herself", "as Penn & Teller; credit only"),
        ),
    ],
)
def test_cast_row(row: str, want: CastMember) -> None:
    assert read_row(row) == want


def test_undouble_keeps_names_that_are_not_doubled() -> None:
    assert undouble("Tarako Tarako") == "Tarako"
    assert undouble("Mary Ann Mary") == "Mary Ann Mary"


@pytest.mark.parametrize(
    ("who", "want"),
    [
        ("luke-a-mcgowanSee all my reviews", ("luke-a-mcgowan", None)),
        ("kraley (kraley@houston.rr.com) (Houston, TX) – See all my reviews", ("kraley", "Houston, TX")),
        ("Joseph Harder – See all my reviews", ("Joseph Harder", None)),
        ("visualmagic (Australia) – See all my reviews", ("visualmagic", "Australia")),
        ("Chris Neill (chrisneill) (United States) – See all my reviews", ("Chris Neill", "United States")),
        ("Chris Neill (chrisneill)", ("Chris Neill", None)),
    ],
)
def test_review_author(who: str, want: tuple[str | None, str | None]) -> None:
    assert read_author(who) == want


def test_awards() -> None:
    assert read_awards("Won 1 Oscar. Another 31 wins & 29 nominations.") == Awards(
        1, 31, 29, "Won 1 Oscar. Another 31 wins & 29 nominations."
    )
    assert read_awards("1 win.") == Awards(None, 1, None, "1 win.")
    assert read_awards("Nominated for 1 Oscar. Another 2 wins.").oscars is None


def test_furniture_is_stripped_from_values() -> None:
    assert strip_links("Smoke See more »") == "Smoke"
    assert strip_links("R | See all certifications »") == "R"
    assert strip_links("smoke | writer | See All (73) »") == "smoke | writer"
    assert page_lines("\ufeffA\u00a0\u00a0 B\r\nC\rD") == ["A B", "C", "D"]


def test_header_rating_forms() -> None:
    t = parse_page("Users rated this 6.1/10 (1,204 votes) - Rate this\nOld One (1960)\n")
    assert (t.title, t.rating, t.votes) == ("Old One", 6.1, 1204)
    t = parse_page("7.4/10\n29,751\n75 user 55 critic\n\nNew One (2015)\n")
    assert (t.rating, t.votes, t.user_reviews, t.critic_reviews) == (7.4, 29751, 75, 55)


def test_metascore_labeled_inline() -> None:
    t = parse_page("Some Film (2001)\n\nMetascore: 81/100\n")
    assert t.metascore == 81


def test_single_unlabeled_credit_line_with_writing_credits_is_writers() -> None:
    t = parse_page("Some Film (2001)\n\nA story happens here.\n\nAnn Lee (novel), Bo Ray (screenplay)\n")
    assert t.directors == []
    assert [w.name for w in t.writers] == ["Ann Lee", "Bo Ray"]


def test_empty_box_office_label_takes_no_value() -> None:
    text = "Some Film (2001)\n\nBox Office\n\nGross USA:\n\nCumulative Worldwide Gross:\n\nSee more on IMDbPro »\n"
    assert parse_page(text).box_office == []


def test_one_unlabeled_list_before_release_date_is_countries_with_warning() -> None:
    text = "Some Film (2001)\n\nOfficial Sites:\n\nOfficial site\n\nFrance\n\nRelease Date:\n\n1 May 2001 (France)\n"
    t = parse_page(text)
    assert (t.official_sites, t.countries, t.languages) == (["Official site"], ["France"], [])
    assert t.warnings == ["one unlabeled list before the release date: read as countries, no languages"]


def test_episode_subtext() -> None:
    t = parse_page('"Night Desk" Cold Open (2003)\n\nTV-14 | 44min | Drama | Episode aired 2 June 2003\n')
    assert (t.kind, t.release_date, t.runtime_minutes) == ("tv_episode", "2003-06-02", 44)
