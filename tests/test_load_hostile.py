"""Hostile inputs to `moviecli load` (issue 10): each fails alone with one line, and the run goes on.

File names that are not UTF-8, symbolic link loops and newlines in names are made with bytes
paths in a temporary folder, and a page slow to parse with a parser slowed on purpose; the load runs through the real CLI from inside that folder, so the
expected stderr is exact.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run
from robust_pages import make_page

from moviecli.load import prepare


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder `pages/` holding one good page, as the current directory: messages name files relatively."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "good.txt").write_text(make_page(1))
    return tmp_path


def titles(db: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT title FROM titles ORDER BY title")]


def last_run(db: str) -> tuple[str, int, int, list[dict[str, str]]]:
    with sqlite3.connect(db) as conn:
        sources, loaded, failed, failures = conn.execute(
            "SELECT sources, loaded, failed, failures FROM imports ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return sources, loaded, failed, json.loads(failures)


def test_a_file_name_that_is_not_utf8_fails_alone_shown_escaped(here: Path) -> None:
    Path(os.fsdecode(b"pages/x\xff.txt")).write_text(make_page(2))
    result = run("load", "pages", "--db", "c.db")
    assert result.exit_code == 1
    assert result.stderr == (
        "moviecli: pages/x\\xff.txt: file name is not UTF-8; rename the file to load it\n"
        "1 loaded, 0 replaced, 0 unchanged, 1 failed\n"
    )
    assert titles("c.db") == ["Lantern Case No. 1"]
    assert last_run("c.db") == (
        '["pages"]',
        1,
        1,
        [{"path": "pages/x\\xff.txt", "reason": "file name is not UTF-8; rename the file to load it"}],
    )


def test_a_name_that_is_not_utf8_on_the_command_line_is_recorded_escaped(here: Path) -> None:
    name = os.fsdecode(b"x\xff.txt")
    Path(name).write_text(make_page(2))
    result = run("load", name, "pages/good.txt", "--db", "c.db")
    assert result.exit_code == 1
    assert result.stderr == (
        "moviecli: x\\xff.txt: file name is not UTF-8; rename the file to load it\n"
        "1 loaded, 0 replaced, 0 unchanged, 1 failed\n"
    )
    assert last_run("c.db")[:3] == ('["x\\\\xff.txt", "pages/good.txt"]', 1, 1)


def test_a_symlink_loop_in_a_folder_fails_by_name_and_the_rest_loads(here: Path) -> None:
    os.symlink("b.txt", "pages/a.txt")
    os.symlink("a.txt", "pages/b.txt")
    result = run("load", "pages", "--db", "c.db")
    assert result.exit_code == 1
    assert result.stderr == (
        "moviecli: pages/a.txt: too many levels of symbolic links\n"
        "moviecli: pages/b.txt: too many levels of symbolic links\n"
        "1 loaded, 0 replaced, 0 unchanged, 2 failed\n"
    )
    assert titles("c.db") == ["Lantern Case No. 1"]


def test_a_symlink_loop_named_on_the_command_line_fails_alone(here: Path) -> None:
    os.symlink("loop.txt", "loop.txt")
    result = run("load", "loop.txt", "pages", "--db", "c.db")
    assert result.exit_code == 1
    assert result.stderr == (
        "moviecli: loop.txt: too many levels of symbolic links\n1 loaded, 0 replaced, 0 unchanged, 1 failed\n"
    )


def test_a_newline_in_a_name_cannot_forge_a_second_line(here: Path) -> None:
    Path("pages/bad\nmoviecli: forged.txt").write_text("not a page at all\n")
    Path("pages/good\tname.txt").write_text(make_page(3))
    result = run("load", "pages", "--db", "c.db")
    assert result.exit_code == 1
    assert result.stderr == (
        "moviecli: pages/bad\\nmoviecli: forged.txt: no title found: no 'Title (year)' line in the page's header\n"
        "2 loaded, 0 replaced, 0 unchanged, 1 failed\n"
    )
    assert titles("c.db") == ["Lantern Case No. 1", "Lantern Case No. 3"]
    assert last_run("c.db")[3] == [
        {
            "path": "pages/bad\\nmoviecli: forged.txt",
            "reason": "no title found: no 'Title (year)' line in the page's header",
        }
    ]


SLOW_PARSER = """
import time
from moviecli.load import prepare

real = prepare.parse_page


def slow(text):
    # A page that hits a slow path: spins (bounded, so a broken deadline fails the test instead of hanging it).
    if "SLOW" in text:
        end = time.monotonic() + 30
        while time.monotonic() < end:
            pass
    return real(text)


prepare.parse_page = slow
prepare.PARSE_SECONDS = 0.5
"""


def test_a_page_that_parses_too_long_fails_alone_in_this_process(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    namespace: dict[str, object] = {}
    exec(SLOW_PARSER, namespace)  # the same slow parser as the subprocess test, patched in here
    monkeypatch.setattr(prepare, "parse_page", namespace["slow"])
    monkeypatch.setattr(prepare, "PARSE_SECONDS", 0.5)
    Path("pages/slow.txt").write_text(make_page(2) + "\nSLOW\n")
    Path("pages/zeta.txt").write_text(make_page(3))
    started = time.monotonic()
    result = run("load", "pages", "--db", "c.db")
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    assert result.stderr == (
        "moviecli: pages/slow.txt: took too long to parse (over 0.5 s); not an ordinary title page\n"
        "2 loaded, 0 replaced, 0 unchanged, 1 failed\n"
    )
    assert titles("c.db") == ["Lantern Case No. 1", "Lantern Case No. 3"]


def test_a_page_that_parses_too_long_fails_alone_in_a_worker_process(here: Path) -> None:
    """A real process with enough pages for worker processes: the slow page fails, the 70 others load."""
    for i in range(2, 72):
        Path(f"pages/p{i:02}.txt").write_text(make_page(i) + ("\nSLOW\n" if i == 5 else ""))
    script = SLOW_PARSER + "\nfrom moviecli.__main__ import main\nmain()\n"
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", script, "load", "pages", "--db", "c.db"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert time.monotonic() - started < 20
    assert (result.returncode, result.stderr) == (
        1,
        "moviecli: pages/p05.txt: took too long to parse (over 0.5 s); not an ordinary title page\n"
        "70 loaded, 0 replaced, 0 unchanged, 1 failed\n",
    )
    assert len(titles("c.db")) == 70


def test_bytes_read_ahead_of_the_writer_stay_within_the_budgets(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read but not yet handed to the writer: bounded by bytes (80 pages of 9.5 MB once held 3.5 GB)."""
    from moviecli import db, load

    for i in range(2, 72):
        Path(f"pages/p{i:02}.txt").write_text(make_page(i))
    page = len(make_page(71).encode())  # the largest page, within a few bytes
    monkeypatch.setattr(prepare, "SCAN_BYTES", 2 * page)
    monkeypatch.setattr(prepare, "CHUNK_BYTES", 2 * page)
    monkeypatch.setattr(prepare, "IN_FLIGHT_BYTES", 4 * page)
    read: dict[str, int] = {}
    outstanding = [0]
    peak = [0]
    real_read = prepare.read_page

    def counted(path: str) -> tuple[bytes, os.stat_result | None]:
        data, info = real_read(path)
        read[path] = len(data)
        outstanding[0] += len(data)
        peak[0] = max(peak[0], outstanding[0])
        return data, info

    def done(path: str) -> None:
        outstanding[0] -= read.pop(path)

    monkeypatch.setattr(prepare, "read_page", counted)
    conn = db.connect_write(Path("c.db"))
    report = load.load_paths(conn, ["pages"], workers=2, on_page=done)
    conn.close()
    assert report.summary() == "71 loaded, 0 replaced, 0 unchanged, 0 failed"
    # a scan block, the tasks in flight, and the chunk being gathered: about 8 pages, never all 71
    assert 2 * page <= peak[0] <= 9 * page


def test_large_pages_are_parsed_in_this_process_and_load_as_in_the_workers(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page over LOCAL_PARSE_BYTES is parsed by the loading process itself (held once, not by three
    processes); every page of a run, large or not, loads to the same catalog as when workers parse all."""
    for i in range(2, 100):
        Path(f"pages/p{i:02}.txt").write_text(make_page(i))
    sizes = sorted(len(make_page(i).encode()) for i in range(2, 100))
    assert run("load", "pages", "--db", "workers.db", "-q").exit_code == 0
    monkeypatch.setattr(prepare, "LOCAL_PARSE_BYTES", sizes[len(sizes) // 2])  # half of them here
    local = []
    real = prepare._parse_read

    def parse_read(page: prepare.PreparedPage, data: bytes) -> prepare.PreparedPage:
        local.append(len(data))
        return real(page, data)

    monkeypatch.setattr(prepare, "_parse_read", parse_read)  # seen in this process only
    assert run("load", "pages", "--db", "mixed.db", "-q").exit_code == 0
    assert local and min(local) > sizes[len(sizes) // 2]
    # The two loads may fall either side of a second: their times are left out of the comparison.
    exports = [
        re.sub(r'"loaded_at": "[^"]*"', '"loaded_at": ""', run("export", "--db", name).stdout)
        for name in ("workers.db", "mixed.db")
    ]
    assert exports[0] == exports[1] and exports[0].count('"title"') == 99


def test_a_worker_sends_rows_pickled_and_they_unpickle_to_the_rows_parsed_here() -> None:
    """Parsed pages wait for the writer with their rows pickled (a fifth of the memory): the same rows."""
    data = [make_page(i).encode() for i in (2, 3)] + [b"not a title page"]
    parsed = prepare._parse_in_worker(data)
    for raw, (text, encoding, identity, packed, error) in zip(data, parsed, strict=True):
        here = prepare._parse_read(prepare.PreparedPage("p.txt"), raw)
        sent = prepare.PreparedPage("p.txt", text=text, encoding=encoding, identity=identity, packed=packed)
        assert (text, encoding, identity, error) == (here.text, here.encoding, here.identity, here.error)
        if here.rows is None:
            assert packed is None and identity is None
        else:
            assert isinstance(packed, bytes) and sent.title_rows() == here.rows
            assert here.title_rows() is here.rows  # parsed here: not pickled at all
    assert parsed[2][4] is not None


def test_parsing_workers_run_nicer_than_the_loading_process() -> None:
    pool = prepare._start_workers(1)
    try:
        niceness = pool.submit(os.nice, 0).result()
    finally:
        pool.shutdown()
    assert niceness == min(os.nice(0) + prepare.WORKER_NICENESS, 19)


def test_a_parsing_worker_keeps_its_page_deadlines_by_a_clock_and_this_process_does_not() -> None:
    """A worker's SIGALRM ticks every second for its life (no timer armed per page); the loading
    process's own SIGALRM is left as it was (the too-slow-page tests check that both still fire)."""
    pool = prepare._start_workers(1)
    try:
        alarm = pool.submit(signal.getsignal, signal.SIGALRM).result()
        clock = pool.submit(signal.getitimer, signal.ITIMER_REAL).result()
    finally:
        pool.shutdown()
    assert alarm is prepare._tick and clock[1] == prepare.WORKER_TICK_SECONDS
    assert signal.getsignal(signal.SIGALRM) is not prepare._tick
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
