"""Re-loading unchanged files (issue 5): skipped unread only when their metadata makes it certain.

The rule (moviecli/load/unchanged.py): size, mtime_ns, ctime_ns and inode as recorded in
page_files, both times older than RACY_SECONDS before the start of the run that recorded them, and
the recorded content still a title's current page. These tests run `load_paths` in this process,
so that every file the load opens can be seen (os.open is wrapped).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from robust_pages import make_page, page_title, write_pages

from moviecli import db, load
from moviecli.load import LoadReport, unchanged

PAST = 1_000_000_000  # 2001-09-09: a file last changed long before any run


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = db.connect_write(tmp_path / "catalog.db")
    yield connection
    connection.close()


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The page files (*.txt) the load opens, in order."""
    seen: list[str] = []
    real_open = os.open

    def spy(path: str | os.PathLike[str], flags: int, *args: object, **kwargs: object) -> int:
        if str(path).endswith(".txt"):
            seen.append(str(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", spy)
    return seen


def settled(paths: list[Path]) -> None:
    """Make files look last changed long ago (mtime); their ctime is now, so wait out the racy window."""
    for path in paths:
        os.utime(path, ns=(PAST, PAST))
    time.sleep(unchanged.RACY_SECONDS + 0.05)


@pytest.fixture(autouse=True)
def short_racy_window(monkeypatch: pytest.MonkeyPatch) -> None:
    # The rule is the same with any window; a short one keeps the tests fast.
    monkeypatch.setattr(unchanged, "RACY_SECONDS", 0.3)


def run(conn: sqlite3.Connection, *sources: Path, workers: int = 1) -> LoadReport:
    return load.load_paths(conn, [str(s) for s in sources], workers=workers)


def rating(conn: sqlite3.Connection, i: int) -> float:
    return float(conn.execute("SELECT rating FROM titles WHERE title = ?", (page_title(i),)).fetchone()[0])


def same_size_edit(path: Path) -> None:
    """Change the page's rating without changing its size (the write leaves mtime and ctime new)."""
    text = path.read_text(encoding="utf-8")
    old = text.split("Ratings: ", 1)[1][:3]
    new = f"{float(old) + 1:.1f}"
    assert len(new) == len(old)
    path.write_text(text.replace(f"Ratings: {old}", f"Ratings: {new}", 1), encoding="utf-8")


def test_unchanged_files_are_not_opened(conn: sqlite3.Connection, tmp_path: Path, opened: list[str]) -> None:
    pages = write_pages(tmp_path / "pages", range(80))
    settled(pages)
    first = run(conn, tmp_path / "pages", workers=2)
    assert (first.loaded, len(opened)) == (80, 80)
    opened.clear()

    again = run(conn, tmp_path / "pages", workers=2)
    assert again.summary() == "0 loaded, 0 replaced, 80 unchanged, 0 failed"
    assert opened == []
    assert conn.execute("SELECT count(*) FROM page_files").fetchone()[0] == 80


def test_a_file_recorded_inside_the_racy_window_is_read_again_until_it_has_settled(
    conn: sqlite3.Connection, tmp_path: Path, opened: list[str]
) -> None:
    (page,) = write_pages(tmp_path / "pages", [1])  # just written: ctime and mtime are now
    assert run(conn, page).loaded == 1
    opened.clear()
    # Nothing changed, and size, times and inode all match: but the times were too close to the
    # start of the run that read the file, so a change in the same clock tick could hide.
    assert run(conn, page).unchanged == 1
    assert opened == [str(page)]
    opened.clear()
    time.sleep(unchanged.RACY_SECONDS + 0.05)
    # Read once more, now recorded by a run that started well after the file's last change...
    assert run(conn, page).unchanged == 1
    assert opened == [str(page)]
    opened.clear()
    # ...and from then on taken as unchanged without being read.
    assert run(conn, page).unchanged == 1
    assert opened == []


def test_a_same_size_edit_with_a_new_mtime_is_read(conn: sqlite3.Connection, tmp_path: Path, opened: list[str]) -> None:
    pages = write_pages(tmp_path / "pages", [0, 1])
    settled(pages)
    run(conn, tmp_path / "pages")
    opened.clear()

    size = pages[0].stat().st_size
    same_size_edit(pages[0])
    assert pages[0].stat().st_size == size
    report = run(conn, tmp_path / "pages")
    assert report.summary() == "0 loaded, 1 replaced, 1 unchanged, 0 failed"
    assert opened == [str(pages[0])]
    assert rating(conn, 0) == 6.0


def test_a_same_size_edit_touched_back_to_the_old_mtime_is_read(
    conn: sqlite3.Connection, tmp_path: Path, opened: list[str]
) -> None:
    """Inside the racy window (recorded just after the file was written), and with the old mtime put back."""
    (page,) = write_pages(tmp_path / "pages", [0])
    assert run(conn, page).loaded == 1
    before = page.stat()
    same_size_edit(page)
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))  # what `touch -d`, `cp -p` or rsync do
    after = page.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    opened.clear()

    assert run(conn, page).replaced == 1
    assert opened == [str(page)]
    assert rating(conn, 0) == 6.0


def test_a_settled_file_touched_back_after_an_edit_is_read(
    conn: sqlite3.Connection, tmp_path: Path, opened: list[str]
) -> None:
    """Outside the racy window too: an edit cannot put the ctime back, so it is seen."""
    (page,) = write_pages(tmp_path / "pages", [0])
    settled([page])
    run(conn, page)
    same_size_edit(page)
    os.utime(page, ns=(PAST, PAST))
    opened.clear()
    assert run(conn, page).replaced == 1
    assert opened == [str(page)]
    assert rating(conn, 0) == 6.0


def test_a_file_whose_content_is_no_longer_its_titles_page_is_read(
    conn: sqlite3.Connection, tmp_path: Path, opened: list[str]
) -> None:
    old = write_pages(tmp_path / "old", [3], version=1)
    new = write_pages(tmp_path / "new", [3], version=2)
    settled(old + new)
    run(conn, tmp_path / "old")
    assert run(conn, tmp_path / "new").replaced == 1  # the title's page is now the version 2 file
    opened.clear()
    assert run(conn, tmp_path / "old").replaced == 1  # same file, same metadata: but not current
    assert opened == [str(old[0])]


def test_unchanged_check_compares_every_field() -> None:
    """The rule itself, field by field (unchanged.unchanged_unread)."""
    path = Path(__file__)
    info = path.stat()
    started = max(info.st_mtime_ns, info.st_ctime_ns) + 10 * 1_000_000_000
    state = unchanged.FileState(str(path), info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, "x", started)
    assert unchanged.unchanged_unread(str(path), state)
    for field, value in (("size", info.st_size + 1), ("mtime_ns", info.st_mtime_ns - 1)):
        assert not unchanged.unchanged_unread(str(path), _replace(state, **{field: value}))
    assert not unchanged.unchanged_unread(str(path), _replace(state, ctime_ns=info.st_ctime_ns + 1))
    assert not unchanged.unchanged_unread(str(path), _replace(state, inode=info.st_ino + 1))
    racy = started - 10 * 1_000_000_000 + 1  # recorded by a run that started just after the last change
    assert not unchanged.unchanged_unread(str(path), _replace(state, run_started_ns=racy))
    assert not unchanged.unchanged_unread(str(path) + ".gone", state)


def _replace(state: unchanged.FileState, **changes: object) -> unchanged.FileState:
    from dataclasses import replace

    return replace(state, **changes)  # type: ignore[arg-type]


def test_stdin_is_never_recorded(conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(make_page(4).encode())))
    assert load.load_paths(conn, ["-"], workers=1).loaded == 1
    assert conn.execute("SELECT count(*) FROM page_files").fetchone()[0] == 0


def test_find_pages_lists_what_rglob_would(tmp_path: Path) -> None:
    """os.scandir's walk gives the same paths as the Path.rglob it replaced (hidden ones left out, sorted)."""
    root = tmp_path / "in"
    for name in ("a.txt", "b.TXT", "notes.md", ".hidden.txt", "sub/c.txt", "sub/deeper/d.txt", ".dot/e.txt"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x")
    (root / "dir.txt").mkdir()
    (root / "link.txt").symlink_to(root / "a.txt")
    (root / "dangling.txt").symlink_to(root / "gone")
    (root / "linked-dir").symlink_to(root / "sub")
    os.mkfifo(root / "fifo.txt")

    def rglob(path: Path) -> list[str]:
        found = (p for p in path.rglob("*.txt") if not any(part.startswith(".") for part in p.relative_to(path).parts))
        return sorted(str(p) for p in found if p.is_file())

    for source in (root, Path(os.path.relpath(root)), Path(str(root) + "/")):
        assert load.find_pages([str(source)])[0] == rglob(source)
    cwd = os.getcwd()
    try:
        os.chdir(root)
        assert load.find_pages(["."])[0] == rglob(Path(".")) == ["a.txt", "link.txt", "sub/c.txt", "sub/deeper/d.txt"]
    finally:
        os.chdir(cwd)
