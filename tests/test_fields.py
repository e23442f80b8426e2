"""What a page says and the record used to lose, through the real CLI on invented pages.

Director credit notes, the `| 5 more credits »` counts, whether the cast is complete, the
Metacritic review count and release dates without a day (docs/record.md, docs/format.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run

from moviecli.parse import parse_page

FIELDS = Path(__file__).parent / "fixtures" / "fields"
NUMBERED_II = FIELDS / "harbour-lights-2011-II.txt"
NUMBERED_I = FIELDS / "harbour-lights-2011-I.txt"
STRIPPED_II = FIELDS / "harbour-lights-2011-II-stripped.txt"


def shown(catalog: Path, title: str) -> dict[str, object]:
    result = run("show", title, "--db", catalog, "--format", "json")
    assert result.exit_code == 0, result.stderr
    record: dict[str, object] = json.loads(result.stdout)
    return record


def loaded(tmp_path: Path, *pages: Path) -> Path:
    catalog = tmp_path / "c.db"
    result = run("load", *pages, "--db", catalog)
    assert result.exit_code == 0, result.stderr
    return catalog


def test_show_json_gives_every_new_field_exactly(tmp_path: Path) -> None:
    catalog = loaded(tmp_path, NUMBERED_II)
    record = shown(catalog, "Harbour Lights")
    source = record.pop("source")
    assert isinstance(source, dict) and source["path"] == str(NUMBERED_II)
    assert record == {
        "title": "Harbour Lights",
        "year": 2011,
        "year_index": "II",
        "end_year": None,
        "kind": "movie",
        "original_title": None,
        "runtime_minutes": 104,
        "summary": "A ferry captain's daughter finds her father's logbook and the name of a ship that never docked.",
        "storyline": None,
        "storyline_author": None,
        "directors": ["Ilse Brandt", "Omar Haddad"],
        "director_notes": {"Omar Haddad": "uncredited"},
        "directors_more": 2,
        "writers": [{"name": "Ilse Brandt", "credit": "screenplay by"}, {"name": "Kaj Moller", "credit": "novel"}],
        "writers_more": 5,
        "creators": [],
        "stars": ["Freya Lund", "Tobias Eng", "Mira Sole"],
        "cast": [
            {"name": "Freya Lund", "character": "Karin Holm", "note": None},
            {"name": "Tobias Eng", "character": "Captain Holm", "note": None},
            {"name": "Mira Sole", "character": "Harbourmaster", "note": "uncredited"},
        ],
        "cast_complete": False,
        "genres": ["Drama", "Mystery"],
        "certificate": None,
        "certificate_reason": None,
        "rating": 7.3,
        "votes": 12408,
        "metascore": 68,
        "user_reviews": 212,
        "critic_reviews": 48,
        "metacritic_reviews": 13,
        "popularity": None,
        "awards": None,
        "keywords": [],
        "taglines": [],
        "trivia": [],
        "goofs": [],
        "quotes": [],
        "crazy_credits": [],
        "alternate_versions": [],
        "connections": [],
        "soundtracks": [],
        "reviews": [],
        "official_sites": [],
        "countries": ["Denmark"],
        "languages": ["Danish"],
        "release_date": None,
        "release_date_partial": "2011-02",
        "release_country": "Denmark",
        "akas": [],
        "filming_locations": [],
        "box_office": [],
        "companies": [],
        "sound_mix": [],
        "color": [],
        "aspect_ratio": None,
        "imdb_id": None,
        "warnings": [],
    }


def test_a_page_that_says_its_cast_is_complete_and_gives_a_full_date(tmp_path: Path) -> None:
    record = shown(loaded(tmp_path, NUMBERED_I), "Harbour Lights")
    assert (record["cast_complete"], record["release_date"], record["release_date_partial"]) == (
        True,
        "2011-06-03",
        None,
    )
    # Nothing left unlisted, no notes, no Metacritic count: the keys are there, empty.
    assert (record["director_notes"], record["directors_more"], record["writers_more"]) == ({}, None, None)
    assert record["metacritic_reviews"] is None


def test_the_stripped_form_reads_the_same_new_fields() -> None:
    labeled = parse_page(NUMBERED_II.read_text(encoding="utf-8"))
    stripped = parse_page(STRIPPED_II.read_text(encoding="utf-8"))
    for name in (
        "year_index",
        "director_notes",
        "directors_more",
        "writers_more",
        "cast_complete",
        "metacritic_reviews",
        "release_date",
        "release_date_partial",
    ):
        assert getattr(stripped, name) == getattr(labeled, name), name
    assert stripped.director_notes == {"Omar Haddad": "uncredited"}


@pytest.mark.parametrize(
    ("cast", "complete"),
    [
        ("Cast overview, first billed only:\nAda Ring ... Nurse\nBo Lind ... Cook\n", False),
        ("Credited cast:\nAda Ring ... Nurse\nBo Lind ... Cook\nSee full cast »\n", False),
        ("Complete credited cast:\nAda Ring ... Nurse\nBo Lind ... Cook\n", True),
        ("Credited cast:\nAda Ring ... Nurse\nBo Lind ... Cook\n", None),
    ],
)
def test_cast_complete_is_what_the_page_says_and_none_when_it_says_nothing(cast: str, complete: bool | None) -> None:
    page = f"Night Kitchen (1999)\n\nA cook and a nurse share one night shift.\n\nCast\n\n{cast}\nGenres:\n\nDrama\n"
    t = parse_page(page)
    assert [c.name for c in t.cast] == ["Ada Ring", "Bo Lind"]
    assert t.cast_complete is complete


def test_no_cast_means_cast_complete_is_unknown() -> None:
    assert parse_page("Night Kitchen (1999)\n\nA cook and a nurse share one night shift.\n").cast_complete is None


@pytest.mark.parametrize(
    ("release", "full", "partial"),
    [
        ("February 2011 (Denmark)", None, "2011-02"),
        ("2011 (Denmark)", None, "2011"),
        ("3 June 2011", "2011-06-03", None),
    ],
)
def test_a_release_date_is_never_given_a_made_up_day(release: str, full: str | None, partial: str | None) -> None:
    t = parse_page(f"Sand Letters (2011)\n\nDetails\n\nRelease Date:\n\n{release}\n")
    assert (t.release_date, t.release_date_partial) == (full, partial)


def test_the_card_shows_notes_counts_the_partial_date_and_the_numeral(tmp_path: Path) -> None:
    result = run("show", "Harbour Lights", "--db", loaded(tmp_path, NUMBERED_II))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Harbour Lights (2011/II)\n"
        "========================\n"
        "Kind             movie\n"
        "Runtime          104 min\n"
        "Genres           Drama, Mystery\n"
        "Rating           7.3/10 from 12,408 votes\n"
        "Metascore        68\n"
        "Directors        Ilse Brandt, Omar Haddad (uncredited), and 2 more\n"
        "Writers          Ilse Brandt (screenplay by), Kaj Moller (novel), and 5 more\n"
        "Stars            Freya Lund, Tobias Eng, Mira Sole\n"
        "Countries        Denmark\n"
        "Languages        Danish\n"
        "Released         2011-02 (Denmark)\n"
        "Summary          A ferry captain's daughter finds her father's logbook and the\n"
        "                 name of a ship that never docked.\n"
        "Cast\n"
        "  Freya Lund                   Karin Holm\n"
        "  Tobias Eng                   Captain Holm\n"
        "  Mira Sole                    Harbourmaster (uncredited)\n"
        "  … and more (the page listed only some)\n"
    )


def test_filmography_shows_a_directors_credit_note(tmp_path: Path) -> None:
    catalog = loaded(tmp_path, NUMBERED_II)
    result = run("filmography", "omar haddad", "--db", catalog, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "year,title,role,character,credit,rating\n2011,Harbour Lights,director,,uncredited,7.3\n"
    noted = run("sql", "SELECT role, credit FROM credits WHERE role = 'director' ORDER BY position", "--db", catalog)
    assert noted.exit_code == 0, noted.stderr
    assert noted.stdout.split() == ["role", "credit", "--------", "----------", "director", "director", "uncredited"]
