"""Prepared pages -> the catalog: PageWriter (bulk writes, per-page fallback), batches, and --strict.

- A page loads completely or not at all: a batch is written in bulk in one transaction, and a
  batch the database refuses is rolled back and written again with care, one SAVEPOINT per
  group of pages and then per page, so exactly the offending pages fail; a crash (even
  `kill -9`) leaves only whole titles; batches are committed as they go, so a re-run finishes.
- The write lock is held only while a batch is written (at most about BATCH_SECONDS), never while
  files are read or parsed, and is left free for LOCK_GAP_SECONDS between batches, so an
  overlapping run gets its turn instead of starving until the busy timeout.
"""

from __future__ import annotations

import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterator, MutableSequence, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Literal

from moviecli import db, interrupt, save
from moviecli.load.prepare import PreparedPage
from moviecli.load.report import Failure, LoadReport
from moviecli.load.unchanged import FileState, current_hashes, record_files

# The longest a load holds the write lock at a time (give or take one WRITE_PAGES). The loading
# process writes only while it holds the lock: with 0.25 s it was idle a third of the time, in
# the lock gaps (its CPU 27 s in a 40 s load of 20,000 pages, measured, issue 15). Another
# writer waits at most this long for its turn; readers never wait.
BATCH_SECONDS = 1.0
# Between batches the lock stays free at least this long: SQLite's busy handler retries every
# 100 ms once it has waited a while, so a waiting run (or `moviecli reparse`) always gets in.
LOCK_GAP_SECONDS = 0.12
# Parsed pages waiting for the write lock, at most (~10-20 MB, their rows still pickled). Enough for
# the lock gap and a batch: with 256, the pages of a gap filled it in ~60 ms and the load then slept
# out the rest, and the workers idled through each batch; 20,000 pages took 18.3 s, 13.4 s with 1,024
# (and IN_FLIGHT_CHUNKS 4 -> 16). With 2,048 (and 32), a batch writes what the workers made through
# the last one and its gap: 28 -> 20 batches, and as many lock gaps; 14.5 -> 12.9 s (3 alternating
# runs each), the same peak at 20,000 pages (their rows wait pickled; measured, issue 15).
MAX_PENDING = 2048
# ... and at most this many characters of their text (a record is a few times its text): large
# pages are bounded by size, not count (issue 10). Each bound lets at least one page through.
MAX_PENDING_CHARS = 8 * 1024 * 1024
WRITE_PAGES = 64  # pages per bulk write: the time limit of a batch is checked between them
WRITE_CHARS = 4 * 1024 * 1024  # characters of page text per bulk write, at most
MAX_RECORDS = 4096  # file states of unchanged pages waiting to be recorded, at most
# Pages of WAL (~40 MB) after which a commit checkpoints. 5,000 new pages: the COMMITs' CPU
# 0.30 -> 0.19 s, their wall time 1.4 -> 0.6 s; 1,000 new pages into 20,000 titles: the writing
# process 0.75 -> 0.66 ms of CPU a page (2 runs each, measured 2026-12-02).
WAL_CHECKPOINT_PAGES = 10_000


@dataclass
class NewPage:
    """A page read and parsed, to be saved: its path, the SHA-256 and text of the bytes parsed, its rows."""

    path: str
    sha256: str
    text: str
    encoding: str
    rows: save.TitleRows


@dataclass(frozen=True)
class Refused:
    """The database would not take a page (a constraint it breaks); the other pages still load."""

    reason: str


Outcome = Literal["loaded", "replaced", "unchanged"] | Refused


def _not_the_pages_fault(e: sqlite3.DatabaseError) -> bool:
    """A lock, a full or broken disk, or a damaged catalog stops the whole run; anything else is the page's own doing.

    Damage must stop it: writing on into a file whose structure is broken only spreads the damage.
    """
    if db.is_damage(e) or interrupt.received() is not None:  # a signal's abort is not the page's doing either
        return True
    return isinstance(e, sqlite3.OperationalError) and ("locked" in str(e) or "disk" in str(e))


class WriteAgain(Exception):
    """A bulk write without savepoints was refused: roll its transaction back, then write its pages with care."""


class PageWriter:
    """Saves loaded pages for one run of `moviecli load`, many pages per statement.

    Pages are written in bulk (one executemany per table for a whole batch). With care, each
    bulk write is inside a SAVEPOINT; if the database refuses it, it is rolled back and its pages
    written again one by one, each in its own SAVEPOINT, so exactly the offending pages fail and
    a page still loads completely or not at all. Without care there is no savepoint (they cost
    10-20% of the writing, measured, issue 15) and a refusal is WriteAgain: the caller rolls the
    transaction back and writes the same pages with care. The caller decides how many pages make
    a batch; `transaction()` holds the write lock around as many batches as it likes.
    """

    def __init__(self, conn: sqlite3.Connection, parser_version: str) -> None:
        self.conn = conn
        self.parser_version = parser_version
        self.people = save.PersonIds(conn)
        # Bulk writes touch many index pages: 32 MB of page cache (default 2 MB) keeps the hot
        # ones in memory. This connection only, and memory is bounded.
        conn.execute("PRAGMA cache_size = -32768")
        conn.execute("PRAGMA temp_store = MEMORY")
        # A checkpoint (WAL -> file, two fsyncs) after every batch wrote the same index pages again
        # and again: every WAL_CHECKPOINT_PAGES pages instead (default 1,000), and once at the end.
        conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error (the people cache follows suit)."""
        with db.transaction(self.conn):
            self.people.begin()
            try:
                yield
            except BaseException:
                self.people.rollback()
                raise
        self.people.commit()

    def write(self, pages: Sequence[NewPage], *, careful: bool = True) -> list[Outcome]:
        """Save pages inside the open transaction; an outcome per page, in order.

        A page whose content is already a title's current page is unchanged (a concurrent run may
        have loaded it since it was read); one whose identity is there replaces it. Not `careful`,
        a page the database refuses raises WriteAgain, and the transaction holds part of the pages.
        """
        if not careful:
            try:
                return [outcome for group in _distinct_groups(pages) for outcome in self._write_group(group)]
            except sqlite3.DatabaseError as e:
                if _not_the_pages_fault(e):
                    raise
                raise WriteAgain from e
        outcomes: list[Outcome] = []
        for group in _distinct_groups(pages):
            mark = self.people.mark()
            try:
                with db.savepoint(self.conn, "pages"):
                    outcomes += self._write_group(group)
            except sqlite3.DatabaseError as e:
                if _not_the_pages_fault(e):
                    raise
                self.people.rollback_to(mark)
                outcomes += [self._write_alone(page) for page in group]
        return outcomes

    def _write_alone(self, page: NewPage) -> Outcome:
        mark = self.people.mark()
        try:
            with db.savepoint(self.conn, "page"):
                return self._write_group([page])[0]
        except sqlite3.DatabaseError as e:
            if _not_the_pages_fault(e):
                raise
            self.people.rollback_to(mark)
            return Refused(f"database refused the page: {e}")

    def _write_group(self, pages: Sequence[NewPage]) -> list[Outcome]:
        """Pages of distinct content and identity: their page rows, titles and child rows in bulk."""
        conn = self.conn
        current = current_hashes(conn, [p.sha256 for p in pages])
        todo = [p for p in pages if p.sha256 not in current]
        stored = dict(db.select_in(conn, "SELECT sha256, id FROM pages WHERE sha256 IN ({})", [p.sha256 for p in todo]))
        conn.executemany(
            "UPDATE pages SET path = ?, parser_version = ? WHERE id = ?",
            [(p.path, self.parser_version, stored[p.sha256]) for p in todo if p.sha256 in stored],
        )
        first = db.next_id(conn, "pages")
        new = [p for p in todo if p.sha256 not in stored]
        loaded_at = db.now()
        rows = [
            (first + i, p.path, p.sha256, p.text, p.encoding, loaded_at, self.parser_version) for i, p in enumerate(new)
        ]
        conn.executemany(
            "INSERT INTO pages (id, path, sha256, text, encoding, loaded_at, parser_version) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        stored.update((sha256, page_id) for page_id, _, sha256, *_ in rows)
        saved = iter(save.save_rows(conn, [(p.rows, stored[p.sha256]) for p in todo], self.people))
        return ["unchanged" if p.sha256 in current else ("replaced" if next(saved)[1] else "loaded") for p in pages]

    def record_files(self, files: Sequence[FileState]) -> None:
        """Remember what each file was when read (inside the transaction); see unchanged.py."""
        record_files(self.conn, files)


def _distinct_groups(pages: Sequence[NewPage]) -> list[list[NewPage]]:
    """Consecutive runs of pages with no content or identity twice, so that each run can be written in bulk.

    A second copy of a page in one batch must come out unchanged, and a second version of a title
    must replace the first, as if written one after the other: a repeat starts a new group.
    """
    groups: list[list[NewPage]] = [[]]
    hashes: set[str] = set()
    identities: set[save.Identity] = set()
    for page in pages:
        key = page.rows.identity
        if page.sha256 in hashes or key in identities:
            groups.append([])
            hashes.clear()
            identities.clear()
        groups[-1].append(page)
        hashes.add(page.sha256)
        identities.add(key)
    return [g for g in groups if g]


def _new_page(page: PreparedPage) -> NewPage:
    return NewPage(page.path, page.sha256, page.text, page.encoding, page.title_rows())


def _count(page: PreparedPage, outcome: Outcome, report: LoadReport, fail: Callable[[Failure], None]) -> bool:
    """Count a written page's outcome; False when the database refused it."""
    if isinstance(outcome, Refused):
        fail(Failure(page.path, outcome.reason))
        return False
    if outcome == "loaded":
        report.loaded += 1
    elif outcome == "replaced":
        report.replaced += not page.supersedes  # a title this run already counted is not replaced again
    else:  # a concurrent run loaded the same page meanwhile
        report.unchanged += 1
    return True


def _write_batch(
    writer: PageWriter,
    pending: deque[PreparedPage],
    records: list[FileState],
    report: LoadReport,
    fail: Callable[[Failure], None],
) -> None:
    """Write pending pages in one transaction, for at most about BATCH_SECONDS, and the files' states.

    The pages go WRITE_PAGES at a time in bulk, without savepoints; if the database refuses one,
    the transaction is rolled back and the same pages written again with care (PageWriter).
    Those not written in time wait for the next batch.
    """
    taken: list[PreparedPage] = []
    try:
        _write_timed(writer, pending, taken, records, report, fail, careful=False)
    except WriteAgain:  # rolled back: its pages go back in front, in order
        pending.extendleft(reversed(taken))
        taken.clear()
        _write_timed(writer, pending, taken, records, report, fail, careful=True)


def _write_timed(
    writer: PageWriter,
    pending: deque[PreparedPage],
    taken: list[PreparedPage],
    records: list[FileState],
    report: LoadReport,
    fail: Callable[[Failure], None],
    *,
    careful: bool,
) -> None:
    """_write_batch's one transaction, then its counts; `taken` gets each page as it leaves `pending`."""
    outcomes: list[Outcome] = []
    with ExitStack() as counted_with_commit:
        with writer.transaction():
            started = time.monotonic()
            while pending and time.monotonic() - started < BATCH_SECONDS:
                batch = [pending.popleft()]
                chars = len(batch[0].text)
                while pending and len(batch) < WRITE_PAGES and chars + len(pending[0].text) <= WRITE_CHARS:
                    chars += len(pending[0].text)
                    batch.append(pending.popleft())
                taken += batch
                outcomes += writer.write([_new_page(p) for p in batch], careful=careful)
            records += [
                page.file
                for page, outcome in zip(taken, outcomes, strict=True)
                if page.file and not isinstance(outcome, Refused)
            ]
            writer.record_files(records)
            # From the COMMIT to the counts a signal waits: a run it stops then records exactly what
            # is in the catalog (a full disk at COMMIT counts nothing of the batch).
            counted_with_commit.enter_context(interrupt.held())
        records.clear()
        for page, outcome in zip(taken, outcomes, strict=True):
            _count(page, outcome, report, fail)


def _sort_page(
    page: PreparedPage,
    report: LoadReport,
    pending: MutableSequence[PreparedPage],
    records: list[FileState],
    fail: Callable[[Failure], None],
    on_page: Callable[[str], None] | None,
) -> None:
    """One prepared page goes where it belongs: a failure, an unchanged file to record, or a page to write."""
    if page.error is not None:
        fail(Failure(page.path, page.error))
    elif page.unchanged:
        report.unchanged += 1
        if page.file:
            records.append(page.file)
    else:
        pending.append(page)
    if on_page:
        on_page(page.path)


def load_in_batches(
    writer: PageWriter,
    pages: Iterator[PreparedPage],
    report: LoadReport,
    fail: Callable[[Failure], None],
    on_page: Callable[[str], None] | None,
) -> None:
    pending: deque[PreparedPage] = deque()
    records: list[FileState] = []  # unchanged files read this run: recorded so the next run need not
    next_write = time.monotonic()
    chars = 0  # of the pending pages' text
    for page in pages:
        _sort_page(page, report, pending, records, fail, on_page)
        chars += len(page.text) if pending and pending[-1] is page else 0
        if (pending or records) and (
            time.monotonic() >= next_write
            or len(pending) >= MAX_PENDING
            or chars >= MAX_PENDING_CHARS
            or len(records) >= MAX_RECORDS
        ):
            # When writing is the slow part, parsed pages would pile up here without end (600 MB
            # for 100,000 pages, measured): wait out the lock gap instead, then write.
            time.sleep(max(0.0, next_write - time.monotonic()))
            _write_batch(writer, pending, records, report, fail)
            chars = sum(len(p.text) for p in pending)
            next_write = time.monotonic() + LOCK_GAP_SECONDS
    while pending or records:  # the end of the run: more than one batch left only when writing is the slow part
        _write_batch(writer, pending, records, report, fail)
        if pending:
            time.sleep(LOCK_GAP_SECONDS)


class _RolledBack(Exception):
    """--strict: a page failed, so the run's transaction is rolled back."""


def load_all_or_nothing(
    writer: PageWriter,
    pages: Iterator[PreparedPage],
    report: LoadReport,
    fail: Callable[[Failure], None],
    on_page: Callable[[str], None] | None,
) -> None:
    """--strict: one transaction for the whole run, rolled back at the first bad page."""
    if report.failures:
        return
    pending: list[PreparedPage] = []
    records: list[FileState] = []

    def write_pending() -> None:
        outcomes = writer.write([_new_page(p) for p in pending])
        for page, outcome in zip(pending, outcomes, strict=True):
            if not _count(page, outcome, report, fail):
                break  # the first refused page ends the run
            if page.file:
                records.append(page.file)
        pending.clear()

    try:
        with writer.transaction():
            for page in pages:
                _sort_page(page, report, pending, records, fail, on_page)
                if not report.failures and (
                    len(pending) >= MAX_PENDING or sum(len(p.text) for p in pending) >= MAX_PENDING_CHARS
                ):
                    write_pending()
                if report.failures:
                    raise _RolledBack
            write_pending()
            if report.failures:
                raise _RolledBack
            writer.record_files(records)
    except _RolledBack:
        report.loaded = report.replaced = 0
