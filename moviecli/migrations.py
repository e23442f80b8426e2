"""The catalog's schema versions: a new catalog is made from schema.sql, an older one is brought up to
date by ordered steps, and one made by a newer moviecli is refused untouched.

The invariant: a catalog stamped version N (`PRAGMA user_version`) has exactly the tables, columns,
CHECKs, indexes and triggers that schema.sql gives a new catalog of version N, whatever version it
started from. Each step runs in its own `BEGIN IMMEDIATE` transaction together with its version
stamp, so a failed or killed upgrade leaves the catalog at the last version that completed, never
half-way through a step; the next writing command carries on from there.

Version 3 is the schema of the release of 2026-11-25. Versions 1 to 3 are not distinguishable by
their stamp alone: schema.sql gained tables and indexes, and its CHECKs were rewritten, without a
version change. Step 4 brings any of them to exactly that release's schema.

Who upgrades: writing commands (`db.connect_write`) upgrade before anything else. Reading commands
(`db.connect_read`) refuse an older catalog with a message saying to run a writing command: the
queries are written against the current schema, and running them on an older one could fail half
way or, worse, answer from a table that no longer means what they expect.

To change the schema:
1. Edit schema.sql, which makes new catalogs. A new column goes at the end of its table (that is
   where `ALTER TABLE ... ADD COLUMN` puts it in an existing catalog).
2. Append a step to this module, numbered one more than the last, that does the same to an existing
   catalog with the helpers of schema_steps.py (`add_column`, `rebuild_table` for a changed CHECK or constraint,
   `rebuild_fts` for a changed tokenizer) or plain SQL; a recomputed key is an UPDATE using a
   function registered with `conn.create_function`.
tests/test_migrations.py builds a catalog from the release schema plus every step and compares it,
table by table, with one made from schema.sql: doing only one of the two fails it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from moviecli.errors import DatabaseError
from moviecli.schema_steps import add_column, normalized_sql, rebuild_table, schema_text, statements

# The release of 2026-11-25; every catalog in the field is at most this version.
RELEASE_VERSION = 3


class Step:
    """A schema change and the version it stamps (a plain class: making a dataclass costs ~0.5 ms at every start-up)."""

    __slots__ = ("apply", "version")

    def __init__(self, version: int, apply: Callable[[sqlite3.Connection], None]) -> None:
        self.version = version
        self.apply = apply


STEPS: list[Step] = []


def step(version: int) -> Callable[[Callable[[sqlite3.Connection], None]], Callable[[sqlite3.Connection], None]]:
    """Register a schema step; `version` must be one more than the last, so two steps never share a stamp."""

    def register(apply: Callable[[sqlite3.Connection], None]) -> Callable[[sqlite3.Connection], None]:
        expected = STEPS[-1].version + 1 if STEPS else RELEASE_VERSION + 1
        if version != expected:
            raise AssertionError(f"schema step {apply.__name__} is numbered {version}, expected {expected}")
        STEPS.append(Step(version, apply))
        return apply

    return register


# The steps --------------------------------------------------------------------------------------

# What the first releases of schema.sql lacked: added later without a version change.
_ADDED_WITHOUT_STAMP = """
CREATE INDEX IF NOT EXISTS titles_by_original_title ON titles (original_title COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS box_office_by_currency_desc ON box_office (currency, amount DESC);
CREATE TABLE IF NOT EXISTS episodes (
    episode_id INTEGER PRIMARY KEY REFERENCES titles(id) ON DELETE CASCADE,
    series_id  INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    season     INTEGER,
    episode    INTEGER
);
CREATE INDEX IF NOT EXISTS episodes_by_series ON episodes (series_id, season, episode);
CREATE TABLE IF NOT EXISTS imdb_fills (
    title_id INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    field    TEXT NOT NULL,
    value,
    PRIMARY KEY (title_id, field)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS import_files (
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    dataset   TEXT NOT NULL,
    path      TEXT NOT NULL,
    read      INTEGER NOT NULL,
    inserted  INTEGER NOT NULL,
    updated   INTEGER NOT NULL,
    deleted   INTEGER NOT NULL,
    skipped   INTEGER NOT NULL,
    seconds   REAL NOT NULL,
    PRIMARY KEY (import_id, dataset)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS page_files (
    path           TEXT PRIMARY KEY,
    size           INTEGER NOT NULL,
    mtime_ns       INTEGER NOT NULL,
    ctime_ns       INTEGER NOT NULL,
    inode          INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    run_started_ns INTEGER NOT NULL
) WITHOUT ROWID;
"""

# The tables whose CHECKs were first `x IN (...)`, as the release wrote them (OR chains: faster inserts).
_OR_CHAIN_TABLES = (
    """CREATE TABLE credits (
    title_id  INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    role      TEXT NOT NULL CHECK (role = 'director' OR role = 'writer' OR role = 'creator' OR role = 'star' OR role = 'actor'),
    position  INTEGER NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    character TEXT,
    note      TEXT,
    credit    TEXT,
    PRIMARY KEY (title_id, role, position)
) WITHOUT ROWID""",
    """CREATE TABLE box_office (
    title_id  INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind = 'budget' OR kind = 'opening_weekend' OR kind = 'gross' OR kind = 'worldwide_gross'),
    amount    INTEGER NOT NULL,
    currency  TEXT NOT NULL,
    country   TEXT,
    date      TEXT,
    estimated INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (title_id, position)
) WITHOUT ROWID""",
    """CREATE TABLE title_items (
    title_id INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    list     TEXT NOT NULL CHECK (
                 list = 'trivia' OR list = 'goofs' OR list = 'quotes' OR list = 'crazy_credits'
                 OR list = 'alternate_versions' OR list = 'connections' OR list = 'keywords' OR list = 'taglines'
                 OR list = 'akas' OR list = 'filming_locations' OR list = 'companies' OR list = 'official_sites'
                 OR list = 'sound_mix' OR list = 'color' OR list = 'warnings'),
    position INTEGER NOT NULL,
    text     TEXT NOT NULL,
    PRIMARY KEY (title_id, list, position)
) WITHOUT ROWID""",
    """CREATE TABLE search_docs (
    id       INTEGER PRIMARY KEY,
    title_id INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    field    TEXT NOT NULL CHECK (field = 'title' OR field = 'summary' OR field = 'storyline' OR field = 'review' OR field = 'trivia' OR field = 'goofs' OR field = 'quotes')
)""",
)


@step(4)
def _release_2026_11_25(conn: sqlite3.Connection) -> None:
    """Any catalog stamped 1, 2 or 3 gets exactly the schema of the 2026-11-25 release."""
    for statement in statements(_ADDED_WITHOUT_STAMP):
        conn.execute(statement)
    for create_sql in _OR_CHAIN_TABLES:
        name = create_sql.split()[2]
        (stored,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
        if normalized_sql(stored) != normalized_sql(create_sql):
            rebuild_table(conn, create_sql)


@step(5)
def _record_fields(conn: sqlite3.Connection) -> None:
    """What a page says and the record used to lose: the year's numeral (now part of a title's identity),
    the `more credits` counts, whether the cast is complete, the Metacritic review count, dates without a day.
    """
    for definition in (
        "year_index TEXT",
        "directors_more INTEGER",
        "writers_more INTEGER",
        "cast_complete INTEGER",
        "metacritic_reviews INTEGER",
        "release_date_partial TEXT",
    ):
        add_column(conn, "titles", definition)
    conn.execute("DROP INDEX titles_page_identity")
    conn.execute(
        "CREATE UNIQUE INDEX titles_page_identity"
        " ON titles (title, ifnull(year, 0), ifnull(year_index, ''), kind) WHERE page_id IS NOT NULL"
    )
    # Parser version 2 wrote `2008-02` or `2008` into release_date; it holds full dates only now.
    conn.execute(
        "UPDATE titles SET release_date_partial = release_date, release_date = NULL"
        " WHERE release_date IS NOT NULL AND length(release_date) < 10"
    )


_CREDITS_EVERY_ROLE = """CREATE TABLE credits (
    title_id  INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    role      TEXT NOT NULL CHECK (
                  role = 'director' OR role = 'writer' OR role = 'creator' OR role = 'star' OR role = 'actor'
                  OR role = 'self' OR role = 'archive_footage' OR role = 'archive_sound' OR role = 'producer'
                  OR role = 'composer' OR role = 'cinematographer' OR role = 'editor'
                  OR role = 'production_designer' OR role = 'casting_director'),
    position  INTEGER NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    character TEXT,
    note      TEXT,
    credit    TEXT,
    PRIMARY KEY (title_id, role, position)
) WITHOUT ROWID"""


@step(6)
def _every_role(conn: sqlite3.Connection) -> None:
    """credits takes every category of title.principals as a role (issue 13). Rows are kept as they
    are: the dataset's self and archive appearances, credited as actors until now, move to their own
    roles at the next load-imdb, which brings the credits of title.principals in line."""
    rebuild_table(conn, _CREDITS_EVERY_ROLE)


# Every text a title is found by, from its stored rows: the same texts as save._searched_texts,
# field by field, in its order (titles, AKAs, people in credit order, summary, ..., quotes).
_SEARCHED_ROWS = """
SELECT title_id, field, text FROM (
    SELECT id AS title_id, 0 AS part, 0 AS n, 'title' AS field, title AS text FROM titles
    UNION ALL SELECT id, 1, 0, 'title', original_title FROM titles WHERE original_title IS NOT NULL
    UNION ALL SELECT title_id, 2, position, 'aka', text FROM title_items WHERE list = 'akas'
    UNION ALL SELECT c.title_id, 3, min(CASE c.role WHEN 'director' THEN 0 WHEN 'creator' THEN 1 WHEN 'star' THEN 2
                     WHEN 'writer' THEN 3 ELSE 4 END * 1000000 + c.position), 'person', p.name
        FROM credits c JOIN people p ON p.id = c.person_id GROUP BY c.title_id, p.name
    UNION ALL SELECT id, 4, 0, 'summary', summary FROM titles WHERE summary IS NOT NULL AND summary != ''
    UNION ALL SELECT id, 5, 0, 'storyline', storyline FROM titles WHERE storyline IS NOT NULL AND storyline != ''
    UNION ALL SELECT title_id, 6, position, 'review', CASE WHEN ifnull(review_title, '') != '' AND ifnull(text, '') != ''
                     THEN review_title || char(10, 10) || text ELSE coalesce(nullif(review_title, ''), text, '') END
        FROM reviews
    UNION ALL SELECT title_id, CASE list WHEN 'trivia' THEN 7 WHEN 'goofs' THEN 8 ELSE 9 END, position, list, text
        FROM title_items WHERE list = 'trivia' OR list = 'goofs' OR list = 'quotes'
) ORDER BY title_id, part, n
"""


_SEARCH_OBJECTS = {"search_docs", "search_docs_by_title", "search_index", "search_docs_delete"}
# A pattern, not compiled here: every command imports this module, and only this step uses it.
_CREATED = r"\s*CREATE\s+(?:VIRTUAL\s+)?(?:TABLE|INDEX|TRIGGER)\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)"


@step(7)
def _search_people_akas_folded(conn: sqlite3.Connection) -> None:
    """Names folded further (ł ø æ ß ...): every people.name_key recomputed. Search rebuilt from the stored rows:
    search_docs holds its texts (the index is external-content, for datasette and sqlite-utils),
    AKAs and people are searchable, and the index stems words (porter) and holds the folded text.
    """
    from moviecli.db import fold_letters, name_key  # db imports this module

    conn.create_function("moviecli_name_key", 1, name_key, deterministic=True)
    conn.create_function("moviecli_fold_letters", 1, fold_letters, deterministic=True)
    conn.execute("UPDATE people SET name_key = moviecli_name_key(name) WHERE name_key IS NOT moviecli_name_key(name)")
    for statement in ("DROP TRIGGER search_docs_delete", "DROP TABLE search_index", "DROP TABLE search_docs"):
        conn.execute(statement)
    schema = schema_text()
    for statement in statements(schema):
        created = re.match(_CREATED, re.sub(r"--[^\n]*", "", statement), re.IGNORECASE)
        if created and created.group(1) in _SEARCH_OBJECTS:
            conn.execute(statement)
    conn.execute(
        "INSERT INTO search_docs (title_id, field, text, folded)"
        f" SELECT title_id, field, text, nullif(moviecli_fold_letters(text), text) FROM ({_SEARCHED_ROWS})"
    )
    conn.execute("INSERT INTO search_index (rowid, text) SELECT id, coalesce(folded, text) FROM search_docs")


CURRENT_VERSION = STEPS[-1].version


# Opening a catalog ------------------------------------------------------------------------------


def check_readable(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse, with the way out, a catalog this moviecli's queries cannot read: not one, newer, or older."""
    version = _version(conn)
    if version < 1:
        raise DatabaseError(f"{path}: not a moviecli database")
    _refuse_newer(version, path)
    if version < CURRENT_VERSION:
        raise DatabaseError(
            f"{path}: catalog version {version} is older than this moviecli's ({CURRENT_VERSION}):"
            " run a writing command (e.g. moviecli load) to upgrade it"
        )


def upgrade(conn: sqlite3.Connection, path: Path) -> None:
    """Make a new catalog from schema.sql, or run the steps an older one lacks; refuse a newer one untouched.

    Runs before the connection changes anything (journal mode included), on a connection in
    autocommit mode. Another process upgrading at the same time is waited for, and its work is not
    repeated: the version is read again once the write lock is held.
    """
    version = _version(conn)
    _refuse_newer(version, path)
    if version == CURRENT_VERSION:
        return
    # The table rebuilds need foreign keys off (a dropped parent would cascade), and the pragma
    # is ignored inside a transaction: off for the whole upgrade, checked by each step.
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        if version == 0:
            with _immediate(conn):
                if _version(conn) == 0:
                    for statement in statements(schema_text()):
                        conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {CURRENT_VERSION}")
            return
        for s in STEPS:
            if s.version <= version:
                continue
            with _immediate(conn):
                found = _version(conn)
                _refuse_newer(found, path)
                if found >= s.version:
                    continue
                try:
                    s.apply(conn)
                    broken = conn.execute("PRAGMA foreign_key_check").fetchone() is not None
                except sqlite3.Error as e:
                    raise DatabaseError(
                        f"{path}: upgrade to catalog version {s.version} failed ({e}); the catalog is left at version {found}"
                    ) from e
                if broken:
                    raise DatabaseError(
                        f"{path}: upgrade to catalog version {s.version} would break a foreign key;"
                        f" the catalog is left at version {found}"
                    )
                conn.execute(f"PRAGMA user_version = {s.version}")
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


def _version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _refuse_newer(version: int, path: Path) -> None:
    if version > CURRENT_VERSION:
        raise DatabaseError(
            f"{path}: made by a newer moviecli (catalog version {version},"
            f" this moviecli knows up to {CURRENT_VERSION}): upgrade moviecli"
        )


@contextmanager
def _immediate(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
