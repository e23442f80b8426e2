"""`moviecli remove` through the real CLI on real catalogs: what goes, what stays, --dry-run,
--purge, a later load bringing the title back, several matches, and removal by IMDb id."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import run
from imdb_dataset import BASE, write_dataset

PAGES = Path(__file__).parent / "fixtures" / "catalog"

REMOVED = (
    "table,rows\ntitles,1\ncredits,7\ngenres,2\ncountries,1\nlanguages,2\nsoundtracks,0\nreviews,1\n"
    "box_office,3\ntitle_items,2\nsearch_docs,9\nimdb_fills,0\nepisodes,0\npeople,1\npage_files,1\npages,{pages}\n"
)


def ok(*args: str | Path) -> tuple[str, str]:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout, result.stderr


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return [tuple(r) for r in conn.execute(sql)]


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    shutil.copytree(PAGES, folder)
    return folder


@pytest.fixture
def catalog(tmp_path: Path, pages: Path) -> Path:
    db = tmp_path / "catalog.db"
    ok("load", pages, "--db", db)
    return db


def test_remove_deletes_the_title_and_its_own_rows_and_keeps_people_credited_elsewhere(catalog: Path) -> None:
    people_before = {r[0] for r in rows(catalog, "SELECT name FROM people")}

    out, err = ok("remove", "Paper", "Moons", "--db", catalog, "-f", "csv")

    assert out == REMOVED.format(pages=0)
    assert err == "moviecli: removed Paper Moons (2003)\n"
    assert rows(catalog, "SELECT count(*) FROM titles WHERE title = 'Paper Moons'") == [(0,)]
    # Hal Greaves was credited on Paper Moons alone; Peter Marsh, Zoë Lindqvist and Marta Quist stay.
    assert people_before - {r[0] for r in rows(catalog, "SELECT name FROM people")} == {"Hal Greaves"}
    assert ok("filmography", "Peter Marsh", "--db", catalog, "-f", "csv", "--no-headers")[0].count("Paper Moons") == 0
    assert rows(catalog, "SELECT count(*) FROM search_index") == rows(catalog, "SELECT count(*) FROM search_docs")
    assert "Paper Moons" not in ok("search", "moons", "--db", catalog, "-f", "csv")[0]
    assert rows(catalog, "SELECT count(*) FROM pages") == [(4,)]  # the page text stays
    assert rows(catalog, "SELECT command, sources, failed FROM imports ORDER BY id DESC LIMIT 1") == [
        ("remove", '["Paper Moons (2003)"]', 0)
    ]
    assert "integrity_check,ok\nforeign_key_check,ok\n" in ok("check", "--db", catalog, "-f", "csv")[0]


def test_a_dry_run_shows_what_would_go_and_leaves_the_file_byte_identical(catalog: Path) -> None:
    before = catalog.read_bytes()
    out, err = ok("remove", "Paper Moons", "--dry-run", "--purge", "--db", catalog, "-f", "csv")
    assert out == REMOVED.format(pages=1)
    assert err == "moviecli: would remove Paper Moons (2003); nothing changed (--dry-run)\n"
    assert catalog.read_bytes() == before


def test_a_later_load_of_the_same_file_adds_the_title_back(catalog: Path, pages: Path) -> None:
    ok("remove", "Paper Moons", "--db", catalog)
    assert ok("load", pages, "--db", catalog)[1] == "1 loaded, 0 replaced, 3 unchanged, 0 failed\n"
    assert "Hal Greaves" in ok("show", "Paper Moons", "--db", catalog)[0]


def test_purge_deletes_the_stored_page_and_a_load_still_brings_it_back(catalog: Path, pages: Path) -> None:
    out, _ = ok("remove", "Paper Moons", "--purge", "--db", catalog, "-f", "csv")
    assert out == REMOVED.format(pages=1)
    assert rows(catalog, "SELECT count(*) FROM pages WHERE text LIKE '%Paper Moons%'") == [(0,)]
    assert ok("load", pages, "--db", catalog)[1] == "1 loaded, 0 replaced, 3 unchanged, 0 failed\n"
    assert rows(catalog, "SELECT count(*) FROM pages") == [(4,)]


def test_several_matches_say_so_and_remove_nothing(tmp_path: Path, pages: Path) -> None:
    text = (pages / "paper-moons-2003.txt").read_text(encoding="utf-8")
    (pages / "paper-moons-2011.txt").write_text(text.replace("(2003)", "(2011)"), encoding="utf-8")
    db = tmp_path / "several.db"
    ok("load", pages, "--db", db)
    before = rows(db, "SELECT count(*) FROM titles")
    result = run("remove", "Paper Moons", "--db", db)
    assert result.exit_code == 1
    assert result.stderr == (
        "moviecli: 2 titles match 'Paper Moons'; choose one with --year:\n  Paper Moons (2011) movie\n"
        "  Paper Moons (2003) movie\n"
    )
    assert rows(db, "SELECT count(*) FROM titles") == before
    assert ok("remove", "Paper Moons", "--year", "2011", "--kind", "movie", "--db", db)[1] == (
        "moviecli: removed Paper Moons (2011)\n"
    )
    missing = run("remove", "Paper Moons", "--kind", "tv_series", "--db", db)
    assert (missing.exit_code, missing.stderr) == (
        1,
        "moviecli: no title 'Paper Moons' of kind tv_series in the catalog; did you mean: Paper Moons (2003)?\n",
    )


def test_remove_by_imdb_id_keeps_dataset_people(tmp_path: Path) -> None:
    db = tmp_path / "imdb.db"
    ok("load-imdb", write_dataset(tmp_path / "day1", BASE), "--db", db, "-q")
    out, err = ok("remove", "tt0113627", "--db", db, "-f", "csv")
    assert err == "moviecli: removed Leaving Las Vegas (1995)\n"
    assert "people,0\n" in out
    assert rows(db, "SELECT count(*) FROM titles WHERE imdb_id = 'tt0113627'") == [(0,)]
    # Elisabeth Shue had no other title; name.basics keeps her (a later load-imdb would too).
    assert rows(db, "SELECT name FROM people WHERE imdb_id = 'nm0000194'") == [("Elisabeth Shue",)]
    assert run("check", "--db", db).exit_code == 0
