"""One file per title: when several loaded files hold the same title, the newest one wins, every run.

Without a rule, two files of one title (a page saved again under a new name, a labeled and a
stripped copy) replaced each other on every run, the catalog flipping between them each night.
The rule: of the files of one identity (save.identity) among the run's files, the one modified
last (mtime) is kept; of two modified at the same instant, the first by path. The others are not
written, and each is reported on stderr with the file kept.

The rivals of a page are the files of its title read in this run, and the file the catalog's
current page of that title was read from (page_files), if that file is among the run's files and
unchanged since: that one is usually skipped unread (unchanged.py), so its identity comes from the
catalog. Deleting the winning file lets the next run bring another in, as it is no rival then.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from moviecli import db, save
from moviecli.load.files import STDIN
from moviecli.load.prepare import PreparedPage
from moviecli.load.report import Duplicate, shown

_HOLDER_SQL = (
    "SELECT p.sha256 FROM titles t JOIN pages p ON p.id = t.page_id"
    " WHERE t.page_id IS NOT NULL AND t.title = ? AND ifnull(t.year, 0) = ? AND ifnull(t.year_index, '') = ?"
    " AND t.kind = ?"
)


@dataclass(frozen=True, slots=True)  # one per title of the run: 100,000 of them in a big load
class _File:
    """A file holding a title, as the rule compares it: newest first, then first by path."""

    named: str  # as the run names it, for messages
    mtime_ns: int
    written: bool  # written by this run (so a later winner replaces what this run itself wrote)

    @property
    def path(self) -> str:
        """Absolute: the order of ties does not depend on how the run named its sources."""
        return os.path.abspath(self.named)

    def beats(self, other: _File) -> bool:
        return (-self.mtime_ns, self.path) < (-other.mtime_ns, other.path)


def _key(identity: save.Identity) -> bytes:
    """A title's identity as 16 bytes: the run's map of titles holds these, not the identities.

    The map has a key per title of the run; the tuples took ~0.2 KB each, these 49 bytes.
    A 128-bit BLAKE2 digest of the tuple's repr: two identities never meet on one in practice.
    """
    return hashlib.blake2b(repr(identity).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def one_per_title(
    conn: sqlite3.Connection,
    pages: Iterable[PreparedPage],
    paths: list[str],
    on_duplicate: Callable[[Duplicate], None],
    on_dropped: Callable[[str], None] | None = None,
) -> Iterator[PreparedPage]:
    """The prepared pages, less those of a title some other file of the run holds by the rule (module docstring).

    `on_duplicate` gets each losing file with the one kept; `on_dropped` the path of each page left out.
    Memory: a 16-byte key and a small _File per title of the run (~0.3 KB; 0.8 KB with the
    identities and every path's absolute form kept, measured, issue 15).
    """
    chosen: dict[bytes, _File] = {}
    named: dict[str, str] = {}  # absolute -> as the run names it: made once, only when needed
    recorded: dict[str, list[tuple[str, int, int, int]]] | None = None  # page_files of the run's files, by hash

    def holder(key: save.Identity) -> _File | None:
        """The file among the run's files that the catalog's page of `key` was read from, if unchanged since."""
        nonlocal recorded
        row = conn.execute(_HOLDER_SQL, key).fetchone()
        if row is None:
            return None
        if recorded is None:  # once, and only in a run that meets a title already loaded
            recorded = {}
            named.update((os.path.abspath(path), path) for path in paths if path != STDIN)
            sql = "SELECT sha256, path, size, mtime_ns, inode FROM page_files WHERE path IN ({})"
            for sha256, *state in db.select_in(conn, sql, list(named)):
                recorded.setdefault(sha256, []).append(tuple(state))
        files = [
            _File(named[path], mtime, False)
            for path, size, mtime, inode in recorded.get(row[0], ())
            if _same(path, size, mtime, inode)
        ]
        return min(files, key=lambda f: (-f.mtime_ns, f.path), default=None)

    for page in pages:
        if page.identity is None or page.path == STDIN:
            yield page
            continue
        identity = page.identity
        key = _key(identity)
        me = _File(page.path, page.file.mtime_ns if page.file else _mtime(page.path), True)
        rival = chosen.get(key) or holder(identity)
        if rival is not None and rival.path != me.path:
            loser, kept = (rival, me) if me.beats(rival) else (me, rival)
            why = "newer" if loser.mtime_ns != kept.mtime_ns else "as old, first by path"
            on_duplicate(Duplicate(shown(loser.named), shown(kept.named), _title(identity), why))
            if kept is rival:
                chosen[key] = rival
                if on_dropped:
                    on_dropped(page.path)
                continue
            page.supersedes = rival.written
        chosen[key] = me
        yield page


def _same(path: str, size: int, mtime_ns: int, inode: int) -> bool:
    """Whether a file is still as recorded: if not, it is read in this run and competes by what it holds now."""
    try:
        now = os.stat(path)
    except OSError:
        return False
    return (now.st_size, now.st_mtime_ns, now.st_ino) == (size, mtime_ns, inode)


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0


def _title(key: save.Identity) -> str:
    title, year, numeral, _kind = key
    return f"{title}, {year}/{numeral}" if numeral else f"{title}, {year}" if year else title
