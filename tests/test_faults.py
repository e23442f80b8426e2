"""A full disk under `load`, `load --strict` and `reparse` (issue 10), on a real 3 MB file system.

Each run stops with `moviecli: PATH: disk full` (exit 1) instead of a traceback; what it committed
stays whole, the catalog passes its checks, and the run is on record as stopped by the full disk
with the counts of what it committed. (load-imdb's full disk: tests/test_imdb_validation.py.)
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from robust_pages import write_pages

PAGES = 2000  # about 12 MB of catalog: far more than the disk holds


def moviecli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "moviecli", *map(str, args)], capture_output=True, text=True, timeout=300
    )


def rows(database: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as conn:
        return [tuple(r) for r in conn.execute(sql)]


def assert_sound(database: Path) -> None:
    assert rows(database, "PRAGMA integrity_check") == [("ok",)]
    assert rows(database, "PRAGMA foreign_key_check") == []
    check = moviecli("check", "--db", database)
    assert check.returncode == 0, check.stdout
    # Every title is whole: its credits, genres and box office came with it (robust_pages gives each some).
    assert rows(database, "SELECT count(*) FROM titles WHERE id NOT IN (SELECT title_id FROM credits)") == [(0,)]
    assert rows(database, "SELECT count(*) FROM titles WHERE id NOT IN (SELECT title_id FROM genres)") == [(0,)]


def stopped_by(database: Path) -> str:
    return json.dumps([{"path": "", "reason": f"{database}: disk full"}])


def test_load_on_a_full_disk_says_so_and_keeps_what_it_committed(small_disk: Path, tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    write_pages(pages, range(PAGES))
    database = small_disk / "catalog.db"
    result = moviecli("load", pages, "--db", database)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"moviecli: {database}: disk full\n")
    assert_sound(database)
    (titles,) = rows(database, "SELECT count(*) FROM titles")[0]
    assert 0 < int(str(titles)) < PAGES
    assert rows(database, "SELECT command, loaded, replaced, failed, failures FROM imports") == [
        ("load", titles, 0, 1, stopped_by(database))
    ]


def test_a_strict_load_on_a_full_disk_loads_nothing(small_disk: Path, tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    write_pages(pages, range(PAGES))
    database = small_disk / "catalog.db"
    result = moviecli("load", pages, "--db", database, "--strict")
    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"moviecli: {database}: disk full\n")
    assert_sound(database)
    assert rows(database, "SELECT count(*) FROM titles") == [(0,)]
    assert rows(database, "SELECT command, loaded, replaced, failed, failures FROM imports") == [
        ("load", 0, 0, 1, stopped_by(database))
    ]


def test_reparse_on_a_full_disk_says_so_and_leaves_every_title_whole(small_disk: Path, tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    write_pages(pages, range(150))
    database = small_disk / "catalog.db"
    assert moviecli("load", pages, "--db", database, "-q").returncode == 0
    before = rows(database, "SELECT id, title, year FROM titles ORDER BY id")
    # Fill the disk but for a little room: rewriting the titles needs more than is left.
    free = os.statvfs(small_disk)
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * max(0, free.f_bavail * free.f_frsize - 200_000))
    result = moviecli("reparse", "--db", database)
    filler.unlink()
    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"moviecli: {database}: disk full\n")
    assert_sound(database)
    assert len(rows(database, "SELECT id FROM titles")) == len(before)
    command, loaded, replaced, failed, failures = rows(
        database, "SELECT command, loaded, replaced, failed, failures FROM imports ORDER BY id"
    )[1]
    assert (command, loaded, replaced, failed, failures) == ("reparse", 0, 0, 1, stopped_by(database))
