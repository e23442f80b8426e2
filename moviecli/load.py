"""Files -> parse -> database: `moviecli load` and `moviecli reparse`.

Each page is saved inside its own SAVEPOINT, so a page loads completely or not at all; pages are
committed in short batches (a fraction of a second each), so a crash loses at most the last batch,
a re-run finishes the job, and a concurrent run or query never waits long for the write lock.
Reading, hashing and parsing happen in worker processes when there are many pages; only this
process writes.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from moviecli import db
from moviecli.errors import LoadError, ParseError
from moviecli.models import Title
from moviecli.parse import PARSER_VERSION, parse_page

MAX_PAGE_BYTES = 10 * 1024 * 1024  # a title page is ~20 KB; anything this large is not one
STDIN = "-"
BATCH_SECONDS = 0.25  # how long a load holds the write lock before letting others in
PARALLEL_FROM = 64  # below this many pages, worker processes cost more than they save


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
    """Expand files, folders (recursive *.txt, sorted) and '-' into page paths; missing ones are failures."""
    paths: list[str] = []
    failures: list[Failure] = []
    for source in sources:
        if source == STDIN:
            paths.append(STDIN)
            continue
        path = Path(source)
        if path.is_dir():
            paths += sorted(str(p) for p in path.rglob("*.txt") if p.is_file())
        elif path.exists():
            paths.append(str(path))
        else:
            failures.append(Failure(source, "no such file or directory"))
    return paths, failures


def read_page_bytes(path: str) -> bytes:
    """The raw bytes of a page, refusing anything over MAX_PAGE_BYTES without reading it all."""
    if path == STDIN:
        data = sys.stdin.buffer.read(MAX_PAGE_BYTES + 1)
    else:
        try:
            with open(path, "rb") as f:
                if os.fstat(f.fileno()).st_size > MAX_PAGE_BYTES:
                    raise LoadError(f"larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB; not a title page")
                data = f.read(MAX_PAGE_BYTES + 1)
        except PermissionError as e:
            raise LoadError("permission denied") from e
        except IsADirectoryError as e:
            raise LoadError("is a directory") from e
        except OSError as e:
            raise LoadError(e.strerror or str(e)) from e
    if len(data) > MAX_PAGE_BYTES:
        raise LoadError(f"larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB; not a title page")
    return data


def decode_page(data: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding). UTF-8 (with or without BOM); else CP1252/Latin-1, which the caller warns of."""
    if not data.strip():
        raise LoadError("empty file")
    if b"\x00" in data[:8192]:
        raise LoadError("binary file, not a text page")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def prepare_page(path: str, known_hashes: set[str] | frozenset[str] = frozenset()) -> PreparedPage:
    """Read, hash and parse one page. Pure of the database, so it can run in a worker process."""
    page = PreparedPage(path)
    try:
        data = read_page_bytes(path)
        page.sha256 = hashlib.sha256(data).hexdigest()
        if page.sha256 in known_hashes:
            page.unchanged = True
            return page
        page.text, page.encoding = decode_page(data)
        page.record = parse_page(page.text)
    except (LoadError, ParseError) as e:
        page.error = str(e)
        return page
    if page.encoding != "utf-8":
        page.record.warnings.append(f"file is not UTF-8; decoded as {page.encoding}")
    return page


_worker_hashes: set[str] = set()


def _init_worker(known_hashes: set[str]) -> None:
    global _worker_hashes
    _worker_hashes = known_hashes


def _prepare_in_worker(path: str) -> PreparedPage:
    return prepare_page(path, _worker_hashes)


def prepared_pages(paths: list[str], known_hashes: set[str], workers: int) -> Iterator[PreparedPage]:
    """Prepared pages in the order of `paths`; in worker processes when there are enough of them."""
    if workers <= 1 or len(paths) < PARALLEL_FROM or STDIN in paths:
        yield from (prepare_page(p, known_hashes) for p in paths)
        return
    # fork: workers inherit the parser already imported and the known hashes without pickling them.
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(known_hashes,)) as pool:
        yield from pool.imap(_prepare_in_worker, paths, chunksize=16)


def _is_current(conn: sqlite3.Connection, sha256: str) -> bool:
    sql = "SELECT 1 FROM pages p JOIN titles t ON t.page_id = p.id WHERE p.sha256 = ?"
    return conn.execute(sql, (sha256,)).fetchone() is not None


def _write_page(conn: sqlite3.Connection, page: PreparedPage, report: LoadReport) -> None:
    """Save one prepared page inside a savepoint of the open batch transaction."""
    assert page.record is not None
    with db.savepoint(conn):
        # Checked again under the write lock: a concurrent run may have loaded this page meanwhile.
        if _is_current(conn, page.sha256):
            report.unchanged += 1
            return
        page_id = db.store_page(conn, page.path, page.sha256, page.text, page.encoding, PARSER_VERSION)
        _, replaced = db.save_title(conn, page.record, page_id)
    if replaced:
        report.replaced += 1
    else:
        report.loaded += 1


def load_paths(
    conn: sqlite3.Connection,
    sources: list[str],
    *,
    strict: bool = False,
    workers: int | None = None,
    on_page: Callable[[str], None] | None = None,
    on_failure: Callable[[Failure], None] | None = None,
) -> LoadReport:
    """Load every page under `sources`; one savepoint per page, batches committed as they go.

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
    if strict and report.failures:
        paths = []
    known = db.current_page_hashes(conn)
    workers = workers if workers is not None else (os.cpu_count() or 1)
    conn.execute("BEGIN IMMEDIATE")
    batch_started = time.monotonic()
    try:
        for page in prepared_pages(paths, known, workers):
            if page.error is not None:
                fail(Failure(page.path, page.error))
            elif page.unchanged:
                report.unchanged += 1
            else:
                try:
                    _write_page(conn, page, report)
                except sqlite3.DatabaseError as e:
                    if isinstance(e, sqlite3.OperationalError) and "locked" in str(e):
                        raise
                    fail(Failure(page.path, f"database refused the page: {e}"))
            if on_page:
                on_page(page.path)
            if strict and report.failures:
                break
            if not strict and time.monotonic() - batch_started > BATCH_SECONDS:
                conn.execute("COMMIT")
                conn.execute("BEGIN IMMEDIATE")
                batch_started = time.monotonic()
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    if strict and report.failures:
        conn.execute("ROLLBACK")
        report.loaded = report.replaced = 0
    else:
        conn.execute("COMMIT")
    _finish_import(conn, import_id, report)
    return report


def reparse_all(conn: sqlite3.Connection, on_failure: Callable[[Failure], None] | None = None) -> LoadReport:
    """Re-parse every stored page that is a title's current source with today's parser.

    The files may be long gone: the text comes from the database. Titles whose record changes are
    rewritten and listed in `changed_titles`; the others count as unchanged.
    """
    from moviecli.record import title_record

    report = LoadReport()
    import_id = _start_import(conn, "reparse", [])
    rows = conn.execute(
        "SELECT p.id, p.path, p.text, t.id FROM pages p JOIN titles t ON t.page_id = p.id ORDER BY p.path"
    ).fetchall()
    for page_id, path, text, title_id in rows:
        try:
            record = parse_page(text)
        except ParseError as e:
            failure = Failure(path, str(e))
            report.failures.append(failure)
            if on_failure:
                on_failure(failure)
            continue
        with db.transaction(conn):
            before = _comparable(title_record(conn, title_id))
            conn.execute("UPDATE pages SET parser_version = ? WHERE id = ?", (PARSER_VERSION, page_id))
            new_id, _ = db.save_title(conn, record, page_id)
            if new_id != title_id:  # the parser now reads another identity: the old title goes
                conn.execute("DELETE FROM titles WHERE id = ?", (title_id,))
            after = _comparable(title_record(conn, new_id))
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
    with db.transaction(conn):
        cur = conn.execute(
            "INSERT INTO imports (command, started_at, sources) VALUES (?, ?, ?)",
            (command, db.now(), json.dumps(sources, ensure_ascii=False)),
        )
    return int(cur.lastrowid or 0)


def _finish_import(conn: sqlite3.Connection, import_id: int, report: LoadReport) -> None:
    failures = [{"path": f.path, "reason": f.reason} for f in report.failures]
    with db.transaction(conn):
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
