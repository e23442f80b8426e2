"""`moviecli load-imdb` through the real CLI on a real SQLite file: the merge with pages, exit
codes, the summary, a killed import, and the query commands over dataset data."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run
from imdb_dataset import BASE, HARBOUR_PAGE, copy_base, write_dataset

ROOT = Path(__file__).resolve().parent.parent


def ok(*args: str | Path) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def rows(path: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return [tuple(r) for r in conn.execute(sql, params)]


def show(db: Path, title: str, *extra: str) -> dict:
    return json.loads(ok("show", title, "--db", db, "--format", "json", *extra))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "catalog.db"


@pytest.fixture
def day1(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "day1", BASE)


def test_summary_on_stderr_and_quiet(db: Path, day1: Path) -> None:
    result = run("load-imdb", day1, "--db", db)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.startswith("moviecli: load-imdb: 7 files, 40 rows read: 34 inserted, 0 updated, 0 deleted,")
    assert result.stderr.count("\n") == 1
    quiet = run("load-imdb", day1, "--db", db, "--quiet")
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")


def test_plain_tsv_files(db: Path, tmp_path: Path) -> None:
    ok("load-imdb", write_dataset(tmp_path / "plain", BASE, gz=False), "--db", db)
    assert rows(db, "SELECT count(*) FROM titles") == [(6,)]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--only", "ratings,bogus"], 2, "unknown file 'bogus'"),
        (["--only", "akas"], 1, "title.akas.tsv.gz: no such file"),
    ],
)
def test_usage_errors(db: Path, tmp_path: Path, args: list[str], code: int, message: str) -> None:
    directory = write_dataset(tmp_path / "d", {"ratings": BASE["ratings"]})
    result = run("load-imdb", directory, "--db", db, *args)
    assert result.exit_code == code
    assert message in result.stderr


def test_missing_folder_and_bad_header_exit_1(db: Path, day1: Path, tmp_path: Path) -> None:
    result = run("load-imdb", tmp_path / "nowhere", "--db", db)
    assert result.exit_code == 1 and "not a directory" in result.stderr
    ok("load-imdb", day1, "--db", db, "-q")
    (day1 / "title.crew.tsv.gz").unlink()
    (day1 / "title.crew.tsv").write_text("tconst\tdirectors\n")
    result = run("load-imdb", day1, "--db", db)
    assert result.exit_code == 1
    assert result.stderr == (
        f"moviecli: {day1 / 'title.crew.tsv'}: unexpected header 'tconst directors'; expected"
        " 'tconst directors writers' (has IMDb changed the file layout?)\n"
    )
    assert rows(db, "SELECT count(*) FROM imports") == [(1,)]


def test_plain_tsv_cut_off_mid_line_is_refused_before_any_write(db: Path, day1: Path, tmp_path: Path) -> None:
    ok("load-imdb", day1, "--db", db, "-q")
    before = _catalog_state(db)
    directory = write_dataset(tmp_path / "cut", BASE, gz=False)
    path = directory / "title.basics.tsv"
    path.write_bytes(path.read_bytes()[:-12])  # the download stopped inside the last line
    result = run("load-imdb", directory, "--db", db)
    assert result.exit_code == 1
    assert f"{path}: the last line has no newline: the file looks cut off (after 6 rows)" in result.stderr
    assert _catalog_state(db) == before


def _ratings(count: int) -> list[list[str]]:
    return [*BASE["ratings"], *([f"tt{9_000_000 + i}", "5.0", "10"] for i in range(count - len(BASE["ratings"])))]


def test_much_smaller_file_is_refused_unless_allowed(db: Path, tmp_path: Path) -> None:
    files = copy_base()
    files["ratings"] = _ratings(2000)
    ok("load-imdb", write_dataset(tmp_path / "day1", files), "--db", db, "-q")
    before = _catalog_state(db)
    imports = rows(db, "SELECT count(*) FROM imports")
    # Cut to 999 rows (a plain file cut at a line end looks whole): fewer than half of 2,000.
    files["ratings"] = _ratings(999)
    day2 = write_dataset(tmp_path / "day2", files, gz=False)
    result = run("load-imdb", day2, "--db", db)
    assert result.exit_code == 1
    assert f"{day2 / 'title.ratings.tsv'}: 999 rows, against 2,000 in the last import (" in result.stderr
    assert "pass --allow-shrink if the dataset really shrank" in result.stderr
    assert _catalog_state(db) == before
    assert rows(db, "SELECT count(*) FROM imports") == imports  # nothing written, not even a failed run
    # Half is still fine; and --allow-shrink takes the smaller file.
    files["ratings"] = _ratings(1000)
    ok("load-imdb", write_dataset(tmp_path / "day3", files), "--db", db, "-q")
    files["ratings"] = _ratings(3)
    ok("load-imdb", write_dataset(tmp_path / "day4", files), "--db", db, "-q", "--allow-shrink")
    assert rows(db, "SELECT read FROM import_files WHERE dataset = 'title.ratings' ORDER BY import_id") == [
        (2000,),
        (1000,),
        (3,),
    ]
    assert rows(db, "SELECT count(*) FROM titles WHERE rating IS NOT NULL") == [(3,)]


# --- merged with pages -------------------------------------------------------------------------


def test_page_title_merges_and_keeps_its_page_data(db: Path, day1: Path) -> None:
    ok("load", HARBOUR_PAGE, "--db", db)
    page = show(db, "Harbour Lights")
    ok("load-imdb", day1, "--db", db, "-q")
    assert rows(db, "SELECT count(*) FROM titles WHERE title = 'Harbour Lights'") == [(1,)]
    merged = show(db, "Harbour Lights")
    assert merged["imdb_id"] == "tt0093146"
    # The page had no rating, votes or original title: the dataset fills them; the rest is the page's.
    filled = ("imdb_id", "rating", "votes", "original_title")
    assert [merged[k] for k in filled] == ["tt0093146", 6.9, 2318, "Fyrlys"]
    assert {k: v for k, v in merged.items() if k not in filled} == {k: v for k, v in page.items() if k not in filled}
    # Page people credited on the title are now the dataset's: the Peter Marlowe of this title
    # (not his namesake in Leaving Las Vegas), Zoë Carrington, Ingrid Solberg. Rudi Brandt is not
    # in the dataset: he stays a page person.
    people = rows(
        db,
        "SELECT p.name, p.imdb_id, c.role, c.character FROM credits c JOIN people p ON p.id = c.person_id"
        " JOIN titles t ON t.id = c.title_id WHERE t.imdb_id = 'tt0093146' ORDER BY c.role, c.position",
    )
    assert people == [
        ("Peter Marlowe", "nm0800002", "actor", "Edwin Hale"),
        ("Zoë Carrington", "nm0800003", "actor", "Annie Hale"),
        ("Rudi Brandt", None, "actor", "The Stranger"),
        ("Maggie O'Neill", None, "actor", "Postmistress"),
        ("Colm Dwyer", None, "actor", "Fisherman"),
        ("Ingrid Solberg", "nm0800001", "director", None),
        ("Tomas Vell", None, "writer", None),
        ("Ingrid Solberg", "nm0800001", "writer", None),
    ]
    assert rows(
        db, "SELECT count(*) FROM people WHERE name IN ('Peter Marlowe', 'Zoë Carrington', 'Ingrid Solberg')"
    ) == [(4,)]
    assert rows(db, "PRAGMA foreign_key_check") == []


def test_filled_values_follow_the_dataset_page_values_never(db: Path, day1: Path, tmp_path: Path) -> None:
    ok("load", HARBOUR_PAGE, "--db", db)
    ok("load-imdb", day1, "--db", db, "-q")
    files = copy_base()
    files["ratings"][0] = ["tt0093146", "7.1", "2400"]
    files["basics"][3][7] = "140"  # the page says 101 minutes: the page wins
    files["basics"][3][6] = "1988"  # an end year the page never had: filled
    ok("load-imdb", write_dataset(tmp_path / "day2", files), "--db", db, "-q")
    merged = show(db, "Harbour Lights")
    assert (merged["rating"], merged["votes"], merged["runtime_minutes"], merged["end_year"]) == (7.1, 2400, 101, 1988)
    # The page reloaded (a newer copy, with its own rating) wins over the earlier fill.
    newer = tmp_path / "harbour-lights-newer.txt"
    newer.write_text(HARBOUR_PAGE.read_text().replace("Won 2 Oscars.", "7.9/10\nWon 2 Oscars."))
    ok("load", newer, "--db", db)
    ok("load-imdb", write_dataset(tmp_path / "day2", files), "--db", db, "-q")
    rating = show(db, "Harbour Lights")["rating"]
    assert rating in (7.1, 7.9)  # whatever the parser reads from that line, never overwritten below
    if rating == 7.9:
        assert rows(db, "SELECT count(*) FROM imdb_fills WHERE field = 'rating'") == [(0,)]


def test_page_loaded_after_the_dataset_merges_on_the_next_run(db: Path, day1: Path) -> None:
    ok("load-imdb", day1, "--db", db, "-q")
    series_id = rows(db, "SELECT id FROM titles WHERE imdb_id = 'tt0093146'")[0][0]
    ok("load", HARBOUR_PAGE, "--db", db)
    assert rows(db, "SELECT count(*) FROM titles WHERE title = 'Harbour Lights'") == [(2,)]
    result = run("load-imdb", day1, "--db", db)
    assert "1 page titles merged" in result.stderr
    assert rows(db, "SELECT page_id IS NOT NULL, imdb_id FROM titles WHERE title = 'Harbour Lights'") == [
        (1, "tt0093146")
    ]
    assert rows(db, "SELECT count(*) FROM credits WHERE title_id = ?", series_id) == [(0,)]
    assert rows(db, "SELECT count(*) FROM people WHERE name = 'Peter Marlowe'") == [(2,)]
    assert rows(db, "PRAGMA foreign_key_check") == []


def test_never_merges_on_name_alone(db: Path, tmp_path: Path) -> None:
    # Peter Marlowe of the page is credited on Harbour Lights; a dataset without that title's
    # credits has two Peter Marlowes and no way to tell: the page person stays as he is.
    ok("load", HARBOUR_PAGE, "--db", db)
    files = copy_base()
    files["principals"] = [r for r in files["principals"] if r[0] != "tt0093146"]
    ok("load-imdb", write_dataset(tmp_path / "d", files), "--db", db, "-q")
    assert rows(db, "SELECT imdb_id FROM people WHERE name = 'Peter Marlowe' ORDER BY imdb_id IS NULL, imdb_id") == [
        ("nm0800002",),
        ("nm0800004",),
        (None,),
    ]


# --- the query commands over dataset data --------------------------------------------------------


def test_query_commands_over_the_dataset(db: Path, day1: Path) -> None:
    ok("load-imdb", day1, "--db", db, "-q")
    assert ok("filmography", "Nicolas Cage", "--db", db, "-f", "tsv") == (
        "year\ttitle\trole\tcharacter\tcredit\trating\n"
        "1995\tLeaving Las Vegas\tactor\tBen Sanderson\t\t7.5\n"
        "1995\tLeaving Las Vegas\tproducer\t\tproducer\t7.5\n"
        '2020\tPilot\tarchive_footage\tBen "B" Sanderson\t\t\n'
        '2020\tThe "Quiet" Coast\twriter\t\t\t8.1\n'
    )
    top = ok("ratings", "--sort", "votes", "--desc", "--limit", "2", "--db", db, "-f", "csv", "--no-headers")
    assert [line.split(",")[0] for line in top.splitlines()] == ["Leaving Las Vegas", "Harbour Lights"]
    record = show(db, "Leaving Las Vegas")
    assert record["directors"] == ["Mike Figgis"]
    assert record["akas"] == ["Adiós a Las Vegas", 'Die Stadt "Vegas"']
    assert record["cast"][2] == {"name": "Peter Marlowe", "character": "Bartender / Man in Bar", "note": None}
    assert "Pilot" in ok("titles", "--kind", "tv_episode", "--db", db)
    assert "Harbour Lights" in ok("search", "Fyrlys", "--db", db)
    assert "Zoë Carrington" in ok("people", "zoe", "--db", db)


# --- a killed import -------------------------------------------------------------------------------


def _catalog_state(db: Path) -> list[object]:
    return [
        rows(db, f"SELECT count(*), total({column}) FROM {table}")[0]
        for table, column in (
            ("titles", "id"),
            ("people", "id"),
            ("credits", "person_id"),
            ("genres", "title_id"),
            ("title_items", "title_id"),
            ("episodes", "series_id"),
            ("search_docs", "id"),
        )
    ] + [rows(db, "SELECT imdb_id, title, rating, votes FROM titles ORDER BY id")]


def test_killed_import_leaves_yesterdays_catalog(db: Path, day1: Path, tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import imdb_datasets
    finally:
        sys.path.pop(0)
    ok("load", HARBOUR_PAGE, "--db", db)
    ok("load-imdb", day1, "--db", db, "-q")
    before = _catalog_state(db)
    big = imdb_datasets.generate(tmp_path / "big", titles=30_000)
    assert big["title.principals"] > 100_000
    process = subprocess.Popen(
        [sys.executable, "-m", "moviecli", "load-imdb", str(tmp_path / "big"), "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    # Wait until the run is recorded as started and its transaction has written to the WAL.
    wal = Path(f"{db}-wal")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if (
            rows(db, "SELECT count(*) FROM imports WHERE finished_at IS NULL")[0][0]
            and wal.exists()
            and wal.stat().st_size > 4_000_000
        ):
            break
        time.sleep(0.02)
    assert process.poll() is None, "the import finished before it could be killed; make the dataset larger"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert _catalog_state(db) == before
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "PRAGMA foreign_key_check") == []
    assert rows(db, "SELECT command FROM imports WHERE finished_at IS NULL") == [("load-imdb",)]
    # And the next run does the job.
    ok("load-imdb", tmp_path / "big", "--db", db, "-q")
    assert rows(db, "SELECT count(*) FROM titles WHERE imdb_id IS NOT NULL")[0][0] > 25_000
    assert rows(db, "PRAGMA foreign_key_check") == []
