"""The unchanged-file rule: which page files a load may skip without reading them, and its SQL.

Unchanged files are skipped without being read when it is certain they are unchanged. Each file a
load reads is recorded in `page_files` with its size, mtime, ctime and inode (from fstat of the
open file, before reading it), the SHA-256 of the bytes read, and the start of the run. A later
run takes a file as unchanged, unread, only when all of these hold:
- its size, mtime_ns, ctime_ns and inode are exactly the recorded ones;
- the recorded mtime and ctime are both more than RACY_SECONDS older than the start of the run that
  recorded them. This is git's "racily clean" rule: a file changed just after it was read, within
  the same tick of the filesystem's clock (up to 2 s on FAT, a few ms on ext4), can keep its
  timestamps; a file last changed well before the run started cannot be changed afterwards without
  moving its mtime and ctime past the recorded ones. Files too young are read, hashed and
  recorded again, and are skipped unread on the runs after that;
- the recorded SHA-256 is still the current page of a title.
ctime cannot be set by programs (only the clock moves it), so even an edit that keeps the size and
puts the old mtime back (`touch -d`, `cp -p`, rsync) is seen. Everything else is read and hashed
as before. What could still fool it: changing the system clock backwards, or a file server whose
clock is behind this machine's by more than RACY_SECONDS.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from moviecli import db

RACY_SECONDS = 3  # a file changed this close to the start of the run that read it is read again
_CURRENT_SQL = "SELECT p.sha256 FROM pages p JOIN titles t ON t.page_id = p.id WHERE p.sha256 IN ({})"


@dataclass(frozen=True)
class FileState:
    """What a page file was when a load read it (its row in page_files); see this module for the rule."""

    path: str  # absolute
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    sha256: str  # of the bytes read
    run_started_ns: int  # when the run that read it started (time.time_ns())


def unchanged_unread(path: str, known: FileState) -> bool:
    """Whether a file is certainly the one recorded, by its metadata alone (the rule in this module's docstring)."""
    try:
        now = os.stat(path)
    except OSError:
        return False  # read it, and report why it cannot be
    settled = known.run_started_ns - RACY_SECONDS * 1_000_000_000
    return (
        (now.st_size, now.st_mtime_ns, now.st_ctime_ns, now.st_ino)
        == (known.size, known.mtime_ns, known.ctime_ns, known.inode)
        and known.mtime_ns < settled
        and known.ctime_ns < settled
    )


def current_hashes(conn: sqlite3.Connection, hashes: Sequence[str]) -> set[str]:
    """Those of `hashes` that are a title's current page: a file with one of them is unchanged."""
    return {row[0] for row in db.select_in(conn, _CURRENT_SQL, hashes)}


def known_files(conn: sqlite3.Connection, paths: Sequence[str]) -> dict[str, FileState]:
    """The recorded state of those files (absolute paths) whose recorded content is still a title's current page."""
    sql = (
        "SELECT f.path, f.size, f.mtime_ns, f.ctime_ns, f.inode, f.sha256, f.run_started_ns FROM page_files f"
        " WHERE f.path IN ({}) AND EXISTS"
        " (SELECT 1 FROM pages p JOIN titles t ON t.page_id = p.id WHERE p.sha256 = f.sha256)"
    )
    return {row[0]: FileState(*row) for row in db.select_in(conn, sql, paths)}


def record_files(conn: sqlite3.Connection, files: Sequence[FileState]) -> None:
    """Remember what each file was when read, so a later run can skip it unread (inside the transaction)."""
    conn.executemany(
        "INSERT OR REPLACE INTO page_files (path, size, mtime_ns, ctime_ns, inode, sha256, run_started_ns)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(f.path, f.size, f.mtime_ns, f.ctime_ns, f.inode, f.sha256, f.run_started_ns) for f in files],
    )
