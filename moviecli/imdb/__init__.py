"""IMDb's non-commercial dataset files -> the catalog (`moviecli load-imdb DIR`).

The catalog's second writer besides load/: a load saves page titles (save.py), this package
applies whole files in bulk and set-based, so its SQL lives here: files.py reads the files,
stage.py stages them in worker processes, titles.py, credits.py and merge.py apply them (with
the helpers of sql.py); this module holds the transaction and the order of the steps. It keeps these invariants:

- One transaction. Files are first streamed into staging tables (not the catalog: one scratch
  SQLite file per dataset file, written by worker processes in parallel, in a temporary folder;
  their DDL is here because they are scratch space of one run), then attached and applied to the
  catalog between one BEGIN IMMEDIATE and one COMMIT: a failed or killed run leaves the catalog as
  it was. Nothing is written to the catalog before every file has been read to its end.
- Guarded. A file cut off mid-download (a plain .tsv whose last line lacks its newline), or one
  that yields fewer than half the rows the last successful run read from that dataset, stops the
  run before any write unless the caller allows it (--allow-shrink): a truncated file would
  otherwise delete most of the catalog.
- Checked. A row that lies (an id not tt/nm with 7 digits or 8 to 10, an id listed twice, a year,
  rating, vote count, runtime, season or position out of type or range) refuses its file the
  same way, naming file, line and field: skipping it would delete its title or person
  (checks.py). A directory or dangling symlink named like a dataset file is an error too.
- The same catalog. Dataset rows become rows of the tables the query commands read (titles,
  people, credits, genres, title_items 'akas', episodes), with imdb_id set.
- Pages win. A page title (page_id set) and the dataset title of the same title, year and kind
  become one row: it gains the imdb_id and keeps every page value, credit, genre and list. The
  dataset fills in only fields the page left empty (original title, end year, runtime, rating,
  votes), recorded in imdb_fills so that later runs keep those current and never touch the
  page's own. A page person becomes the dataset person of the same name credited on that same
  title (never on name alone).
- In place. Each file owns a part of the catalog; a run that reads a file brings that part in
  line with it: changed rows updated, new rows inserted, rows gone from the file deleted (except
  what a page holds). A file not read leaves its part as it was.
"""

from __future__ import annotations

import gc
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from moviecli import db, faults, interrupt, runs
from moviecli.errors import DatabaseError, ImdbError, MovieCliError
from moviecli.imdb.credits import apply_akas, apply_crew, apply_episodes, apply_principals
from moviecli.imdb.files import DATASETS, check_header, find_files, parse_only
from moviecli.imdb.merge import FILLABLE, fill_page_titles, merge_page_people
from moviecli.imdb.report import FileCounts, ImdbReport
from moviecli.imdb.sql import Indexes, configure, drop_staging
from moviecli.imdb.stage import stage_files
from moviecli.imdb.titles import (
    apply_basics,
    apply_names,
    apply_ratings,
    delete_vanished_people,
    map_people_from_catalog,
    map_titles_from_catalog,
)

__all__ = ["DATASETS", "FileCounts", "ImdbError", "ImdbReport", "find_files", "import_files", "parse_only"]

# The shrink guard: a file yielding fewer rows than this share of the last successful run's is
# refused (unless allowed); below MIN_GUARDED_ROWS previous rows it does not apply (tiny files).
SHRINK_SHARE = 0.5
MIN_GUARDED_ROWS = 1000


def import_files(
    conn: sqlite3.Connection,
    files: dict[str, Path],
    *,
    allow_shrink: bool = False,
    on_file: Callable[[FileCounts], None] | None = None,
) -> ImdbReport:
    """Import the dataset `files` (from find_files) into the catalog, in one transaction.

    Every header is checked, every file read into scratch files, and the shrink guard applied
    before anything is written; the run is recorded in imports and import_files (a run whose
    files fail to read or apply is recorded as failed, and the catalog is left as it was).
    """
    for name, path in files.items():
        check_header(name, path)
    started = time.monotonic()
    report = ImdbReport(files=[FileCounts(DATASETS[name][0], str(path)) for name, path in files.items()])
    counts = dict(zip(files, report.files, strict=True))
    with tempfile.TemporaryDirectory(prefix="moviecli-imdb-") as scratch:
        try:
            staged = stage_files(files, Path(scratch))
        except BaseException as e:
            _record_failure(conn, runs.start(conn, "load-imdb", [str(p) for p in files.values()]), e, None)
            raise
        for name, (read, seconds) in staged.items():
            counts[name].read = read
            counts[name].seconds = seconds
        if not allow_shrink:
            check_shrink(conn, report)
        import_id = runs.start(conn, "load-imdb", [str(p) for p in files.values()])
        # Millions of short-lived objects go through here: the cyclic collector would only slow them down.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        failed = False
        try:
            configure(conn)
            for name in files:
                conn.execute(f"ATTACH DATABASE ? AS w_{name}", (str(Path(scratch) / f"{name}.db"),))
                conn.execute(f"PRAGMA w_{name}.cache_size = -4096")
            # Foreign keys are checked by the joins that build every row; SQLite checking them again
            # per row costs a third of the apply. The pragma only takes effect outside a transaction.
            conn.execute("PRAGMA foreign_keys = OFF")
            # The same for CHECK constraints: every role, list and field written here is a constant.
            conn.execute("PRAGMA ignore_check_constraints = ON")
            with db.transaction(conn):
                _apply(conn, files, counts, report)
                report.seconds = time.monotonic() - started
                _finish(conn, import_id, report)
        except BaseException as e:
            failed = True
            fault = faults.disk_full(conn, e)
            _record_failure(conn, import_id, e, fault)
            if fault is not None and interrupt.received() is None:
                raise fault from e
            raise
        finally:
            if gc_was_enabled:
                gc.enable()
            try:
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute("PRAGMA ignore_check_constraints = OFF")
                drop_staging(conn)
                for (schema,) in conn.execute("SELECT name FROM pragma_database_list WHERE name GLOB 'w_*'").fetchall():
                    conn.execute(f"DETACH DATABASE {schema}")
            except sqlite3.Error:
                if not failed:
                    raise
                # Tidying up after a fault (a full disk) can fail too: the fault is what the user sees.
    if on_file:
        for counted in report.files:
            on_file(counted)
    return report


def check_shrink(conn: sqlite3.Connection, report: ImdbReport) -> None:
    """ImdbError when a file yields fewer than SHRINK_SHARE of the rows the last successful run read from it."""
    for counted in report.files:
        row = conn.execute(
            "SELECT f.read, i.finished_at FROM import_files f JOIN imports i ON i.id = f.import_id"
            " WHERE f.dataset = ? AND i.failed = 0 AND i.finished_at IS NOT NULL ORDER BY i.id DESC LIMIT 1",
            (counted.dataset,),
        ).fetchone()
        if row is None or row[0] < MIN_GUARDED_ROWS or counted.read >= SHRINK_SHARE * row[0]:
            continue
        raise ImdbError(
            f"{counted.path}: {counted.read:,} rows, against {row[0]:,} in the last import ({row[1][:10]}):"
            " is the file cut off? Nothing was changed; download it again, or pass --allow-shrink"
            " if the dataset really shrank"
        )


def _apply(conn: sqlite3.Connection, files: dict[str, Path], counts: dict[str, FileCounts], report: ImdbReport) -> None:
    """Bring the catalog in line with the staged files (inside the caller's transaction)."""
    now = db.now()
    indexes = Indexes(conn)

    def timed(name: str, step: Callable[[FileCounts], None]) -> None:
        t0 = time.monotonic()
        step(counts[name])
        counts[name].seconds += time.monotonic() - t0

    # s_names and s_titles map dataset ids to catalog ids: from the files, else from the catalog.
    if "names" in files:
        timed("names", lambda c: apply_names(conn, c, indexes))
    else:
        map_people_from_catalog(conn)
    if "ratings" in files:
        # Before basics: of two dataset titles a page title could merge with, the most voted wins.
        conn.execute("CREATE TEMP TABLE s_ratings (tnum INTEGER PRIMARY KEY, rating REAL, votes INTEGER)")
        conn.execute("INSERT INTO s_ratings SELECT tnum, rating, votes FROM r_ratings")
    if "basics" in files:
        timed("basics", lambda c: apply_basics(conn, c, report, indexes, now))
    else:
        map_titles_from_catalog(conn)
    # Narrow copies of the maps for the joins of the big files: twice as many rows per page read.
    conn.execute("CREATE TEMP TABLE s_tmap (tnum INTEGER PRIMARY KEY, id INTEGER, page INTEGER)")
    conn.execute("INSERT INTO s_tmap SELECT tnum, id, page FROM s_titles")
    conn.execute("CREATE TEMP TABLE s_pmap (nnum INTEGER PRIMARY KEY, id INTEGER)")
    conn.execute("INSERT INTO s_pmap SELECT nnum, id FROM s_names")
    if "ratings" in files:
        timed("ratings", lambda c: apply_ratings(conn, c))
    if "episode" in files:
        timed("episode", lambda c: apply_episodes(conn, c, indexes))
    if "crew" in files:
        timed("crew", lambda c: apply_crew(conn, c, indexes))
    if "principals" in files:
        timed("principals", lambda c: apply_principals(conn, c, indexes))
    if "akas" in files:
        timed("akas", lambda c: apply_akas(conn, c, indexes))
    # The rest finds rows by person and by page title: with the indexes dropped for the bulk
    # inserts above, each of its statements would read credits or titles whole once per row.
    indexes.rebuild()
    if "names" in files:
        # Only now that credits are current: a person who vanished but is still credited stays.
        t0 = time.monotonic()
        delete_vanished_people(conn, counts["names"])
        counts["names"].seconds += time.monotonic() - t0
    fillable = [f for name in files for f in FILLABLE.get(name, ())]
    if fillable:
        fill_page_titles(conn, fillable, now)
    if "crew" in files or "principals" in files:
        report.merged_people = merge_page_people(conn)


def _record_failure(conn: sqlite3.Connection, run_id: int, error: BaseException, fault: DatabaseError | None) -> None:
    """The run recorded as failed, with why: a signal, a full disk (`fault`: its room handed back first), an error."""
    reason = faults.stop_reason(fault)
    if fault is not None:  # the rolled-back run filled the disk with its WAL frames
        faults.roll_back(conn, give_back_room=True)
    if reason is None:
        reason = str(error) if isinstance(error, MovieCliError | sqlite3.Error) else type(error).__name__
    runs.fail(conn, run_id, reason)


def _finish(conn: sqlite3.Connection, run_id: int, report: ImdbReport) -> None:
    """Inside the import's transaction: the record commits with the data, or not at all."""
    files = [
        (f.dataset, f.path, f.read, f.inserted, f.updated, f.deleted, f.skipped, round(f.seconds, 3))
        for f in report.files
    ]
    runs.finish(
        conn, run_id, loaded=report.total("inserted"), replaced=report.total("updated"), unchanged=0, files=files
    )
