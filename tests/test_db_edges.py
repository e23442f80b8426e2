"""The catalog file's edges (issue 9, points 4; issue 10, small ones), through the real CLI on real files.

A writing command never writes a file it does not own, a bad --db is one line, a damaged catalog
is reported as damaged by every command, and an integer option beyond SQLite's 64 bits is a usage
error. The users who may read a catalog but not write it are in test_readonly_users.py.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest
import typer.main
from conftest import run
from robust_pages import page_title, write_pages

from moviecli.cli import app

FERRYMAN = Path(__file__).parent / "fixtures" / "robust" / "ferryman-1964.txt"
DAMAGED = "the catalog is damaged (database disk image is malformed); restore it from a backup"
# SQLite's own words vary with where it met the damage (a full-text table says "vtable constructor failed").
DAMAGED_LINE = re.compile(
    r"moviecli: (?P<path>.+): the catalog is damaged \((?P<why>[^)]+)\); restore it from a backup\n"
)


def side_files(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-"))


def other_programs_db(path: Path, *statements: str) -> bytes:
    """An SQLite file made by some other program; returns its bytes."""
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()
    return path.read_bytes()


# Another program's file is refused, byte-identical --------------------------------------------------


@pytest.mark.parametrize(
    "statements",
    [
        ("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)", "INSERT INTO notes (body) VALUES ('milk')"),
        # A clashing table of the same name: the old load switched the file to WAL before refusing it.
        ("CREATE TABLE titles (id INTEGER PRIMARY KEY, name TEXT)", "INSERT INTO titles (name) VALUES ('x')"),
        # Stamped with a version of its own, higher than moviecli's: still not "made by a newer moviecli".
        ("CREATE TABLE notes (body TEXT)", "PRAGMA user_version = 900"),
    ],
    ids=["plain", "clashing-titles-table", "own-user-version"],
)
def test_load_refuses_another_programs_database_and_leaves_it_byte_identical(
    tmp_path: Path, statements: tuple[str, ...]
) -> None:
    other = tmp_path / "other.db"
    before = other_programs_db(other, *statements)
    for command in (("load", FERRYMAN), ("reparse",)):
        result = run(*command, "--db", other)
        assert result.exit_code == 1
        assert result.stderr == (
            f"moviecli: {other}: not a moviecli database (an SQLite database of another program); left untouched\n"
        )
        assert other.read_bytes() == before
        assert side_files(other) == []
    result = run("titles", "--db", other)
    assert (result.exit_code, result.stderr) == (1, f"moviecli: {other}: not a moviecli database\n")


def test_load_refuses_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("my shopping list\n")
    result = run("load", FERRYMAN, "--db", notes)
    assert result.exit_code == 1
    assert result.stderr == f"moviecli: {notes}: not a moviecli database (not an SQLite file); left untouched\n"
    assert notes.read_text() == "my shopping list\n"
    result = run("titles", "--db", notes)
    assert (result.exit_code, result.stderr) == (
        1,
        f"moviecli: {notes}: not a moviecli database (not an SQLite file)\n",
    )


@pytest.mark.parametrize("kind", ["zero-bytes", "sqlite-without-tables"])
def test_an_empty_file_becomes_a_new_catalog(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "new.db"
    if kind == "zero-bytes":
        path.touch()
    else:
        other_programs_db(path, "VACUUM")  # a valid SQLite header and no schema
        assert path.stat().st_size > 0
    result = run("load", FERRYMAN, "--db", path)
    assert (result.exit_code, result.stderr) == (0, "1 loaded, 0 replaced, 0 unchanged, 0 failed\n")
    assert run("titles", "--db", path, "-f", "csv").stdout.splitlines()[1].startswith("The Quiet Ferryman,1964,")


# Paths that cannot hold a catalog ------------------------------------------------------------------


def test_a_folder_is_not_a_catalog(tmp_path: Path) -> None:
    for command in (("load", FERRYMAN), ("titles",), ("check",)):
        result = run(*command, "--db", tmp_path)
        assert (result.exit_code, result.stderr) == (1, f"moviecli: {tmp_path}: is a folder, not a catalog file\n")


def test_a_device_is_not_a_catalog() -> None:
    result = run("load", FERRYMAN, "--db", "/dev/null")
    assert (result.exit_code, result.stderr) == (1, "moviecli: /dev/null: not a regular file, so not a catalog\n")


def test_paths_under_proc_are_one_line() -> None:
    result = run("load", FERRYMAN, "--db", "/proc/self/status")
    assert (result.exit_code, result.stderr) == (
        1,
        "moviecli: /proc/self/status: permission denied: cannot write its folder /proc/self\n",
    )
    result = run("load", FERRYMAN, "--db", "/proc/x.db")
    assert result.exit_code == 1
    if os.access("/proc", os.W_OK):  # root: the folder looks writable, and SQLite finds out otherwise
        assert result.stderr == "moviecli: /proc/x.db: cannot be opened for writing (unable to open database file)\n"
    else:
        assert result.stderr == "moviecli: /proc/x.db: permission denied: cannot write its folder /proc\n"
    result = run("titles", "--db", "/proc/self/status")
    assert (result.exit_code, result.stderr) == (1, "moviecli: /proc/self/status: not a moviecli database\n")


def test_a_missing_folder_is_not_created_for_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "no" / "such" / "dir" / "x.db"
    result = run("load", FERRYMAN, "--db", target)
    assert result.exit_code == 1
    assert result.stderr == (
        f"moviecli: {target}: no such folder {target.parent} (moviecli creates folders only for its default catalog)\n"
    )
    assert not (tmp_path / "no").exists()
    # $MOVIECLI_DB is the user's choice too: a typo there creates nothing either.
    monkeypatch.setenv("MOVIECLI_DB", str(target))
    assert run("load", FERRYMAN).exit_code == 1
    assert not (tmp_path / "no").exists()


def test_the_default_catalogs_folders_are_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOVIECLI_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    result = run("load", FERRYMAN)
    assert (result.exit_code, result.stderr) == (0, "1 loaded, 0 replaced, 0 unchanged, 0 failed\n")
    assert (tmp_path / "data" / "moviecli" / "moviecli.db").is_file()


@pytest.mark.parametrize("command", [("load", str(FERRYMAN)), ("titles",), ("check",)])
def test_an_empty_db_option_is_a_usage_error(command: tuple[str, ...]) -> None:
    result = run(*command, "--db", "")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: Invalid value for '--db': an empty path is not a catalog file"


# A damaged catalog ---------------------------------------------------------------------------------


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    """40 invented titles, loaded through the CLI."""
    path = tmp_path / "catalog.db"
    result = run("load", *write_pages(tmp_path / "pages", range(40)), "--db", path)
    assert result.exit_code == 0, result.stderr
    return path


def overwrite_root_pages(path: Path, names: list[str] | None = None) -> None:
    """Garbage over the first page of tables and indexes (all of them by default): what a bad disk or a stray write does."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    roots = [
        root
        for name, root in conn.execute("SELECT name, rootpage FROM sqlite_master WHERE rootpage > 1")
        if names is None or name in names
    ]
    conn.close()
    with path.open("r+b") as f:
        for root in roots:
            f.seek((root - 1) * page_size)
            f.write(b"\xff" * page_size)


COMMANDS = [
    ("titles",),
    ("search", "harbour"),
    ("show", page_title(3)),
    ("filmography", "Ada Holm"),
    ("people",),
    ("ratings",),
    ("grosses",),
    ("reviews",),
    ("sql", "SELECT count(*) FROM credits"),
    ("imports",),
    ("reparse",),
    ("load", str(FERRYMAN)),
]


@pytest.mark.parametrize("damage", ["overwritten", "truncated"])
@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_every_command_reports_a_damaged_catalog(catalog: Path, damage: str, command: tuple[str, ...]) -> None:
    if damage == "overwritten":
        overwrite_root_pages(catalog)
    else:
        os.truncate(catalog, catalog.stat().st_size // 2)
    result = run(*command, "--db", catalog)
    assert (result.exit_code, result.stdout) == (1, ""), result.stderr
    line = DAMAGED_LINE.fullmatch(result.stderr)
    assert line is not None, result.stderr
    assert line["path"] == str(catalog)
    assert line["why"] in ("database disk image is malformed", "vtable constructor failed: search_index")


def test_load_stops_at_the_first_sign_of_damage(catalog: Path, tmp_path: Path) -> None:
    """A corrupt error is never a page's fault: the run stops, nothing more is written."""
    overwrite_root_pages(catalog, ["credits"])
    result = run("load", *write_pages(tmp_path / "more", range(40, 340)), "--db", catalog)
    assert (result.exit_code, result.stderr) == (1, f"moviecli: {catalog}: {DAMAGED}\n")
    conn = sqlite3.connect(catalog)
    assert conn.execute("SELECT count(*) FROM pages").fetchone()[0] == 40
    assert conn.execute("SELECT count(*) FROM page_files").fetchone()[0] == 40
    conn.close()


# Integer options beyond SQLite's 64 bits ---------------------------------------------------------


def integer_options() -> list[tuple[str, str]]:
    """(command, option) for every integer option of every command, found in the app itself."""
    group = typer.main.get_command(app)
    found = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        for param in command.params:
            # By class name: typer 0.28 vendors its own click, older ones use click's.
            if type(param.type).__name__ in ("IntParamType", "IntRange") and param.opts[0].startswith("--"):
                found.append((name, param.opts[0]))
    return found


def test_the_integer_options_are_found() -> None:
    """The walk finds the options the issue named (and every other one: the next test runs them all)."""
    found = set(integer_options())
    named = {("titles", "--year"), ("titles", "--limit"), ("titles", "--from"), ("reviews", "--min-helpful")}
    assert named | {("imports", "--limit"), ("show", "--year"), ("grosses", "--to")} <= found


@pytest.mark.parametrize(("command", "option"), integer_options())
@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, 10**30])
def test_an_integer_option_beyond_64_bits_is_a_usage_error(
    catalog: Path, command: str, option: str, value: int
) -> None:
    args = {"show": [page_title(3)], "filmography": ["Ada Holm"]}.get(command, [])
    result = run(command, *args, option, str(value), "--db", catalog)
    assert result.exit_code == 2, result.output
    last = result.stderr.splitlines()[-1]
    assert last.startswith(f"Error: Invalid value for '{option}': {value} is not in the range ")
    assert "Traceback" not in result.stderr


def test_the_largest_64_bit_integer_is_still_a_value(catalog: Path) -> None:
    result = run("titles", "--year", str(2**63 - 1), "--limit", str(2**63 - 1), "--db", catalog, "-f", "csv")
    assert (result.exit_code, result.stdout) == (0, "title,year,kind,genres,certificate,rating,votes,directors\n")
    result = run("titles", "--limit", str(2**63), "--db", catalog)
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for '--limit': {2**63} is not in the range 0<=x<={2**63 - 1}."
    )
