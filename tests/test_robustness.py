"""Cron-grade loading (issue 4), tested with real processes on real SQLite files.

`moviecli load` is killed with SIGKILL mid-run, raced against a second load on the same file with
queries running alongside, fed a folder of bad files, and run with --quiet, --strict and a terminal.
The pages come from tests/fixtures/robust/ (one per encoding or defect) and from the invented
template in robust_pages.py (thousands of them, so that a load lasts long enough to be interrupted).
"""

from __future__ import annotations

import json
import os
import pty
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from robust_pages import make_page, page_title, page_year, write_pages

from moviecli import db
from moviecli.errors import LoadError
from moviecli.load import files, prepare

ROBUST = Path(__file__).parent / "fixtures" / "robust"
GOOD_FIXTURES = (
    "ferryman-1964.txt",
    "bom-winter-orchard-1971.txt",
    "crlf-lanterns-at-dusk-1972.txt",
    "cp1252-cafe-noel-1973.txt",
    "latin1-eglise-du-nord-1974.txt",
)
MANY = 2500  # template pages for the kill and race tests: ~2 s of loading on two cores
BEFORE = 300  # pages loaded before the interrupted run; the run brings a second version of each
# A load run with a shorter busy timeout, to show that a waiting run gets the lock between batches
# instead of waiting for the other run to finish.
WITH_BUSY_TIMEOUT = (
    "import sys; from moviecli import db; db.BUSY_TIMEOUT_SECONDS = float(sys.argv.pop(1)); "
    "from moviecli.__main__ import main; main()"
)
# One statement, so one snapshot: a title with everything it is made of.
FINGERPRINT_SQL = """
SELECT t.title, t.year, t.rating, t.summary, t.runtime_minutes,
    (SELECT count(*) FROM credits c WHERE c.title_id = t.id),
    (SELECT group_concat(genre, '|') FROM (SELECT genre FROM genres g WHERE g.title_id = t.id ORDER BY position)),
    (SELECT count(*) FROM title_items i WHERE i.title_id = t.id),
    (SELECT count(*) FROM box_office b WHERE b.title_id = t.id),
    (SELECT count(*) FROM search_docs s WHERE s.title_id = t.id)
FROM titles t
"""

Fingerprints = dict[tuple[str, int], tuple[object, ...]]


def moviecli(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run the real command in its own process."""
    command = [sys.executable, "-m", "moviecli", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, **kwargs)  # type: ignore[call-overload]


def start_load(*args: str | Path, busy_timeout: float | None = None) -> subprocess.Popen[str]:
    if busy_timeout is None:
        command = [sys.executable, "-m", "moviecli", "load", *map(str, args)]
    else:
        command = [sys.executable, "-c", WITH_BUSY_TIMEOUT, str(busy_timeout), "load", *map(str, args)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def fingerprints(database: Path) -> Fingerprints:
    conn = db.connect_read(database)
    try:
        return {(row[0], row[1]): tuple(row) for row in conn.execute(FINGERPRINT_SQL)}
    finally:
        conn.close()


def scalar(database: Path, sql: str) -> object:
    with sqlite3.connect(database) as conn:
        return conn.execute(sql).fetchone()[0]


def integrity(database: Path) -> str:
    return str(scalar(database, "PRAGMA integrity_check"))


def key(i: int) -> tuple[str, int]:
    return (page_title(i), page_year(i))


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Fingerprints]:
    """What each template page looks like in the catalog once loaded on its own: {version: fingerprints}."""
    work = tmp_path_factory.mktemp("expected")
    result = {}
    for version, numbers in ((1, range(MANY)), (2, range(BEFORE))):
        write_pages(work / f"v{version}", numbers, version)
        database = work / f"v{version}.db"
        done = moviecli("load", work / f"v{version}", "--db", database, "--quiet")
        assert done.returncode == 0, done.stderr
        result[version] = fingerprints(database)
    assert len(result[1]) == MANY
    return result


# Crash safety


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _kill_when(proc: subprocess.Popen[str], ready: Callable[[], bool]) -> tuple[bool, list[int]]:
    """SIGKILL `proc` as soon as `ready()`; returns whether it was still running then, and its children."""
    while proc.poll() is None:
        if ready():
            children = _children(proc.pid)
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            return True, children
        time.sleep(0.005)
    proc.communicate()
    return False, []


def _titles_at_least(database: Path, n: int) -> Callable[[], bool]:
    def ready() -> bool:
        try:
            return int(scalar(database, "SELECT count(*) FROM titles")) >= n  # type: ignore[arg-type]
        except sqlite3.Error:  # not created yet
            return False

    return ready


def test_kill_9_at_any_moment_loses_nothing_and_a_rerun_finishes(
    tmp_path: Path, expected: dict[int, Fingerprints]
) -> None:
    write_pages(tmp_path / "before", range(BEFORE))
    database = tmp_path / "catalog.db"
    assert moviecli("load", tmp_path / "before", "--db", database, "--quiet").returncode == 0
    before = fingerprints(database)
    # Tonight's folder: a second version of every page loaded before, and many new ones.
    night = tmp_path / "night"
    write_pages(night, range(BEFORE), version=2)
    write_pages(night, range(BEFORE, MANY))

    rng = random.Random(4)
    started_at = 0.0
    delay = rng.uniform(0.0, 0.4)
    moments: list[tuple[str, Callable[[], bool]]] = [
        ("during start-up", lambda: time.monotonic() - started_at > delay),
        ("once writing has begun", _titles_at_least(database, BEFORE + 1)),
        ("a third of the way", _titles_at_least(database, BEFORE + (MANY - BEFORE) // 3)),
        ("two thirds of the way", _titles_at_least(database, BEFORE + 2 * (MANY - BEFORE) // 3)),
    ]
    killed = []  # per moment: whether the load was still running when killed
    for moment, ready in moments:
        started_at = time.monotonic()
        proc = start_load(night, "--db", database, "--quiet")
        was_running, children = _kill_when(proc, ready)
        assert proc.returncode in (-signal.SIGKILL, 0), moment
        killed.append(was_running)

        assert integrity(database) == "ok", moment
        now = fingerprints(database)
        for i in range(BEFORE):  # every title held before is still there, old or new, but whole
            assert now.pop(key(i)) in (before[key(i)], expected[2][key(i)]), (moment, i)
        for k, fingerprint in now.items():  # every new title is whole
            assert fingerprint == expected[1][k], (moment, k)
        # The worker processes do not outlive the killed load.
        deadline = time.monotonic() + 10
        while any(map(_running, children)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(_running, children)), moment
    assert sum(killed) >= 3  # the moments did fall inside running loads

    done = moviecli("load", night, "--db", database)
    assert done.returncode == 0, done.stderr
    assert integrity(database) == "ok"
    final = fingerprints(database)
    assert final == {**expected[1], **expected[2]}
    assert scalar(database, "SELECT count(*) FROM titles") == MANY  # no duplicates
    assert scalar(database, "SELECT count(*) FROM pages") == MANY + BEFORE  # both versions kept
    runs = json.loads(moviecli("imports", "--db", database, "--format", "json").stdout)
    # The runs of the moments: a run killed before it recorded its start is not there (at start-up,
    # or at once when an earlier run already got past the moment's count); one killed while
    # closing may have recorded its end, one that ended before its kill has. The killed show unfinished.
    unfinished = [r["finished_at"] is None for r in runs]
    assert (unfinished[0], unfinished[-1]) == (False, False)
    recorded = unfinished[1:-1]
    assert len(recorded) <= len(killed)
    assert sum(recorded) >= 1
    assert sum(recorded) <= sum(killed)


# Concurrent runs and queries


def test_two_loads_race_on_one_file_and_queries_see_whole_titles(
    tmp_path: Path, expected: dict[int, Fingerprints]
) -> None:
    first, second = range(0, 1500), range(1000, MANY)  # 500 pages in both
    write_pages(tmp_path / "a", first)
    write_pages(tmp_path / "b", second)
    database = tmp_path / "catalog.db"  # does not exist yet: both runs create it at once

    # With a 1.5 s busy timeout, a run that had to wait for the other to finish would fail.
    loads = [start_load(tmp_path / name, "--db", database, busy_timeout=1.5) for name in ("a", "b")]
    partial_views = shows = 0
    while any(p.poll() is None for p in loads):
        try:
            seen = fingerprints(database)
        except Exception as e:  # the database is being created
            assert "locked" not in str(e)
            continue
        for k, fingerprint in seen.items():
            assert fingerprint == expected[1][k]
        partial_views += 0 < len(seen) < MANY
        if seen and shows < 5:
            title, year = rng_choice(seen)
            shown = moviecli("show", title, "--year", year, "--db", database, "--format", "json")
            assert shown.returncode == 0, shown.stderr
            assert json.loads(shown.stdout)["rating"] == expected[1][(title, year)][2]
            shows += 1
    outputs = [p.communicate() for p in loads]
    for proc, (_, err) in zip(loads, outputs, strict=True):
        assert proc.returncode == 0, err
    assert partial_views > 0  # the queries did run while the loads were going on
    assert fingerprints(database) == expected[1]  # the union, once each
    assert integrity(database) == "ok"
    summaries = sorted(err.splitlines()[-1] for _, err in outputs)
    loaded = [int(s.split()[0]) for s in summaries]
    unchanged = [int(s.split(", ")[2].split()[0]) for s in summaries]
    assert sum(loaded) == MANY and sum(unchanged) == 500  # each shared page loaded by exactly one run


def rng_choice(seen: Fingerprints) -> tuple[str, int]:
    return random.choice(sorted(seen))


# Bad input


@pytest.fixture
def bad_folder(tmp_path: Path) -> Path:
    """Every fixture of tests/fixtures/robust, plus files that can only be made at test time."""
    folder = tmp_path / "incoming"
    shutil.copytree(ROBUST, folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_bytes(b"\n \r\n\t\n")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    with open(folder / "huge.txt", "wb") as f:
        f.truncate(files.MAX_PAGE_BYTES + 1)  # sparse: takes no disk, reads as NUL bytes
    os.mkfifo(folder / "fifo.txt")  # opened blindly, a FIFO would hang the run forever
    (folder / "sub").mkdir()
    (folder / "sub" / "more.txt").write_text(make_page(1))
    (folder / ".partial").mkdir()  # hidden: a writer's work in progress
    (folder / ".partial" / "half.txt").write_text(make_page(2)[:200])
    (folder / ".half-written.txt").write_text(make_page(3)[:200])
    return folder


def test_a_folder_of_bad_files_gives_one_line_each_and_loads_the_rest(tmp_path: Path, bad_folder: Path) -> None:
    database = tmp_path / "catalog.db"
    missing = tmp_path / "gone"
    # A FIFO in a folder is not a file, and is passed over; named on the command line it is refused.
    result = moviecli("load", bad_folder, missing, bad_folder / "fifo.txt", "--db", database)

    assert result.returncode == 1
    assert result.stdout == ""
    *errors, summary = result.stderr.splitlines()
    assert summary == "6 loaded, 0 replaced, 0 unchanged, 9 failed"
    reasons = {}
    for line in errors:
        prefix, path, reason = line.split(": ", 2)
        assert prefix == "moviecli"
        reasons[path] = reason
    bad = str(bad_folder)
    assert reasons == {
        str(missing): "no such file or directory",
        f"{bad}/binary.txt": "binary file, not a text page",
        f"{bad}/blank.txt": "empty file",
        f"{bad}/empty.txt": "empty file",
        f"{bad}/fifo.txt": "not a regular file",
        f"{bad}/huge.txt": "larger than 10 MB; not a title page (refused unread)",
        f"{bad}/no-title.txt": reasons[f"{bad}/no-title.txt"],
        f"{bad}/notes.txt": reasons[f"{bad}/notes.txt"],
        f"{bad}/truncated-half-page-1975.txt": "truncated: the file ends inside a UTF-8 character (still being written?)",
    }
    assert reasons[f"{bad}/no-title.txt"].startswith("no title")
    assert reasons[f"{bad}/notes.txt"].startswith("no title")
    titles = {k[0] for k in fingerprints(database)}
    assert titles == {
        "The Quiet Ferryman",
        "Winter Orchard",
        "Lanterns at Dusk",
        "Café Noël",
        "Église du Nord",
        page_title(1),
    }
    runs = json.loads(moviecli("imports", "--db", database, "--format", "json").stdout)
    assert {f["path"]: f["reason"] for f in runs[0]["failures"]} == reasons


def _show(database: Path, title: str) -> dict:
    result = moviecli("show", title, "--db", database, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_bom_crlf_and_8_bit_pages_load_correctly(tmp_path: Path) -> None:
    database = tmp_path / "catalog.db"
    assert moviecli("load", *(ROBUST / name for name in GOOD_FIXTURES), "--db", database).returncode == 0
    reference = _show(database, "The Quiet Ferryman")

    def same_as_reference(record: dict, title: str, year: int) -> None:
        for field in ("summary", "storyline", "directors", "writers", "genres", "reviews", "countries"):
            assert record[field] == reference[field], (title, field)
        assert (record["title"], record["year"]) == (title, year)

    bom = _show(database, "Winter Orchard")  # the BOM is not part of the first line
    same_as_reference(bom, "Winter Orchard", 1971)
    assert bom["warnings"] == []
    crlf = _show(database, "Lanterns at Dusk")  # no stray \r at the end of any value
    same_as_reference(crlf, "Lanterns at Dusk", 1972)
    assert "\r" not in json.dumps(crlf)
    cp1252 = _show(database, "Café Noël")
    same_as_reference(cp1252, "Café Noël", 1973)
    assert cp1252["cast"][3] == {"name": "Zoë Lindqvist", "character": "The Ferryman’s Wife", "note": None}
    assert cp1252["warnings"] == ["file is not UTF-8; decoded as cp1252"]
    latin1 = _show(database, "Église du Nord")  # Latin-1 letters are the same bytes in CP1252
    assert latin1["cast"][3] == {"name": "Jürgen Weiß", "character": "Père Anselme", "note": None}
    assert latin1["warnings"] == ["file is not UTF-8; decoded as cp1252"]
    assert reference["cast"][1]["name"] == "Céline Aubert"


def test_a_utf16_page_with_its_byte_order_mark_loads(tmp_path: Path) -> None:
    page = tmp_path / "wide.txt"
    page.write_bytes(make_page(5).encode("utf-16"))  # what "Unicode" means to some Windows editors
    prepared = prepare.prepare_page(str(page))
    assert prepared.error is None
    assert prepared.record is not None
    assert (prepared.record.title, prepared.record.year, prepared.encoding) == (page_title(5), page_year(5), "utf-16")
    assert prepared.record.warnings == []


def _bytes_read_by_this_process() -> int:
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("no rchar in /proc/self/io")


def test_a_file_over_the_limit_is_refused_without_being_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as f:
        f.truncate(64 * 1024**3)  # 64 GB, sparse: reading it would take minutes and all the memory
    before = _bytes_read_by_this_process()
    page = prepare.prepare_page(str(huge))
    assert _bytes_read_by_this_process() - before < 1024 * 1024
    assert page.error == "larger than 10 MB; not a title page (refused unread)"


def test_stdin_over_the_limit_is_refused(tmp_path: Path) -> None:
    too_much = make_page(1) + "\n" * (files.MAX_PAGE_BYTES + 1)
    result = moviecli("load", "-", "--db", tmp_path / "catalog.db", input=too_much)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "moviecli: -: larger than 10 MB; not a title page (refused unread)"


def test_an_unreadable_file_is_reported_and_the_rest_loads() -> None:
    """chmod 000 does not stop root, so as root the load runs as `nobody`, who is stopped by it."""
    folder = Path(tempfile.mkdtemp(prefix="moviecli-unreadable-"))
    try:
        folder.chmod(0o777)
        good = folder / "good.txt"
        good.write_text(make_page(1))
        secret = folder / "secret.txt"
        secret.write_text(make_page(2))
        secret.chmod(0o000)
        command = [sys.executable, "-m", "moviecli", "load", str(folder), "--db", str(folder / "catalog.db")]
        if os.geteuid() == 0:
            if not shutil.which("setpriv"):
                pytest.skip("running as root, and no setpriv to run as another user")
            as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            # The interpreter and its packages must be readable by nobody (a venv in a 0700 temp dir is not).
            probe = subprocess.run(
                [*as_nobody, sys.executable, "-c", "import moviecli.cli"], capture_output=True, text=True, cwd=folder
            )
            if probe.returncode != 0:
                pytest.skip(f"moviecli cannot run as nobody here: {probe.stderr.strip().splitlines()[-1:]}")
            command = [*as_nobody, *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert result.returncode == 1, result.stderr
        assert result.stderr.splitlines() == [
            f"moviecli: {secret}: permission denied",
            "1 loaded, 0 replaced, 0 unchanged, 1 failed",
        ]
    finally:
        shutil.rmtree(folder)


def test_read_errors_become_load_errors(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="is a directory"):
        files.read_page_bytes(str(tmp_path))
    with pytest.raises(LoadError, match="no such file or directory"):
        files.read_page_bytes(str(tmp_path / "gone.txt"))


def test_a_file_is_read_whole_whatever_its_size_said_and_never_past_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "grown.txt"
    path.write_bytes(b"x" * 200_000)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert files._read_upto(fd, 1_000_000, 10) == b"x" * 200_000  # grew after its fstat said 10 bytes
        os.lseek(fd, 0, os.SEEK_SET)
        assert files._read_upto(fd, 1_000, 200_000) == b"x" * 1_000
    finally:
        os.close(fd)


def test_a_file_is_binary_past_one_control_byte_in_twenty() -> None:
    assert files.decode_page(b"\x01" * 400 + b"a" * 7_600) == ("\x01" * 400 + "a" * 7_600, "utf-8")
    with pytest.raises(LoadError, match="binary file, not a text page"):
        files.decode_page(b"\x01" * 401 + b"a" * 7_599)


# Exit codes, --quiet, --strict, progress


def test_exit_codes(tmp_path: Path) -> None:
    database = tmp_path / "catalog.db"
    assert moviecli("load", ROBUST / "ferryman-1964.txt", "--db", database).returncode == 0
    assert moviecli("load", ROBUST / "ferryman-1964.txt", "--db", database).returncode == 0  # unchanged
    assert moviecli("load", ROBUST / "notes.txt", "--db", database).returncode == 1
    assert moviecli("load", tmp_path / "gone.txt", "--db", database).returncode == 1
    assert moviecli("load", "--db", database).returncode == 2  # no source
    assert moviecli("load", ROBUST, "--no-such-option").returncode == 2
    assert moviecli("imports", "--db", database, "--limit", "-1").returncode == 2


def test_quiet_prints_only_errors(tmp_path: Path) -> None:
    database = tmp_path / "catalog.db"
    good = moviecli("load", ROBUST / "ferryman-1964.txt", "--db", database, "--quiet")
    assert (good.returncode, good.stdout, good.stderr) == (0, "", "")
    bad = moviecli("load", ROBUST / "notes.txt", ROBUST / "poster.jpg", "--db", database, "-q")
    assert bad.returncode == 1
    assert bad.stdout == ""
    assert [line.split(": ")[1] for line in bad.stderr.splitlines()] == [
        str(ROBUST / "notes.txt"),
        str(ROBUST / "poster.jpg"),
    ]


def test_strict_stops_at_the_first_bad_page_and_loads_nothing(tmp_path: Path) -> None:
    database = tmp_path / "catalog.db"
    write_pages(tmp_path / "before", [7])
    assert moviecli("load", tmp_path / "before", "--db", database).returncode == 0
    before = fingerprints(database)
    folder = tmp_path / "incoming"
    write_pages(folder, range(200))  # enough for worker processes; page 7 in a second version
    write_pages(folder, [7], version=2)
    (folder / "case-00100-empty.txt").write_text("")  # the first bad page, in the middle
    (folder / "case-00150-binary.txt").write_bytes(b"\x00\x01" * 100)  # never reached

    result = moviecli("load", folder, "--db", database, "--strict")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"moviecli: {folder / 'case-00100-empty.txt'}: empty file",
        "moviecli: --strict: nothing loaded from this run",
        "0 loaded, 0 replaced, 0 unchanged, 1 failed",
    ]
    assert fingerprints(database) == before
    assert integrity(database) == "ok"

    (folder / "case-00100-empty.txt").unlink()
    (folder / "case-00150-binary.txt").unlink()
    result = moviecli("load", folder, "--db", database, "--strict")
    assert result.returncode == 0, result.stderr
    assert result.stderr == "199 loaded, 1 replaced, 0 unchanged, 0 failed\n"


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    write_pages(tmp_path / "pages", range(100))
    result = moviecli("load", tmp_path / "pages", "--db", tmp_path / "catalog.db")
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == "100 loaded, 0 replaced, 0 unchanged, 0 failed\n"


def _run_with_terminal_stderr(*args: str | Path) -> tuple[int, str, str]:
    """Run moviecli with stderr on a pseudo-terminal and stdout on a pipe; returns (code, stdout, terminal)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moviecli", *map(str, args)], stdout=subprocess.PIPE, stderr=follower, text=True
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    stdout, _ = proc.communicate()
    os.close(leader)
    return proc.returncode, stdout, b"".join(chunks).decode()


def test_a_progress_bar_on_stderr_when_it_is_a_terminal(tmp_path: Path) -> None:
    write_pages(tmp_path / "pages", range(100))
    code, stdout, terminal = _run_with_terminal_stderr("load", tmp_path / "pages", "--db", tmp_path / "catalog.db")
    assert (code, stdout) == (0, "")
    assert "Loading" in terminal
    assert "100%" in terminal
    assert terminal.rstrip().endswith("100 loaded, 0 replaced, 0 unchanged, 0 failed")

    code, stdout, terminal = _run_with_terminal_stderr("load", tmp_path / "pages", "--db", tmp_path / "x.db", "-q")
    assert (code, stdout, terminal) == (0, "", "")  # --quiet: no bar either
