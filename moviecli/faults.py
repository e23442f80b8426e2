"""A writing run stopped by a fault (a full disk) or a signal: recorded in `imports`, then one line.

What is committed stays (each batch of a load, each title of a reparse, all of load-imdb or none of
it); the run's row says how far it got and why it stopped, so `moviecli imports` shows it and a
re-run finishes the job. The user sees `moviecli: PATH: disk full` (exit 1) or
`moviecli: interrupted by SIGINT` (exit 130 / 143) instead of a traceback (issue 10).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from moviecli import interrupt
from moviecli.errors import DatabaseError


def disk_full(conn: sqlite3.Connection, error: BaseException) -> DatabaseError | None:
    """The one-line error for a full disk (`PATH: disk full`), else None.

    SQLite's error does not say which file system filled up: the catalog's, or the temporary
    folder's (load-imdb's scratch tables); the one with less room left did.
    """
    if not (isinstance(error, sqlite3.OperationalError) and "disk is full" in str(error)):
        return None
    path = conn.execute("SELECT file FROM pragma_database_list WHERE name = 'main'").fetchone()[0]
    scratch = tempfile.gettempdir()
    if path and _free_bytes(scratch) < _free_bytes(os.path.dirname(path)):
        return DatabaseError(f"{scratch}: disk full (the scratch files of load-imdb; TMPDIR picks another folder)")
    return DatabaseError(f"{path}: disk full")


def _free_bytes(folder: str) -> int:
    try:
        stat = os.statvfs(folder or ".")
    except OSError:
        return 0
    return stat.f_bavail * stat.f_frsize


def stop_reason(fault: DatabaseError | None) -> str | None:
    """Why a run stopped, as its record says it: a signal, else a full disk (`fault`, from
    disk_full()); None for any other error."""
    signum = interrupt.received()
    if signum is not None:
        return interrupt.describe(signum)
    return str(fault) if fault is not None else None


def roll_back(conn: sqlite3.Connection, *, give_back_room: bool) -> None:
    """After a failed write: roll back; on a full disk also checkpoint, so that the rolled-back WAL
    frames free the disk for the run's record.

    Best effort: the record that follows may still not fit, and the failure is what the user sees.
    """
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if give_back_room:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error:
        pass


@contextmanager
def recorded_stop(conn: sqlite3.Connection, record: Callable[[str], None]) -> Iterator[None]:
    """Run the body; if a signal or a full disk stops it, `record(reason)` the run, then stop with one line.

    Any other error passes through untouched.
    """
    try:
        yield
    except BaseException as e:
        fault = disk_full(conn, e)
        reason = stop_reason(fault)
        if reason is None:
            raise
        roll_back(conn, give_back_room=fault is not None)
        with contextlib.suppress(sqlite3.Error):  # the disk may still be full: the failure is what the user sees
            record(reason)
        signum = interrupt.received()
        if signum is not None:
            raise interrupt.Interrupted(signum) from None
        assert fault is not None  # no signal: the reason is the full disk
        raise fault from None
