"""Names people type: letters Unicode does not decompose (ł ø æ þ đ ß) found by their ASCII spelling.

Every look-up folds the same way (db.name_key): people, titles and full-text search, through the
real CLI on a catalog loaded from small invented pages.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run

from moviecli.db import fold_letters, name_key

PAGE = """{title} ({year})

R - 1h 40min - Drama | {year}
7.0
Ratings: 7.0/10 from 1,000 users


{summary}


Director:

{director}

Stars:

{stars} | See full cast & crew »

Genres:

Drama

Details

Country:

Poland

Also Known As:

{aka} See more »
"""

FILMS = [
    dict(
        title="Zimna Łąka",
        year=2011,
        summary="A ferryman crosses the frozen lake every night.",
        director="Paweł Krawiec",
        stars="Søren Holm, Æsa Lind",
        aka="Cold Meadow",
    ),
    dict(
        title="Þórir's Straße",
        year=2014,
        summary="A courier loses his way in a city of one long street.",
        director="Đorđe Ilić",
        stars="Þórir Magnússon, Søren Holm",
        aka="Nausicaä of the North",
    ),
]


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    pages = tmp_path / "pages"
    pages.mkdir()
    for i, film in enumerate(FILMS):
        (pages / f"film-{i}.txt").write_text(PAGE.format(**film), encoding="utf-8")
    database = tmp_path / "catalog.db"
    loaded = run("load", pages, "--db", database)
    assert loaded.exit_code == 0, loaded.stderr
    return database


def rows(database: Path, *args: str) -> list[dict[str, object]]:
    result = run(*args, "--db", database, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Paweł", "pawel"),
        ("SØREN", "soren"),
        ("Æsa", "aesa"),
        ("Þórir", "thorir"),
        ("Đorđe", "dorde"),
        ("Straße", "strasse"),
        ("Zoë", "zoe"),
        ("  Ilić  ", "ilic"),
    ],
)
def test_name_key_folds_case_accents_and_undecomposed_letters(typed: str, folded: str) -> None:
    assert name_key(typed) == folded


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Plain ASCII, kept as it is", "Plain ASCII, kept as it is"),
        ("Søren Łódź Straße Þórir Ærø", "Soren Lódź Strasse THórir AEro"),  # accents stay: the index drops those
    ],
)
def test_fold_letters_folds_only_the_undecomposed_letters(text: str, folded: str) -> None:
    assert fold_letters(text) == folded


@pytest.mark.parametrize(
    ("typed", "name", "titles"),
    [
        ("pawel krawiec", "Paweł Krawiec", ["Zimna Łąka"]),
        ("soren holm", "Søren Holm", ["Zimna Łąka", "Þórir's Straße"]),
        ("aesa lind", "Æsa Lind", ["Zimna Łąka"]),
        ("thorir magnusson", "Þórir Magnússon", ["Þórir's Straße"]),
        ("dorde ilic", "Đorđe Ilić", ["Þórir's Straße"]),
    ],
)
def test_people_found_by_their_ascii_spelling(catalog: Path, typed: str, name: str, titles: list[str]) -> None:
    assert sorted({r["title"] for r in rows(catalog, "filmography", typed)}) == titles
    assert [r["name"] for r in rows(catalog, "people", typed)] == [name]
    assert sorted(r["title"] for r in rows(catalog, "titles", "--person", typed)) == titles


@pytest.mark.parametrize(
    ("typed", "title", "matched"),
    [
        ("zimna laka", "Zimna Łąka", None),
        ("THORIR'S STRASSE", "Þórir's Straße", None),
        ("nausicaa of the north", "Þórir's Straße", "AKA 'Nausicaä of the North'"),
    ],
)
def test_titles_found_by_their_ascii_spelling(catalog: Path, typed: str, title: str, matched: str | None) -> None:
    shown = run("show", typed, "--db", catalog, "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["title"] == title
    card = run("show", typed, "--db", catalog)
    assert card.exit_code == 0, card.stderr
    assert (f"matched by its {matched}" in card.stderr) if matched else card.stderr == ""


@pytest.mark.parametrize(("typed", "title"), [("zimna laka", "Zimna Łąka"), ("strasse", "Þórir's Straße")])
def test_titles_search_folds_the_same_way(catalog: Path, typed: str, title: str) -> None:
    result = run("titles", "--search", typed, "--db", catalog, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert [line.split(",")[0] for line in result.stdout.splitlines()[1:]] == [title]


def test_an_unknown_folded_title_is_still_one_line(catalog: Path) -> None:
    result = run("show", "zimna lakx", "--db", catalog)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("moviecli: no title 'zimna lakx' in the catalog")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("typed", "title", "field"),
    [
        ("pawel", "Zimna Łąka", "person"),
        ("thorir", "Þórir's Straße", "person"),  # the shorter text is the better match
        ("strasse", "Þórir's Straße", "title"),
        ("laka", "Zimna Łąka", "title"),
        ("dorde", "Þórir's Straße", "person"),
    ],
)
def test_search_folds_the_same_way(catalog: Path, typed: str, title: str, field: str) -> None:
    assert [(r["title"], r["field"]) for r in rows(catalog, "search", typed)] == [(title, field)]


def test_search_snippets_mark_the_original_letters(catalog: Path) -> None:
    # The index holds "Thorir's Strasse", the snippet shows the page's own spelling, marked.
    assert rows(catalog, "search", "strasse") == [
        {"title": "Þórir's Straße", "year": 2014, "field": "title", "snippet": "Þórir's *Straße*"}
    ]
