"""The header: 2018 series pages, video captions, the 2013-15 one-line ratings, titles that are not."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from moviecli.errors import ParseError
from moviecli.models import Awards, Writer
from moviecli.parse import parse_page

PAGES = Path(__file__).parent / "fixtures" / "pages"


def parse(name: str):
    return parse_page((PAGES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("form", ["labeled", "stripped"])
def test_2018_series_page_title_alone_and_years_in_the_subtext(form: str) -> None:
    t = parse(f"a_tv_series_2018_{form}.txt")
    assert (t.title, t.kind, t.year, t.end_year) == ("Lantern Street", "tv_series", 2007, 2015)
    assert (t.certificate, t.runtime_minutes, t.genres) == ("TV-14", 47, ["Drama", "Mystery"])
    assert t.summary == "The residents of one street in a harbour town keep the same secret for forty years."
    assert (t.creators, t.directors, t.writers) == (["Ines Valtor", "Aaron Pike"], [], [])
    assert t.stars == ["Maud Ferrier", "Tobias Lund", "Nell Okafor"]
    assert (t.rating, t.votes, t.user_reviews, t.critic_reviews, t.popularity) == (8.1, 41207, 188, 36, 1204)
    assert t.awards == Awards(wins=4, nominations=19, text="Won 1 Primetime Emmy. Another 4 wins & 19 nominations.")
    assert (t.release_date, t.release_date_partial, t.release_country) == (None, "2007-03", "UK")
    assert t.warnings == []


def test_2018_series_page_reads_the_same_in_both_forms() -> None:
    labeled = dataclasses.asdict(parse("a_tv_series_2018_labeled.txt"))
    assert labeled == dataclasses.asdict(parse("a_tv_series_2018_stripped.txt"))


STRIPPED_MOVIE = """412 user 97 critic

Velvet Static (1998)

R | 1h 40min | Drama | 9 June 1998 (USA)
{caption}
A late-night radio host takes calls from a listener who claims to be phoning from next week.


Corin Ashby


Maeve Tolland (based on the radio play by), Corin Ashby (screenplay by)

Ada Renshaw, Hugo Ballard | See full cast & crew »
3,907 ( 88)

Cast overview, first billed only:
Ada Renshaw ... Lou Kestrel
"""


@pytest.mark.parametrize(
    "caption",
    [
        "Clip\n1:25 | Clip",
        "1:25 | Clip",
        "Teaser\n0:58 | Teaser",
        "Featurette\n4:10 | Featurette",
        "Video\n2:02 | Video",
        "Interview\n12:40 | Interview",
        "Trailer\n2:48 | Trailer",
    ],
)
def test_any_video_caption_is_header_furniture(caption: str) -> None:
    for page in (STRIPPED_MOVIE, STRIPPED_MOVIE.replace("\nCorin Ashby\n", "\nDirector:\nCorin Ashby\n")):
        t = parse_page(page.format(caption=caption))
        assert (
            t.summary == "A late-night radio host takes calls from a listener who claims to be phoning from next week."
        )
        assert t.directors == ["Corin Ashby"]
        assert t.writers == [
            Writer("Maeve Tolland", "based on the radio play by"),
            Writer("Corin Ashby", "screenplay by"),
        ]
        assert t.stars == ["Ada Renshaw", "Hugo Ballard"]
        assert (t.runtime_minutes, t.popularity, t.warnings) == (100, 3907, [])


TABLE_LAYOUT = """Hollow Bells (2014)

Ratings: 8.3/10 from 543,444 users Metascore: 70/100
Reviews: 700 user | 221 critic | 13 from Metacritic.com

A bell founder's apprentice casts the one bell the village has forbidden.

Director:
Ilse Marro
"""


def test_2013_15_table_layout_ratings_on_one_line() -> None:
    t = parse_page(TABLE_LAYOUT)
    assert (t.rating, t.votes, t.metascore) == (8.3, 543444, 70)
    assert (t.user_reviews, t.critic_reviews) == (700, 221)
    assert t.summary == "A bell founder's apprentice casts the one bell the village has forbidden."
    assert (t.directors, t.warnings) == (["Ilse Marro"], [])


@pytest.mark.parametrize(
    "text",
    [
        ") (1995)\n\nA page whose only title line names nothing.\n",
        "\u00a0) (1995)\n\nDrama | Comedy\n",
        '" ) (1995)\n',
    ],
)
def test_a_title_of_punctuation_is_no_title(text: str) -> None:
    with pytest.raises(ParseError, match="no title found"):
        parse_page(text)


def test_a_punctuation_title_line_is_passed_over_for_the_real_one() -> None:
    t = parse_page(") (1995)\n\nThe Dry Season (1995)\n")
    assert (t.title, t.year) == ("The Dry Season", 1995)


@pytest.mark.parametrize(("years", "year", "end_year"), [("0000", None, None), ("0000–2004", None, 2004)])
def test_year_zero_is_no_year(years: str, year: int | None, end_year: int | None) -> None:
    t = parse_page(f"Paper Tides ({years})\n\nA tide of paper boats reaches the town.\n")
    assert (t.title, t.year, t.end_year) == ("Paper Tides", year, end_year)
    assert t.warnings == ["year (0000) is not a year: left out"]


def test_a_subtext_year_of_zero_is_no_year() -> None:
    t = parse_page("Paper Tides\n\nTV-PG | 30min | Comedy | TV Series (0000–2004)\n")
    assert (t.title, t.kind, t.year, t.end_year) == ("Paper Tides", "tv_series", None, 2004)
    assert t.warnings == ["year (0000) is not a year: left out"]


def test_2018_series_page_with_an_original_title_between_title_and_subtext() -> None:
    page = (PAGES / "a_tv_series_2018_stripped.txt").read_text(encoding="utf-8")
    page = page.replace("Lantern Street\n\n", 'Lantern Street\n\n"Lyktegata" (original title)\n', 1)
    t = parse_page(page)
    assert (t.title, t.original_title, t.kind, t.year, t.end_year) == (
        "Lantern Street",
        "Lyktegata",
        "tv_series",
        2007,
        2015,
    )
