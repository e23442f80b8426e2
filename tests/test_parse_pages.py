"""The parser on whole invented pages: each block of FORMAT.md, in labeled and stripped form."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from moviecli.errors import ParseError
from moviecli.models import Awards, BoxOffice, CastMember, Review, Soundtrack, Writer
from moviecli.parse import PARSER_VERSION, parse_page

PAGES = Path(__file__).parent / "fixtures" / "pages"
TWINS = ["movie", "old_layout", "tv_series"]


def parse(name: str):
    return parse_page((PAGES / name).read_text(encoding="utf-8"))


def test_parser_version_is_a_string() -> None:
    assert isinstance(PARSER_VERSION, str) and PARSER_VERSION


@pytest.mark.parametrize("twin", TWINS)
def test_labeled_and_stripped_twins_give_the_same_record(twin: str) -> None:
    labeled = dataclasses.asdict(parse(f"labeled_{twin}.txt"))
    stripped = dataclasses.asdict(parse(f"stripped_{twin}.txt"))
    assert labeled == stripped


@pytest.mark.parametrize("form", ["labeled", "stripped"])
def test_movie_header(form: str) -> None:
    t = parse(f"{form}_movie.txt")
    assert (t.title, t.year, t.end_year, t.kind) == ("The Paper Orchard", 2012, None, "movie")
    assert t.original_title == "Harbour Lights"
    assert t.runtime_minutes == 107
    assert t.summary == (
        "A retired cartographer and her estranged grandson map an orchard that exists only in an old letter."
    )
    assert (t.rating, t.votes, t.metascore) == (6.8, 12345, 67)
    assert (t.user_reviews, t.critic_reviews, t.popularity) == (210, 48, 2318)
    assert t.awards == Awards(oscars=1, wins=12, nominations=30, text="Won 1 Oscar. Another 12 wins & 30 nominations.")
    assert t.warnings == []


@pytest.mark.parametrize("form", ["labeled", "stripped"])
def test_movie_credits_and_cast(form: str) -> None:
    t = parse(f"{form}_movie.txt")
    assert t.directors == ["Ines Moravec", "Tobias Quill"]
    assert t.writers == [
        Writer("Ines Moravec", "screenplay by"),
        Writer("Harriet Dunmore", "based on the novel by"),
    ]
    assert t.creators == []
    assert t.stars == ["Greta Lindqvist", "Samuel Okafor", "Della Price"]
    assert t.cast == [
        CastMember("Greta Lindqvist", "Marta Vale"),
        CastMember("Samuel Okafor", "Jonah Vale"),
        CastMember("Della Price", "Ruth Abernathy", "as Della M. Price"),
        CastMember("Oren Castellanos", "Mr. Pike"),
        CastMember("Lucía Ferrán", "Radio Host", "voice"),
        CastMember("Bram Whitlock", "Farmer", "uncredited"),
        CastMember("Niamh O'Rourke"),
        CastMember("Kofi Mensah", "Postman"),
    ]


@pytest.mark.parametrize("form", ["labeled", "stripped"])
def test_movie_storyline_section(form: str) -> None:
    t = parse(f"{form}_movie.txt")
    assert t.storyline == (
        "Marta Vale has drawn maps for fifty years. When a letter arrives describing an orchard that no survey "
        "has ever recorded, she persuades her grandson Jonah to drive her north."
    )
    assert t.storyline_author == "Pell Harrow"
    assert t.keywords == ["map", "orchard", "grandmother", "road trip", "letter"]
    assert t.taglines == ["Some places are only found by looking."]
    assert t.genres == ["Comedy", "Drama", "Family"]
    assert t.certificate == "PG-13"
    assert t.certificate_reason == "for brief strong language and some thematic material"


@pytest.mark.parametrize("form", ["labeled", "stripped"])
def test_movie_did_you_know(form: str) -> None:
    t = parse(f"{form}_movie.txt")
    assert t.trivia == ["The orchard scenes were shot in a single afternoon before the first frost."]
    assert t.goofs == ["The map on Marta's table changes from folded to rolled between shots."]
    assert t.quotes == [
        "Marta Vale: [unfolding the letter] Every map is a promise.\nJonah Vale: And most promises are wrong."
    ]
    assert t.crazy_credits == ["The end credits are drawn as a hand-inked map."]
    assert t.alternate_versions == ["The UK release runs two minutes shorter."]
    assert t.connections == ["References The Map Room (1987)"]
    assert t.soundtracks == [
        Soundtrack(
            "North Road",
            ["Written by Cillian Ward", "Performed by The Lantern Choir", "Courtesy of Brightwater Records"],
        )
    ]


@pytest.mark.parametrize("form", ["labeled", "stripped"])
def test_movie_review(form: str) -> None:
    t = parse(f"{form}_movie.txt")
    assert t.reviews == [
        Review(
            title="Quietly wonderful",
            author="orchardfan",
            date="2013-03-03",
            location="Cork, Ireland",
            rating=8,
            helpful=7,
            helpful_total=9,
            text="A small film that trusts its audience.\n\nThe last scene stayed with me for days.",
        )
    ]


@pytest.mark.parametrize("form", ["labeled", "stripped"])
def test_movie_details_box_office_and_specs(form: str) -> None:
    t = parse(f"{form}_movie.txt")
    assert t.official_sites == ["Official site", "Official Facebook"]
    assert (t.countries, t.languages) == (["UK", "Ireland"], ["English", "Irish"])
    assert (t.release_date, t.release_country) == ("2012-09-14", "USA")
    assert t.akas == ["Harbour Lights"]
    assert t.filming_locations == ["Donegal, Ireland"]
    # `Gross USA:` has no value: the next label must not be read as one.
    assert t.box_office == [
        BoxOffice("budget", 4200000, "GBP", estimated=True),
        BoxOffice("opening_weekend", 310512, "USD", country="USA", date="2012-09-16"),
        BoxOffice("worldwide_gross", 2904117, "USD"),
    ]
    assert t.companies == ["Quillfeather Pictures", "Orchard Company, The"]
    assert (t.sound_mix, t.color, t.aspect_ratio) == (["Dolby Digital", "DTS"], ["Color"], "2.35 : 1")


@pytest.mark.parametrize("form", ["labeled", "stripped"])
def test_older_table_layout(form: str) -> None:
    t = parse(f"{form}_old_layout.txt")
    assert (t.title, t.year, t.original_title, t.kind) == ("The Salt Road", 1991, "Shio no michi", "movie")
    assert (t.rating, t.votes, t.user_reviews, t.critic_reviews) == (7.1, 4802, 37, 12)
    assert (t.metascore, t.popularity) == (None, None)  # MOVIEmeter without a rank gives no popularity
    assert t.runtime_minutes == 98
    assert t.directors == ["Kenji Arakawa"]
    assert t.writers == [Writer("Kenji Arakawa", "story"), Writer("Mei Tanabe", "screenplay")]
    assert t.awards == Awards(wins=2, nominations=1, text="2 wins & 1 nomination.")
    assert t.summary == "Two brothers haul salt across a mountain pass in the last winter before the railway opens."
    assert t.storyline is None  # "Add Full Plot"
    assert (t.certificate, t.certificate_reason) == (None, None)  # only the "See all certifications" link
    assert t.genres == ["Adventure", "Drama"]
    assert (t.release_date, t.release_country) == ("1991-08-02", "Japan")
    assert t.box_office == [
        BoxOffice("budget", 310000000, "JPY", estimated=True),
        BoxOffice("opening_weekend", 48210, "USD", country="France", date="1992-03-11"),
        BoxOffice("gross", 1204331, "USD", country="France", date="1992-05-20"),
    ]
    assert t.color == ["Black and White"]
    assert t.reviews[0].author == "Hollis Crane"
    assert t.reviews[0].location == "Leeds, England"


@pytest.mark.parametrize("form", ["labeled", "stripped"])
def test_tv_series(form: str) -> None:
    t = parse(f"{form}_tv_series.txt")
    assert (t.title, t.year, t.end_year, t.kind) == ("The Lantern Men", 2010, 2014, "tv_series")
    assert t.creators == ["Abel Farrow", "Noor Haddad"]
    assert (t.directors, t.writers) == ([], [])
    assert t.cast == [
        CastMember("Tess Marlowe", "Det. Nora Quill / ...", "40 episodes, 2010-2014"),
        CastMember("Luis Ortega", "Sgt. Paco Ruiz", "38 episodes, 2010-2014"),
        CastMember("Pim de Vries", "The Ferryman", "voice; 12 episodes, 2011-2013"),
    ]
    assert (t.certificate, t.runtime_minutes) == ("TV-14", 45)
    assert t.awards == Awards(
        wins=4, nominations=9, text="Nominated for 1 Primetime Emmy. Another 4 wins & 9 nominations."
    )
    assert (t.countries, t.languages) == (["Netherlands", "USA"], ["English", "Dutch"])


def test_in_development_stub_has_no_year() -> None:
    t = parse("in_development.txt")
    assert (t.title, t.year, t.kind, t.genres) == ("Untitled Glass Harbour Project", None, "movie", ["Thriller"])
    assert (t.summary, t.directors, t.cast, t.warnings) == (None, [], [], [])
    # The message-board link after the stub is not a tagline: no `Plot Summary |` line anchors one.
    assert (t.taglines, t.keywords, t.storyline) == ([], [], None)


def test_2019_layout_without_most_labels() -> None:
    t = parse("stripped_2019_layout.txt")
    assert (t.title, t.year, t.runtime_minutes) == ("Velvet Static", 1998, None)  # 1:58 is a trailer
    assert (t.rating, t.user_reviews, t.critic_reviews, t.popularity) == (None, 412, 97, 3907)
    assert t.directors == ["Corin Ashby"]
    assert t.writers == [
        Writer("Maeve Tolland", "based on the radio play by"),
        Writer("Corin Ashby", "screenplay by"),
    ]
    assert t.stars == []
    assert t.cast[2] == CastMember("Wendell Osei", "Station Manager", "as Wendell K. Osei")
    assert t.genres == ["Drama", "Mystery", "Sci-Fi"]
    assert (t.certificate, t.certificate_reason) == ("R", "for language")
    assert t.trivia == ["The studio set was built inside a real decommissioned radio station."]
    assert t.goofs == ["In the final scene the clock reads 3:10, but the broadcast log says 3:40."]
    assert t.quotes == ["Lou Kestrel: [into the microphone] You're listening to the future."]
    assert t.crazy_credits == ["The credits are read aloud as a radio sign-off."]
    assert t.soundtracks == [Soundtrack("Dead Air Waltz", ["Music by Petra Solberg", "Performed by The Night Owls"])]
    assert t.reviews == [
        Review(
            title="Tune in",
            author="static-listener",
            date="1999-11-02",
            helpful=11,
            helpful_total=14,
            text="An odd, gripping little film.\n\nAda Renshaw is superb.",
        )
    ]
    assert t.official_sites == ["Official site"]
    assert (t.countries, t.languages) == (["Canada", "USA"], ["English", "French"])
    assert (t.release_date, t.release_country) == ("1999-03-05", "Canada")
    assert t.box_office == [
        BoxOffice("budget", 2500000, "CAD", estimated=True),
        BoxOffice("opening_weekend", 95200, "USD", country="USA", date="1999-03-07"),
    ]
    assert (t.sound_mix, t.aspect_ratio, t.companies) == (["Dolby SR"], "1.85 : 1", [])


def test_crlf_bom_and_nbsp_are_tolerated() -> None:
    text = (PAGES / "labeled_movie.txt").read_text(encoding="utf-8")
    assert "\u00a0" in text
    messy = "\ufeff" + text.replace("\n", "\r\n")
    assert dataclasses.asdict(parse_page(messy)) == dataclasses.asdict(parse_page(text))


def test_open_year_range_is_a_series_without_end_year() -> None:
    t = parse_page("Roadside Owls\u00a0(2007\u2013 )\n\nTV Series - 11 min - Animation | Family\n")
    assert (t.title, t.year, t.end_year, t.kind, t.runtime_minutes) == ("Roadside Owls", 2007, None, "tv_series", 11)
    assert t.genres == ["Animation", "Family"]


@pytest.mark.parametrize("text", ["", "\n\n", "hello world\nno title here", "Cast overview:\nA ... B\n"])
def test_no_title_raises_parse_error(text: str) -> None:
    with pytest.raises(ParseError, match="no title found"):
        parse_page(text)
