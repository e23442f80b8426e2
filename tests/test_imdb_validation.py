"""`moviecli load-imdb` on dataset files that lie, and under faults (issue 10), through the real CLI.

Each case is a small invented dataset (tests/imdb_dataset.py) with one lie in it, imported into a
real SQLite file; the test asserts the exact line on stderr and what reached the catalog.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
from imdb_dataset import BASE, HARBOUR_PAGE, N, copy_base, write_dataset
from typer.testing import CliRunner

from moviecli import db as moviecli_db
from moviecli import imdb
from moviecli.cli import app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import imdb_datasets  # benchmarks/ is a folder of scripts, not a package

runner = CliRunner()


def run(*args: str | Path) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return [tuple(r) for r in conn.execute(sql)]


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.db"
    result = run("load-imdb", write_dataset(tmp_path / "day1", BASE), "--db", path, "-q")
    assert result.exit_code == 0, result.stderr
    return path


# --- faults ---------------------------------------------------------------------------------------


def test_a_lock_held_too_long_is_the_one_line_load_prints(
    catalog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(moviecli_db, "BUSY_TIMEOUT_SECONDS", 1.0)
    holder = sqlite3.connect(catalog, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = run("load-imdb", tmp_path / "day1", "--db", catalog)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "moviecli: the catalog stayed locked by another process for 1 s; try again later\n"
    assert rows(catalog, "SELECT count(*) FROM imports") == [(1,)]


def test_disk_full_says_so_and_leaves_the_catalog_as_it_was(small_disk: Path, tmp_path: Path) -> None:
    catalog = small_disk / "catalog.db"
    assert run("load-imdb", write_dataset(tmp_path / "day1", BASE), "--db", catalog, "-q").exit_code == 0
    before = rows(catalog, "SELECT id, title, imdb_id FROM titles ORDER BY id")
    big = tmp_path / "big"
    imdb_datasets.generate(big, 6000)  # a catalog of several MB: more than the disk holds
    result = run("load-imdb", big, "--db", catalog)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"moviecli: {catalog}: disk full\n"
    assert rows(catalog, "PRAGMA integrity_check") == [("ok",)]
    assert rows(catalog, "SELECT id, title, imdb_id FROM titles ORDER BY id") == before
    # The failed run is on record: its WAL frames were handed back to the disk first.
    assert rows(catalog, "SELECT failed, failures FROM imports ORDER BY id") == [
        (0, "[]"),
        (1, f'[{{"path": "", "reason": "{catalog}: disk full"}}]'),
    ]


def test_disk_full_mid_statement_is_not_hidden_by_a_second_rollback(
    catalog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A full disk in the middle of a statement (not at COMMIT) often makes SQLite roll back on
    # its own; the tmpfs test above fills up at COMMIT, so this one injects that fault.
    def fills_the_disk(conn: sqlite3.Connection, counts: object) -> None:
        conn.execute("ROLLBACK")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(imdb, "apply_ratings", fills_the_disk)
    before = rows(catalog, "SELECT * FROM titles ORDER BY id")
    result = run("load-imdb", tmp_path / "day1", "--db", catalog)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"moviecli: {catalog}: disk full\n"
    assert rows(catalog, "SELECT * FROM titles ORDER BY id") == before
    assert rows(catalog, "SELECT failed, failures FROM imports ORDER BY id DESC LIMIT 1") == [
        (1, f'[{{"path": "", "reason": "{catalog}: disk full"}}]')
    ]


# --- dataset files that lie -----------------------------------------------------------------------
# The rule (moviecli/imdb/checks.py): the first row that lies refuses its file, and the run stops before
# any write with `PATH: line N: FIELD 'value' is not …`; the catalog stays as it was.


def refused(catalog: Path, directory: Path) -> str:
    """Import `directory`, which must be refused; the catalog must be left as it was. Returns stderr."""
    before = rows(catalog, "SELECT * FROM titles ORDER BY id") + rows(catalog, "SELECT * FROM people ORDER BY id")
    result = run("load-imdb", directory, "--db", catalog)
    assert (result.exit_code, result.stdout) == (1, ""), result.stderr
    after = rows(catalog, "SELECT * FROM titles ORDER BY id") + rows(catalog, "SELECT * FROM people ORDER BY id")
    assert after == before
    assert rows(catalog, "SELECT failed FROM imports ORDER BY id DESC LIMIT 1") == [(1,)]
    return str(result.stderr)


def with_row(name: str, row: list[str]) -> dict[str, list[list[str]]]:
    files = copy_base()
    files[name].append(row)
    return files


ID_RULE = "is not an IMDb id (tt and 7 digits, or 8 to 10)"
LIES = {
    "19-digit id": (
        "basics",
        ["tt1234567890123456789", "movie", "Big", "Big", "0", "2001", N, N, N],
        f"line 9: tconst 'tt1234567890123456789' {ID_RULE}",
    ),
    "11-digit id": (
        "basics",
        ["tt12345678901", "movie", "Big", "Big", "0", "2001", N, N, N],
        f"line 9: tconst 'tt12345678901' {ID_RULE}",
    ),
    "6-digit id": ("ratings", ["tt113627", "7.5", "1"], f"line 5: tconst 'tt113627' {ID_RULE}"),
    "zero-padded id": ("ratings", ["tt00113627", "7.5", "1"], f"line 5: tconst 'tt00113627' {ID_RULE}"),
    "name id of 19 digits": (
        "names",
        ["nm9999999999999999999", "X", N, N, N, N],
        "line 10: nconst 'nm9999999999999999999' is not an IMDb id (nm and 7 digits, or 8 to 10)",
    ),
    "duplicate title": (
        "basics",
        ["tt0113627", "movie", "Other", "Other", "0", "1996", N, N, N],
        "line 9: tconst tt0113627 is listed twice (also on line 6)",
    ),
    "duplicate rating": (
        "ratings",
        ["tt0093146", "1.0", "3"],
        "line 5: tconst tt0093146 is listed twice (also on line 2)",
    ),
    "duplicate person": (
        "names",
        ["nm0000115", "Nick Cage", N, N, N, N],
        "line 10: nconst nm0000115 is listed twice (also on line 2)",
    ),
    "duplicate episode": (
        "episode",
        ["tt10872601", "tt10872600", "2", "1"],
        "line 4: tconst tt10872601 is listed twice (also on line 2)",
    ),
    "duplicate crew": ("crew", ["tt0113627", N, N], "line 6: tconst tt0113627 is listed twice (also on line 3)"),
    "year abc": (
        "basics",
        ["tt0000505", "movie", "Y", "Y", "0", "abc", N, N, N],
        "line 9: startYear 'abc' is not a year",
    ),
    "end year 20000": (
        "basics",
        ["tt0000505", "movie", "Y", "Y", "0", "2000", "20000", N, N],
        "line 9: endYear '20000' is not a year",
    ),
    "runtime -3": (
        "basics",
        ["tt0000505", "movie", "Y", "Y", "0", "2000", N, "-3", N],
        "line 9: runtimeMinutes '-3' is not a number of minutes",
    ),
    "birth year 19.5": ("names", ["nm0800009", "X", "19.5", N, N, N], "line 10: birthYear '19.5' is not a year"),
    "rating nan": ("ratings", ["tt0000502", "nan", "5"], "line 5: averageRating 'nan' is not a rating from 1 to 10"),
    "rating inf": ("ratings", ["tt0000502", "inf", "5"], "line 5: averageRating 'inf' is not a rating from 1 to 10"),
    "rating 1e999": (
        "ratings",
        ["tt0000502", "1e999", "5"],
        "line 5: averageRating '1e999' is not a rating from 1 to 10",
    ),
    "rating 11": ("ratings", ["tt0000502", "11", "5"], "line 5: averageRating '11' is not a rating from 1 to 10"),
    "votes -5": ("ratings", ["tt0000502", "5.0", "-5"], "line 5: numVotes '-5' is not a number of votes"),
    "votes as text": ("ratings", ["tt0000502", "5.0", "many"], "line 5: numVotes 'many' is not a number of votes"),
    "season -1": (
        "episode",
        ["tt0000503", "tt10872600", "-1", "1"],
        "line 4: seasonNumber '-1' is not a season number",
    ),
    # principals keeps only cast rows: the line is still the file's own.
    "ordering x": (
        "principals",
        ["tt0000503", "x", "nm0000115", "actor", N, N],
        "line 13: ordering 'x' is not a position (1 or more)",
    ),
}


@pytest.mark.parametrize("case", LIES)
def test_a_row_that_lies_refuses_its_file(catalog: Path, tmp_path: Path, case: str) -> None:
    name, row, message = LIES[case]
    directory = write_dataset(tmp_path / "day2", with_row(name, row))
    stem = imdb.DATASETS[name][0]
    assert refused(catalog, directory) == f"moviecli: {directory / stem}.tsv.gz: {message}\n"


def test_ids_of_9_and_10_digits_are_accepted(tmp_path: Path) -> None:
    files = {
        "basics": [
            ["tt123456789", "movie", "Nine", "Nine", "0", "2030", N, N, N],
            ["tt1234567890", "movie", "Ten", "Ten", "0", "2040", N, N, N],
        ]
    }
    catalog = tmp_path / "catalog.db"
    result = run("load-imdb", write_dataset(tmp_path / "d", files), "--db", catalog, "-q")
    assert result.exit_code == 0, result.stderr
    assert rows(catalog, "SELECT imdb_id, title FROM titles ORDER BY id") == [
        ("tt123456789", "Nine"),
        ("tt1234567890", "Ten"),
    ]


def test_after_a_refused_huge_id_pages_still_load(catalog: Path, tmp_path: Path) -> None:
    name, row, _ = LIES["19-digit id"]
    refused(catalog, write_dataset(tmp_path / "day2", with_row(name, row)))
    result = run("load", HARBOUR_PAGE, "--db", catalog, "-q")
    assert result.exit_code == 0, result.stderr
    # A 19-digit id once became the highest title id (2**63 - 1): every later new title overflowed.
    assert rows(catalog, "SELECT max(id) < 2 * 10000000000 FROM titles") == [(1,)]
    assert rows(catalog, "SELECT count(*) FROM titles WHERE title = 'Harbour Lights' AND page_id IS NOT NULL") == [(1,)]


@pytest.mark.parametrize("kind", ["directory", "dangling symlink", "symlink loop"])
def test_a_non_file_named_like_a_dataset_file_is_an_error(catalog: Path, tmp_path: Path, kind: str) -> None:
    directory = write_dataset(tmp_path / "day2", copy_base())
    odd = directory / "title.ratings.tsv.gz"
    odd.unlink()
    if kind == "directory":
        odd.mkdir()
        reason = "is a directory, not a dataset file"
    elif kind == "dangling symlink":
        odd.symlink_to(tmp_path / "gone.tsv.gz")
        reason = "is a symbolic link that leads to no file"
    else:
        odd.symlink_to(directory / "title.ratings.tsv")
        (directory / "title.ratings.tsv").symlink_to(odd)
        reason = "is a symbolic link that leads to no file"
    result = run("load-imdb", directory, "--db", catalog)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"moviecli: {odd}: {reason}\n"
