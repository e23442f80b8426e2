"""Files -> parse -> database: `moviecli load` and `moviecli reparse`.

Invariants a cron job relies on:
- A page loads completely or not at all: pages are written in bulk inside a SAVEPOINT, and a
  batch the database refuses is written again one SAVEPOINT per page (db.PageWriter), so a crash
  (even `kill -9`) leaves only whole titles; batches are committed as they go, so a re-run
  finishes the job.
- The write lock is held only while a batch is written (at most about BATCH_SECONDS), never while
  files are read or parsed, and is left free for LOCK_GAP_SECONDS between batches, so an
  overlapping run gets its turn instead of starving until the busy timeout.
- A bad file is reported with its path and one line of reason, and never stops the others.
Reading and hashing happen in this process, parsing in worker processes when there are many
pages; only this process writes.

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

import gc
import hashlib
import itertools
import json
import multiprocessing
import os
import sqlite3
import stat
import sys
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, MutableSequence
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from moviecli import db
from moviecli.errors import LoadError, ParseError
from moviecli.models import Title
from moviecli.parse import PARSER_VERSION, parse_page

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult

MAX_PAGE_BYTES = 10 * 1024 * 1024  # a title page is ~20 KB; anything this large is not one
STDIN = "-"
BATCH_SECONDS = 0.25  # the longest a load holds the write lock at a time (give or take one WRITE_PAGES)
# Between batches the lock stays free at least this long: SQLite's busy handler retries every
# 100 ms once it has waited a while, so a waiting run (or `moviecli reparse`) always gets in.
LOCK_GAP_SECONDS = 0.12
PARALLEL_FROM = 64  # below this many pages, worker processes cost more than they save
CHUNK_PAGES = 16  # pages a worker prepares per task
IN_FLIGHT_CHUNKS = 4  # tasks per worker queued ahead of the writer: busy workers, bounded memory
MAX_PENDING = 256  # parsed pages waiting for the write lock, at most (a few MB)
WRITE_PAGES = 64  # pages per bulk write: the time limit of a batch is checked between them
SCAN_PAGES = 256  # files stat-checked or read and hashed per look-up of known files and hashes
RACY_SECONDS = 3  # a file changed this close to the start of the run that read it is read again
MAX_RECORDS = 4096  # file states of unchanged pages waiting to be recorded, at most
GC_THRESHOLD = 20_000  # allocations between young collections while loading (Python's default: 700)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\v\x1b")


@dataclass
class Failure:
    path: str
    reason: str


@dataclass
class LoadReport:
    loaded: int = 0
    replaced: int = 0
    unchanged: int = 0
    failures: list[Failure] = field(default_factory=list)
    changed_titles: list[str] = field(default_factory=list)  # reparse: titles whose record changed

    @property
    def failed(self) -> int:
        return len(self.failures)

    def summary(self) -> str:
        return f"{self.loaded} loaded, {self.replaced} replaced, {self.unchanged} unchanged, {self.failed} failed"


@dataclass
class PreparedPage:
    """A page read, hashed and parsed, ready to be written (or the reason it cannot be)."""

    path: str
    sha256: str = ""
    text: str = ""
    encoding: str = "utf-8"
    record: Title | None = None
    error: str | None = None
    unchanged: bool = False
    file: db.FileState | None = None  # the file as read, to record in page_files (not for stdin)


def find_pages(sources: Iterable[str]) -> tuple[list[str], list[Failure]]:
    """Expand files, folders and '-' into page paths; missing ones are failures.

    A folder gives its *.txt files, recursively and sorted, leaving out hidden files and folders:
    a program that writes `.name.txt` or `name.txt.part` and then renames it is never read half-way.
    Symbolic links to files are followed, links to folders are not (as Path.rglob does).
    """
    paths: list[str] = []
    failures: list[Failure] = []
    for source in sources:
        if source == STDIN:
            paths.append(STDIN)
            continue
        path = Path(source)
        if path.is_dir():
            found: list[str] = []
            base = str(path)
            _walk("" if base == "." else base.rstrip("/") + "/", base, found)
            paths += sorted(found)
        elif path.exists() or path.is_symlink():
            paths.append(str(path))  # anything else (a FIFO, a dangling link) fails when read, by name
        else:
            failures.append(Failure(source, "no such file or directory"))
    return paths, failures


def _walk(prefix: str, folder: str, found: list[str]) -> None:
    """The *.txt files under `folder` (spelled `prefix`), hidden ones left out: os.scandir's d_type, no stat per file."""
    try:
        entries = list(os.scandir(folder))
    except OSError:  # an unreadable subfolder is passed over, as Path.rglob does
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            _walk(prefix + entry.name + "/", entry.path, found)
        elif entry.name.endswith(".txt") and entry.is_file():
            found.append(prefix + entry.name)


def _too_large() -> LoadError:
    return LoadError(f"larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB; not a title page (refused unread)")


def read_page_bytes(path: str) -> bytes:
    """The raw bytes of a page, refusing anything over MAX_PAGE_BYTES without reading it."""
    return _read_page(path)[0]


def _read_page(path: str) -> tuple[bytes, os.stat_result | None]:
    """A page's bytes and the fstat of the open file taken before reading it (None for stdin)."""
    info = None
    if path == STDIN:
        data = sys.stdin.buffer.read(MAX_PAGE_BYTES + 1)
    else:
        try:
            # O_NONBLOCK: a FIFO named *.txt must not hang the run; it is refused just below.
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        except PermissionError as e:
            raise LoadError("permission denied") from e
        except OSError as e:
            raise LoadError((e.strerror or str(e)).lower()) from e
        try:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                raise LoadError("is a directory")
            if not stat.S_ISREG(info.st_mode):
                raise LoadError("not a regular file")
            if info.st_size > MAX_PAGE_BYTES:
                raise _too_large()
            with open(fd, "rb", closefd=False) as f:
                data = f.read(MAX_PAGE_BYTES + 1)
        except OSError as e:
            raise LoadError((e.strerror or str(e)).lower()) from e
        finally:
            os.close(fd)
    if len(data) > MAX_PAGE_BYTES:
        raise _too_large()
    return data, info


def decode_page(data: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding): UTF-8 (BOM or not), UTF-16 with a BOM, else CP1252 or Latin-1.

    The caller warns of a guessed encoding. A file cut inside a UTF-8 character is certainly
    truncated (a writer still at work, a full disk) and is refused rather than read as CP1252,
    which would turn every accent of the page into mojibake.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise LoadError("not valid UTF-16 despite its byte-order mark") from e
    if not data.strip():
        raise LoadError("empty file")
    sample = data[:8192]
    if b"\x00" in sample or sum(sample.count(b) for b in _CONTROL_BYTES) > len(sample) // 20:
        raise LoadError("binary file, not a text page")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        if e.reason == "unexpected end of data" and _is_utf8(data[: e.start]):
            raise LoadError("truncated: the file ends inside a UTF-8 character (still being written?)") from e
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def parse_text(text: str, encoding: str) -> Title:
    """Parse a page's text; a page that was not UTF-8 carries a warning that its encoding was guessed.

    Used for new files and for stored pages alike, so a re-parse gives the same record as the load.
    """
    record = parse_page(text)
    if encoding not in ("utf-8", "utf-16"):
        record.warnings.append(f"file is not UTF-8; decoded as {encoding}")
    return record


def prepare_page(path: str, known_hashes: set[str] | frozenset[str] = frozenset()) -> PreparedPage:
    """Read, hash and parse one page. Pure of the database, so it can run anywhere."""
    page, data = _read_hashed(path, time.time_ns())
    if data is not None and page.sha256 in known_hashes:
        page.unchanged = True
        return page
    return page if data is None else _parse_read(page, data)


def _read_hashed(path: str, run_started_ns: int) -> tuple[PreparedPage, bytes | None]:
    """Read and hash a page; the bytes still to parse, or None when it could not be read."""
    page = PreparedPage(path)
    try:
        data, info = _read_page(path)
    except LoadError as e:
        page.error = str(e)
        return page, None
    page.sha256 = hashlib.sha256(data).hexdigest()
    if info is not None and info.st_size == len(data):  # else it changed while read: not recorded
        page.file = db.FileState(
            os.path.abspath(path),
            info.st_size,
            info.st_mtime_ns,
            info.st_ctime_ns,
            info.st_ino,
            page.sha256,
            run_started_ns,
        )
    return page, data


def _unchanged_unread(path: str, known: db.FileState) -> bool:
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


def _scanned(
    conn: sqlite3.Connection, paths: list[str], run_started_ns: int
) -> Iterator[tuple[PreparedPage, bytes | None]]:
    """Pages in order, each with its bytes still to parse, or None when done (unchanged, or unreadable).

    A file recorded in page_files is taken as unchanged without reading it when its metadata
    says it is certainly the same; the others are read and hashed, and those whose hash is a
    title's current page are unchanged. The database is asked SCAN_PAGES files at a time.
    """
    for start in range(0, len(paths), SCAN_PAGES):
        block = paths[start : start + SCAN_PAGES]
        absolute = {path: os.path.abspath(path) for path in block if path != STDIN}
        known = db.known_files(conn, list(absolute.values()))
        scanned: list[tuple[PreparedPage, bytes | None]] = []
        for path in block:
            state = known.get(absolute.get(path, ""))
            if state is not None and _unchanged_unread(path, state):
                scanned.append((PreparedPage(path, sha256=state.sha256, unchanged=True), None))
            else:
                scanned.append(_read_hashed(path, run_started_ns))
        current = db.current_hashes(conn, [page.sha256 for page, data in scanned if data is not None])
        for page, data in scanned:
            if data is not None and page.sha256 in current:
                page.unchanged, data = True, None
            yield page, data


def _parse_read(page: PreparedPage, data: bytes) -> PreparedPage:
    try:
        page.text, page.encoding = decode_page(data)
        page.record = parse_text(page.text, page.encoding)
    except (LoadError, ParseError) as e:
        page.error = str(e)
    return page


def _parse_in_worker(items: list[tuple[PreparedPage, bytes]]) -> list[PreparedPage]:
    return [_parse_read(page, data) for page, data in items]


def prepared_pages(
    conn: sqlite3.Connection, paths: list[str], workers: int, run_started_ns: int
) -> Generator[PreparedPage, None, None]:
    """Prepared pages in the order of `paths`; parsed in worker processes when there are enough of them.

    This process reads and hashes every file it must read itself and sends workers only the
    bytes of changed pages: a re-run of an unchanged folder then costs no pickling round trip
    per page, and starts no workers at all. The hash is of the very bytes that are parsed and
    stored, so a file changing meanwhile cannot mismatch. At most IN_FLIGHT_CHUNKS chunks per
    worker are parsed ahead of the writer: Pool.imap parsed as fast as it could and queued every
    result here when writing was the slower part, which held ~1.3 GB for 100,000 pages
    (measured, issue 5); the window keeps memory flat.
    """
    scanned = _scanned(conn, paths, run_started_ns)
    if workers <= 1 or len(paths) < PARALLEL_FROM or STDIN in paths:
        yield from (page if data is None else _parse_read(page, data) for page, data in scanned)
        return
    with ExitStack() as stack:
        pool = None
        window: deque[tuple[list[PreparedPage], AsyncResult[list[PreparedPage]] | None]] = deque()
        while chunk := list(itertools.islice(scanned, CHUNK_PAGES)):
            to_parse = [(page, data) for page, data in chunk if data is not None]
            job = None
            if to_parse:
                if pool is None:
                    # fork: workers inherit the parser already imported. If this process is
                    # killed, the workers read EOF from the task pipe and exit with it.
                    pool = stack.enter_context(multiprocessing.get_context("fork").Pool(workers))
                job = pool.apply_async(_parse_in_worker, (to_parse,))
            window.append(([page for page, _ in chunk], job))
            if len(window) >= workers * IN_FLIGHT_CHUNKS:
                yield from _in_order(*window.popleft())
        while window:
            yield from _in_order(*window.popleft())


def _in_order(pages: list[PreparedPage], job: AsyncResult[list[PreparedPage]] | None) -> Iterator[PreparedPage]:
    """A chunk's pages in order: those done when read as they are, the others as their worker parsed them."""
    parsed = iter(job.get() if job else ())
    for page in pages:
        yield page if page.unchanged or page.error is not None else next(parsed)


def _begin(conn: sqlite3.Connection) -> None:
    """Take the write lock, waiting up to the busy timeout; a lock never freed is a one-line error."""
    db.begin_write(conn)


def _new_page(page: PreparedPage) -> db.NewPage:
    assert page.record is not None
    return db.NewPage(page.path, page.sha256, page.text, page.encoding, page.record)


def _count(page: PreparedPage, outcome: db.Outcome, report: LoadReport, fail: Callable[[Failure], None]) -> bool:
    """Count a written page's outcome; False when the database refused it."""
    if isinstance(outcome, db.Refused):
        fail(Failure(page.path, outcome.reason))
        return False
    if outcome == "loaded":
        report.loaded += 1
    elif outcome == "replaced":
        report.replaced += 1
    else:  # a concurrent run loaded the same page meanwhile
        report.unchanged += 1
    return True


def _write_batch(
    writer: db.PageWriter,
    pending: deque[PreparedPage],
    records: list[db.FileState],
    report: LoadReport,
    fail: Callable[[Failure], None],
) -> None:
    """Write pending pages in one transaction, for at most about BATCH_SECONDS, and the files' states.

    The pages go WRITE_PAGES at a time in bulk; those not written in time wait for the next batch.
    """
    with writer.transaction():
        started = time.monotonic()
        while pending and time.monotonic() - started < BATCH_SECONDS:
            batch = [pending.popleft() for _ in range(min(WRITE_PAGES, len(pending)))]
            for page, outcome in zip(batch, writer.write([_new_page(p) for p in batch]), strict=True):
                if _count(page, outcome, report, fail) and page.file:
                    records.append(page.file)
        writer.record_files(records)
    records.clear()


def _sort_page(
    page: PreparedPage,
    report: LoadReport,
    pending: MutableSequence[PreparedPage],
    records: list[db.FileState],
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


def _load_in_batches(
    writer: db.PageWriter,
    pages: Iterator[PreparedPage],
    report: LoadReport,
    fail: Callable[[Failure], None],
    on_page: Callable[[str], None] | None,
) -> None:
    pending: deque[PreparedPage] = deque()
    records: list[db.FileState] = []  # unchanged files read this run: recorded so the next run need not
    next_write = time.monotonic()
    for page in pages:
        _sort_page(page, report, pending, records, fail, on_page)
        if (pending or records) and (
            time.monotonic() >= next_write or len(pending) >= MAX_PENDING or len(records) >= MAX_RECORDS
        ):
            # When writing is the slow part, parsed pages would pile up here without end (600 MB
            # for 100,000 pages, measured): wait out the lock gap instead, then write.
            time.sleep(max(0.0, next_write - time.monotonic()))
            _write_batch(writer, pending, records, report, fail)
            next_write = time.monotonic() + LOCK_GAP_SECONDS
    while pending or records:  # the end of the run: more than one batch left only when writing is the slow part
        _write_batch(writer, pending, records, report, fail)
        if pending:
            time.sleep(LOCK_GAP_SECONDS)


class _RolledBack(Exception):
    """--strict: a page failed, so the run's transaction is rolled back."""


def _load_all_or_nothing(
    writer: db.PageWriter,
    pages: Iterator[PreparedPage],
    report: LoadReport,
    fail: Callable[[Failure], None],
    on_page: Callable[[str], None] | None,
) -> None:
    """--strict: one transaction for the whole run, rolled back at the first bad page."""
    if report.failures:
        return
    pending: list[PreparedPage] = []
    records: list[db.FileState] = []

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
                if not report.failures and len(pending) >= MAX_PENDING:
                    write_pending()
                if report.failures:
                    raise _RolledBack
            write_pending()
            if report.failures:
                raise _RolledBack
            writer.record_files(records)
    except _RolledBack:
        report.loaded = report.replaced = 0


def load_paths(
    conn: sqlite3.Connection,
    sources: list[str],
    *,
    strict: bool = False,
    workers: int | None = None,
    on_page: Callable[[str], None] | None = None,
    on_failure: Callable[[Failure], None] | None = None,
) -> LoadReport:
    """Load every page under `sources`, in bulk batches committed as they go, each page all or nothing.

    With `strict`, the whole run is one transaction that is rolled back at the first bad page.
    The run is recorded in the imports table either way.
    """
    run_started_ns = time.time_ns()  # before any file is looked at: the racy-clean rule counts from here
    report = LoadReport()
    paths, missing = find_pages(sources)
    import_id = _start_import(conn, "load", sources)

    def fail(failure: Failure) -> None:
        report.failures.append(failure)
        if on_failure:
            on_failure(failure)

    for failure in missing:
        fail(failure)
    workers = workers if workers is not None else (os.cpu_count() or 1)
    writer = db.PageWriter(conn, PARSER_VERSION)
    # Parsing allocates hundreds of small objects per page, none of them in cycles that matter:
    # the default threshold (700) ran the cyclic collector every few pages (~10% of the CPU of a
    # load, measured). Workers forked from here inherit the setting.
    threshold = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *threshold[1:])
    try:
        with closing(prepared_pages(conn, paths, workers, run_started_ns)) as pages:
            if strict:
                _load_all_or_nothing(writer, pages, report, fail, on_page)
            else:
                _load_in_batches(writer, pages, report, fail, on_page)
    finally:
        gc.set_threshold(*threshold)
    _finish_import(conn, import_id, report)
    return report


def reparse_all(conn: sqlite3.Connection, on_failure: Callable[[Failure], None] | None = None) -> LoadReport:
    """Re-parse every stored page that is a title's current source with today's parser.

    The files may be long gone: the text comes from the database. Titles whose record changes are
    rewritten and listed in `changed_titles`; the others count as unchanged. One transaction per
    title, so a concurrent load or a crash never sees or leaves half a title.
    """
    from moviecli.record import title_record

    report = LoadReport()
    import_id = _start_import(conn, "reparse", [])
    ids = conn.execute("SELECT p.id FROM pages p JOIN titles t ON t.page_id = p.id ORDER BY p.path, p.id").fetchall()
    for (page_id,) in ids:
        row = conn.execute(
            "SELECT p.path, p.text, p.encoding, t.id FROM pages p JOIN titles t ON t.page_id = p.id WHERE p.id = ?",
            (page_id,),
        ).fetchone()
        if row is None:  # replaced by a concurrent load meanwhile
            continue
        path, text, encoding, title_id = row
        try:
            record = parse_text(text, encoding)
        except ParseError as e:
            failure = Failure(path, str(e))
            report.failures.append(failure)
            if on_failure:
                on_failure(failure)
            continue
        _begin(conn)
        try:
            before = _comparable(title_record(conn, title_id))
            conn.execute("UPDATE pages SET parser_version = ? WHERE id = ?", (PARSER_VERSION, page_id))
            new_id, _ = db.save_title(conn, record, page_id)
            if new_id != title_id:  # the parser now reads another identity: the old title goes
                conn.execute("DELETE FROM titles WHERE id = ?", (title_id,))
            after = _comparable(title_record(conn, new_id))
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        if before != after:
            report.replaced += 1
            report.changed_titles.append(f"{record.title} ({record.year})" if record.year else record.title)
        else:
            report.unchanged += 1
    _finish_import(conn, import_id, report)
    return report


def _comparable(record: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in record.items() if k not in ("source",)}


def _start_import(conn: sqlite3.Connection, command: str, sources: list[str]) -> int:
    """The run's row in `imports`, committed first: a run killed half-way still shows, unfinished."""
    _begin(conn)
    cur = conn.execute(
        "INSERT INTO imports (command, started_at, sources) VALUES (?, ?, ?)",
        (command, db.now(), json.dumps(sources, ensure_ascii=False)),
    )
    conn.execute("COMMIT")
    return int(cur.lastrowid or 0)


def _finish_import(conn: sqlite3.Connection, import_id: int, report: LoadReport) -> None:
    failures = [{"path": f.path, "reason": f.reason} for f in report.failures]
    _begin(conn)
    conn.execute(
        "UPDATE imports SET finished_at = ?, loaded = ?, replaced = ?, unchanged = ?, failed = ?, failures = ?"
        " WHERE id = ?",
        (
            db.now(),
            report.loaded,
            report.replaced,
            report.unchanged,
            report.failed,
            json.dumps(failures, ensure_ascii=False),
            import_id,
        ),
    )
    conn.execute("COMMIT")
