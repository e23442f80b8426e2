"""Look-ups through the real CLI (issue 13): IMDb ids, AKAs, unquoted words, not found, filters, warnings.

The catalog: the pages of tests/fixtures/catalog and tests/fixtures/lookups (Frost Lantern, AKA
The Snow Queen; River at Night, a page with a header line the parser does not understand), then
the small IMDb dataset of tests/imdb_dataset.py (Leaving Las Vegas tt0113627 and its AKAs,
Nicolas Cage nm0000115), all loaded by `moviecli load` and `moviecli load-imdb`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import CATALOG_PAGES, FIXTURES, load_cli, store_page
from imdb_dataset import copy_base, write_dataset
from test_cli_reading import rows_of, run
from typer.testing import CliRunner

from moviecli import db
from moviecli.cli import app
from moviecli.models import Title
from moviecli.save import save_title

LOOKUP_PAGES = FIXTURES / "lookups"


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lookups")
    database = folder / "catalog.db"
    load_cli([CATALOG_PAGES, LOOKUP_PAGES], database)
    dataset = write_dataset(folder / "imdb", copy_base())
    result = CliRunner().invoke(app, ["load-imdb", str(dataset), "--db", str(database), "-q"])
    assert result.exit_code == 0, result.output
    return database


def fails(database: Path, *args: str) -> str:
    """The stderr of a command that must fail with exit 1 and print nothing on stdout."""
    result = run(database, *args)
    assert (result.exit_code, result.stdout) == (1, ""), result.output
    return str(result.stderr)


def show_json(database: Path, *args: str) -> dict[str, Any]:
    result = run(database, "show", *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    record: dict[str, Any] = json.loads(result.stdout)
    return record


# ---- 1. by IMDb id ----


def test_show_by_imdb_id_and_the_card_shows_the_id(catalog: Path) -> None:
    assert show_json(catalog, "tt0113627")["title"] == "Leaving Las Vegas"
    assert show_json(catalog, "--imdb-id", "tt0113627")["imdb_id"] == "tt0113627"
    card = run(catalog, "show", "tt0113627").stdout
    assert card.splitlines()[:4] == [
        "Leaving Las Vegas (1995)",
        "========================",
        "Kind             movie",
        "IMDb id          tt0113627",
    ]
    # A page title without an id has no id line.
    assert "IMDb id" not in run(catalog, "show", "Paper Moons").stdout


def test_neither_a_name_nor_an_id_is_a_usage_error(catalog: Path) -> None:
    for command, name in (("show", "TITLE"), ("filmography", "NAME")):
        result = run(catalog, command)
        assert (result.exit_code, result.stdout) == (2, "")
        assert f"Invalid value for '{name}': give the {name.lower()} or --imdb-id" in result.stderr


def test_unknown_imdb_id_is_not_found(catalog: Path) -> None:
    assert fails(catalog, "show", "tt9999999") == "moviecli: no title with IMDb id tt9999999 in the catalog\n"
    assert fails(catalog, "filmography", "nm9999998") == "moviecli: no person with IMDb id nm9999998 in the catalog\n"


def test_filmography_and_titles_by_person_id(catalog: Path) -> None:
    expected = [
        {"year": 1995, "title": "Leaving Las Vegas", "role": "actor", "character": "Ben Sanderson", "credit": None, "rating": 7.5},
        {"year": 1995, "title": "Leaving Las Vegas", "role": "producer", "character": None, "credit": "producer", "rating": 7.5},
        {"year": 2020, "title": "Pilot", "role": "archive_footage", "character": 'Ben "B" Sanderson', "credit": None, "rating": None},
        {"year": 2020, "title": 'The "Quiet" Coast', "role": "writer", "character": None, "credit": None, "rating": 8.1},
    ]  # fmt: skip
    assert rows_of(catalog, "filmography", "nm0000115") == expected
    assert rows_of(catalog, "filmography", "--imdb-id", "nm0000115") == expected
    titles = rows_of(catalog, "titles", "--person", "nm0000115", "--role", "writer")
    assert [t["title"] for t in titles] == ['The "Quiet" Coast']


# ---- 2. AKAs and original titles ----

SNOW_NOTE = "moviecli: Frost Lantern (1961) matched by its AKA 'The Snow Queen'\n"


def test_show_finds_a_title_by_its_page_aka_and_says_so(catalog: Path) -> None:
    result = run(catalog, "show", "the snow queen")
    assert result.exit_code == 0
    assert result.stderr == SNOW_NOTE
    assert result.stdout.splitlines()[:4] == [
        "Frost Lantern (1961)",
        "====================",
        "Kind             movie",
        "Original         Ledyanoy fonar",
    ]


def test_show_finds_a_title_by_a_dataset_aka_and_its_original_title(catalog: Path) -> None:
    result = run(catalog, "show", "Adiós", "a", "Las", "Vegas", "-f", "json")
    assert result.stderr == "moviecli: Leaving Las Vegas (1995) matched by its AKA 'Adiós a Las Vegas'\n"
    assert json.loads(result.stdout)["imdb_id"] == "tt0113627"
    original = run(catalog, "show", "ledyanoy fonar", "-f", "json")  # the original title: no note
    assert (original.stderr, json.loads(original.stdout)["title"]) == ("", "Frost Lantern")


def test_titles_search_matches_akas_and_notes_which(catalog: Path) -> None:
    frost = {
        "title": "Frost Lantern",
        "year": 1961,
        "kind": "movie",
        "genres": ["Animation", "Fantasy"],
        "certificate": None,
        "rating": 7.9,
        "votes": 880,
        "directors": ["Ilya Varga"],
    }
    assert rows_of(catalog, "titles", "--search", "Snow Queen", stderr=SNOW_NOTE) == [frost]
    assert rows_of(catalog, "titles", "--search", "fonar") == [frost]  # the original title


def test_reviews_and_grosses_take_an_aka(catalog: Path) -> None:
    result = run(catalog, "grosses", "The", "Snow", "Queen", "-f", "csv")
    assert result.stdout == "title,year,kind,amount,currency,country,date,estimated\nFrost Lantern,1961,budget,900000,RUR,,,true\n"  # fmt: skip
    assert result.stderr == SNOW_NOTE
    reviews = run(catalog, "reviews", "The Snow Queen", "-f", "csv")
    assert reviews.stdout == "title,year,date,author,review_title,rating,helpful,helpful_total,text\n"
    assert reviews.stderr == SNOW_NOTE


# ---- 3. several words without quotes ----


def test_unquoted_words_are_one_query(catalog: Path) -> None:
    assert rows_of(catalog, "search", "river", "night") == rows_of(catalog, "search", "river night")
    assert [r["field"] for r in rows_of(catalog, "search", "river", "night", "--per-title", "0")] == [
        "title",
        "summary",
    ]
    assert rows_of(catalog, "filmography", "Ada", "Abernathy") == [
        {"year": 1961, "title": "Frost Lantern", "role": "star", "character": None, "credit": None, "rating": 7.9},
        {"year": 1961, "title": "Frost Lantern", "role": "actor", "character": "The Queen", "credit": "voice", "rating": 7.9},
        {"year": 1999, "title": "River at Night", "role": "director", "character": None, "credit": None, "rating": 6.1},
        {"year": 1999, "title": "River at Night", "role": "writer", "character": None, "credit": "written by", "rating": 6.1},
    ]  # fmt: skip
    assert show_json(catalog, "Leaving", "Las", "Vegas")["year"] == 1995
    assert [r["author"] for r in rows_of(catalog, "reviews", "paper", "moons")] == ["tea-and-toast"]


# ---- 4. not found, and several matching, the same everywhere ----


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "Frost", "Lanter"], "no title 'Frost Lanter' in the catalog; did you mean: Frost Lantern (1961)?"),
        (["show", "salt road"], "no title 'salt road' in the catalog; did you mean: The Salt Road (1994)?"),
        (["reviews", "Paper Moon"], "no title 'Paper Moon' in the catalog; did you mean: Paper Moons (2003)?"),
        (["grosses", "Wind Rod"], "no title 'Wind Rod' in the catalog; did you mean: Wind Road (2010)?"),
        (["show", "Qqqq"], "no title 'Qqqq' in the catalog"),
        (
            ["show", "Paper Moons", "--year", "1990"],
            "no title 'Paper Moons' from 1990 in the catalog; did you mean: Paper Moons (2003)?",
        ),
        (["filmography", "Ada", "Abernaty"], "no person 'Ada Abernaty' in the catalog; did you mean: Ada Abernathy?"),
        (["titles", "--person", "Nina Orlowa"], "no person 'Nina Orlowa' in the catalog; did you mean: Nina Orlova?"),
        (["filmography", "Orson Welles"], "no person 'Orson Welles' in the catalog"),
    ],
)
def test_not_found_says_so_with_close_names(catalog: Path, args: list[str], message: str) -> None:
    assert fails(catalog, *args) == f"moviecli: {message}\n"


def test_several_titles_are_listed(catalog: Path, tmp_path: Path) -> None:
    database = tmp_path / "two.db"
    pages = tmp_path / "pages"
    pages.mkdir()
    page = (CATALOG_PAGES / "paper-moons-2003.txt").read_text(encoding="utf-8")
    (pages / "a.txt").write_text(page, encoding="utf-8")
    (pages / "b.txt").write_text(page.replace("Paper Moons (2003)", "Paper Moons (2011)"), encoding="utf-8")
    load_cli([pages], database)
    assert fails(database, "reviews", "paper moons") == (
        "moviecli: 2 titles match 'paper moons'; choose one with --year:\n"
        "  Paper Moons (2011) movie\n"
        "  Paper Moons (2003) movie\n"
    )
    assert [r["year"] for r in rows_of(database, "reviews", "paper moons", "--year", "2011")] == [2011]


def test_more_than_twenty_matches_are_cut_short(tmp_path: Path) -> None:
    database = tmp_path / "many.db"
    conn = db.connect_write(database)
    with db.transaction(conn):
        page_id = store_page(conn, "many.txt", "sha", "Many", "utf-8", "test")
        save_title(conn, Title("Many", year=2000, directors=[f"Sam Hill {i:02}" for i in range(1, 26)]), page_id)
    conn.close()
    listed = "".join(f"  Sam Hill {i:02}\n" for i in range(1, 21))
    expected = f"moviecli: 25 people match 'sam'; give the full name:\n{listed}  … and 5 more\n"
    assert fails(database, "filmography", "sam") == expected
    assert fails(database, "titles", "--person", "sam") == expected


def test_did_you_mean_is_bounded_on_100k_people(tmp_path: Path) -> None:
    """The suggestions read index ranges, not the people table: fast on 100,000 people (measured here)."""
    database = tmp_path / "big.db"
    conn = db.connect_write(database)
    with db.transaction(conn):
        page_id = store_page(conn, "big.txt", "sha", "Big", "utf-8", "test")
        title_id, _ = save_title(conn, Title("Big", year=2000), page_id)
        conn.executemany(
            "INSERT INTO people (id, name, name_key) VALUES (?, ?, ?)",
            ((i, f"Person {i:06}", f"person {i:06}") for i in range(1, 100_001)),
        )
        conn.execute("INSERT INTO people (id, name, name_key) VALUES (100001, 'Ada Abernathy', 'ada abernathy')")
        conn.executemany(
            "INSERT INTO credits (title_id, role, position, person_id) VALUES (?, 'actor', ?, ?)",
            ((title_id, i, i) for i in range(1, 100_002)),
        )
    conn.close()
    start = time.perf_counter()
    message = fails(database, "filmography", "Ada Abernaty")
    elapsed = time.perf_counter() - start
    assert message == "moviecli: no person 'Ada Abernaty' in the catalog; did you mean: Ada Abernathy?\n"
    assert elapsed < 2.0, elapsed


def test_title_suggestions_among_many_titles_of_one_article(tmp_path: Path) -> None:
    """100,000 titles, a third starting with "The ": "salt road" is still close to "The Salt Road"."""
    database = tmp_path / "titles.db"
    conn = db.connect_write(database)
    with db.transaction(conn):
        conn.executemany(
            "INSERT INTO titles (id, title, year, kind, updated_at) VALUES (?, ?, 2000, 'movie', 'x')",
            ((i, ("The " if i % 3 == 0 else "") + f"Film {i:06}") for i in range(1, 100_001)),
        )
        conn.execute("INSERT INTO titles (id, title, year, kind, updated_at) VALUES (0, 'The Salt Road', 1994, 'movie', 'x')")  # fmt: skip
    conn.close()
    start = time.perf_counter()
    message = fails(database, "show", "salt", "road")
    elapsed = time.perf_counter() - start
    assert message == "moviecli: no title 'salt road' in the catalog; did you mean: The Salt Road (1994)?\n"
    assert elapsed < 2.0, elapsed


# ---- 5. repeated filters all hold ----


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--genre", "Comedy", "--genre", "Fantasy"], ["River at Night"]),
        (["--genre", "fantasy"], ["Frost Lantern", "River at Night"]),
        (["--country", "UK", "--country", "Norway"], ["Night Ferry"]),
        (["--language", "English", "--language", "French"], ["Paper Moons"]),
        (["--genre", "Comedy", "--genre", "Western"], []),
    ],
)
def test_repeated_filters_all_hold(catalog: Path, args: list[str], expected: list[str]) -> None:
    assert [r["title"] for r in rows_of(catalog, "titles", *args)] == expected


def test_help_says_repeated_filters_combine() -> None:
    assert "every one of them" in " ".join(CliRunner().invoke(app, ["titles", "--help"]).stdout.split())


# ---- 6. sorting and the new filters ----


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["Ada Abernathy", "--sort", "rating", "--desc"],
            ["Frost Lantern", "Frost Lantern", "River at Night", "River at Night"],
        ),
        (["Ada Abernathy", "--sort", "rating"], ["River at Night", "River at Night", "Frost Lantern", "Frost Lantern"]),
        (
            ["Ada Abernathy", "--sort", "title", "--desc"],
            ["River at Night", "River at Night", "Frost Lantern", "Frost Lantern"],
        ),
        (["Ada Abernathy", "--sort", "year", "--desc", "--role", "director"], ["River at Night"]),
        (["Zoe Ashdown", "--sort", "rating", "--desc"], ["Night Ferry", "Night Ferry", "Wind Road", "Wind Road"]),
    ],
)
def test_filmography_sorts(catalog: Path, args: list[str], expected: list[str]) -> None:
    assert [r["title"] for r in rows_of(catalog, "filmography", *args)] == expected


def test_people_sort_and_role(catalog: Path) -> None:
    rows = rows_of(catalog, "people", "--role", "director", "--sort", "titles", "--desc", "--limit", "3")
    assert rows == [
        {"name": "Marta Quist", "titles": 3, "roles": ["actor", "creator", "director", "writer"]},
        {"name": "Peter Marsh", "titles": 3, "roles": ["actor", "director", "star", "writer"]},
        {"name": "Ada Abernathy", "titles": 2, "roles": ["actor", "director", "star", "writer"]},
    ]
    names = [r["name"] for r in rows_of(catalog, "people", "--role", "writer", "--sort", "name", "--desc")]
    assert names == [
        "Peter Marsh",
        "Ole Brandt",
        "Nicolas Cage",
        "Mike Figgis",
        "Marta Quist",
        "Kenji Sato",
        "Ingrid Solberg",
        "Ilya Varga",
        'Ana "Bee" Núñez',
        "Ada Abernathy",
    ]


def test_titles_minimums_and_role(catalog: Path) -> None:
    titles = rows_of(catalog, "titles", "--min-rating", "7", "--min-votes", "1000")
    # Harbour Lights (6.9) and Frost Lantern (880 votes) fall short of one minimum each.
    assert [(t["title"], t["rating"], t["votes"]) for t in titles] == [
        ("Leaving Las Vegas", 7.5, 120000),
        ("Night Ferry", 8.1, 5432),
        ("The Salt Road", 7.2, 12345),
    ]
    assert [t["title"] for t in rows_of(catalog, "titles", "--person", "Peter Marsh", "--role", "director")] == ["Paper Moons"]  # fmt: skip
    assert [t["title"] for t in rows_of(catalog, "titles", "--person", "Peter Marsh", "--role", "creator")] == []


def test_ratings_min_votes(catalog: Path) -> None:
    rows = rows_of(catalog, "ratings", "--min-votes", "5000", "--sort", "votes", "--desc")
    assert [(r["title"], r["votes"]) for r in rows] == [
        ("Leaving Las Vegas", 120000),
        ("The Salt Road", 12345),
        ("Night Ferry", 5432),
    ]


def test_grosses_of_one_title_and_by_country(catalog: Path) -> None:
    rows = rows_of(catalog, "grosses", "River", "at", "Night")
    assert [(r["kind"], r["amount"], r["currency"]) for r in rows] == [("budget", 2000000, "USD"), ("gross", 3500000, "USD")]  # fmt: skip
    by_country = rows_of(catalog, "grosses", "--country", "uk")
    assert [(r["title"], r["kind"]) for r in by_country] == [
        ("Paper Moons", "opening_weekend"),
        ("Paper Moons", "gross"),
    ]


def test_grosses_by_amount_over_currencies_says_so(catalog: Path) -> None:
    result = run(catalog, "grosses", "--kind", "budget", "--sort", "amount", "--desc", "-f", "csv", "--no-headers")
    # Grouped by currency, amounts descending within each: 500,000,000 JPY is never "more" than USD.
    assert result.stdout == (
        "Paper Moons,2003,budget,1200000,GBP,,,true\n"
        "Wind Road,2010,budget,500000000,JPY,,,true\n"
        "Frost Lantern,1961,budget,900000,RUR,,,true\n"
        "The Salt Road,1994,budget,4000000,USD,,,true\n"
        "River at Night,1999,budget,2000000,USD,,,true\n"
    )
    assert result.stderr == (
        "moviecli: amounts are ordered within each currency (GBP, JPY, RUR, USD), never across currencies\n"
    )
    one = run(catalog, "grosses", "--currency", "usd", "--sort", "amount")
    assert one.stderr == ""


# ---- 8. list values are JSON arrays, joined in text formats ----


def test_list_columns_are_arrays_in_json_and_joined_text_elsewhere(catalog: Path) -> None:
    jsonl = run(catalog, "titles", "--search", "river", "-f", "jsonl").stdout
    assert json.loads(jsonl) == {
        "title": "River at Night",
        "year": 1999,
        "kind": "movie",
        "genres": ["Comedy", "Fantasy"],
        "certificate": None,
        "rating": 6.1,
        "votes": 45,
        "directors": ["Ada Abernathy"],
    }
    assert run(catalog, "titles", "--search", "river", "-f", "csv", "--no-headers").stdout == (
        'River at Night,1999,movie,"Comedy, Fantasy",,6.1,45,Ada Abernathy\n'
    )
    night_ferry = json.loads(run(catalog, "titles", "--search", "night ferry", "-f", "json").stdout)
    assert night_ferry[0]["directors"] == []  # no directors: an empty array, an empty cell in csv


# ---- 9. warnings ----


def test_warnings_lists_each_warning_with_its_title_and_page(catalog: Path) -> None:
    page = str((LOOKUP_PAGES / "river-at-night-1999.txt").resolve())
    rows = rows_of(catalog, "warnings")
    assert rows == [
        {
            "title": "River at Night",
            "year": 1999,
            "kind": "movie",
            "warning": "header line not understood: 'WATCH THIS SPACE 12:00 !!! ### ~~~'",
            "page": rows[0]["page"],
        }
    ]
    assert Path(rows[0]["page"]).resolve() == Path(page)
    assert run(catalog, "warnings", "--limit", "0", "-f", "json").stdout == "[]\n"
