"""The catalog database: opening it (read or write), its pragmas and schema, the one write transaction.

Readers open it read-only and never create it; writers open it with connect_write, which creates
or upgrades the schema (migrations.upgrade) first. Every write transaction goes through transaction(),
which turns a lock held too long into one line for the user.
"""

from __future__ import annotations

import os
import sqlite3
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from moviecli import migrations
from moviecli.errors import DatabaseError

SCHEMA_VERSION = migrations.CURRENT_VERSION  # changed only by adding a step to migrations.py
# Long enough for an overlapping cron run to finish a batch; a load commits every fraction of a second.
BUSY_TIMEOUT_SECONDS = 60.0
# Bound parameters per statement: far below SQLite's limit (32,766), and a cheap IN list.
IN_CHUNK = 500


def default_db_path() -> Path:
    """$MOVIECLI_DB, else $XDG_DATA_HOME/moviecli/moviecli.db (~/.local/share/moviecli/moviecli.db)."""
    if env := os.environ.get("MOVIECLI_DB"):
        return Path(env)
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "moviecli" / "moviecli.db"


def schema_sql() -> str:
    """schema.sql: inside the installed package (wheel), or at the top of a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "schema.sql", here.parent / "schema.sql"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise DatabaseError("schema.sql is missing from the installation")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# Letters Unicode does not decompose into a base letter and an accent, spelled as people type them
# in ASCII: "pawel" finds Paweł, "soren" Søren. One letter for one or two (never a space), so a
# folded text has the same words as the original, in the same places (full-text snippets rely on it).
LETTER_FOLDS = str.maketrans(
    {
        **{"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE"},
        **{"þ": "th", "Þ": "TH", "ð": "d", "Ð": "D", "đ": "d", "Đ": "D", "ı": "i", "ß": "ss", "ẞ": "SS"},
        **{"ħ": "h", "Ħ": "H", "ŀ": "l", "Ŀ": "L", "ŧ": "t", "Ŧ": "T", "ĸ": "k", "ŋ": "ng", "Ŋ": "NG"},
        **{"ƀ": "b", "ɨ": "i", "ʉ": "u", "ǥ": "g", "Ǥ": "G", "ƒ": "f"},
    }
)


def fold_letters(text: str) -> str:
    """TEXT with LETTER_FOLDS applied and nothing else: what the full-text index holds (it ignores case and accents itself)."""
    return text.translate(LETTER_FOLDS)


def name_key(name: str) -> str:
    """A name folded for matching: case, accents and letters like ł ø æ ß ignored ("zoe" finds "Zoë", "soren" Søren).

    The one folding of the project: people's keys, title look-ups and full-text queries all use it.
    """
    decomposed = unicodedata.normalize("NFKD", name.translate(LETTER_FOLDS))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def _configure(conn: sqlite3.Connection) -> None:
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")


def connect_write(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the catalog for writing: WAL, so readers never wait for a load."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    _configure(conn)
    try:
        # First: a catalog made by a newer moviecli is refused before the WAL switch changes its file.
        migrations.upgrade(conn, path)
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        # In WAL mode NORMAL keeps every commit atomic and the file consistent after a crash;
        # only the last commits before a power cut may be lost, and a re-run restores them.
        conn.execute("PRAGMA synchronous = NORMAL")
    except DatabaseError:
        conn.close()
        raise
    except sqlite3.OperationalError as e:
        conn.close()
        if "locked" in str(e):
            raise DatabaseError(f"{path}: stayed locked by another process for {BUSY_TIMEOUT_SECONDS:.0f} s") from e
        raise DatabaseError(f"{path}: cannot be opened as a moviecli database ({e})") from e
    except sqlite3.DatabaseError as e:
        conn.close()
        raise DatabaseError(f"{path}: not a moviecli database ({e})") from e
    return conn


def connect_read(path: Path) -> sqlite3.Connection:
    """Open an existing catalog read-only; never creates a file."""
    if not path.is_file():
        raise DatabaseError(f"no database at {path} (run 'moviecli load' first, or pass --db)")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    _configure(conn)
    try:
        migrations.check_readable(conn, path)
    except DatabaseError:
        conn.close()
        raise
    except sqlite3.DatabaseError as e:
        conn.close()
        raise DatabaseError(f"{path}: not a moviecli database ({e})") from e
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error: all or nothing.

    Taking the write lock waits up to the busy timeout; a lock never freed is a one-line error.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as e:
        if "locked" in str(e) or "busy" in str(e):
            raise DatabaseError(
                f"the catalog stayed locked by another process for {BUSY_TIMEOUT_SECONDS:.0f} s; try again later"
            ) from e
        raise
    try:
        yield conn
    except BaseException:
        # On some errors (a full disk) SQLite has rolled back already: a second ROLLBACK would
        # fail with "no transaction is active" and hide the cause.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextmanager
def snapshot(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One read transaction: several SELECTs see the same state, even while a load commits."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("COMMIT")


@contextmanager
def savepoint(conn: sqlite3.Connection, name: str = "page") -> Iterator[sqlite3.Connection]:
    """A nested all-or-nothing step inside a transaction (one page inside a batch)."""
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield conn
    except BaseException:
        conn.execute(f"ROLLBACK TO {name}")
        conn.execute(f"RELEASE {name}")
        raise
    conn.execute(f"RELEASE {name}")


def select_in(conn: sqlite3.Connection, sql: str, values: Sequence[object]) -> list[tuple[Any, ...]]:
    """Rows of `sql`, whose one `IN ({})` takes `values`, a few hundred at a time."""
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(values), IN_CHUNK):
        chunk = values[start : start + IN_CHUNK]
        rows += conn.execute(sql.format(", ".join("?" * len(chunk))), chunk).fetchall()
    return rows


def next_id(conn: sqlite3.Connection, table: str) -> int:
    """The first free id of a table with an INTEGER PRIMARY KEY: what SQLite itself would give the next row.

    Only valid inside a write transaction, where no one else can take it.
    """
    return int(conn.execute(f"SELECT ifnull(max(id), 0) + 1 FROM {table}").fetchone()[0])
