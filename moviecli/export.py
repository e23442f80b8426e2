"""`moviecli export`: every title's record (record.title_record, the contract of `show -f json`) as JSONL.

Memory stays constant however big the catalog: the ids are read from one cursor and each record
is built and written before the next is read, all inside one read snapshot, so a load committing
meanwhile never makes the export mix two states of the catalog.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from moviecli.db import snapshot
from moviecli.errors import MovieCliError
from moviecli.record import title_record


class ExportError(MovieCliError):
    """Raised here for an export that cannot be asked (a --since that is not a date); cli shows it."""


def since_bound(text: str) -> str:
    """The ISO text titles.updated_at is compared with: a date (2026-11-30) or a date and time, UTC."""
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is not None:  # updated_at is UTC
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return moment.isoformat(timespec="seconds")
    except ValueError:
        raise ExportError(f"--since: {text!r} is not a date (YYYY-MM-DD) or date and time") from None


def records(conn: sqlite3.Connection, since: str | None = None) -> Iterator[dict[str, Any]]:
    """Each title's record, by title (ignoring case), year and id; only those updated at or after `since`.

    updated_at is ISO 8601 UTC text ("2026-11-30T12:00:00+00:00"), so text order is time order and
    a bare date compares as the start of that day.
    """
    where, params = ("", ()) if since is None else (" WHERE updated_at >= ?", (since_bound(since),))
    with snapshot(conn):
        ids = conn.execute(f"SELECT id FROM titles{where} ORDER BY title COLLATE NOCASE, year, id", params)
        for (title_id,) in ids:
            yield title_record(conn, title_id)
