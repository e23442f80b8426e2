"""`moviecli reparse`, `moviecli imports` and `moviecli check` through the real CLI on a real SQLite file."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import run

import moviecli.load.prepare
import moviecli.reparse
from moviecli.errors import ParseError
from moviecli.models import Title

ROBUST = Path(__file__).parent / "fixtures" / "robust"
GOOD = ("ferryman-1964.txt", "cp1252-cafe-noel-1973.txt", "crlf-lanterns-at-dusk-1972.txt")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "catalog.db"


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    """A folder holding copies of three good fixture pages (the tests delete or add files)."""
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in GOOD:
        shutil.copy(ROBUST / name, folder / name)
    return folder


@pytest.fixture
def loaded(db: Path, pages: Path) -> Path:
    result = run("load", pages, "--db", db)
    assert result.exit_code == 0, result.stderr
    return db


def imports_json(db: Path, *extra: str) -> list[dict]:
    result = run("imports", "--db", db, "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# imports


def test_imports_lists_every_run_newest_first_with_counts_and_failures(loaded: Path, pages: Path) -> None:
    (pages / "notes.txt").write_text("not a page at all\n")
    assert run("load", pages, pages / "gone.txt", "--db", loaded).exit_code == 1
    assert run("reparse", "--db", loaded).exit_code == 0

    runs = imports_json(loaded)
    assert [r["command"] for r in runs] == ["reparse", "load", "load"]
    assert [r["id"] for r in runs] == [3, 2, 1]
    assert all(r["started_at"] <= r["finished_at"] for r in runs)
    first, second = runs[2], runs[1]
    assert first["sources"] == [str(pages)]
    assert (first["loaded"], first["replaced"], first["unchanged"], first["failed"]) == (3, 0, 0, 0)
    assert first["failures"] == []
    assert (second["loaded"], second["replaced"], second["unchanged"], second["failed"]) == (0, 0, 3, 2)
    assert second["failures"] == [
        {"path": str(pages / "gone.txt"), "reason": "no such file or directory"},
        {"path": str(pages / "notes.txt"), "reason": "no title found: no 'Title (year)' line in the page's header"},
    ]
    assert (runs[0]["unchanged"], runs[0]["failed"]) == (3, 0)


def test_imports_in_text_formats_puts_failures_on_one_line(loaded: Path, pages: Path) -> None:
    (pages / "empty.txt").write_text("")
    run("load", pages, "--db", loaded)

    result = run("imports", "--db", loaded, "--format", "tsv", "--limit", "1", "--no-headers")
    assert result.exit_code == 0, result.stderr
    fields = result.stdout.rstrip("\n").split("\t")
    assert len(fields) == 10
    assert fields[:2] == ["2", "load"]
    assert fields[4:] == [str(pages), "0", "0", "3", "1", f"{pages / 'empty.txt'}: empty file"]

    csv = run("imports", "--db", loaded, "--format", "csv").stdout.splitlines()
    assert csv[0] == "id,command,started_at,finished_at,sources,loaded,replaced,unchanged,failed,failures"
    assert [line.split(",")[0] for line in csv[1:]] == ["2", "1"]


def test_imports_on_a_missing_catalog_says_so_without_creating_it(db: Path) -> None:
    result = run("imports", "--db", db)
    assert result.exit_code == 1
    assert "no database at" in result.stderr
    assert not db.exists()


def test_imports_refuses_an_unknown_format_as_a_usage_error(loaded: Path) -> None:
    assert run("imports", "--db", loaded, "--format", "xml").exit_code == 2


# check


def test_check_reports_ok_and_the_row_counts(loaded: Path) -> None:
    result = run("check", "--db", loaded, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "check,result",
        "integrity_check,ok",
        "foreign_key_check,ok",
        "titles rows,3",
        "people rows,6",  # shared: a director who also writes, a writer, three actors, and Zoë Lindqvist
        "credits rows,26",  # each title: 1 director, 2 writers, 2 stars, 3 cast (+1 in the two variants)
        "genres rows,3",
        "reviews rows,3",
        "box_office rows,3",
        "pages rows,3",
        "imports rows,1",
    ]


def test_check_fails_on_a_broken_foreign_key(loaded: Path) -> None:
    with sqlite3.connect(loaded) as conn:  # foreign keys are off by default in a plain connection
        conn.execute("DELETE FROM people WHERE name = 'Zoë Lindqvist'")

    result = run("check", "--db", loaded, "--format", "csv")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[1] == "integrity_check,ok"
    assert lines[2].startswith("foreign_key_check,credits row ")
    assert lines[2].endswith(" -> people")
    assert "moviecli: the catalog failed its checks" in result.stderr


def test_check_fails_on_a_damaged_file(loaded: Path) -> None:
    with sqlite3.connect(loaded) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'titles_by_year'").fetchone()[0]
    with open(loaded, "r+b") as f:  # scribble over one index page, as a bad disk would
        f.seek((root - 1) * page_size)
        f.write(b"\x0d" + b"\xff" * (page_size - 1))

    result = run("check", "--db", loaded, "--format", "csv")
    assert result.exit_code == 1
    assert not result.stdout.splitlines()[1].startswith("integrity_check,ok")
    assert "moviecli: the catalog failed its checks" in result.stderr


# reparse


def test_reparse_with_the_same_parser_changes_nothing(loaded: Path) -> None:
    result = run("reparse", "--db", loaded)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    # The CP1252 page's warning comes back from its stored encoding, so it is no change.
    assert result.stderr == "0 changed, 3 unchanged, 0 failed\n"


def test_reparse_needs_no_files_and_reports_each_changed_title(
    loaded: Path, pages: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.rmtree(pages)
    parse_page = moviecli.load.prepare.parse_page

    def newer_parser(text: str) -> Title:
        record = parse_page(text)
        if record.title == "Lanterns at Dusk":
            record.runtime_minutes = 95
            record.genres.append("Mystery")
        return record

    monkeypatch.setattr(moviecli.load.prepare, "parse_page", newer_parser)
    monkeypatch.setattr(moviecli.reparse, "PARSER_VERSION", "test-2")
    result = run("reparse", "--db", loaded)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Lanterns at Dusk (1972)\n"
    assert result.stderr == "1 changed, 2 unchanged, 0 failed\n"

    shown = json.loads(run("show", "Lanterns at Dusk", "--db", loaded, "--format", "json").stdout)
    assert (shown["runtime_minutes"], shown["genres"]) == (95, ["Drama", "Mystery"])
    with sqlite3.connect(loaded) as conn:
        assert conn.execute("SELECT DISTINCT parser_version FROM pages").fetchall() == [("test-2",)]
        assert conn.execute("SELECT count(*) FROM titles").fetchone()[0] == 3


def test_reparse_reports_a_page_the_parser_now_refuses_and_keeps_its_title(
    loaded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parse_page = moviecli.load.prepare.parse_page

    def stricter_parser(text: str) -> Title:
        record = parse_page(text)
        if record.year == 1964:
            raise ParseError("no title found")
        return record

    monkeypatch.setattr(moviecli.load.prepare, "parse_page", stricter_parser)
    result = run("reparse", "--db", loaded, "--quiet")
    assert result.exit_code == 1
    assert result.stderr.endswith("ferryman-1964.txt: no title found\n")
    assert result.stderr.count("\n") == 1
    assert run("show", "The Quiet Ferryman", "--db", loaded).exit_code == 0


def test_reparse_on_a_missing_catalog_says_so_without_creating_it(db: Path) -> None:
    result = run("reparse", "--db", db)
    assert result.exit_code == 1
    assert "no database at" in result.stderr
    assert not db.exists()
