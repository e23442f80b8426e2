"""tables.py, the storage map, against the two things it maps: models.Title and schema.sql."""

from __future__ import annotations

import dataclasses
import re
import sqlite3

import pytest

from moviecli import db, tables
from moviecli.models import Awards, BoxOffice, CastMember, Review, Soundtrack, Title, Writer


@pytest.fixture(scope="module")
def schema() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.executescript(db.schema_sql())
    return conn


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def names(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def test_every_field_of_title_is_mapped_once_in_its_order() -> None:
    assert list(tables.FIELDS) == names(Title)


def test_the_parts_of_each_item_are_mapped_in_their_order() -> None:
    assert list(tables.AWARD_PARTS) == names(Awards)
    assert list(tables.CREDIT_PARTS["writer"]) == names(Writer)
    assert list(tables.CREDIT_PARTS["actor"]) == names(CastMember)
    assert {table: list(parts) for table, parts in tables.ROW_COLUMNS.items()} == {
        "soundtracks": names(Soundtrack),
        "reviews": names(Review),
        "box_office": names(BoxOffice),
    }
    assert tables.FIELDS["writers"] == (tables.CREDITS, "writer")
    assert tables.FIELDS["cast"] == (tables.CREDITS, "actor")


def test_every_mapped_column_is_in_the_schema(schema: sqlite3.Connection) -> None:
    titles = columns(schema, "titles")
    credits = columns(schema, "credits")
    for field, (how, where) in tables.FIELDS.items():
        if how == tables.COLUMN:
            assert where in titles, field
        elif how == tables.AWARDS:
            assert all(where + part in titles for part in tables.AWARD_PARTS), field
        elif how == tables.VALUES:
            table, column = where.split(".")
            assert columns(schema, table) == ["title_id", "position", column], field
        elif how == tables.ROWS:
            assert set(tables.ROW_COLUMNS[where].values()) <= set(columns(schema, where)), field
        elif how == tables.CREDITS:
            parts = tables.CREDIT_PARTS.get(where, ("name",))
            assert {p for p in parts if p != "name"} <= set(credits), field
            schema.execute("SAVEPOINT s")
            # The role is one the credits CHECK accepts (foreign keys are off on this connection).
            schema.execute("INSERT INTO credits (title_id, role, position, person_id) VALUES (1, ?, 0, 1)", (where,))
            schema.execute("ROLLBACK TO s")
        elif how == tables.NOTES:
            # The notes of a names-only role go in the credit column of that role's rows.
            assert "credit" in credits, field
            assert (tables.CREDITS, where) in tables.FIELDS.values() and where not in tables.CREDIT_PARTS, field
        else:
            assert how == tables.ITEMS, field


def test_title_items_accepts_exactly_the_item_lists(schema: sqlite3.Connection) -> None:
    check = schema.execute("SELECT sql FROM sqlite_master WHERE name = 'title_items'").fetchone()[0]
    listed = sorted(set(re.findall(r"list = '(\w+)'", check)))
    assert listed == sorted(tables.ITEM_LISTS)


def test_every_title_column_is_a_field_or_the_catalogs_own(schema: sqlite3.Connection) -> None:
    mapped = {*tables.TITLE_COLUMNS, *(f"awards_{part}" for part in tables.AWARD_PARTS)}
    assert set(columns(schema, "titles")) - mapped == {"id", "imdb_id", "page_id", "updated_at"}


def test_child_tables_are_every_table_with_a_title_id_a_page_fills(schema: sqlite3.Connection) -> None:
    with_title_id = {
        table
        for (table,) in schema.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if "title_id" in columns(schema, table)
    }
    # imdb_fills is written by load-imdb only; a page never has rows there.
    assert with_title_id - set(tables.CHILD_TABLES) == {"imdb_fills"}
