"""`moviecli load` and `moviecli show` through the real CLI on a real SQLite file."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run
from robust_pages import page_title, write_pages

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
HARBOUR = Path(__file__).parent / "fixtures" / "load" / "harbour-lights-1987.txt"


def show_json(db: Path, title: str, *extra: str) -> dict:
    result = run("show", title, "--db", db, "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchone()[0]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "catalog.db"


@pytest.fixture
def seeded(db: Path) -> Path:
    result = run("load", SEEDS, "--db", db)
    assert result.exit_code == 0, result.stderr
    return db


def test_sample_page_gives_every_example_value_of_the_record(seeded: Path) -> None:
    r = show_json(seeded, "Leaving Las Vegas")
    assert r["title"] == "Leaving Las Vegas"
    assert r["year"] == 1995
    assert r["end_year"] is None
    assert r["kind"] == "movie"
    assert r["original_title"] is None
    assert r["runtime_minutes"] is None  # 2:48 is the trailer's length
    assert r["summary"].startswith("Ben Sanderson, a Hollywood screenwriter who lost everything")
    assert r["storyline"].startswith("Because his wife left him")
    assert r["storyline"].endswith("he moves in with.")
    assert r["storyline_author"] == "Marco van Hoof"
    assert r["directors"] == ["Mike Figgis"]
    assert r["writers"] == [
        {"name": "John O'Brien", "credit": "based upon the novel by"},
        {"name": "Mike Figgis", "credit": "screenplay by"},
    ]
    assert r["creators"] == []
    assert r["stars"] == []
    assert {"name": "Albert Henderson", "character": "Man at Strip Bar", "note": "as Al Henderson"} in r["cast"]
    assert r["cast"][0] == {"name": "Nicolas Cage", "character": "Ben Sanderson", "note": None}
    assert {"name": "Kim Adams", "character": "Sheila", "note": None} in r["cast"]
    assert len(r["cast"]) == 15
    assert r["genres"] == ["Drama", "Romance"]
    assert r["certificate"] == "R"
    assert r["certificate_reason"] == "for strong sexuality and language, violence and pervasive alcohol abuse"
    assert r["rating"] is None
    assert r["votes"] is None
    assert r["metascore"] is None
    assert r["user_reviews"] == 338
    assert r["critic_reviews"] == 101
    assert r["popularity"] == 1471
    assert r["awards"] == {
        "oscars": 1,
        "wins": 31,
        "nominations": 29,
        "text": "Won 1 Oscar. Another 31 wins & 29 nominations.",
    }
    assert r["keywords"] == []
    assert r["taglines"] == []
    assert r["quotes"] == ["Ben Sanderson: [to Sera as he is dying] See how hard you make me, angel?"]
    assert r["soundtracks"] == [
        {
            "title": "My One and Only Love",
            "credits": [
                "Lyrics by Robert Mellin",
                "Composed by Guy Wood",
                "Performed by Sting",
                "Courtesy of A&M Records, Inc.",
            ],
        }
    ]
    review = r["reviews"][0]
    assert review["title"] == "An unrelenting tragedy, with raw and passionate performances"
    assert review["author"] == "luke-a-mcgowan"
    assert review["date"] == "2015-06-12"
    assert review["location"] is None
    assert review["rating"] is None
    assert (review["helpful"], review["helpful_total"]) == (4, 4)
    assert review["text"].startswith("Having recovered from the mind-numbing Heat")
    assert review["text"].endswith("are completely washed away.")
    assert "\n\nOf the two, Nicolas Cage" in review["text"]
    assert r["official_sites"] == ["Official Facebook"]
    assert r["countries"] == ["France", "UK", "USA"]
    assert r["languages"] == ["English", "Russian"]
    assert r["release_date"] == "1996-02-09"
    assert r["release_country"] == "USA"
    assert r["akas"] == ["Leaving Las Vegas"]
    assert r["filming_locations"] == ["California, USA"]
    assert r["box_office"] == [
        {"kind": "budget", "amount": 3600000, "currency": "USD", "country": None, "date": None, "estimated": True},
        {
            "kind": "opening_weekend",
            "amount": 70864,
            "currency": "USD",
            "country": "USA",
            "date": "1995-10-29",
            "estimated": False,
        },
    ]
    assert r["companies"] == []
    assert r["sound_mix"] == ["Dolby Stereo (Digital)"]
    assert r["color"] == []
    assert r["aspect_ratio"] == "1.66 : 1"
    assert r["source"]["path"].endswith("000_130328f692786511.txt")
    assert len(r["source"]["sha256"]) == 64
    assert r["source"]["loaded_at"]
    assert isinstance(r["warnings"], list)


def test_record_has_every_contract_key_with_the_right_type(seeded: Path) -> None:
    r = show_json(seeded, "leaving las vegas")  # title matching ignores case
    lists = "directors writers creators stars cast genres keywords taglines trivia goofs quotes crazy_credits"
    lists += " alternate_versions soundtracks reviews official_sites countries languages akas filming_locations"
    lists += " box_office companies sound_mix color warnings"
    for key in lists.split():
        assert isinstance(r[key], list), key
    scalars = "title year end_year kind original_title runtime_minutes summary storyline storyline_author"
    scalars += " certificate certificate_reason rating votes metascore user_reviews critic_reviews popularity"
    scalars += " awards release_date release_country aspect_ratio source"
    for key in scalars.split():
        assert key in r, key


def test_loading_the_same_files_again_changes_nothing(seeded: Path) -> None:
    before = show_json(seeded, "Leaving Las Vegas")
    tables = ("titles", "people", "credits", "reviews", "box_office", "pages", "search_docs")
    counts = {t: count(seeded, f"SELECT count(*) FROM {t}") for t in tables}
    result = run("load", SEEDS, "--db", seeded)
    assert result.exit_code == 0
    assert result.stderr.strip().splitlines()[-1] == "0 loaded, 0 replaced, 1 unchanged, 0 failed"
    assert {t: count(seeded, f"SELECT count(*) FROM {t}") for t in tables} == counts
    assert show_json(seeded, "Leaving Las Vegas") == before


def test_a_changed_page_replaces_its_title_without_duplicates(db: Path, tmp_path: Path) -> None:
    page = tmp_path / "pages" / "harbour.txt"
    page.parent.mkdir()
    shutil.copy(HARBOUR, page)
    assert run("load", page.parent, "--db", db).exit_code == 0
    people = count(db, "SELECT count(*) FROM people")
    page.write_text(HARBOUR.read_text().replace("17 of 20 people", "18 of 21 people"), encoding="utf-8")
    result = run("load", page.parent, "--db", db)
    assert result.exit_code == 0
    assert result.stderr.strip().splitlines()[-1] == "0 loaded, 1 replaced, 0 unchanged, 0 failed"
    assert count(db, "SELECT count(*) FROM titles") == 1
    assert count(db, "SELECT count(*) FROM reviews") == 1
    assert count(db, "SELECT count(*) FROM people") == people
    assert count(db, "SELECT count(*) FROM pages") == 2  # the old text is kept too
    review = show_json(db, "Harbour Lights")["reviews"][0]
    assert (review["helpful"], review["helpful_total"]) == (18, 21)


def test_a_failing_page_is_reported_and_the_others_still_load(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    shutil.copy(HARBOUR, folder / "a-harbour.txt")
    shutil.copy(SEEDS / "000_130328f692786511.txt", folder / "c-vegas.txt")
    (folder / "b-notes.txt").write_text("shopping list\n\nmilk, eggs\n", encoding="utf-8")
    result = run("load", folder, "--db", db)
    assert result.exit_code == 1
    errors = result.stderr.strip().splitlines()
    assert errors[0].startswith(f"moviecli: {folder / 'b-notes.txt'}: ")
    assert "title" in errors[0]
    assert errors[-1] == "2 loaded, 0 replaced, 0 unchanged, 1 failed"
    assert result.stdout == ""
    assert count(db, "SELECT count(*) FROM titles") == 2


def test_a_page_the_database_refuses_in_a_bulk_batch_fails_alone(db: Path, tmp_path: Path) -> None:
    """Batches are written without savepoints; a refusal rolls the batch back, and it is written again with care."""
    paths = write_pages(tmp_path / "pages", range(100))
    assert run("load", paths[0], "--db", db, "-q").exit_code == 0
    with sqlite3.connect(db) as conn:  # the database itself refuses one title, as a constraint would
        conn.execute(
            f"CREATE TRIGGER refuse BEFORE INSERT ON titles WHEN NEW.title = '{page_title(37)}'"
            " BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"
        )
    result = run("load", tmp_path / "pages", "--db", db)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"moviecli: {paths[37]}: database refused the page: refused for the test",
        "98 loaded, 0 replaced, 1 unchanged, 1 failed",
    ]
    assert count(db, "SELECT count(*) FROM titles") == 99
    assert count(db, f"SELECT count(*) FROM titles WHERE title = '{page_title(37)}'") == 0
    assert count(db, "SELECT count(*) FROM pages") == 99  # the refused page left nothing behind
    assert count(db, "SELECT count(*) FROM page_files") == 99  # its file is read again next time
    again = run("load", tmp_path / "pages", "--db", db)
    assert again.stderr.splitlines()[-1] == "0 loaded, 0 replaced, 99 unchanged, 1 failed"


def test_load_reads_stdin(db: Path) -> None:
    result = run("load", "-", "--db", db, input=HARBOUR.read_text(encoding="utf-8"))
    assert result.exit_code == 0, result.stderr
    assert show_json(db, "Harbour Lights")["source"]["path"] == "-"


def test_usage_errors_exit_2(db: Path) -> None:
    assert run("load", "--db", db).exit_code == 2  # no source
    assert run("load", SEEDS, "--db", db, "--no-such-option").exit_code == 2
    assert run("show", "X", "--db", db, "--format", "yaml").exit_code == 2


def test_missing_path_fails_with_exit_1(db: Path, tmp_path: Path) -> None:
    result = run("load", tmp_path / "nowhere", SEEDS, "--db", db)
    assert result.exit_code == 1
    assert f"{tmp_path / 'nowhere'}: no such file or directory" in result.stderr
    assert count(db, "SELECT count(*) FROM titles") == 1


def test_show_on_a_missing_database_says_so_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    result = run("show", "Leaving Las Vegas", "--db", missing)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"moviecli: no database at {missing}")
    assert not missing.exists()


def test_show_unknown_title_exits_1(seeded: Path) -> None:
    result = run("show", "Nope", "--db", seeded)
    assert result.exit_code == 1
    assert "no title 'Nope'" in result.stderr


def test_several_matches_without_year_are_listed(db: Path, tmp_path: Path) -> None:
    remake = tmp_path / "remake.txt"
    remake.write_text(HARBOUR.read_text(encoding="utf-8").replace("Harbour Lights (1987)", "Harbour Lights (2019)"))
    assert run("load", HARBOUR, remake, "--db", db).exit_code == 0
    result = run("show", "harbour lights", "--db", db)
    assert result.exit_code == 1
    assert "2 titles match" in result.stderr
    assert "Harbour Lights (2019) movie" in result.stderr
    assert "Harbour Lights (1987) movie" in result.stderr
    assert show_json(db, "Harbour Lights", "--year", "2019")["year"] == 2019


def test_show_table_is_a_readable_card(seeded: Path) -> None:
    result = run("show", "Leaving Las Vegas", "--db", seeded)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Leaving Las Vegas (1995)"
    assert "Directors        Mike Figgis" in lines
    assert "Budget           3,600,000 USD, estimated" in lines
    assert "Opening weekend  70,864 USD, USA, 1995-10-29" in lines
    assert any(line.startswith("  Albert Henderson") and "(as Al Henderson)" in line for line in lines)
    assert max(len(line) for line in lines) <= 80


def test_db_comes_from_the_environment_then_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_db = tmp_path / "env.db"
    monkeypatch.setenv("MOVIECLI_DB", str(env_db))
    assert run("load", HARBOUR).exit_code == 0
    assert env_db.exists()
    monkeypatch.delenv("MOVIECLI_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert run("load", HARBOUR).exit_code == 0
    assert (tmp_path / "xdg" / "moviecli" / "moviecli.db").exists()


def test_pages_keep_their_original_text_and_provenance(seeded: Path) -> None:
    with sqlite3.connect(seeded) as conn:
        path, sha, text, version = conn.execute("SELECT path, sha256, text, parser_version FROM pages").fetchone()
    original = (SEEDS / "000_130328f692786511.txt").read_bytes()
    assert text == original.decode("utf-8")
    assert len(sha) == 64
    assert path.endswith("000_130328f692786511.txt")
    assert version


def test_schema_has_foreign_keys_and_lookup_indexes(seeded: Path) -> None:
    with sqlite3.connect(seeded) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    for name in ("titles_by_title", "titles_by_year", "credits_by_person", "genres_by_genre", "people_by_key"):
        assert name in indexes


def test_version_and_python_dash_m() -> None:
    result = subprocess.run([sys.executable, "-m", "moviecli", "--version"], capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.startswith("moviecli ")
    assert result.stderr == ""


PAGES = Path(__file__).parent / "fixtures" / "pages"


@pytest.mark.parametrize("page", sorted(p.name for p in PAGES.glob("*.txt")))
def test_every_block_survives_load_and_show(page: str, db: Path) -> None:
    """What the parser reads from a page is exactly what `show --format json` gives after a load."""
    import dataclasses

    from moviecli.parse import parse_page

    parsed = dataclasses.asdict(parse_page((PAGES / page).read_text(encoding="utf-8")))
    assert run("load", PAGES / page, "--db", db).exit_code == 0
    shown = show_json(db, parsed["title"], *(["--year", str(parsed["year"])] if parsed["year"] else []))
    for key, value in parsed.items():
        assert shown[key] == value, key


@pytest.mark.parametrize("twin", ["movie", "old_layout", "tv_series"])
def test_labeled_and_stripped_twins_show_the_same_record(twin: str, tmp_path: Path) -> None:
    records = []
    for form in ("labeled", "stripped"):
        db = tmp_path / f"{form}.db"
        assert run("load", PAGES / f"{form}_{twin}.txt", "--db", db).exit_code == 0
        with sqlite3.connect(db) as conn:
            title, year = conn.execute("SELECT title, year FROM titles").fetchone()
        record = show_json(db, title, "--year", str(year))
        del record["source"]
        records.append(record)
    assert records[0] == records[1]
