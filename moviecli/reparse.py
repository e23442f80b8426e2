"""`moviecli reparse`: every stored page parsed again with today's parser, its title rewritten if it changed."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import ExitStack

from moviecli import db, faults, interrupt, runs, save
from moviecli.errors import ParseError
from moviecli.load.prepare import parse_text
from moviecli.load.report import Failure, LoadReport
from moviecli.parse import PARSER_VERSION


def reparse_all(conn: sqlite3.Connection, on_failure: Callable[[Failure], None] | None = None) -> LoadReport:
    """Re-parse every stored page that is a title's current source with today's parser.

    The files may be long gone: the text comes from the database. Titles whose record changes are
    rewritten and listed in `changed_titles`; the others count as unchanged. One transaction per
    title, so a concurrent load or a crash never sees or leaves half a title.
    """
    report = LoadReport()
    run_id = runs.start(conn, "reparse", [])
    with faults.recorded_stop(conn, lambda reason: report.record(conn, run_id, stopped=reason)):
        _reparse(conn, report, on_failure)
    report.record(conn, run_id)
    return report


def _reparse(conn: sqlite3.Connection, report: LoadReport, on_failure: Callable[[Failure], None] | None) -> None:
    from moviecli.record import title_record

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
        with ExitStack() as counted_with_commit:
            with db.transaction(conn):
                before = _comparable(title_record(conn, title_id))
                conn.execute("UPDATE pages SET parser_version = ? WHERE id = ?", (PARSER_VERSION, page_id))
                new_id, _ = save.save_title(conn, record, page_id)
                if new_id != title_id:  # the parser now reads another identity: the old title goes
                    conn.execute("DELETE FROM titles WHERE id = ?", (title_id,))
                after = _comparable(title_record(conn, new_id))
                counted_with_commit.enter_context(interrupt.held())  # a signal waits for the count
            if before != after:
                report.replaced += 1
                report.changed_titles.append(f"{record.title} ({record.year})" if record.year else record.title)
            else:
                report.unchanged += 1


def _comparable(record: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in record.items() if k not in ("source",)}
