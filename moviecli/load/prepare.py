"""Pages read, hashed and parsed, in the order of their paths: in worker processes when there are many.

Reading and hashing happen in this process, parsing in worker processes; only the loading
process writes. Files the unchanged rule (unchanged.py) vouches for are not read at all.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import signal
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Generator, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from moviecli import interrupt
from moviecli.errors import LoadError, ParseError
from moviecli.load.files import STDIN, decode_page, read_page
from moviecli.load.unchanged import FileState, current_hashes, known_files, unchanged_unread
from moviecli.models import Title
from moviecli.parse import parse_page
from moviecli.save import Identity, TitleRows, title_rows

PARALLEL_FROM = 64  # below this many pages, worker processes cost more than they save
CHUNK_PAGES = 16  # pages a worker prepares per task
IN_FLIGHT_CHUNKS = 32  # tasks per worker queued ahead of the writer: workers busy through a batch (writer.MAX_PENDING)
SCAN_PAGES = 256  # files stat-checked or read and hashed per look-up of known files and hashes
# Memory is bounded by bytes, not pages: a title page is ~20 KB, but any file up to 10 MB is read,
# and 80 files of 9.5 MB, counted in pages, held 3.5 GB across the processes (measured, issue 10).
# Each budget lets at least one page through, however large.
SCAN_BYTES = 8 * 1024 * 1024  # bytes read ahead of parsing, in this process
CHUNK_BYTES = 4 * 1024 * 1024  # bytes of pages per worker task
IN_FLIGHT_BYTES = 16 * 1024 * 1024  # bytes of pages sent to workers and not yet taken by the writer
# A title page parses in milliseconds, a 10 MB one in a few seconds: a page still parsing after
# this long has hit a slow path of the parser, and must not hold up the pages after it.
PARSE_SECONDS = 10.0
# A page this large is parsed here, not in a worker: sent there and back (its text, its rows) it
# would be held by three processes at once; 80 pages of 9.5 MB peaked at 398 MB summed over the
# processes with every page in the workers (measured, issue 10). Title pages are ~20 KB.
LOCAL_PARSE_BYTES = 1024 * 1024
# The workers run this much nicer than the loading process, which writes every page itself: on two
# cores the three processes shared them evenly and the writer, the slower side, waited its turn.
# Nicer workers get the CPU the writer leaves: 20,000 pages 35.5 -> 29.6 s (2 runs each, issue 15).
WORKER_NICENESS = 10


@dataclass
class PreparedPage:
    """A page read, hashed and parsed, ready to be written (or the reason it cannot be)."""

    path: str
    sha256: str = ""
    text: str = ""
    encoding: str = "utf-8"
    record: Title | None = None  # in this process only: workers send rows, not records
    identity: Identity | None = None  # the title's, once parsed
    rows: TitleRows | None = None  # the record's rows, what the writer writes (parsed in this process) ...
    packed: bytes | None = None  # ... or pickled by a worker until written: a fifth of their memory
    error: str | None = None
    unchanged: bool = False
    file: FileState | None = None  # the file as read, to record in page_files (not for stdin)
    supersedes: bool = False  # its title was written earlier in this run from a file that lost to it

    def title_rows(self) -> TitleRows:
        """The rows to write, unpickled only now when a worker parsed the page."""
        if self.rows is not None:
            return self.rows
        assert self.packed is not None, "a page not parsed has no rows"
        return TitleRows._make(pickle.loads(self.packed))


class _TookTooLong(BaseException):
    """Raised by SIGALRM inside the parser: not an Exception, so no block's safety net can swallow it."""


def _ring(_signum: int, _frame: object) -> None:
    raise _TookTooLong


# A parsing worker's clock: SIGALRM every WORKER_TICK_SECONDS for the worker's life, and a page past
# its deadline is stopped at the next tick. Arming a timer and setting its handler for every page
# instead cost ~16 us a page there, 3% of parsing (613 -> 597 us, measured, issue 15).
WORKER_TICK_SECONDS = 1.0
_page_deadline: float | None = None  # in a worker: when the page being parsed runs out of time


def _tick(_signum: int, _frame: object) -> None:
    if _page_deadline is not None and time.monotonic() > _page_deadline:
        raise _TookTooLong


def _too_long(seconds: float) -> ParseError:
    return ParseError(f"took too long to parse (over {seconds:g} s); not an ordinary title page")


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """ParseError if the body runs longer than `seconds` (SIGALRM; the regex engine checks signals too).

    In a parsing worker, by its clock (_tick, up to WORKER_TICK_SECONDS late). Elsewhere only in a
    main thread (where signals are delivered), and only when no one else has armed the timer: a
    SIGALRM someone else owns is left alone.
    """
    global _page_deadline
    if seconds > 0 and signal.getsignal(signal.SIGALRM) is _tick:
        _page_deadline = time.monotonic() + seconds
        try:
            yield
        except _TookTooLong:
            raise _too_long(seconds) from None
        finally:
            _page_deadline = None
        return
    if (
        seconds <= 0
        or threading.current_thread() is not threading.main_thread()
        or signal.getitimer(signal.ITIMER_REAL)[0]
    ):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _ring)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _TookTooLong:
        raise _too_long(seconds) from None
    finally:
        signal.signal(signal.SIGALRM, previous)


def parse_text(text: str, encoding: str) -> Title:
    """Parse a page's text; a page that was not UTF-8 carries a warning that its encoding was guessed.

    Used for new files and for stored pages alike, so a re-parse gives the same record as the load.
    A page that takes over PARSE_SECONDS fails alone (ParseError), in a worker or in this process.
    """
    with _deadline(PARSE_SECONDS):
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
        data, info = read_page(path)
    except LoadError as e:
        page.error = str(e)
        return page, None
    page.sha256 = hashlib.sha256(data).hexdigest()
    if info is not None and info.st_size == len(data):  # else it changed while read: not recorded
        page.file = FileState(
            os.path.abspath(path),
            info.st_size,
            info.st_mtime_ns,
            info.st_ctime_ns,
            info.st_ino,
            page.sha256,
            run_started_ns,
        )
    return page, data


def scanned(
    conn: sqlite3.Connection, paths: list[str], run_started_ns: int
) -> Iterator[tuple[PreparedPage, bytes | None]]:
    """Pages in order, each with its bytes still to parse, or None when done (unchanged, or unreadable).

    A file recorded in page_files is taken as unchanged without reading it when its metadata
    says it is certainly the same; the others are read and hashed, and those whose hash is a
    title's current page are unchanged. The database is asked SCAN_PAGES files at a time, or
    fewer when they add up to SCAN_BYTES: the bytes of a block are held until it is yielded.
    """
    start = 0
    while start < len(paths):
        block = paths[start : start + SCAN_PAGES]
        absolute = {path: os.path.abspath(path) for path in block if path != STDIN}
        known = known_files(conn, list(absolute.values()))
        scanned: deque[tuple[PreparedPage, bytes | None]] = deque()
        read = 0
        for path in block:
            state = known.get(absolute.get(path, ""))
            if state is not None and unchanged_unread(path, state):
                scanned.append((PreparedPage(path, sha256=state.sha256, unchanged=True), None))
            else:
                scanned.append(_read_hashed(path, run_started_ns))
                read += len(scanned[-1][1] or b"")
                if read >= SCAN_BYTES:
                    break
        start += len(scanned)
        current = current_hashes(conn, [page.sha256 for page, data in scanned if data is not None])
        while scanned:  # popped as yielded, so the bytes go with the page
            page, data = scanned.popleft()
            if data is not None and page.sha256 in current:
                page.unchanged, data = True, None
            yield page, data


def _chunks(
    pages: Iterator[tuple[PreparedPage, bytes | None]],
) -> Iterator[list[tuple[PreparedPage, bytes | None]]]:
    """The scanned pages in tasks of CHUNK_PAGES pages, or fewer when their bytes reach CHUNK_BYTES."""
    chunk: list[tuple[PreparedPage, bytes | None]] = []
    size = 0
    for page, data in pages:
        chunk.append((page, data))
        size += len(data or b"")
        if len(chunk) >= CHUNK_PAGES or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _parse_read(page: PreparedPage, data: bytes) -> PreparedPage:
    try:
        page.text, page.encoding = decode_page(data)
        page.record = parse_text(page.text, page.encoding)
    except (LoadError, ParseError) as e:
        page.error = str(e)
    else:
        page.rows = title_rows(page.record)
        page.identity = page.rows.identity
    return page


# What a worker sends back of a page: its text, encoding, identity, rows (a plain tuple, pickled) and
# error; the identity and rows are None when it failed.
_Parsed = tuple[str, str, Identity | None, bytes | None, str | None]


def _parse_in_worker(chunk: list[bytes]) -> list[_Parsed]:
    """Pages' bytes parsed, each sent back as plain tuples: a record is ~10x dearer to unpickle than its
    rows, and rows inside PreparedPage objects ~2x dearer than bare (39 -> 22 us a page, issue 15).
    The rows stay pickled until written (PreparedPage.title_rows): unpickled, a page's rows take ~12 KB,
    pickled ~2.5 KB, so many more parsed pages can wait for the writer in the same memory.
    The loading process keeps each page's path, hash and file state; only what parsing made comes back."""
    parsed: list[_Parsed] = []
    for data in chunk:
        page = _parse_read(PreparedPage(""), data)
        packed = None if page.rows is None else pickle.dumps(tuple(page.rows), pickle.HIGHEST_PROTOCOL)
        parsed.append((page.text, page.encoding, page.identity, packed, page.error))
    return parsed


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
    (measured, issue 5); the window keeps memory flat. It is bounded by bytes too (IN_FLIGHT_BYTES),
    so that large pages cannot fill it with gigabytes.
    """
    pages = scanned(conn, paths, run_started_ns)
    if workers <= 1 or len(paths) < PARALLEL_FROM or STDIN in paths:
        yield from (page if data is None else _parse_read(page, data) for page, data in pages)
        return
    with ExitStack() as stack:
        pool = None
        window: deque[tuple[list[PreparedPage], Future[list[_Parsed]] | None, int, dict[int, bytes]]] = deque()
        in_flight = 0
        for chunk in _chunks(pages):
            to_parse = [(page, data) for page, data in chunk if data is not None]
            size = sum(len(data) for _, data in to_parse)
            local = {id(page): data for page, data in to_parse if len(data) > LOCAL_PARSE_BYTES}
            to_parse = [(page, data) for page, data in to_parse if id(page) not in local]
            while window and (len(window) >= workers * IN_FLIGHT_CHUNKS or in_flight + size > IN_FLIGHT_BYTES):
                done, job, done_size, done_local = window.popleft()
                in_flight -= done_size
                yield from _in_order(done, job, done_local)
            job = None
            if to_parse:
                if pool is None:
                    pool = _start_workers(workers)
                    # A run stopped early (Ctrl-C, a full disk) waits only for the tasks already running.
                    stack.callback(pool.shutdown, wait=True, cancel_futures=True)
                job = pool.submit(_parse_in_worker, [data for _, data in to_parse])
            window.append(([page for page, _ in chunk], job, size, local))
            in_flight += size
            del chunk, to_parse, local  # the worker has the bytes now (once the pool's feeder thread sent them)
        while window:
            done, job, _, done_local = window.popleft()
            yield from _in_order(done, job, done_local)


def _start_workers(workers: int) -> ProcessPoolExecutor:
    """The parsing processes. fork: they inherit the parser already imported; if this process is
    killed, they die with it (interrupt.in_worker).

    An executor, not multiprocessing.Pool: Pool's terminate() could wait for ever on its result
    pipe when stopped with large results in flight (seen at Ctrl-C during a load), and never
    notices a worker that died; the executor reports that (BrokenProcessPool) and stops cleanly.
    """
    with interrupt.forking():
        pool = ProcessPoolExecutor(workers, multiprocessing.get_context("fork"), initializer=_worker_start)
        pool.submit(int).result()  # starts the workers (all at once, under fork) while signals wait
    return pool


def _worker_start() -> None:
    """A parsing process's start: signals as a worker's (interrupt.in_worker), the deadlines' clock
    (_tick), and WORKER_NICENESS lower."""
    interrupt.in_worker()
    signal.signal(signal.SIGALRM, _tick)
    signal.setitimer(signal.ITIMER_REAL, WORKER_TICK_SECONDS, WORKER_TICK_SECONDS)
    os.nice(WORKER_NICENESS)


def _in_order(
    pages: list[PreparedPage], job: Future[list[_Parsed]] | None, local: dict[int, bytes]
) -> Iterator[PreparedPage]:
    """A chunk's pages in order: those done when read as they are, the large ones (`local`, by id)
    parsed here now, the others with what their worker made of them."""
    try:
        parsed = iter(job.result() if job else ())
    except BrokenProcessPool as e:  # killed from outside (the OOM killer), or died
        raise LoadError(f"a worker process parsing pages died ({e}); the run stopped") from None
    for page in pages:
        if page.unchanged or page.error is not None:
            yield page
        elif id(page) in local:
            yield _parse_read(page, local.pop(id(page)))
        else:
            page.text, page.encoding, page.identity, page.packed, page.error = next(parsed)
            yield page
