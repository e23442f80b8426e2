"""Files -> parse -> database: `moviecli load`.

Invariants a cron job relies on:
- A page loads completely or not at all, and a crash (even `kill -9`) leaves only whole titles;
  batches are committed as they go, so a re-run finishes the job (writer.py).
- The write lock is held only while a batch is written (at most about BATCH_SECONDS), never while
  files are read or parsed, and is left free for LOCK_GAP_SECONDS between batches, so an
  overlapping run gets its turn instead of starving until the busy timeout.
- A bad file is reported with its path and one line of reason, and never stops the others.
Unchanged files are skipped without being read when it is certain they are unchanged: the rule
is in unchanged.py. The steps: files.py finds and reads files, prepare.py hashes and parses them
(in worker processes), writer.py writes them in batches; the run is recorded by runs.py.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing

from moviecli import faults, runs
from moviecli.load.duplicates import one_per_title
from moviecli.load.files import find_pages
from moviecli.load.prepare import prepared_pages
from moviecli.load.report import Duplicate, Failure, LoadReport, shown
from moviecli.load.writer import PageWriter, load_all_or_nothing, load_in_batches
from moviecli.parse import PARSER_VERSION

__all__ = ["Duplicate", "Failure", "LoadReport", "find_pages", "load_paths"]
GC_THRESHOLD = 20_000  # allocations between young collections while loading (Python's default: 700)
MMAP_THRESHOLD = 1024 * 1024  # glibc: allocations this large get their own mapping, returned when freed
_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number (malloc.h)


def _return_large_blocks() -> None:
    """Have glibc give large freed blocks back to the system (this process and the workers it forks).

    glibc raises its mmap threshold to the size of any large block freed (up to 32 MB), so after
    the first page of 9.5 MB every page's text and bytes came from the heap and stayed there: the
    80-page folder peaked at ~330 MB across the processes, ~200 MB with the threshold pinned
    (measured, issue 10). Elsewhere (musl, macOS) this does nothing.
    """
    import ctypes

    with contextlib.suppress(AttributeError, OSError):  # not glibc
        ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def load_paths(
    conn: sqlite3.Connection,
    sources: list[str],
    *,
    strict: bool = False,
    workers: int | None = None,
    on_start: Callable[[int], None] | None = None,
    on_page: Callable[[str], None] | None = None,
    on_failure: Callable[[Failure], None] | None = None,
    on_duplicate: Callable[[Duplicate], None] | None = None,
) -> LoadReport:
    """Load every page under `sources`, in bulk batches committed as they go, each page all or nothing.

    With `strict`, the whole run is one transaction that is rolled back at the first bad page.
    The run is recorded in the imports table either way. `on_start` gets the number of pages found,
    `on_page` each path as it is done, `on_failure` each failure, `on_duplicate` each file left
    out because another file holds the same title (duplicates.py: one file per title).
    """
    run_started_ns = time.time_ns()  # before any file is looked at: the racy-clean rule counts from here
    report = LoadReport()
    paths, missing = find_pages(sources)
    if on_start:
        on_start(len(paths))
    run_id = runs.start(conn, "load", [shown(source) for source in sources])

    def fail(failure: Failure) -> None:
        report.failures.append(failure)
        if on_failure:
            on_failure(failure)

    for failure in missing:
        fail(failure)

    def duplicate(found: Duplicate) -> None:
        report.duplicates.append(found)
        if on_duplicate:
            on_duplicate(found)

    workers = workers if workers is not None else (os.cpu_count() or 1)
    writer = PageWriter(conn, PARSER_VERSION)
    # Parsing allocates hundreds of small objects per page, none of them in cycles that matter:
    # the default threshold (700) ran the cyclic collector every few pages (~10% of the CPU of a
    # load, measured). Workers forked from here inherit the setting.
    _return_large_blocks()
    threshold = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *threshold[1:])

    def record_stop(reason: str) -> None:
        if strict:  # its one transaction was rolled back
            report.loaded = report.replaced = 0
        report.record(conn, run_id, stopped=reason)

    try:
        with (
            faults.recorded_stop(conn, record_stop),
            closing(prepared_pages(conn, paths, workers, run_started_ns)) as prepared,
        ):
            pages = one_per_title(conn, prepared, paths, duplicate, on_page)
            if strict:
                load_all_or_nothing(writer, pages, report, fail, on_page)
            else:
                load_in_batches(writer, pages, report, fail, on_page)
    finally:
        gc.set_threshold(*threshold)
    report.record(conn, run_id)
    return report
