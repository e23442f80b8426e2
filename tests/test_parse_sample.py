"""The sample page we were given (seeds/, a 2018-19 stripped page) gives RECORD.md's example values."""

from __future__ import annotations

from pathlib import Path

import pytest

from moviecli.models import Awards, BoxOffice, CastMember, Soundtrack, Writer
from moviecli.parse import parse_page

SAMPLE = Path(__file__).parent.parent / "seeds" / "000_130328f692786511.txt"


@pytest.fixture(scope="module")
def sample():
    return parse_page(SAMPLE.read_text(encoding="utf-8"))


def test_header(sample) -> None:
    assert (sample.title, sample.year, sample.end_year, sample.kind) == ("Leaving Las Vegas", 1995, None, "movie")
    assert sample.original_title is None
    assert sample.runtime_minutes is None  # 2:48 is the trailer's length
    assert sample.summary.startswith("Ben Sanderson, a Hollywood screenwriter who lost everything")
    assert (sample.rating, sample.votes, sample.metascore) == (None, None, None)
    assert (sample.user_reviews, sample.critic_reviews, sample.popularity) == (338, 101, 1471)
    assert sample.awards == Awards(1, 31, 29, "Won 1 Oscar. Another 31 wins & 29 nominations.")
    assert sample.warnings == []


def test_credits_and_cast(sample) -> None:
    assert sample.directors == ["Mike Figgis"]
    assert sample.writers == [Writer("John O'Brien", "based upon the novel by"), Writer("Mike Figgis", "screenplay by")]
    assert (sample.creators, sample.stars) == ([], [])
    assert len(sample.cast) == 15
    assert sample.cast[5] == CastMember("Kim Adams", "Sheila")
    assert CastMember("Albert Henderson", "Man at Strip Bar", "as Al Henderson") in sample.cast


def test_storyline_genres_certificate(sample) -> None:
    assert sample.storyline.startswith("Because his wife left him")
    assert sample.storyline.endswith("who he moves in with.")
    assert sample.storyline_author == "Marco van Hoof"
    assert sample.genres == ["Drama", "Romance"]
    assert sample.certificate == "R"
    assert sample.certificate_reason == "for strong sexuality and language, violence and pervasive alcohol abuse"


def test_did_you_know(sample) -> None:
    assert sample.quotes == ["Ben Sanderson: [to Sera as he is dying] See how hard you make me, angel?"]
    assert sample.soundtracks == [
        Soundtrack(
            "My One and Only Love",
            ["Lyrics by Robert Mellin", "Composed by Guy Wood", "Performed by Sting", "Courtesy of A&M Records, Inc."],
        )
    ]
    assert sample.trivia[0].startswith("The opening scene")
    assert sample.goofs[0].startswith("Ben flips out")
    assert sample.crazy_credits == ["The opening credits do not appear until fifteen minutes into the film."]
    assert len(sample.alternate_versions) == 1


def test_review(sample) -> None:
    (review,) = sample.reviews
    assert review.title == "An unrelenting tragedy, with raw and passionate performances"
    assert (review.author, review.date, review.location, review.rating) == ("luke-a-mcgowan", "2015-06-12", None, None)
    assert (review.helpful, review.helpful_total) == (4, 4)
    assert review.text.startswith("Having recovered from the mind-numbing Heat")
    assert review.text.endswith("are completely washed away.")
    assert review.text.count("\n\n") == 4  # five paragraphs


def test_details(sample) -> None:
    assert sample.official_sites == ["Official Facebook"]
    assert (sample.countries, sample.languages) == (["France", "UK", "USA"], ["English", "Russian"])
    assert (sample.release_date, sample.release_country) == ("1996-02-09", "USA")
    assert sample.akas == ["Leaving Las Vegas"]
    assert sample.filming_locations == ["California, USA"]
    assert sample.box_office == [
        BoxOffice("budget", 3600000, "USD", estimated=True),
        BoxOffice("opening_weekend", 70864, "USD", country="USA", date="1995-10-29"),
    ]
    assert (sample.sound_mix, sample.color, sample.aspect_ratio) == (["Dolby Stereo (Digital)"], [], "1.66 : 1")
