"""Readers who cannot write (issue 9, point 3): the cron account loads, other users only read.

Run as the unprivileged user `nobody` (as root, through setpriv), on catalogs made by real loads
in a folder only the owner may write. A load leaves the catalog in rollback-journal mode, which
anyone who may read the file can read; while a writer has it open in WAL mode, its side files
exist and a read-only reader uses them.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from robust_pages import page_title, write_pages

AS_NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def moviecli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The real command, in a process of its own, as the catalog's owner."""
    return subprocess.run(
        [sys.executable, "-m", "moviecli", *map(str, args)], capture_output=True, text=True, timeout=120
    )


def as_nobody(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The real command as `nobody`, who may read the catalog but write neither it nor its folder."""
    return subprocess.run(
        [*AS_NOBODY, sys.executable, "-m", "moviecli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd="/",
    )


@pytest.fixture(scope="module", autouse=True)
def nobody_can_run_moviecli() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root, to run moviecli as nobody")
    if not shutil.which("setpriv"):
        pytest.skip("no setpriv to run as another user")
    # The interpreter and its packages must be readable by nobody (a venv in a 0700 folder is not).
    probe = subprocess.run([*AS_NOBODY, sys.executable, "-c", "import moviecli.cli"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"moviecli cannot run as nobody here: {probe.stderr.strip().splitlines()[-1:]}")


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder like /srv/movies: the owner writes it, everyone else may read it (pytest's tmp_path is 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="moviecli-shared-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


@pytest.fixture
def catalog(shared: Path) -> Path:
    """A catalog loaded by its owner: 30 invented titles."""
    path = shared / "catalog.db"
    result = moviecli("load", *write_pages(shared / "pages", range(30)), "--db", path)
    assert result.returncode == 0, result.stderr
    path.chmod(0o644)
    return path


def side_files(path: Path) -> list[str]:
    return sorted(p.name.removeprefix(path.name) for p in path.parent.glob(path.name + "-*"))


def journal_mode(path: Path) -> str:
    """Read from the file's header, not through SQLite: a reader of a WAL catalog would create its side files."""
    # Bytes 18 and 19 of the header are 2 in WAL mode, 1 in rollback-journal mode (sqlite.org/fileformat.html).
    with path.open("rb") as f:
        header = f.read(20)
    return {b"\x02\x02": "wal", b"\x01\x01": "delete"}[header[18:20]]


HOLD_OPEN = """
import sys
from pathlib import Path
from moviecli import db
conn = db.connect_write(Path(sys.argv[1]))
conn.execute("SELECT count(*) FROM titles").fetchone()
print("open", flush=True)
sys.stdin.readline()
conn.close()
"""


@contextmanager
def writer_open(path: Path) -> Iterator[None]:
    """Another process holds a writing connection to the catalog (as a long load would) until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_OPEN, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline() == "open\n"
        yield
    finally:
        holder.communicate("\n", timeout=60)
    assert holder.returncode == 0


def test_after_a_load_a_reader_who_cannot_write_can_query(catalog: Path) -> None:
    assert (journal_mode(catalog), side_files(catalog)) == ("delete", [])
    result = as_nobody("titles", "--db", catalog, "--year", "1953", "-f", "csv")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "title,year,kind,genres,certificate,rating,votes,directors",
        "Lantern Case No. 3,1953,movie,Western,R,5.3,1003,Bruno Okafor",
    ]
    for command in (("show", page_title(3)), ("search", "harbour"), ("stats",), ("imports",), ("check",)):
        result = as_nobody(*command, "--db", catalog)
        assert (result.returncode, result.stderr) == (0, ""), command
    # Reading wrote nothing: no side file left behind by a reader.
    assert side_files(catalog) == []


def test_while_a_writer_has_it_open_a_reader_who_cannot_write_can_query(catalog: Path) -> None:
    with writer_open(catalog):
        assert (journal_mode(catalog), side_files(catalog)) == ("wal", ["-shm", "-wal"])
        result = as_nobody("titles", "--db", catalog, "--limit", "1", "-f", "csv", "--no-headers")
        assert (result.returncode, result.stdout, result.stderr) == (
            0,
            "Lantern Case No. 0,1950,movie,Drama,R,5.0,1000,Ada Holm\n",
            "",
        )
    assert (journal_mode(catalog), side_files(catalog)) == ("delete", [])


def test_a_load_ending_while_another_writer_is_open_leaves_wal_and_its_side_files(catalog: Path, shared: Path) -> None:
    """The switch back needs the catalog to itself: with another connection there, the side files stay for readers."""
    with writer_open(catalog):
        result = moviecli("load", *write_pages(shared / "more", range(30, 40)), "--db", catalog)
        assert (result.returncode, result.stderr) == (0, "10 loaded, 0 replaced, 0 unchanged, 0 failed\n")
        assert (journal_mode(catalog), side_files(catalog)) == ("wal", ["-shm", "-wal"])
        result = as_nobody("stats", "--db", catalog, "-f", "csv")
        assert (result.returncode, result.stderr) == (0, "")
        assert "titles,40" in result.stdout.splitlines()
    # The last one out switched it back.
    assert (journal_mode(catalog), side_files(catalog)) == ("delete", [])


def test_a_wal_catalog_without_its_side_files_says_what_to_do(catalog: Path, shared: Path) -> None:
    """What every load left before this fix: WAL mode, the side files deleted at the end."""
    conn = sqlite3.connect(catalog)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    assert (journal_mode(catalog), side_files(catalog)) == ("wal", [])
    for command in (("titles",), ("show", page_title(3)), ("check",)):
        result = as_nobody(*command, "--db", catalog)
        assert (result.returncode, result.stdout) == (1, "")
        assert result.stderr == (
            f"moviecli: {catalog}: cannot read a catalog in WAL mode without write access to its folder {shared};"
            " ask its owner to run a moviecli load on it once, which leaves it readable by everyone\n"
        )
    # The owner's next load is the fix.
    assert moviecli("load", *write_pages(shared / "pages", range(30)), "--db", catalog).returncode == 0
    assert as_nobody("titles", "--db", catalog).returncode == 0


def test_queries_as_a_reader_who_cannot_write_never_fail_while_loads_come_and_go(catalog: Path, shared: Path) -> None:
    """Every switch to WAL at a load's start and back at its end happens under the readers' feet."""
    pages = write_pages(shared / "many", range(30, 630))
    failures = []
    for round_ in range(3):
        load = subprocess.Popen(
            [sys.executable, "-m", "moviecli", "load", *map(str, pages), "--db", str(catalog)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        queries = 0
        while load.poll() is None or queries < 3:
            result = as_nobody("titles", "--db", catalog, "--limit", "1", "-f", "csv", "--no-headers")
            queries += 1
            if result.returncode != 0 or result.stderr:
                failures.append((round_, result.returncode, result.stderr))
        _, stderr = load.communicate(timeout=120)
        assert load.returncode == 0, stderr
        pages = write_pages(shared / "many", range(30, 630), version=2 + round_ % 2)
    assert failures == []
    # A query open at the very moment a load closes keeps the catalog in WAL mode (readers use
    # its side files); the next load with no reader about switches it back.
    assert moviecli("load", *pages, "--db", catalog, "-q").returncode == 0
    assert (journal_mode(catalog), side_files(catalog)) == ("delete", [])


def test_a_user_who_cannot_write_the_folder_cannot_load_and_is_told_why(catalog: Path, shared: Path) -> None:
    before = catalog.read_bytes()
    page = shared / "pages" / "case-00001.txt"
    result = as_nobody("load", page, "--db", catalog)
    assert (result.returncode, result.stderr) == (
        1,
        f"moviecli: {catalog}: permission denied: cannot write its folder {shared}\n",
    )
    result = as_nobody("load", page, "--db", shared / "new.db")
    assert (result.returncode, result.stderr) == (
        1,
        f"moviecli: {shared / 'new.db'}: permission denied: cannot write its folder {shared}\n",
    )
    assert not (shared / "new.db").exists()
    # A folder anyone may write, holding a catalog only its owner may write.
    open_folder = shared / "open"
    open_folder.mkdir(mode=0o777)
    open_folder.chmod(0o777)
    theirs = open_folder / "catalog.db"
    shutil.copy(catalog, theirs)
    theirs.chmod(0o644)
    result = as_nobody("load", page, "--db", theirs)
    assert (result.returncode, result.stderr) == (1, f"moviecli: {theirs}: permission denied: cannot write the file\n")
    assert catalog.read_bytes() == before
    assert theirs.read_bytes() == before
