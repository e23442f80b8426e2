"""Files -> parse -> database: `moviecli load` and `moviecli reparse`.

Invariants a cron job relies on:
- A page loads completely or not at all (one SAVEPOINT per page), so a crash (even `kill -9`)
  leaves only whole titles; pages are committed in short batches, so a re-run finishes the job.
- The write lock is held only while a batch is written (at most BATCH_SECONDS), never while files
  are read or parsed, and is left free for LOCK_GAP_SECONDS between batches, so an overlapping run
  gets its turn instead of starving until the busy timeout.
- A bad file is reported with its path and one line of reason, and never stops the others.
Reading, hashing and parsing happen in worker processes when there are many pages; only this
process writes.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sqlite3
import stat
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from moviecli import db
from moviecli.errors import DatabaseError, LoadError, ParseError
from moviecli.models import Title
from moviecli.parse import PARSER_VERSION, parse_page

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult

MAX_PAGE_BYTES = 10 * 1024 * 1024  # a title page is ~20 KB; anything this large is not one
STDIN = "-"
BATCH_SECONDS = 0.25  # the longest a load holds the write lock at a time
# Between batches the lock stays free at least this long: SQLite's busy handler retries every
# 100 ms once it has waited a while, so a waiting run (or `moviecli reparse`) always gets in.
LOCK_GAP_SECONDS = 0.12
PARALLEL_FROM = 64  # below this many pages, worker processes cost more than they save
CHUNK_PAGES = 16  # pages a worker prepares per task
IN_FLIGHT_CHUNKS = 4  # tasks per worker queued ahead of the writer: busy workers, bounded memory
MAX_PENDING = 256  # parsed pages waiting for the write lock, at most (a few MB)
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


def find_pages(sources: Iterable[str]) -> tuple[list[str], list[Failure]]:
    """Expand files, folders and '-' into page paths; missing ones are failures.

    A folder gives its *.txt files, recursively and sorted, leaving out hidden files and folders:
    a program that writes `.name.txt` or `name.txt.part` and then renames it is never read half-way.
    """
    paths: list[str] = []
    failures: list[Failure] = []
    for source in sources:
        if source == STDIN:
            paths.append(STDIN)
            continue
        path = Path(source)
        if path.is_dir():
            found = (p for p in path.rglob("*.txt") if not _hidden(p.relative_to(path)) and p.is_file())
            paths += sorted(str(p) for p in found)
        elif path.exists() or path.is_symlink():
            paths.append(str(path))  # anything else (a FIFO, a dangling link) fails when read, by name
        else:
            failures.append(Failure(source, "no such file or directory"))
    return paths, failures


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _too_large() -> LoadError:
    return LoadError(f"larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB; not a title page (refused unread)")


def read_page_bytes(path: str) -> bytes:
    """The raw bytes of a page, refusing anything over MAX_PAGE_BYTES without reading it."""
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
    return data


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
    """Read, hash and parse one page. Pure of the database, so it can run in a worker process."""
    page, data = _read_hashed(path, known_hashes)
    return page if data is None else _parse_read(page, data)


def _read_hashed(path: str, known_hashes: set[str] | frozenset[str]) -> tuple[PreparedPage, bytes | None]:
    """Read and hash a page; the bytes still to parse, or None when the page is done (unchanged or failed)."""
    page = PreparedPage(path)
    try:
        data = read_page_bytes(path)
    except LoadError as e:
        page.error = str(e)
        return page, None
    page.sha256 = hashlib.sha256(data).hexdigest()
    if page.sha256 in known_hashes:
        page.unchanged = True
        return page, None
    return page, data


def _parse_read(page: PreparedPage, data: bytes) -> PreparedPage:
    try:
        page.text, page.encoding = decode_page(data)
        page.record = parse_text(page.text, page.encoding)
    except (LoadError, ParseError) as e:
        page.error = str(e)
    return page


def _parse_in_worker(items: list[tuple[PreparedPage, bytes]]) -> list[PreparedPage]:
    return [_parse_read(page, data) for page, data in items]


def prepared_pages(paths: list[str], known_hashes: set[str], workers: int) -> Iterator[PreparedPage]:
    """Prepared pages in the order of `paths`; parsed in worker processes when there are enough of them.

    This process reads and hashes every file itself and sends workers only the bytes of changed
    pages: a re-run of an unchanged folder then costs no pickling round trip per page. The hash
    is of the very bytes that are parsed and stored, so a file changing meanwhile cannot mismatch.
    At most IN_FLIGHT_CHUNKS chunks per worker are parsed ahead of the writer: Pool.imap parsed
    as fast as it could and queued every result here when writing was the slower part, which
    held ~1.3 GB for 100,000 pages (measured, issue 5); the window keeps memory flat.
    """
    if workers <= 1 or len(paths) < PARALLEL_FROM or STDIN in paths:
        yield from (prepare_page(p, known_hashes) for p in paths)
        return
    # fork: workers inherit the parser already imported. If this process is killed, the workers
    # read EOF from the task pipe and exit with it.
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers) as pool:
        window: deque[tuple[list[PreparedPage], AsyncResult[list[PreparedPage]] | None]] = deque()
        for start in range(0, len(paths), CHUNK_PAGES):
            read = [_read_hashed(p, known_hashes) for p in paths[start : start + CHUNK_PAGES]]
            to_parse = [(page, data) for page, data in read if data is not None]
            job = pool.apply_async(_parse_in_worker, (to_parse,)) if to_parse else None
            window.append(([page for page, _ in read], job))
            if len(window) >= workers * IN_FLIGHT_CHUNKS:
                yield from _in_order(*window.popleft())
        while window:
            yield from _in_order(*window.popleft())


def _in_order(pages: list[PreparedPage], job: AsyncResult[list[PreparedPage]] | None) -> Iterator[PreparedPage]:
    """A chunk's pages in order: those done when read as they are, the others as their worker parsed them."""
    parsed = iter(job.get() if job else ())
    for page in pages:
        yield page if page.unchanged or page.error is not None else next(parsed)


def _is_current(conn: sqlite3.Connection, sha256: str) -> bool:
    sql = "SELECT 1 FROM pages p JOIN titles t ON t.page_id = p.id WHERE p.sha256 = ?"
    return conn.execute(sql, (sha256,)).fetchone() is not None


def _begin(conn: sqlite3.Connection) -> None:
    """Take the write lock, waiting up to the busy timeout; a lock never freed is a one-line error."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as e:
        if "locked" in str(e) or "busy" in str(e):
            raise DatabaseError(
                f"the catalog stayed locked by another process for {db.BUSY_TIMEOUT_SECONDS:.0f} s; try again later"
            ) from e
        raise


def _write_page(
    conn: sqlite3.Connection, page: PreparedPage, report: LoadReport, fail: Callable[[Failure], None]
) -> None:
    """Save one prepared page inside a savepoint of the open batch transaction."""
    assert page.record is not None
    try:
        with db.savepoint(conn):
            # Checked again under the write lock: a concurrent run may have loaded this page meanwhile.
            if _is_current(conn, page.sha256):
                report.unchanged += 1
                return
            page_id = db.store_page(conn, page.path, page.sha256, page.text, page.encoding, PARSER_VERSION)
            _, replaced = db.save_title(conn, page.record, page_id)
    except sqlite3.DatabaseError as e:
        if isinstance(e, sqlite3.OperationalError) and ("locked" in str(e) or "disk" in str(e)):
            raise  # not the page's fault: the whole run stops
        fail(Failure(page.path, f"database refused the page: {e}"))
        return
    if replaced:
        report.replaced += 1
    else:
        report.loaded += 1


def _write_batch(
    conn: sqlite3.Connection, pending: deque[PreparedPage], report: LoadReport, fail: Callable[[Failure], None]
) -> None:
    """Write pending pages in one transaction, for at most BATCH_SECONDS; the rest wait for the next."""
    _begin(conn)
    started = time.monotonic()
    try:
        while pending and time.monotonic() - started < BATCH_SECONDS:
            _write_page(conn, pending.popleft(), report, fail)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _load_in_batches(
    conn: sqlite3.Connection,
    pages: Iterator[PreparedPage],
    report: LoadReport,
    fail: Callable[[Failure], None],
    on_page: Callable[[str], None] | None,
) -> None:
    pending: deque[PreparedPage] = deque()
    next_write = time.monotonic()
    for page in pages:
        if page.error is not None:
            fail(Failure(page.path, page.error))
        elif page.unchanged:
            report.unchanged += 1
        else:
            pending.append(page)
        if on_page:
            on_page(page.path)
        if pending and (time.monotonic() >= next_write or len(pending) >= MAX_PENDING):
            # When writing is the slow part, parsed pages would pile up here without end (600 MB
            # for 100,000 pages, measured): wait out the lock gap instead, then write.
            time.sleep(max(0.0, next_write - time.monotonic()))
            _write_batch(conn, pending, report, fail)
            next_write = time.monotonic() + LOCK_GAP_SECONDS
    while pending:  # the end of the run: more than one batch left only when writing is the slow part
        _write_batch(conn, pending, report, fail)
        if pending:
            time.sleep(LOCK_GAP_SECONDS)


def _load_all_or_nothing(
    conn: sqlite3.Connection,
    pages: Iterator[PreparedPage],
    report: LoadReport,
    fail: Callable[[Failure], None],
    on_page: Callable[[str], None] | None,
) -> None:
    """--strict: one transaction for the whole run, rolled back at the first bad page."""
    if report.failures:
        return
    _begin(conn)
    try:
        for page in pages:
            if page.error is not None:
                fail(Failure(page.path, page.error))
            elif page.unchanged:
                report.unchanged += 1
            else:
                _write_page(conn, page, report, fail)
            if on_page:
                on_page(page.path)
            if report.failures:
                break
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    if report.failures:
        conn.execute("ROLLBACK")
        report.loaded = report.replaced = 0
    else:
        conn.execute("COMMIT")


def load_paths(
    conn: sqlite3.Connection,
    sources: list[str],
    *,
    strict: bool = False,
    workers: int | None = None,
    on_page: Callable[[str], None] | None = None,
    on_failure: Callable[[Failure], None] | None = None,
) -> LoadReport:
    """Load every page under `sources`, one savepoint per page, batches committed as they go.

    With `strict`, the whole run is one transaction that is rolled back at the first bad page.
    The run is recorded in the imports table either way.
    """
    report = LoadReport()
    paths, missing = find_pages(sources)
    import_id = _start_import(conn, "load", sources)

    def fail(failure: Failure) -> None:
        report.failures.append(failure)
        if on_failure:
            on_failure(failure)

    for failure in missing:
        fail(failure)
    known = db.current_page_hashes(conn)
    workers = workers if workers is not None else (os.cpu_count() or 1)
    with closing(prepared_pages(paths, known, workers)) as pages:
        if strict:
            _load_all_or_nothing(conn, pages, report, fail, on_page)
        else:
            _load_in_batches(conn, pages, report, fail, on_page)
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
