"""The catalog database: opening it, creating it from schema.sql, and every write to it.

This is the only module that writes. A title is saved as a whole (its row and every child row)
inside the caller's transaction, so a page either loads completely or not at all.
"""

from __future__ import annotations

import json
import os
import sqlite3
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from moviecli.errors import DatabaseError
from moviecli.models import Title

SCHEMA_VERSION = 2  # bump whenever schema.sql changes, so existing catalogs gain the new tables and indexes
# Long enough for an overlapping cron run to finish a batch; a load commits every fraction of a second.
BUSY_TIMEOUT_SECONDS = 60.0

# Lists of a Title stored one row per item in title_items.
ITEM_LISTS = (
    "trivia",
    "goofs",
    "quotes",
    "crazy_credits",
    "alternate_versions",
    "connections",
    "keywords",
    "taglines",
    "akas",
    "filming_locations",
    "companies",
    "official_sites",
    "sound_mix",
    "color",
    "warnings",
)
# Every table holding a title's child rows (search_docs cascades into search_index by trigger).
CHILD_TABLES = (
    "credits",
    "genres",
    "countries",
    "languages",
    "box_office",
    "reviews",
    "soundtracks",
    "title_items",
    "search_docs",
)
# Texts of a Title that full-text search covers, by field name.
SEARCHED_LISTS = ("trivia", "goofs", "quotes")


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


def name_key(name: str) -> str:
    """A person's name folded for matching: case and accents ignored ("zoe" finds "Zoë")."""
    decomposed = unicodedata.normalize("NFKD", name)
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
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        # In WAL mode NORMAL keeps every commit atomic and the file consistent after a crash;
        # only the last commits before a power cut may be lost, and a re-run restores them.
        conn.execute("PRAGMA synchronous = NORMAL")
        if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            # Every statement is IF NOT EXISTS, so two processes creating the database at once agree.
            conn.executescript(f"BEGIN IMMEDIATE;\n{schema_sql()}\nPRAGMA user_version = {SCHEMA_VERSION};\nCOMMIT;")
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
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as e:
        conn.close()
        raise DatabaseError(f"{path}: not a moviecli database ({e})") from e
    if version < 1:
        conn.close()
        raise DatabaseError(f"{path}: not a moviecli database")
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error: all or nothing."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
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


def current_page_hashes(conn: sqlite3.Connection) -> set[str]:
    """SHA-256 of every page that is the current source of a title: loading one again changes nothing."""
    return {row[0] for row in conn.execute("SELECT p.sha256 FROM pages p JOIN titles t ON t.page_id = p.id")}


def store_page(conn: sqlite3.Connection, path: str, sha256: str, text: str, encoding: str, parser_version: str) -> int:
    """Keep the page's original text (once per content); returns its id."""
    row = conn.execute("SELECT id FROM pages WHERE sha256 = ?", (sha256,)).fetchone()
    if row:
        conn.execute("UPDATE pages SET path = ?, parser_version = ? WHERE id = ?", (path, parser_version, row[0]))
        return int(row[0])
    cur = conn.execute(
        "INSERT INTO pages (path, sha256, text, encoding, loaded_at, parser_version) VALUES (?, ?, ?, ?, ?, ?)",
        (path, sha256, text, encoding, now(), parser_version),
    )
    return int(cur.lastrowid or 0)


def find_page_title(conn: sqlite3.Connection, record: Title) -> int | None:
    """The id of the page title with the record's identity (title, year, kind), if any."""
    row = conn.execute(
        "SELECT id FROM titles WHERE title = ? AND ifnull(year, 0) = ifnull(?, 0) AND kind = ? AND page_id IS NOT NULL",
        (record.title, record.year, record.kind),
    ).fetchone()
    return int(row[0]) if row else None


def _title_columns(record: Title, page_id: int) -> dict[str, object]:
    awards = record.awards
    return {
        "page_id": page_id,
        "title": record.title,
        "year": record.year,
        "end_year": record.end_year,
        "kind": record.kind,
        "original_title": record.original_title,
        "runtime_minutes": record.runtime_minutes,
        "summary": record.summary,
        "storyline": record.storyline,
        "storyline_author": record.storyline_author,
        "certificate": record.certificate,
        "certificate_reason": record.certificate_reason,
        "rating": record.rating,
        "votes": record.votes,
        "metascore": record.metascore,
        "user_reviews": record.user_reviews,
        "critic_reviews": record.critic_reviews,
        "popularity": record.popularity,
        "awards_oscars": awards.oscars if awards else None,
        "awards_wins": awards.wins if awards else None,
        "awards_nominations": awards.nominations if awards else None,
        "awards_text": awards.text if awards else None,
        "release_date": record.release_date,
        "release_country": record.release_country,
        "aspect_ratio": record.aspect_ratio,
        "updated_at": now(),
    }


def _person_id(conn: sqlite3.Connection, name: str) -> int:
    """One row per person, shared across titles; page people are matched by exact name."""
    row = conn.execute(
        "SELECT id FROM people WHERE name = ? ORDER BY imdb_id IS NOT NULL, id LIMIT 1", (name,)
    ).fetchone()
    if row:
        return int(row[0])
    cur = conn.execute("INSERT INTO people (name, name_key) VALUES (?, ?)", (name, name_key(name)))
    return int(cur.lastrowid or 0)


def save_title(conn: sqlite3.Connection, record: Title, page_id: int) -> tuple[int, bool]:
    """Write one title and all its child rows; replaces the title of the same identity in place.

    Returns (title_id, replaced). The caller holds the transaction. A replaced title keeps its id
    and imdb_id, so merges with other sources survive a re-import of its page.
    """
    columns = _title_columns(record, page_id)
    existing = find_page_title(conn, record)
    if existing is not None:
        title_id = existing
        assignments = ", ".join(f"{name} = ?" for name in columns)
        conn.execute(f"UPDATE titles SET {assignments} WHERE id = ?", (*columns.values(), title_id))
        for table in CHILD_TABLES:
            conn.execute(f"DELETE FROM {table} WHERE title_id = ?", (title_id,))
    else:
        names = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        title_id = int(
            conn.execute(f"INSERT INTO titles ({names}) VALUES ({marks})", tuple(columns.values())).lastrowid or 0
        )
    _save_children(conn, title_id, record)
    return title_id, existing is not None


def _save_children(conn: sqlite3.Connection, title_id: int, record: Title) -> None:
    credits: list[tuple[object, ...]] = []
    for role, names in (("director", record.directors), ("creator", record.creators), ("star", record.stars)):
        credits += [(title_id, role, i, _person_id(conn, n), None, None, None) for i, n in enumerate(names)]
    credits += [
        (title_id, "writer", i, _person_id(conn, w.name), None, None, w.credit) for i, w in enumerate(record.writers)
    ]
    credits += [
        (title_id, "actor", i, _person_id(conn, c.name), c.character, c.note, None) for i, c in enumerate(record.cast)
    ]
    conn.executemany(
        "INSERT INTO credits (title_id, role, position, person_id, character, note, credit) VALUES (?, ?, ?, ?, ?, ?, ?)",
        credits,
    )
    for table, column, values in (
        ("genres", "genre", record.genres),
        ("countries", "country", record.countries),
        ("languages", "language", record.languages),
    ):
        conn.executemany(
            f"INSERT INTO {table} (title_id, position, {column}) VALUES (?, ?, ?)",
            [(title_id, i, v) for i, v in enumerate(values)],
        )
    conn.executemany(
        "INSERT INTO box_office (title_id, position, kind, amount, currency, country, date, estimated)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (title_id, i, b.kind, b.amount, b.currency, b.country, b.date, int(b.estimated))
            for i, b in enumerate(record.box_office)
        ],
    )
    conn.executemany(
        "INSERT INTO reviews (title_id, position, review_title, author, date, location, rating, helpful,"
        " helpful_total, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (title_id, i, r.title, r.author, r.date, r.location, r.rating, r.helpful, r.helpful_total, r.text)
            for i, r in enumerate(record.reviews)
        ],
    )
    conn.executemany(
        "INSERT INTO soundtracks (title_id, position, song, credits) VALUES (?, ?, ?, ?)",
        [(title_id, i, s.title, json.dumps(s.credits, ensure_ascii=False)) for i, s in enumerate(record.soundtracks)],
    )
    conn.executemany(
        "INSERT INTO title_items (title_id, list, position, text) VALUES (?, ?, ?, ?)",
        [(title_id, name, i, text) for name in ITEM_LISTS for i, text in enumerate(getattr(record, name))],
    )
    _index_for_search(conn, title_id, record)


def _index_for_search(conn: sqlite3.Connection, title_id: int, record: Title) -> None:
    texts: list[tuple[str, str]] = [("title", record.title)]
    if record.original_title:
        texts.append(("title", record.original_title))
    texts += [(field, text) for field in ("summary", "storyline") if (text := getattr(record, field))]
    texts += [("review", "\n\n".join(filter(None, (r.title, r.text)))) for r in record.reviews]
    texts += [(field, text) for field in SEARCHED_LISTS for text in getattr(record, field)]
    for field, text in texts:
        doc_id = conn.execute("INSERT INTO search_docs (title_id, field) VALUES (?, ?)", (title_id, field)).lastrowid
        conn.execute("INSERT INTO search_index (rowid, text) VALUES (?, ?)", (doc_id, text))
