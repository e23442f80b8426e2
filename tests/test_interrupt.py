"""Ctrl-C and SIGTERM (issue 10), with real signals sent to real `moviecli` processes.

Every command ends soon after the signal with one line on stderr and exit 130 (SIGINT) or 143
(SIGTERM), even inside a statement SQLite would run for ever; a writing run is recorded as
interrupted with the counts of what it committed, and the catalog stays sound. The terminal's
Ctrl-C reaches the whole process group, workers included: that is what `killpg` sends here.
No test asserts a time: waiting for the process has a generous timeout only so a hang fails.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from robust_pages import write_pages

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import imdb_datasets  # benchmarks/ is a folder of scripts, not a package

ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c"
PAGES = 2500  # a load of a few seconds: long enough to be interrupted after its first commit
MOVIECLI = (sys.executable, "-m", "moviecli")
HANG = 60  # seconds after which a process that has not ended counts as hung


def start(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """The real command in a session of its own, so a signal can go to its whole group, as Ctrl-C does."""
    return subprocess.Popen(
        [sys.executable, "-m", "moviecli", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env=env,
    )


def wait_until(condition: Callable[[], bool], proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + HANG
    while not condition():
        assert proc.poll() is None, f"ended before the signal: {proc.communicate()}"
        assert time.monotonic() < deadline, "the moment to interrupt never came"
        time.sleep(0.01)


def stop(proc: subprocess.Popen[str], signum: int, *, group: bool = True) -> tuple[int, str, str]:
    if group:
        os.killpg(proc.pid, signum)
    else:
        proc.send_signal(signum)
    out, err = proc.communicate(timeout=HANG)
    return proc.returncode, out, err


def count(database: Path, sql: str) -> int:
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:  # not created yet, or its schema not yet written
        return 0


def runs(database: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as conn:
        return [tuple(r) for r in conn.execute("SELECT command, loaded, replaced, failed, failures FROM imports")]


def sound(database: Path) -> None:
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    check = subprocess.run([sys.executable, "-m", "moviecli", "check", "--db", str(database)], capture_output=True)
    assert check.returncode == 0, check.stdout


STOPPED = {
    signal.SIGINT: (130, "moviecli: interrupted by SIGINT\n"),
    signal.SIGTERM: (143, "moviecli: interrupted by SIGTERM\n"),
}


# --- sql: a statement that would never end -----------------------------------------------------


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    database = tmp_path_factory.mktemp("catalog") / "catalog.db"
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    subprocess.run([sys.executable, "-m", "moviecli", "load", str(seeds), "--db", str(database), "-q"], check=True)
    return database


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_endless_statement_ends_at_a_signal(catalog: Path, signum: int) -> None:
    proc = start("sql", ENDLESS, "--db", catalog)
    time.sleep(1.0)  # well inside the statement: start-up takes a tenth of that
    assert stop(proc, signum) == (*STOPPED[signum][:1], "", STOPPED[signum][1])


def test_an_endless_statement_ends_at_its_timeout(catalog: Path) -> None:
    proc = start("sql", ENDLESS, "--timeout", "0.5", "--db", catalog)
    out, err = proc.communicate(timeout=HANG)
    assert (proc.returncode, out, err) == (1, "", "moviecli: sql: stopped after 0.5 s (--timeout)\n")


def test_a_statement_within_its_timeout_is_answered(catalog: Path) -> None:
    done = subprocess.run(
        [*MOVIECLI, "sql", "SELECT count(*) AS n FROM titles", "--timeout", "30", "--db", str(catalog), "-f", "csv"],
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "n\n1\n", "")


def test_a_timeout_of_zero_is_a_usage_error(catalog: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "moviecli", "sql", "SELECT 1", "--timeout", "0", "--db", str(catalog)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "--timeout" in done.stderr and "Traceback" not in done.stderr


# --- load and reparse: recorded as interrupted, with what they committed ---------------------------


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pages")
    write_pages(folder, range(PAGES))
    return folder


@pytest.mark.parametrize(("signum", "group"), [(signal.SIGINT, True), (signal.SIGTERM, False)])
def test_an_interrupted_load_records_what_it_committed_and_a_rerun_finishes(
    pages: Path, tmp_path: Path, signum: int, group: bool
) -> None:
    database = tmp_path / "catalog.db"
    proc = start("load", pages, "--db", database)
    wait_until(lambda: count(database, "SELECT count(*) FROM titles") > 0, proc)
    assert stop(proc, signum, group=group) == (*STOPPED[signum][:1], "", STOPPED[signum][1])
    sound(database)
    titles = count(database, "SELECT count(*) FROM titles")
    reason = f"interrupted by {signal.Signals(signum).name}"
    assert runs(database) == [("load", titles, 0, 1, json.dumps([{"path": "", "reason": reason}]))]
    assert 0 < titles < PAGES
    rerun = subprocess.run([sys.executable, "-m", "moviecli", "load", str(pages), "--db", str(database), "-q"])
    assert rerun.returncode == 0
    assert count(database, "SELECT count(*) FROM titles") == PAGES
    assert runs(database)[1] == ("load", PAGES - titles, 0, 0, "[]")


def test_an_interrupted_strict_load_loads_nothing(pages: Path, tmp_path: Path) -> None:
    database = tmp_path / "catalog.db"
    proc = start("load", pages, "--db", database, "--strict")
    wait_until(lambda: count(database, "SELECT count(*) FROM imports") > 0, proc)
    time.sleep(0.5)  # inside the run's one transaction
    assert stop(proc, signal.SIGINT) == (130, "", "moviecli: interrupted by SIGINT\n")
    sound(database)
    assert count(database, "SELECT count(*) FROM titles") == 0
    reason = json.dumps([{"path": "", "reason": "interrupted by SIGINT"}])
    assert runs(database) == [("load", 0, 0, 1, reason)]


def test_an_interrupted_reparse_records_what_it_did(pages: Path, tmp_path: Path) -> None:
    database = tmp_path / "catalog.db"
    subprocess.run([sys.executable, "-m", "moviecli", "load", str(pages), "--db", str(database), "-q"], check=True)
    proc = start("reparse", "--db", database)
    wait_until(lambda: count(database, "SELECT count(*) FROM imports") > 1, proc)
    time.sleep(0.3)
    code, out, err = stop(proc, signal.SIGTERM, group=False)
    assert (code, out, err) == (143, "", "moviecli: interrupted by SIGTERM\n")
    sound(database)
    command, loaded, replaced, failed, failures = runs(database)[1]
    assert (command, loaded, replaced, failed, failures) == ("reparse", 0, 0, 1, failures)
    assert json.loads(str(failures)) == [{"path": "", "reason": "interrupted by SIGTERM"}]
    assert count(database, "SELECT count(*) FROM titles") == PAGES


# --- load-imdb: interrupted while staging its files and while applying them ---------------------


@pytest.fixture(scope="module")
def datasets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("datasets")
    imdb_datasets.generate(folder, 20_000)
    return folder


@pytest.mark.parametrize("phase", ["staging", "applying"])
def test_an_interrupted_load_imdb_changes_nothing_and_leaves_no_scratch_files(
    datasets: Path, tmp_path: Path, phase: str
) -> None:
    database = tmp_path / "catalog.db"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    proc = start("load-imdb", datasets, "--db", database, env={**os.environ, "TMPDIR": str(scratch)})
    if phase == "staging":
        wait_until(lambda: any(scratch.glob("moviecli-imdb-*/*.db")), proc)
    else:  # the run's row is written once every file is staged, just before the apply
        wait_until(lambda: count(database, "SELECT count(*) FROM imports") > 0, proc)
    assert stop(proc, signal.SIGINT) == (130, "", "moviecli: interrupted by SIGINT\n")
    assert list(scratch.iterdir()) == []
    sound(database)
    assert count(database, "SELECT count(*) FROM titles") == 0
    reason = json.dumps([{"path": "", "reason": "interrupted by SIGINT"}])
    assert runs(database) == [("load-imdb", 0, 0, 1, reason)]


def test_a_signal_inside_a_held_block_waits_for_its_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """What must happen together (a COMMIT and the counts of what it committed) is not cut apart."""
    from moviecli import interrupt

    monkeypatch.setattr(interrupt, "_received", [])  # this process's record of signals, for this test only
    previous = signal.signal(signal.SIGINT, interrupt._handle)
    done = []
    try:
        with pytest.raises(interrupt.Interrupted) as stopped, interrupt.held():
            os.kill(os.getpid(), signal.SIGINT)
            done.append("after the signal")  # reached: the handler only remembered it
        assert (done, stopped.value.signum, interrupt.received()) == (
            ["after the signal"],
            signal.SIGINT,
            signal.SIGINT,
        )
    finally:
        signal.signal(signal.SIGINT, previous)
