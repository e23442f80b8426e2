"""Output that is always valid (issue 10): BLOBs, numbers that are not finite, duplicate column names,
a bare carriage return in CSV, and escape sequences from pages kept off the terminal.

Each through the real CLI; what a program reads back (json, csv, sqlite-utils, the sqlite3 shell)
is checked by reading it back.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, run

BLOBS = "SELECT x'00ff' AS b, x'' AS empty, x'61' AS one, NULL AS none"


def sql(db: Path, statement: str, fmt: str) -> str:
    result = run("sql", statement, "-f", fmt, "--db", db)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        (
            "json",
            '[\n {"b": {"$base64": true, "encoded": "AP8="}, "empty": {"$base64": true, "encoded": ""},'
            ' "one": {"$base64": true, "encoded": "YQ=="}, "none": null}\n]\n',
        ),
        (
            "jsonl",
            '{"b": {"$base64": true, "encoded": "AP8="}, "empty": {"$base64": true, "encoded": ""},'
            ' "one": {"$base64": true, "encoded": "YQ=="}, "none": null}\n',
        ),
        ("csv", "b,empty,one,none\nAP8=,,YQ==,\n"),
        ("tsv", "b\tempty\tone\tnone\nAP8=\t\tYQ==\t\n"),
        (
            "table",
            "b                  empty              one               none\n"
            "-----------------  -----------------  ----------------  ----\n"
            "<Binary: 2 bytes>  <Binary: 0 bytes>  <Binary: 1 byte>\n",
        ),
    ],
)
def test_a_blob_has_a_valid_form_in_every_format(catalog_db: Path, fmt: str, expected: str) -> None:
    assert sql(catalog_db, BLOBS, fmt) == expected


def test_sqlite_utils_reads_the_json_blob_back_as_the_same_bytes(catalog_db: Path, tmp_path: Path) -> None:
    rows = tmp_path / "rows.json"
    rows.write_text(sql(catalog_db, "SELECT 1 AS id, x'00ff10' AS b", "json"))
    copy = tmp_path / "copy.db"
    subprocess.run([sys.executable, "-m", "sqlite_utils", "insert", str(copy), "t", str(rows)], check=True)
    assert sqlite3.connect(copy).execute("SELECT id, b FROM t").fetchall() == [(1, b"\x00\xff\x10")]


def test_a_blob_of_a_big_result_does_not_cut_the_json_short(catalog_db: Path) -> None:
    statement = "SELECT title, CASE WHEN year > 2005 THEN x'01' ELSE year END AS v FROM titles"
    assert json.loads(sql(catalog_db, statement + " ORDER BY title", "json")) == [
        {"title": "Night Ferry", "v": {"$base64": True, "encoded": "AQ=="}},
        {"title": "Paper Moons", "v": 2003},
        {"title": "The Salt Road", "v": 1994},
        {"title": "Wind Road", "v": {"$base64": True, "encoded": "AQ=="}},
    ]


NOT_FINITE = "SELECT 1e999 AS up, -1e999 AS down, 1.5 AS plain"


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("json", '[\n {"up": null, "down": null, "plain": 1.5}\n]\n'),
        ("jsonl", '{"up": null, "down": null, "plain": 1.5}\n'),
        ("csv", "up,down,plain\n,,1.5\n"),
        ("tsv", "up\tdown\tplain\n\t\t1.5\n"),
        ("table", "up  down  plain\n--  ----  -----\n          1.5\n"),
    ],
)
def test_a_number_that_is_not_finite_is_null_or_empty(catalog_db: Path, fmt: str, expected: str) -> None:
    assert sql(catalog_db, NOT_FINITE, fmt) == expected


def test_json_never_holds_infinity_or_nan(catalog_db: Path) -> None:
    text = sql(catalog_db, "SELECT 1e999 AS a, 1e999 - 1e999 AS b, -1e999 AS c", "json")
    assert json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in the JSON")) == [
        {"a": None, "b": None, "c": None}
    ]


DUPLICATES = "SELECT 1 AS a, 2 AS a, 3 AS a_2, 4 AS a"


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("json", '[\n {"a": 1, "a_3": 2, "a_2": 3, "a_4": 4}\n]\n'),
        ("jsonl", '{"a": 1, "a_3": 2, "a_2": 3, "a_4": 4}\n'),
        ("csv", "a,a_3,a_2,a_4\n1,2,3,4\n"),
        ("tsv", "a\ta_3\ta_2\ta_4\n1\t2\t3\t4\n"),
        ("table", "a  a_3  a_2  a_4\n-  ---  ---  ---\n1  2    3    4\n"),
    ],
)
def test_duplicate_column_names_are_kept_with_a_suffix_in_every_format(
    catalog_db: Path, fmt: str, expected: str
) -> None:
    assert sql(catalog_db, DUPLICATES, fmt) == expected


def test_a_join_keeps_both_ids(catalog_db: Path) -> None:
    statement = (
        "SELECT t.id, g.title_id AS id, g.genre FROM titles t JOIN genres g ON g.title_id = t.id"
        " WHERE t.title = 'Wind Road' ORDER BY g.genre LIMIT 1"
    )
    (row,) = json.loads(sql(catalog_db, statement, "json"))
    assert list(row) == ["id", "id_2", "genre"]
    assert row["id"] == row["id_2"]


CARRIAGE_RETURNS = "SELECT 'one' || char(13) || 'two' AS t, 'x' AS u, char(13) AS alone, 'a\"b' AS q"


def test_a_bare_carriage_return_is_quoted_in_csv(catalog_db: Path) -> None:
    text = sql(catalog_db, CARRIAGE_RETURNS, "csv")
    assert text == 't,u,alone,q\n"one\rtwo",x,"\r","a""b"\n'
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["t", "u", "alone", "q"], ["one\rtwo", "x", "\r", 'a"b']]


def test_other_rows_keep_their_quoting_around_a_carriage_return(catalog_db: Path) -> None:
    statement = "VALUES ('a,b', 'plain'), ('c' || char(13), 'plain'), ('d' || char(10) || 'e', 'plain')"
    text = sql(catalog_db, statement, "csv")
    assert text == 'column1,column2\n"a,b",plain\n"c\r",plain\n"d\ne",plain\n'
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["column1", "column2"],
        ["a,b", "plain"],
        ["c\r", "plain"],
        ["d\ne", "plain"],
    ]


def test_sqlite_utils_and_the_sqlite3_shell_read_the_row_back_whole(catalog_db: Path, tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(sql(catalog_db, CARRIAGE_RETURNS, "csv"), newline="")
    copy = tmp_path / "copy.db"
    subprocess.run([sys.executable, "-m", "sqlite_utils", "insert", str(copy), "t", str(rows), "--csv"], check=True)
    # One row of four columns (sqlite-utils reads the file with universal newlines: the \r comes back as \n).
    assert sqlite3.connect(copy).execute("SELECT u, q FROM t").fetchall() == [("x", 'a"b')]
    expected = [("one\rtwo", "x", "\r", 'a"b')]
    shell = shutil.which("sqlite3")
    if shell is None:
        pytest.skip("no sqlite3 shell on this machine")
    imported = tmp_path / "shell.db"
    subprocess.run([shell, str(imported), f".import --csv {rows} t"], check=True)
    assert sqlite3.connect(imported).execute("SELECT t, u, alone, q FROM t").fetchall() == expected


def test_a_carriage_return_is_escaped_in_tsv_and_a_space_in_a_table(catalog_db: Path) -> None:
    assert sql(catalog_db, CARRIAGE_RETURNS, "tsv") == 't\tu\talone\tq\none\\rtwo\tx\t\\r\ta"b\n'
    assert sql(catalog_db, CARRIAGE_RETURNS, "table") == (
        't        u  alone  q\n-------  -  -----  ---\none two  x         a"b\n'
    )


# A page whose title, summary and cast carry escape sequences: colours, an OSC window title (ended
# by BEL), a C1 CSI clearing the screen, DEL.
TITLE = "Night \x1b[31mFerry\x1b]0;pwned\x07"
SHOWN_TITLE = "Night \\x1b[31mFerry\\x1b]0;pwned\\x07"


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    page = (FIXTURES / "catalog" / "night-ferry-tv-series.txt").read_text(encoding="utf-8")
    page = page.replace("Night Ferry (2015", TITLE + " (2015", 1)
    page = page.replace("Peter Marsh ... Captain", "Peter \x9b2JMarsh\x7f ... Captain")
    page = page.replace("A ferry captain", "A \x1b[2J ferry captain")
    (tmp_path / "night-ferry.txt").write_text(page, encoding="utf-8")
    frost = (FIXTURES / "lookups" / "frost-lantern-1961.txt").read_text(encoding="utf-8")
    (tmp_path / "frost.txt").write_text(frost.replace("The Snow Queen", "The \x1b[5mSnow\x1b[0m Queen"))
    db = tmp_path / "hostile.db"
    loaded = run("load", tmp_path / "night-ferry.txt", tmp_path / "frost.txt", "--db", db, "--quiet")
    assert loaded.exit_code == 0, loaded.stderr
    return db


def test_titles_shows_escape_sequences_escaped_in_a_table(hostile_db: Path) -> None:
    result = run("titles", "--kind", "tv_series", "--db", hostile_db)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "title                                year  kind       genres                 certificate  rating  votes"
        "  directors\n"
        "-----------------------------------  ----  ---------  ---------------------  -----------  ------  -----"
        "  ---------\n"
        f"{SHOWN_TITLE}  2015  tv_series  Crime, Drama, Mystery  TV-MA        8.1     5432\n"
    )


def test_csv_tsv_and_json_keep_the_data_as_it_is(hostile_db: Path) -> None:
    args = ("titles", "--kind", "tv_series", "--db", hostile_db)
    assert run(*args, "-f", "csv").stdout.splitlines()[1].startswith(TITLE + ",2015,")
    assert run(*args, "-f", "tsv").stdout.splitlines()[1].startswith(TITLE + "\t2015\t")
    assert json.loads(run(*args, "-f", "jsonl").stdout)["title"] == TITLE
    record = json.loads(run("show", TITLE, "-f", "json", "--db", hostile_db).stdout)
    assert (record["title"], record["cast"][0]["name"]) == (TITLE, "Peter \x9b2JMarsh\x7f")


def test_the_card_shows_escape_sequences_escaped(hostile_db: Path) -> None:
    result = run("show", TITLE, "--db", hostile_db)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"{SHOWN_TITLE} (2015–2018)\n" + "=" * 47 + "\n" + "Kind             tv series\n"
        "Runtime          45 min\n"
        "Genres           Crime, Drama, Mystery\n"
        "Certificate      TV-MA\n"
        "Rating           8.1/10 from 5,432 votes\n"
        "Creators         Marta Quist\n"
        "Stars            Peter Marsh, Zoe Ashdown\n"
        "Countries        UK, Norway\n"
        "Languages        English, Norwegian\n"
        "Summary          A \\x1b[2J ferry captain on the night crossing to Bergen finds a\n"
        "                 passenger who is not on the manifest.\n"
        "Cast\n"
        "  Peter \\x9b2JMarsh\\x7f        Captain Ilse Berg (12 episodes, 2015-2018)\n"
        "  Zoe Ashdown                  Purser (8 episodes, 2015-2016)\n"
        f"Reviews          1 on the page (moviecli reviews {TITLE!r})\n"
    )
    assert "\x1b" not in result.stdout and "\x9b" not in result.stdout and "\x7f" not in result.stdout


def test_did_you_mean_and_several_matches_show_names_escaped(hostile_db: Path) -> None:
    typo = "Night \x1b[31mFery\x1b]0;pwned\x07"
    result = run("show", typo, "--db", hostile_db)
    assert result.exit_code == 1
    assert result.stderr == (f"moviecli: no title {typo!r} in the catalog; did you mean: {SHOWN_TITLE} (2015)?\n")
    result = run("filmography", "Peter", "--db", hostile_db)
    assert result.exit_code == 1
    assert result.stderr == (
        "moviecli: 2 people match 'Peter'; give the full name:\n  Peter Marsh\n  Peter \\x9b2JMarsh\\x7f\n"
    )


def test_the_matched_by_aka_note_shows_the_aka_escaped(hostile_db: Path) -> None:
    result = run("show", "The \x1b[5mSnow\x1b[0m Queen", "--db", hostile_db)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "moviecli: Frost Lantern (1961) matched by its AKA 'The \\x1b[5mSnow\\x1b[0m Queen'\n"
    assert result.stdout.startswith("Frost Lantern (1961)\n")
