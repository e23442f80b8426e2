"""The catalog database: opening it (read or write), its pragmas and schema, the one write transaction.

Readers open it read-only and never create it; writers open it with connect_write, which creates
or upgrades the schema (migrations.upgrade) first. Every write transaction goes through transaction(),
which turns a lock held too long into one line for the user.
"""

from __future__ import annotations

import os
import sqlite3
import time
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from moviecli import interrupt, migrations
from moviecli.errors import DatabaseError

SCHEMA_VERSION = migrations.CURRENT_VERSION  # changed only by adding a step to migrations.py
# Long enough for an overlapping cron run to finish a batch; a load commits every fraction of a second.
BUSY_TIMEOUT_SECONDS = 60.0
# Bound parameters per statement: far below SQLite's limit (32,766), and a cheap IN list.
IN_CHUNK = 500
# How long a reader waits out a writer's switch of journal mode before it says it cannot read (see connect_read).
WAL_WAIT_SECONDS = 1.0


def default_db_path() -> Path:
    """$MOVIECLI_DB, else $XDG_DATA_HOME/moviecli/moviecli.db (~/.local/share/moviecli/moviecli.db)."""
    if env := os.environ.get("MOVIECLI_DB"):
        return Path(env)
    return _own_default()


def _own_default() -> Path:
    """The one place moviecli chooses itself, and so the only one whose folders it creates."""
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
    # ASCII has nothing to fold, and isascii() is a flag lookup: translate() cost ~3 us a text (issue 15).
    return text if text.isascii() else text.translate(LETTER_FOLDS)


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
    # `titles --search` compares folded titles (queries.titles); a Python function, cheap to declare.
    conn.create_function("moviecli_name_key", 1, name_key, deterministic=True)
    # Lets Ctrl-C and SIGTERM stop a long statement, and `sql --timeout` end one (interrupt.py).
    conn.set_progress_handler(interrupt.progress, interrupt.PROGRESS_STEPS)


class _WriteConnection(sqlite3.Connection):
    """A writing command's connection: closing it leaves the catalog readable by users who cannot write.

    A load runs in WAL mode, so readers never wait for it. But a catalog left in WAL mode needs
    its -shm side file to be read, and SQLite deletes the side files when the last connection
    closes: a user who may read the catalog but not write its folder then cannot read it at all.
    So the last writer out switches the catalog back to rollback-journal mode, which anyone who
    may read the file can read. The switch needs every other connection gone; if one is still
    open, the catalog stays in WAL mode and its side files stay with it, which readers can use.
    A connection refused while opening (a newer catalog, another program's file) changes nothing.
    """

    opened = False

    def close(self) -> None:
        if not self.opened:
            super().close()
            return
        try:
            # A query (~0.1 s) may be reading at this moment: wait for it, a little. A connection
            # still open after that means the side files stay, and readers use them.
            self.execute("PRAGMA busy_timeout = 500")
            self.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.Error:
            pass
        super().close()


def connect_write(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the catalog for writing: WAL, so readers never wait for a load.

    Refuses, before anything is written, a path that cannot hold a catalog and a file that is not
    one (another program's SQLite database stays byte-identical). Folders are created only for
    moviecli's own default location: a mistyped --db is an error, not a new tree of folders.
    """
    _check_writable(path)
    _refuse_foreign(path)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, factory=_WriteConnection)
    except sqlite3.Error as e:
        raise DatabaseError(f"{path}: cannot be opened for writing ({e})") from e
    _opened(path)
    try:
        _configure(conn)
        # First: a catalog made by a newer moviecli is refused before the WAL switch changes its file.
        migrations.upgrade(conn, path)
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
            # SQLite creates the side files at the first read: now, not when the run first writes
            # (after walking its folders), so readers who cannot create them find them there.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        # In WAL mode NORMAL keeps every commit atomic and the file consistent after a crash;
        # only the last commits before a power cut may be lost, and a re-run restores them.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.opened = True
    except DatabaseError:
        conn.close()
        raise
    except sqlite3.OperationalError as e:
        conn.close()
        if "locked" in str(e):
            raise locked() from e
        raise DatabaseError(f"{path}: cannot be opened as a moviecli database ({e})") from e
    except sqlite3.DatabaseError as e:
        conn.close()
        raise _unreadable(path, e) from e
    return conn


def connect_read(path: Path) -> sqlite3.Connection:
    """Open an existing catalog read-only; never creates a file.

    A reader who may not write the catalog's folder cannot read it in WAL mode without its -shm
    side file. A writer starting or ending passes through that state for a moment (the header
    says WAL before the side files exist, and after they are deleted): it is waited out, for up
    to WAL_WAIT_SECONDS, before it is reported.
    """
    if path.is_dir():
        raise DatabaseError(f"{path}: is a folder, not a catalog file")
    if not path.is_file():
        raise DatabaseError(f"no database at {path} (run 'moviecli load' first, or pass --db)")
    _opened(path)
    waited = 0.0
    while True:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            _configure(conn)
            if _another_programs(conn):
                raise DatabaseError(f"{path}: not a moviecli database")
            migrations.check_readable(conn, path)
            return conn
        except DatabaseError:
            conn.close()
            raise
        except sqlite3.DatabaseError as e:
            conn.close()
            if waited >= WAL_WAIT_SECONDS or not _wal_without_side_files(path):
                raise _unreadable(path, e) from e
        time.sleep(0.02)
        waited += 0.02


# The tables every moviecli catalog has had since its first release: a file without them is not one.
_CATALOG_TABLES = frozenset({"pages", "titles", "people", "credits"})
_SQLITE_MAGIC = b"SQLite format 3\x00"
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
# The catalog this process opened last: the one a damage error raised later, far from it, is about.
_last_opened: list[Path] = []


def _opened(path: Path) -> None:
    _last_opened[:] = [path]


def _check_writable(path: Path) -> None:
    """A --db that cannot become or stay a catalog is one line saying why, before SQLite tries it."""
    if path.is_dir():
        raise DatabaseError(f"{path}: is a folder, not a catalog file")
    folder = path.absolute().parent
    if not folder.is_dir():
        if path != _own_default():
            raise DatabaseError(
                f"{path}: no such folder {folder} (moviecli creates folders only for its default catalog)"
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise DatabaseError(f"{path}: cannot create its folder ({e.strerror})") from e
    if path.exists() and not path.is_file():
        raise DatabaseError(f"{path}: not a regular file, so not a catalog")
    if not os.access(folder, os.W_OK | os.X_OK):
        # Even an existing catalog: SQLite creates its side files (-wal, -shm) next to it.
        raise DatabaseError(f"{path}: permission denied: cannot write its folder {folder}")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseError(f"{path}: permission denied: cannot write the file")


def _refuse_foreign(path: Path) -> None:
    """Refuse a non-empty file that is not a moviecli catalog, looking without changing a byte of it.

    An empty or missing file becomes a new catalog. The look is a read-only connection: a
    writing one could roll back another program's hot journal or checkpoint its WAL on close.
    """
    try:
        with path.open("rb") as f:
            header = f.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return
    except OSError as e:
        raise DatabaseError(f"{path}: cannot be read ({e.strerror})") from e
    if not header:
        return
    if header != _SQLITE_MAGIC:
        raise DatabaseError(f"{path}: not a moviecli database (not an SQLite file); left untouched")
    try:
        look = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            empty = look.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
            foreign = _another_programs(look)
        finally:
            look.close()
    except sqlite3.DatabaseError as e:
        raise _unreadable(path, e) from e
    if foreign and not empty:  # an SQLite file with nothing in it yet is as good as empty
        raise DatabaseError(f"{path}: not a moviecli database (an SQLite database of another program); left untouched")


def _another_programs(conn: sqlite3.Connection) -> bool:
    """An SQLite database moviecli did not make: no version stamp, or not the tables every catalog has."""
    if int(conn.execute("PRAGMA user_version").fetchone()[0]) == 0:
        return True
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return not tables >= _CATALOG_TABLES


def _wal_without_side_files(path: Path) -> bool:
    """In WAL mode, with no -shm, in a folder this user cannot write: SQLite cannot read it (it must create -shm)."""
    try:
        with path.open("rb") as f:
            header = f.read(20)
    except OSError:
        return False
    # Bytes 18 and 19 of the header are 2 in WAL mode (sqlite.org/fileformat.html).
    in_wal = header[18:20] == b"\x02\x02"
    return in_wal and not Path(f"{path}-shm").exists() and not os.access(path.absolute().parent, os.W_OK | os.X_OK)


def is_damage(e: BaseException) -> bool:
    """SQLite found the file's structure broken (SQLITE_CORRUPT, SQLITE_NOTADB): no retry or other page helps."""
    if not isinstance(e, sqlite3.DatabaseError):
        return False
    code = getattr(e, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    return "malformed" in str(e) or "not a database" in str(e)


def damaged(e: sqlite3.DatabaseError, path: Path | None = None) -> DatabaseError:
    """The one message for a damaged catalog, naming the file (by default the one this process opened last)."""
    where = path or (_last_opened[0] if _last_opened else default_db_path())
    return DatabaseError(f"{where}: the catalog is damaged ({e}); restore it from a backup")


def _unreadable(path: Path, e: sqlite3.DatabaseError) -> DatabaseError:
    """Why SQLite could not read the file, in the user's terms: damaged, unreadable WAL, or not a catalog."""
    try:
        with path.open("rb") as f:
            header = f.read(100)
    except OSError as oe:
        return DatabaseError(f"{path}: cannot be read ({oe.strerror})")
    if header and not header.startswith(_SQLITE_MAGIC):
        return DatabaseError(f"{path}: not a moviecli database (not an SQLite file)")
    if is_damage(e):
        return damaged(e, path)
    folder = path.absolute().parent
    if _wal_without_side_files(path):
        return DatabaseError(
            f"{path}: cannot read a catalog in WAL mode without write access to its folder {folder};"
            " ask its owner to run a moviecli load on it once, which leaves it readable by everyone"
        )
    if isinstance(e, sqlite3.OperationalError) and "readonly" in str(e):
        return DatabaseError(f"{path}: cannot be read without write access here ({e})")
    return DatabaseError(f"{path}: not a moviecli database ({e})")


def locked() -> DatabaseError:
    """The one message for a write lock that another process held past the busy timeout."""
    return DatabaseError(
        f"the catalog stayed locked by another process for {BUSY_TIMEOUT_SECONDS:.0f} s; try again later"
    )


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error: all or nothing.

    Taking the write lock waits up to the busy timeout; a lock never freed is a one-line error.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as e:
        if "locked" in str(e) or "busy" in str(e):
            raise locked() from e
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
