"""Two files of one title (issue 9, point 2): one is kept by a stable rule, and the catalog stays put.

The rule (moviecli/load/duplicates.py): the file modified last wins, ties go to the first by path.
Each test runs the real CLI on real files whose mtimes are set with os.utime, from inside the
temporary folder so the messages are exact.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run
from robust_pages import make_page

from moviecli.load import unchanged

OLD = 1_000_000_000 * 10**9  # 2001: files last changed long before any run, so re-runs skip them unread
NEWER = OLD + 3600 * 10**9
TITLE = "Lantern Case No. 1, 1951"


@pytest.fixture(autouse=True)
def short_racy_window(monkeypatch: pytest.MonkeyPatch) -> None:
    # The unchanged-file rule waits RACY_SECONDS after a file's ctime; a short window keeps the tests fast.
    monkeypatch.setattr(unchanged, "RACY_SECONDS", 0.3)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p").mkdir()
    return tmp_path


def write(path: str, version: int, mtime_ns: int) -> None:
    """Page 1 of the invented pages in `version` (its rating tells them apart), last modified at `mtime_ns`."""
    Path(path).write_text(make_page(1, version))
    os.utime(path, ns=(mtime_ns, mtime_ns))


def settle() -> None:
    time.sleep(unchanged.RACY_SECONDS + 0.05)  # past the racy window: the next run skips settled files unread


def catalog(db: str = "c.db") -> list[tuple[object, ...]]:
    """Every titles row, updated_at included: a re-run that changes nothing leaves them identical."""
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT * FROM titles ORDER BY id").fetchall()


def rating(db: str = "c.db") -> float:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT rating FROM titles").fetchone()[0]


def imports() -> list[str]:
    result = run("imports", "--db", "c.db", "--format", "tsv", "--no-headers")
    assert result.exit_code == 0, result.stderr
    # loaded, replaced, unchanged, failed of each run, newest first
    return ["\t".join(line.split("\t")[5:9]) for line in result.stdout.splitlines()]


def test_the_newer_file_is_kept_every_night_and_the_older_comes_in_when_it_goes(here: Path) -> None:
    write("p/a.txt", 1, OLD)
    write("p/b.txt", 2, NEWER)  # later by path and newer: read after the loser, on the first run
    line = f"moviecli: p/a.txt: same title as p/b.txt ({TITLE}); kept p/b.txt (newer)\n"
    first = run("load", "p", "--db", "c.db")
    assert (first.exit_code, first.stderr) == (0, line + "1 loaded, 0 replaced, 0 unchanged, 0 failed\n")
    assert rating() == 5.2
    rows = catalog()
    settle()
    for _ in range(2):  # the winner is skipped unread now; the loser is read, and loses again
        again = run("load", "p", "--db", "c.db")
        assert (again.exit_code, again.stderr) == (0, line + "0 loaded, 0 replaced, 1 unchanged, 0 failed\n")
        assert catalog() == rows
    assert imports() == ["0\t0\t1\t0", "0\t0\t1\t0", "1\t0\t0\t0"]
    os.remove("p/b.txt")
    back = run("load", "p", "--db", "c.db")
    assert (back.exit_code, back.stderr) == (0, "0 loaded, 1 replaced, 0 unchanged, 0 failed\n")
    assert rating() == 5.1


def test_the_winner_first_by_path_is_kept_and_the_loser_never_written(here: Path) -> None:
    write("p/a.txt", 2, NEWER)
    write("p/b.txt", 1, OLD)
    line = f"moviecli: p/b.txt: same title as p/a.txt ({TITLE}); kept p/a.txt (newer)\n"
    for summary in ("1 loaded, 0 replaced, 0 unchanged, 0 failed\n", "0 loaded, 0 replaced, 1 unchanged, 0 failed\n"):
        result = run("load", "p", "--db", "c.db")
        assert (result.exit_code, result.stderr) == (0, line + summary)
        assert rating() == 5.2
        settle()


def test_files_of_the_same_age_go_to_the_first_by_path(here: Path) -> None:
    write("p/b.txt", 1, OLD)
    write("p/a.txt", 2, OLD)
    result = run("load", "p", "--db", "c.db")
    assert result.stderr == (
        f"moviecli: p/b.txt: same title as p/a.txt ({TITLE}); kept p/a.txt (as old, first by path)\n"
        "1 loaded, 0 replaced, 0 unchanged, 0 failed\n"
    )
    assert rating() == 5.2


def test_touching_the_loser_makes_it_the_winner(here: Path) -> None:
    write("p/a.txt", 1, OLD)
    write("p/b.txt", 2, NEWER)
    assert run("load", "p", "--db", "c.db").exit_code == 0
    settle()
    os.utime("p/a.txt", ns=(NEWER + 1, NEWER + 1))  # saved again: newer now
    line = f"moviecli: p/b.txt: same title as p/a.txt ({TITLE}); kept p/a.txt (newer)\n"
    result = run("load", "p", "--db", "c.db")
    # b.txt itself is unchanged (skipped unread: the run looked before a.txt replaced it)
    assert result.stderr == line + "0 loaded, 1 replaced, 1 unchanged, 0 failed\n"
    assert rating() == 5.1
    settle()
    result = run("load", "p", "--db", "c.db")
    assert result.stderr == line + "0 loaded, 0 replaced, 1 unchanged, 0 failed\n"
    assert rating() == 5.1


def test_an_edited_file_of_one_title_still_replaces_its_own_title(here: Path) -> None:
    write("p/a.txt", 1, OLD)
    assert run("load", "p", "--db", "c.db").exit_code == 0
    write("p/a.txt", 2, NEWER)
    result = run("load", "p", "--db", "c.db")
    assert result.stderr == "0 loaded, 1 replaced, 0 unchanged, 0 failed\n"
    assert rating() == 5.2


def test_with_worker_processes_the_rule_is_the_same(here: Path) -> None:
    """A real process over enough pages to parse them in workers: the same file kept, run after run."""
    for i in range(2, 80):
        Path(f"p/other-{i:02}.txt").write_text(make_page(i))
    write("p/a.txt", 1, OLD)
    write("p/z.txt", 2, NEWER)
    command = [sys.executable, "-m", "moviecli", "load", "p", "--db", "c.db"]
    line = f"moviecli: p/a.txt: same title as p/z.txt ({TITLE}); kept p/z.txt (newer)\n"
    first = subprocess.run(command, capture_output=True, text=True, check=False)
    assert (first.returncode, first.stderr) == (0, line + "79 loaded, 0 replaced, 0 unchanged, 0 failed\n")
    rows = catalog()
    second = subprocess.run(command, capture_output=True, text=True, check=False)
    assert (second.returncode, second.stderr) == (0, line + "0 loaded, 0 replaced, 79 unchanged, 0 failed\n")
    assert catalog() == rows
