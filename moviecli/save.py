"""A Title -> its rows in the catalog, by the storage map of tables.py.

A title is saved as a whole (its row and every child row) inside the caller's transaction, so a
page either loads completely or not at all. Titles go in bulk: one executemany per table for a
whole batch of records.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from moviecli import tables
from moviecli.db import fold_letters, name_key, next_id, now, select_in

if TYPE_CHECKING:  # the dataclasses cost ~14 ms to create: query commands never need them
    from moviecli.models import Title

_COLUMNS = ("page_id", *tables.TITLE_COLUMNS, *(f"awards_{part}" for part in tables.AWARD_PARTS), "updated_at")
_INSERT_TITLE = f"INSERT INTO titles (id, {', '.join(_COLUMNS)}) VALUES (?, {', '.join('?' * len(_COLUMNS))})"
_UPDATE_TITLE = f"UPDATE titles SET {', '.join(f'{c} = ?' for c in _COLUMNS)} WHERE id = ?"
# Credited fields and their roles; names-only roles first, so new people get ids in the order they always had.
_NAMED_ROLES = tuple(
    sorted(
        ((field, role) for field, (how, role) in tables.FIELDS.items() if how == tables.CREDITS),
        key=lambda fr: fr[1] in tables.CREDIT_PARTS,
    )
)
_VALUE_LISTS = tuple(
    (field, *where.split(".")) for field, (how, where) in tables.FIELDS.items() if how == tables.VALUES
)
_title_values = attrgetter(*tables.TITLE_COLUMNS)
_award_values = attrgetter(*tables.AWARD_PARTS)
_NO_AWARDS = (None,) * len(tables.AWARD_PARTS)
# The most names a PersonIds keeps between transactions (~100 bytes each): a bound on memory
# for a catalog of millions of people; past it the cache starts again from empty.
MAX_CACHED_PEOPLE = 500_000


# (title, year or 0, year numeral or "", kind): what the unique index titles_page_identity sees.
Identity = tuple[str, int, str, str]


def identity(record: Title) -> Identity:
    """A title's identity as the unique index titles_page_identity sees it: (title, year or 0, numeral or "", kind)."""
    return (record.title, record.year or 0, record.year_index or "", record.kind)


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
        for name, person_id in select_in(self.conn, sql, missing):
            if name not in found:
                found[name] = self._pending[name] = person_id
        new = [name for name in missing if name not in found]
        if new:
            first = next_id(self.conn, "people")
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
    return save_titles(conn, [(record, page_id)], PersonIds(conn))[0]


def save_titles(
    conn: sqlite3.Connection, items: Sequence[tuple[Title, int]], people: PersonIds
) -> list[tuple[int, bool]]:
    """Write titles (distinct identities) and their child rows, one executemany per table: save_rows of their rows."""
    return save_rows(conn, [(title_rows(record), page_id) for record, page_id in items], people)


def _getter(names: Sequence[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The values of these attributes of an item, as a tuple (attrgetter, at C speed, for many rows)."""
    get = attrgetter(*names)
    return get if len(names) > 1 else lambda item: (get(item),)


# Names-only roles whose credit notes a field of their own holds ({name: note}): role -> that field.
_NOTES = {role: field for field, (how, role) in tables.FIELDS.items() if how == tables.NOTES}
# Credits by the columns they fill besides the person: names-only roles fill none, or the credit of their notes.
_CREDIT_SHAPES: dict[str, tuple[str, ...]] = {
    role: ("credit",) if role in _NOTES else tuple(p for p in tables.CREDIT_PARTS.get(role, ("name",)) if p != "name")
    for _, role in _NAMED_ROLES
}
_SHAPES = tuple(dict.fromkeys(_CREDIT_SHAPES.values()))  # one INSERT INTO credits each
_SHAPE_AT = {role: _SHAPES.index(shape) for role, shape in _CREDIT_SHAPES.items()}
_CREDIT_GETTERS = {role: _getter(parts) for role, parts in _CREDIT_SHAPES.items() if parts and role not in _NOTES}
_ROW_GETTERS = {table: _getter(list(columns)) for table, columns in tables.ROW_COLUMNS.items()}
# Positions of the JSON columns in each table's row (after position); bools go in as 0/1 by themselves.
_JSON_AT = {
    table: [1 + i for i, column in enumerate(columns.values()) if (table, column) in tables.JSON_COLUMNS]
    for table, columns in tables.ROW_COLUMNS.items()
}
_INSERT_CREDITS = [
    f"INSERT INTO credits (title_id, role, position, person_id{''.join(', ' + c for c in shape)})"
    f" VALUES ({', '.join('?' * (4 + len(shape)))})"
    for shape in _SHAPES
]
_INSERT_VALUES = [
    f"INSERT INTO {table} (title_id, position, {column}) VALUES (?, ?, ?)" for _, table, column in _VALUE_LISTS
]
_INSERT_ROWS = [
    f"INSERT INTO {table} (title_id, position, {', '.join(mapping.values())})"
    f" VALUES ({', '.join('?' * (len(mapping) + 2))})"
    for table, mapping in tables.ROW_COLUMNS.items()
]


class TitleRows(NamedTuple):
    """A title's rows short of the ids only the writer gives (its own, its page's, its people's, its texts').

    Worker processes hand these to the writer instead of the record: plain tuples unpickle ~10x
    faster than the record's dataclasses, and the writer no longer walks the record (measured,
    issue 15). Each list holds a table's rows in the order they are written.
    """

    identity: Identity
    title: tuple[object, ...]  # the titles columns between page_id and updated_at (_COLUMNS)
    names: list[str]  # every credited name, in credit order: the people to look up
    credits: list[list[tuple[Any, ...]]]  # per _SHAPES: (role, position, name, *the shape's columns)
    values: list[list[tuple[object, ...]]]  # per _VALUE_LISTS: (position, value)
    rows: list[list[tuple[object, ...]]]  # per tables.ROW_COLUMNS: (position, *columns), JSON columns as text
    items: list[tuple[object, ...]]  # title_items: (list, position, text)
    texts: list[tuple[str, str, str | None]]  # search_docs: (field, text, the folded text if folding changed it)


def title_rows(record: Title) -> TitleRows:
    """A record's rows by the storage map (tables.py), ready for save_rows."""
    credits: list[list[tuple[Any, ...]]] = [[] for _ in _SHAPES]
    names: list[str] = []
    for field, role in _NAMED_ROLES:
        shaped = credits[_SHAPE_AT[role]]
        credited = getattr(record, field)
        if role in _NOTES:
            notes = getattr(record, _NOTES[role])
            shaped += [(role, i, n, notes.get(n)) for i, n in enumerate(credited)]
            names += credited
        elif role in _CREDIT_GETTERS:
            get = _CREDIT_GETTERS[role]
            shaped += [(role, i, c.name, *get(c)) for i, c in enumerate(credited)]
            names += [c.name for c in credited]
        else:
            shaped += [(role, i, n) for i, n in enumerate(credited)]
            names += credited
    rows: list[list[tuple[object, ...]]] = []
    for table, get in _ROW_GETTERS.items():
        table_rows = [(i, *get(v)) for i, v in enumerate(getattr(record, table))]
        for at in _JSON_AT[table]:
            table_rows = [(*row[:at], json.dumps(row[at], ensure_ascii=False), *row[at + 1 :]) for row in table_rows]
        rows.append(table_rows)
    a = record.awards
    return TitleRows(
        identity(record),
        (*_title_values(record), *(_award_values(a) if a else _NO_AWARDS)),
        names,
        credits,
        [list(enumerate(getattr(record, field))) for field, _, _ in _VALUE_LISTS],
        rows,
        [(name, i, text) for name in tables.ITEM_LISTS for i, text in enumerate(getattr(record, name))],
        [(field, text, f if (f := fold_letters(text)) != text else None) for field, text in _searched_texts(record)],
    )


def save_rows(
    conn: sqlite3.Connection, items: Sequence[tuple[TitleRows, int]], people: PersonIds
) -> list[tuple[int, bool]]:
    """Write titles (distinct identities) and their child rows, one executemany per table for them all.

    A title of the same identity already there is updated in place and its child rows replaced:
    it keeps its id and imdb_id. New titles get ids under the caller's write transaction.
    Returns (title_id, replaced) per item.
    """
    sql = (
        "SELECT id, title, ifnull(year, 0), ifnull(year_index, ''), kind FROM titles"
        " WHERE page_id IS NOT NULL AND title IN ({})"
    )
    existing = {(t, y, n, k): i for i, t, y, n, k in select_in(conn, sql, list({r.identity[0] for r, _ in items}))}
    updated_at = now()
    new_id = next_id(conn, "titles")
    result: list[tuple[int, bool]] = []
    inserts: list[tuple[object, ...]] = []
    updates: list[tuple[object, ...]] = []
    for rows, page_id in items:
        title_id = existing.get(rows.identity)
        if title_id is None:
            title_id, new_id = new_id, new_id + 1
            inserts.append((title_id, page_id, *rows.title, updated_at))
            result.append((title_id, False))
        else:
            updates.append((page_id, *rows.title, updated_at, title_id))
            result.append((title_id, True))
    if updates:
        conn.executemany(_UPDATE_TITLE, updates)
        replaced = [(row[-1],) for row in updates]
        for table in tables.CHILD_TABLES:
            conn.executemany(f"DELETE FROM {table} WHERE title_id = ?", replaced)
    conn.executemany(_INSERT_TITLE, inserts)
    _save_children(conn, [(title_id, rows) for (title_id, _), (rows, _) in zip(result, items, strict=True)], people)
    return result


def _save_children(conn: sqlite3.Connection, titles: list[tuple[int, TitleRows]], people: PersonIds) -> None:
    """Every child row of the titles, one executemany per table (rows in key order: fewer page splits)."""
    person = people.ids(name for _, r in titles for name in r.names)
    for at, sql in enumerate(_INSERT_CREDITS):
        conn.executemany(
            sql, [(t, role, i, person[n], *rest) for t, r in titles for role, i, n, *rest in r.credits[at]]
        )
    for at, sql in enumerate(_INSERT_VALUES):
        conn.executemany(sql, [(t, *row) for t, r in titles for row in r.values[at]])
    for at, sql in enumerate(_INSERT_ROWS):
        conn.executemany(sql, [(t, *row) for t, r in titles for row in r.rows[at]])
    conn.executemany(
        "INSERT INTO title_items (title_id, list, position, text) VALUES (?, ?, ?, ?)",
        [(t, *item) for t, r in titles for item in r.items],
    )
    # search_docs says what each text is; the FTS row has the same rowid. Both in bulk.
    first = next_id(conn, "search_docs")
    docs = [(t, *text) for t, r in titles for text in r.texts]
    conn.executemany(
        "INSERT INTO search_docs (id, title_id, field, text, folded) VALUES (?, ?, ?, ?, ?)",
        [(first + i, *doc) for i, doc in enumerate(docs)],
    )
    conn.executemany(
        "INSERT INTO search_index (rowid, text) VALUES (?, ?)",
        [(first + i, folded or text) for i, (_, _, text, folded) in enumerate(docs)],
    )


def _searched_texts(record: Title) -> list[tuple[str, str]]:
    """(field, text) of everything full-text search covers in a record."""
    texts: list[tuple[str, str]] = [("title", record.title)]
    if record.original_title:
        texts.append(("title", record.original_title))
    texts += [("aka", aka) for aka in record.akas]
    # Everyone credited, once each in credit order: `search keitel` finds Harvey Keitel's titles.
    credited = (getattr(item, "name", item) for field, _ in _NAMED_ROLES for item in getattr(record, field))
    texts += [("person", name) for name in dict.fromkeys(credited)]
    texts += [(field, text) for field in ("summary", "storyline") if (text := getattr(record, field))]
    texts += [("review", "\n\n".join(filter(None, (r.title, r.text)))) for r in record.reviews]
    texts += [(field, text) for field in tables.SEARCHED_LISTS for text in getattr(record, field)]
    return texts
