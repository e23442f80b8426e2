"""The catalog database: opening it, creating it from schema.sql, and every write to it.

This is the only module that writes. A title is saved as a whole (its row and every child row)
inside the caller's transaction, so a page either loads completely or not at all.
"""

from __future__ import annotations

import json
import os
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from moviecli import migrations
from moviecli.errors import DatabaseError

if TYPE_CHECKING:  # the dataclasses cost ~4 ms to create: query commands never need them
    from moviecli.models import Title

SCHEMA_VERSION = migrations.CURRENT_VERSION  # changed only by adding a step to migrations.py
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


def begin_write(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE: take the write lock, waiting up to the busy timeout; a lock never freed is a one-line error."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as e:
        if "locked" in str(e) or "busy" in str(e):
            raise DatabaseError(
                f"the catalog stayed locked by another process for {BUSY_TIMEOUT_SECONDS:.0f} s; try again later"
            ) from e
        raise


def current_page_hashes(conn: sqlite3.Connection) -> set[str]:
    """SHA-256 of every page that is the current source of a title: loading one again changes nothing."""
    return {row[0] for row in conn.execute("SELECT p.sha256 FROM pages p JOIN titles t ON t.page_id = p.id")}


_CURRENT_SQL = "SELECT p.sha256 FROM pages p JOIN titles t ON t.page_id = p.id WHERE p.sha256 IN ({})"
# Bound parameters per statement: far below SQLite's limit (32,766), and a cheap IN list.
_IN_CHUNK = 500


def _select_in(conn: sqlite3.Connection, sql: str, values: Sequence[object]) -> list[tuple[Any, ...]]:
    """Rows of `sql`, whose one `IN ({})` takes `values`, a few hundred at a time."""
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(values), _IN_CHUNK):
        chunk = values[start : start + _IN_CHUNK]
        rows += conn.execute(sql.format(", ".join("?" * len(chunk))), chunk).fetchall()
    return rows


def current_hashes(conn: sqlite3.Connection, hashes: Sequence[str]) -> set[str]:
    """Those of `hashes` that are a title's current page: a file with one of them is unchanged."""
    return {row[0] for row in _select_in(conn, _CURRENT_SQL, hashes)}


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


def identity(record: Title) -> tuple[str, int, str]:
    """A title's identity as the unique index titles_page_identity sees it: (title, year or 0, kind)."""
    return (record.title, record.year or 0, record.kind)


def _next_id(conn: sqlite3.Connection, table: str) -> int:
    """The first free id of a table with an INTEGER PRIMARY KEY: what SQLite itself would give the next row.

    Only valid inside a write transaction, where no one else can take it.
    """
    return int(conn.execute(f"SELECT ifnull(max(id), 0) + 1 FROM {table}").fetchone()[0])


_TITLE_COLUMNS = (
    "page_id",
    "title",
    "year",
    "end_year",
    "kind",
    "original_title",
    "runtime_minutes",
    "summary",
    "storyline",
    "storyline_author",
    "certificate",
    "certificate_reason",
    "rating",
    "votes",
    "metascore",
    "user_reviews",
    "critic_reviews",
    "popularity",
    "awards_oscars",
    "awards_wins",
    "awards_nominations",
    "awards_text",
    "release_date",
    "release_country",
    "aspect_ratio",
    "updated_at",
)
_INSERT_TITLE = (
    f"INSERT INTO titles (id, {', '.join(_TITLE_COLUMNS)}) VALUES (?, {', '.join('?' * len(_TITLE_COLUMNS))})"
)
_UPDATE_TITLE = f"UPDATE titles SET {', '.join(f'{c} = ?' for c in _TITLE_COLUMNS)} WHERE id = ?"


def _title_values(record: Title, page_id: int, updated_at: str) -> tuple[object, ...]:
    """The titles row of a record, in the order of _TITLE_COLUMNS."""
    a = record.awards
    return (
        page_id,
        record.title,
        record.year,
        record.end_year,
        record.kind,
        record.original_title,
        record.runtime_minutes,
        record.summary,
        record.storyline,
        record.storyline_author,
        record.certificate,
        record.certificate_reason,
        record.rating,
        record.votes,
        record.metascore,
        record.user_reviews,
        record.critic_reviews,
        record.popularity,
        a.oscars if a else None,
        a.wins if a else None,
        a.nominations if a else None,
        a.text if a else None,
        record.release_date,
        record.release_country,
        record.aspect_ratio,
        updated_at,
    )


# The most names a PersonIds keeps between transactions (~100 bytes each): a bound on memory
# for a catalog of millions of people; past it the cache starts again from empty.
MAX_CACHED_PEOPLE = 500_000


class PersonIds:
    """name -> people.id for one writing connection, so that a credit costs no SELECT.

    Page people are matched by exact name; of several people of one name, the one without an
    imdb_id comes first, then the oldest (as ever). A name is looked up in the database once, and
    people are added in bulk with ids taken under the write lock. The cache is only trusted while
    no other connection has written: `begin()` (just after BEGIN IMMEDIATE) compares
    PRAGMA data_version, which changes exactly when another connection commits, and starts again
    from empty if it has. Names found or added inside the open transaction stay pending until it
    commits, so a rollback (whole or to a savepoint) never leaves an id that no longer exists.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._committed: dict[str, int] = {}
        self._pending: dict[str, int] = {}
        self._data_version: int | None = None

    def begin(self) -> None:
        version = int(self.conn.execute("PRAGMA data_version").fetchone()[0])
        if version != self._data_version or len(self._committed) > MAX_CACHED_PEOPLE:
            self._committed.clear()
        self._data_version = version
        self._pending.clear()

    def commit(self) -> None:
        self._committed.update(self._pending)
        self._pending.clear()

    def rollback(self) -> None:
        self._pending.clear()

    def mark(self) -> int:
        """A point to roll back to along with a savepoint."""
        return len(self._pending)

    def rollback_to(self, mark: int) -> None:
        for name in list(self._pending)[mark:]:  # dicts keep insertion order
            del self._pending[name]

    def ids(self, names: Iterable[str]) -> dict[str, int]:
        """The id of every name, adding the people not there yet."""
        found: dict[str, int] = {}
        missing: list[str] = []
        for name in dict.fromkeys(names):
            known = self._pending.get(name) or self._committed.get(name)
            if known is None:
                missing.append(name)
            else:
                found[name] = known
        if not missing:
            return found
        sql = "SELECT name, id FROM people WHERE name IN ({}) ORDER BY imdb_id IS NOT NULL, id"
        for name, person_id in _select_in(self.conn, sql, missing):
            if name not in found:
                found[name] = self._pending[name] = person_id
        new = [name for name in missing if name not in found]
        if new:
            first = _next_id(self.conn, "people")
            rows = [(first + i, name, name_key(name)) for i, name in enumerate(new)]
            self.conn.executemany("INSERT INTO people (id, name, name_key) VALUES (?, ?, ?)", rows)
            for person_id, name, _ in rows:
                found[name] = self._pending[name] = person_id
        return found


def save_title(conn: sqlite3.Connection, record: Title, page_id: int) -> tuple[int, bool]:
    """Write one title and all its child rows; replaces the title of the same identity in place.

    Returns (title_id, replaced). The caller holds the transaction. A replaced title keeps its id
    and imdb_id, so merges with other sources survive a re-import of its page.
    """
    return _save_titles(conn, [(record, page_id)], PersonIds(conn))[0]


def _save_titles(
    conn: sqlite3.Connection, items: Sequence[tuple[Title, int]], people: PersonIds
) -> list[tuple[int, bool]]:
    """Write titles (distinct identities) and their child rows, one executemany per table.

    A title of the same identity already there is updated in place and its child rows replaced:
    it keeps its id and imdb_id. New titles get ids under the caller's write transaction.
    Returns (title_id, replaced) per item.
    """
    sql = "SELECT id, title, ifnull(year, 0), kind FROM titles WHERE page_id IS NOT NULL AND title IN ({})"
    existing = {(t, y, k): i for i, t, y, k in _select_in(conn, sql, list({r.title for r, _ in items}))}
    updated_at = now()
    next_id = _next_id(conn, "titles")
    result: list[tuple[int, bool]] = []
    inserts: list[tuple[object, ...]] = []
    updates: list[tuple[object, ...]] = []
    for record, page_id in items:
        title_id = existing.get(identity(record))
        if title_id is None:
            title_id, next_id = next_id, next_id + 1
            inserts.append((title_id, *_title_values(record, page_id, updated_at)))
            result.append((title_id, False))
        else:
            updates.append((*_title_values(record, page_id, updated_at), title_id))
            result.append((title_id, True))
    if updates:
        conn.executemany(_UPDATE_TITLE, updates)
        replaced = [(row[-1],) for row in updates]
        for table in CHILD_TABLES:
            conn.executemany(f"DELETE FROM {table} WHERE title_id = ?", replaced)
    conn.executemany(_INSERT_TITLE, inserts)
    _save_children(conn, [(title_id, record) for (title_id, _), (record, _) in zip(result, items, strict=True)], people)
    return result


def _save_children(conn: sqlite3.Connection, titles: list[tuple[int, Title]], people: PersonIds) -> None:
    """Every child row of the titles, one executemany per table (rows in key order: fewer page splits)."""
    person = people.ids(
        name
        for _, r in titles
        for name in (*r.directors, *r.creators, *r.stars, *(w.name for w in r.writers), *(c.name for c in r.cast))
    )
    credits: list[tuple[object, ...]] = []
    genres: list[tuple[object, ...]] = []
    countries: list[tuple[object, ...]] = []
    languages: list[tuple[object, ...]] = []
    box_office: list[tuple[object, ...]] = []
    reviews: list[tuple[object, ...]] = []
    soundtracks: list[tuple[object, ...]] = []
    items: list[tuple[object, ...]] = []
    texts: list[tuple[int, str, str]] = []
    for t, r in titles:
        for role, names in (("director", r.directors), ("creator", r.creators), ("star", r.stars)):
            credits += [(t, role, i, person[n], None, None, None) for i, n in enumerate(names)]
        credits += [(t, "writer", i, person[w.name], None, None, w.credit) for i, w in enumerate(r.writers)]
        credits += [(t, "actor", i, person[c.name], c.character, c.note, None) for i, c in enumerate(r.cast)]
        genres += [(t, i, v) for i, v in enumerate(r.genres)]
        countries += [(t, i, v) for i, v in enumerate(r.countries)]
        languages += [(t, i, v) for i, v in enumerate(r.languages)]
        box_office += [
            (t, i, b.kind, b.amount, b.currency, b.country, b.date, int(b.estimated))
            for i, b in enumerate(r.box_office)
        ]
        reviews += [
            (t, i, v.title, v.author, v.date, v.location, v.rating, v.helpful, v.helpful_total, v.text)
            for i, v in enumerate(r.reviews)
        ]
        soundtracks += [(t, i, s.title, json.dumps(s.credits, ensure_ascii=False)) for i, s in enumerate(r.soundtracks)]
        items += [(t, name, i, text) for name in ITEM_LISTS for i, text in enumerate(getattr(r, name))]
        texts += [(t, field, text) for field, text in _searched_texts(r)]
    conn.executemany(
        "INSERT INTO credits (title_id, role, position, person_id, character, note, credit) VALUES (?, ?, ?, ?, ?, ?, ?)",
        credits,
    )
    conn.executemany("INSERT INTO genres (title_id, position, genre) VALUES (?, ?, ?)", genres)
    conn.executemany("INSERT INTO countries (title_id, position, country) VALUES (?, ?, ?)", countries)
    conn.executemany("INSERT INTO languages (title_id, position, language) VALUES (?, ?, ?)", languages)
    conn.executemany(
        "INSERT INTO box_office (title_id, position, kind, amount, currency, country, date, estimated)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        box_office,
    )
    conn.executemany(
        "INSERT INTO reviews (title_id, position, review_title, author, date, location, rating, helpful,"
        " helpful_total, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        reviews,
    )
    conn.executemany("INSERT INTO soundtracks (title_id, position, song, credits) VALUES (?, ?, ?, ?)", soundtracks)
    conn.executemany("INSERT INTO title_items (title_id, list, position, text) VALUES (?, ?, ?, ?)", items)
    # search_docs says what each text is; the FTS row has the same rowid. Both in bulk.
    first = _next_id(conn, "search_docs")
    conn.executemany(
        "INSERT INTO search_docs (id, title_id, field) VALUES (?, ?, ?)",
        [(first + i, t, field) for i, (t, field, _) in enumerate(texts)],
    )
    conn.executemany(
        "INSERT INTO search_index (rowid, text) VALUES (?, ?)",
        [(first + i, text) for i, (_, _, text) in enumerate(texts)],
    )


def _searched_texts(record: Title) -> list[tuple[str, str]]:
    """(field, text) of everything full-text search covers in a record."""
    texts: list[tuple[str, str]] = [("title", record.title)]
    if record.original_title:
        texts.append(("title", record.original_title))
    texts += [(field, text) for field in ("summary", "storyline") if (text := getattr(record, field))]
    texts += [("review", "\n\n".join(filter(None, (r.title, r.text)))) for r in record.reviews]
    texts += [(field, text) for field in SEARCHED_LISTS for text in getattr(record, field)]
    return texts


# Loading pages -----------------------------------------------------------------------------------


@dataclass
class NewPage:
    """A page read and parsed, to be saved: its path, the SHA-256 and text of the bytes parsed, its record."""

    path: str
    sha256: str
    text: str
    encoding: str
    record: Title


@dataclass(frozen=True)
class FileState:
    """What a page file was when a load read it (its row in page_files); see moviecli/load.py for the rule."""

    path: str  # absolute
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    sha256: str  # of the bytes read
    run_started_ns: int  # when the run that read it started (time.time_ns())


@dataclass(frozen=True)
class Refused:
    """The database would not take a page (a constraint it breaks); the other pages still load."""

    reason: str


Outcome = Literal["loaded", "replaced", "unchanged"] | Refused


def _not_the_pages_fault(e: sqlite3.DatabaseError) -> bool:
    """A lock or a full or broken disk stops the whole run; anything else is the page's own doing."""
    return isinstance(e, sqlite3.OperationalError) and ("locked" in str(e) or "disk" in str(e))


class PageWriter:
    """Saves loaded pages for one run of `moviecli load`, many pages per statement.

    Pages are written in bulk (one executemany per table for a whole batch) inside a SAVEPOINT;
    if the database refuses the bulk write, it is rolled back and the batch written again page by
    page, each in its own SAVEPOINT, so exactly the offending pages fail and a page still loads
    completely or not at all. The caller decides how many pages make a batch; `transaction()`
    holds the write lock around as many batches as it likes.
    """

    def __init__(self, conn: sqlite3.Connection, parser_version: str) -> None:
        self.conn = conn
        self.parser_version = parser_version
        self.people = PersonIds(conn)
        # Bulk writes touch many index pages: 32 MB of page cache (default 2 MB) keeps the hot
        # ones in memory. This connection only, and memory is bounded.
        conn.execute("PRAGMA cache_size = -32768")
        conn.execute("PRAGMA temp_store = MEMORY")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error (the people cache follows suit)."""
        begin_write(self.conn)
        try:
            self.people.begin()
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            self.people.rollback()
            raise
        self.conn.execute("COMMIT")
        self.people.commit()

    def write(self, pages: Sequence[NewPage]) -> list[Outcome]:
        """Save pages inside the open transaction; an outcome per page, in order.

        A page whose content is already a title's current page is unchanged (a concurrent run may
        have loaded it since it was read); one whose identity is there replaces it.
        """
        outcomes: list[Outcome] = []
        for group in _distinct_groups(pages):
            mark = self.people.mark()
            try:
                with savepoint(self.conn, "pages"):
                    outcomes += self._write_group(group)
            except sqlite3.DatabaseError as e:
                if _not_the_pages_fault(e):
                    raise
                self.people.rollback_to(mark)
                outcomes += [self._write_alone(page) for page in group]
        return outcomes

    def _write_alone(self, page: NewPage) -> Outcome:
        mark = self.people.mark()
        try:
            with savepoint(self.conn, "page"):
                return self._write_group([page])[0]
        except sqlite3.DatabaseError as e:
            if _not_the_pages_fault(e):
                raise
            self.people.rollback_to(mark)
            return Refused(f"database refused the page: {e}")

    def _write_group(self, pages: Sequence[NewPage]) -> list[Outcome]:
        """Pages of distinct content and identity: their page rows, titles and child rows in bulk."""
        conn = self.conn
        current = current_hashes(conn, [p.sha256 for p in pages])
        todo = [p for p in pages if p.sha256 not in current]
        stored = dict(_select_in(conn, "SELECT sha256, id FROM pages WHERE sha256 IN ({})", [p.sha256 for p in todo]))
        conn.executemany(
            "UPDATE pages SET path = ?, parser_version = ? WHERE id = ?",
            [(p.path, self.parser_version, stored[p.sha256]) for p in todo if p.sha256 in stored],
        )
        first = _next_id(conn, "pages")
        new = [p for p in todo if p.sha256 not in stored]
        loaded_at = now()
        rows = [
            (first + i, p.path, p.sha256, p.text, p.encoding, loaded_at, self.parser_version) for i, p in enumerate(new)
        ]
        conn.executemany(
            "INSERT INTO pages (id, path, sha256, text, encoding, loaded_at, parser_version) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        stored.update((sha256, page_id) for page_id, _, sha256, *_ in rows)
        saved = iter(_save_titles(conn, [(p.record, stored[p.sha256]) for p in todo], self.people))
        return ["unchanged" if p.sha256 in current else ("replaced" if next(saved)[1] else "loaded") for p in pages]

    def record_files(self, files: Sequence[FileState]) -> None:
        """Remember what each file was when read, so a later run can skip it unread (inside the transaction)."""
        self.conn.executemany(
            "INSERT OR REPLACE INTO page_files (path, size, mtime_ns, ctime_ns, inode, sha256, run_started_ns)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(f.path, f.size, f.mtime_ns, f.ctime_ns, f.inode, f.sha256, f.run_started_ns) for f in files],
        )


def _distinct_groups(pages: Sequence[NewPage]) -> list[list[NewPage]]:
    """Consecutive runs of pages with no content or identity twice, so that each run can be written in bulk.

    A second copy of a page in one batch must come out unchanged, and a second version of a title
    must replace the first, as if written one after the other: a repeat starts a new group.
    """
    groups: list[list[NewPage]] = [[]]
    hashes: set[str] = set()
    identities: set[tuple[str, int, str]] = set()
    for page in pages:
        key = identity(page.record)
        if page.sha256 in hashes or key in identities:
            groups.append([])
            hashes.clear()
            identities.clear()
        groups[-1].append(page)
        hashes.add(page.sha256)
        identities.add(key)
    return [g for g in groups if g]


def known_files(conn: sqlite3.Connection, paths: Sequence[str]) -> dict[str, FileState]:
    """The recorded state of those files (absolute paths) whose recorded content is still a title's current page."""
    sql = (
        "SELECT f.path, f.size, f.mtime_ns, f.ctime_ns, f.inode, f.sha256, f.run_started_ns FROM page_files f"
        " WHERE f.path IN ({}) AND EXISTS"
        " (SELECT 1 FROM pages p JOIN titles t ON t.page_id = p.id WHERE p.sha256 = f.sha256)"
    )
    return {row[0]: FileState(*row) for row in _select_in(conn, sql, paths)}
